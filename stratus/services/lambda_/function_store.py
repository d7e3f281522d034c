"""Lambda functions' rows: the record, lookups, writes, tags."""

from __future__ import annotations

import json
from dataclasses import dataclass

from stratus.store import Database


@dataclass(frozen=True, slots=True)
class Function:
    function_id: str
    account_id: str
    region: str
    name: str
    arn: str
    config: dict  # the configuration members as FunctionConfiguration shows them
    code_blob_id: str
    code_sha256: str
    code_size: int
    code_unzipped_size: int
    revision_id: str
    last_modified: float
    reserved_concurrency: int | None
    created_at: float


def _function(row) -> Function:
    return Function(
        function_id=row["function_id"],
        account_id=row["account_id"],
        region=row["region"],
        name=row["name"],
        arn=row["arn"],
        config=json.loads(row["config"]),
        code_blob_id=row["code_blob_id"],
        code_sha256=row["code_sha256"],
        code_size=row["code_size"],
        code_unzipped_size=row["code_unzipped_size"],
        revision_id=row["revision_id"],
        last_modified=row["last_modified"],
        reserved_concurrency=row["reserved_concurrency"],
        created_at=row["created_at"],
    )


def find_function(db: Database, account_id: str, region: str, name: str) -> Function | None:
    row = db.query_one(
        "SELECT * FROM lambda_functions WHERE account_id = ? AND region = ? AND name = ?",
        (account_id, region, name),
    )
    return _function(row) if row is not None else None


def list_functions(db: Database, account_id: str, region: str, after: str, limit: int) -> list[Function]:
    rows = db.query(
        "SELECT * FROM lambda_functions WHERE account_id = ? AND region = ? AND name > ? ORDER BY name LIMIT ?",
        (account_id, region, after, limit),
    )
    return [_function(row) for row in rows]


def insert_function(db: Database, function: Function) -> None:
    db.execute(
        "INSERT INTO lambda_functions (function_id, account_id, region, name, arn, config, code_blob_id,"
        " code_sha256, code_size, code_unzipped_size, revision_id, last_modified, reserved_concurrency,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            function.function_id,
            function.account_id,
            function.region,
            function.name,
            function.arn,
            json.dumps(function.config),
            function.code_blob_id,
            function.code_sha256,
            function.code_size,
            function.code_unzipped_size,
            function.revision_id,
            function.last_modified,
            function.reserved_concurrency,
            function.created_at,
        ),
    )


def update_function(db: Database, function: Function) -> None:
    """Write back the mutable columns of `function` (configuration, code, revision, concurrency)."""
    db.execute(
        "UPDATE lambda_functions SET config = ?, code_blob_id = ?, code_sha256 = ?, code_size = ?,"
        " code_unzipped_size = ?, revision_id = ?, last_modified = ?, reserved_concurrency = ?"
        " WHERE function_id = ?",
        (
            json.dumps(function.config),
            function.code_blob_id,
            function.code_sha256,
            function.code_size,
            function.code_unzipped_size,
            function.revision_id,
            function.last_modified,
            function.reserved_concurrency,
            function.function_id,
        ),
    )


def delete_function(db: Database, function_id: str) -> None:
    db.execute("DELETE FROM lambda_function_tags WHERE function_id = ?", (function_id,))
    db.execute("DELETE FROM lambda_functions WHERE function_id = ?", (function_id,))


def account_usage(db: Database, account_id: str, region: str) -> tuple[int, int, int]:
    """(function count, total code size, sum of reserved concurrency) in one account and region."""
    row = db.query_one(
        "SELECT COUNT(*) AS n, COALESCE(SUM(code_size), 0) AS size,"
        " COALESCE(SUM(reserved_concurrency), 0) AS reserved"
        " FROM lambda_functions WHERE account_id = ? AND region = ?",
        (account_id, region),
    )
    return int(row["n"]), int(row["size"]), int(row["reserved"])


def tags_of(db: Database, function_id: str) -> dict[str, str]:
    rows = db.query(
        "SELECT key, value FROM lambda_function_tags WHERE function_id = ? ORDER BY key", (function_id,)
    )
    return {row["key"]: row["value"] for row in rows}


def put_tags(db: Database, function_id: str, tags: dict[str, str]) -> None:
    for key, value in tags.items():
        db.execute(
            "INSERT INTO lambda_function_tags (function_id, key, value) VALUES (?, ?, ?)"
            " ON CONFLICT (function_id, key) DO UPDATE SET value = excluded.value",
            (function_id, key, value),
        )


def remove_tags(db: Database, function_id: str, keys: list[str]) -> None:
    for key in keys:
        db.execute("DELETE FROM lambda_function_tags WHERE function_id = ? AND key = ?", (function_id, key))
