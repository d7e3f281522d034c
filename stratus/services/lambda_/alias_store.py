"""Aliases' rows: a name that points at one version of a function, optionally at a second one
with a weight (RoutingConfig.AdditionalVersionWeights)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from stratus.store import Database


@dataclass(frozen=True, slots=True)
class Alias:
    function_id: str
    name: str
    function_version: str  # "$LATEST" or a version number
    description: str
    additional_weights: dict[str, float] | None  # RoutingConfig.AdditionalVersionWeights
    revision_id: str


def _alias(row) -> Alias:
    weights = row["routing_config"]
    return Alias(
        function_id=row["function_id"],
        name=row["name"],
        function_version=row["function_version"],
        description=row["description"],
        additional_weights=json.loads(weights) if weights is not None else None,
        revision_id=row["revision_id"],
    )


def find_alias(db: Database, function_id: str, name: str) -> Alias | None:
    row = db.query_one("SELECT * FROM lambda_aliases WHERE function_id = ? AND name = ?", (function_id, name))
    return _alias(row) if row is not None else None


def list_aliases(db: Database, function_id: str, after: str, limit: int) -> list[Alias]:
    rows = db.query(
        "SELECT * FROM lambda_aliases WHERE function_id = ? AND name > ? ORDER BY name LIMIT ?",
        (function_id, after, limit),
    )
    return [_alias(row) for row in rows]


def aliases_of_version(db: Database, function_id: str, version: str) -> list[str]:
    """Names of the aliases that route to `version`, as primary or additional version."""
    rows = db.query(
        "SELECT name, function_version, routing_config FROM lambda_aliases WHERE function_id = ? ORDER BY name",
        (function_id,),
    )
    return [
        row["name"]
        for row in rows
        if row["function_version"] == version or version in json.loads(row["routing_config"] or "{}")
    ]


def put_alias(db: Database, alias: Alias) -> None:
    weights = json.dumps(alias.additional_weights) if alias.additional_weights is not None else None
    db.execute(
        "INSERT INTO lambda_aliases (function_id, name, function_version, description, routing_config,"
        " revision_id) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (function_id, name) DO UPDATE SET"
        " function_version = excluded.function_version, description = excluded.description,"
        " routing_config = excluded.routing_config, revision_id = excluded.revision_id",
        (
            alias.function_id,
            alias.name,
            alias.function_version,
            alias.description,
            weights,
            alias.revision_id,
        ),
    )


def delete_alias(db: Database, function_id: str, name: str) -> None:
    db.execute("DELETE FROM lambda_aliases WHERE function_id = ? AND name = ?", (function_id, name))
