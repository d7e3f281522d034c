"""Lambda layers' rows: each layer's version counter, its versions, and their policy statements.

Version numbers come from `lambda_layers.last_version` and are never reused, even after every
version is deleted. A version's `config` JSON holds the members it was published with
(Description, CompatibleRuntimes, CompatibleArchitectures, LicenseInfo) plus two of ours:
`unzipped_size`, and `deleted_at` on a tombstone. On AWS a function that already uses a layer
version keeps it after DeleteLayerVersion, so a deleted version that some function (or published
function version) still names stays as a tombstone, invisible to every layer operation, until
`collect_tombstones` finds nothing naming it any more.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from stratus.core.ids import partition_for_region
from stratus.store import Database, Reader

PUBLISHED_MEMBERS = ("Description", "CompatibleRuntimes", "CompatibleArchitectures", "LicenseInfo")


def layer_arn(region: str, account_id: str, name: str) -> str:
    return f"arn:{partition_for_region(region)}:lambda:{region}:{account_id}:layer:{name}"


@dataclass(frozen=True, slots=True)
class LayerVersion:
    account_id: str
    region: str
    name: str
    version: int
    config: dict
    content_blob_id: str
    code_sha256: str
    code_size: int
    policy_revision_id: str | None
    created_at: float

    @property
    def layer_arn(self) -> str:
        return layer_arn(self.region, self.account_id, self.name)

    @property
    def arn(self) -> str:
        return f"{self.layer_arn}:{self.version}"

    @property
    def unzipped_size(self) -> int:
        return int(self.config.get("unzipped_size") or 0)

    @property
    def deleted(self) -> bool:
        return self.config.get("deleted_at") is not None

    def members(self) -> dict:
        """The published members, as AWS shows them (absent lists stay absent, empty ones shown)."""
        return {key: self.config[key] for key in PUBLISHED_MEMBERS if key in self.config}


def _version(row) -> LayerVersion:
    return LayerVersion(
        account_id=row["account_id"],
        region=row["region"],
        name=row["name"],
        version=int(row["version"]),
        config=json.loads(row["config"]),
        content_blob_id=row["content_blob_id"],
        code_sha256=row["code_sha256"],
        code_size=int(row["code_size"]),
        policy_revision_id=row["policy_revision_id"],
        created_at=row["created_at"],
    )


_KEY = "account_id = ? AND region = ? AND name = ?"


# ---------------------------------------------------------------------------------- versions


def allocate_version(db: Database, account_id: str, region: str, name: str) -> int:
    """The next version number of a layer (creating the layer); call inside a transaction."""
    db.execute(
        "INSERT INTO lambda_layers (account_id, region, name, last_version) VALUES (?, ?, ?, 1)"
        " ON CONFLICT (account_id, region, name) DO UPDATE SET last_version = lambda_layers.last_version + 1",
        (account_id, region, name),
    )
    row = db.query_one(f"SELECT last_version FROM lambda_layers WHERE {_KEY}", (account_id, region, name))
    return int(row["last_version"])


def insert_version(db: Database, version: LayerVersion) -> None:
    db.execute(
        "INSERT INTO lambda_layer_versions (account_id, region, name, version, config, content_blob_id,"
        " code_sha256, code_size, policy_revision_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            version.account_id,
            version.region,
            version.name,
            version.version,
            json.dumps(version.config),
            version.content_blob_id,
            version.code_sha256,
            version.code_size,
            version.policy_revision_id,
            version.created_at,
        ),
    )


def find_version(
    db: Database | Reader,
    account_id: str,
    region: str,
    name: str,
    version: int,
    *,
    with_tombstones: bool = False,
) -> LayerVersion | None:
    row = db.query_one(
        f"SELECT * FROM lambda_layer_versions WHERE {_KEY} AND version = ?",
        (account_id, region, name, version),
    )
    if row is None:
        return None
    found = _version(row)
    return found if with_tombstones or not found.deleted else None


def versions_of(
    db: Database, account_id: str, region: str, name: str, *, below: int | None = None
) -> Iterator[LayerVersion]:
    """A layer's live versions, newest first (those older than `below` when given)."""
    rows = db.query(
        f"SELECT * FROM lambda_layer_versions WHERE {_KEY} AND version < ? ORDER BY version DESC",
        (account_id, region, name, below if below is not None else 2**62),
    )
    return (version for version in map(_version, rows) if not version.deleted)


def all_versions(db: Database, account_id: str, region: str, after_name: str) -> Iterator[LayerVersion]:
    """Every live version of the layers named after `after_name`, by name, newest version first."""
    rows = db.query(
        "SELECT * FROM lambda_layer_versions WHERE account_id = ? AND region = ? AND name > ?"
        " ORDER BY name, version DESC",
        (account_id, region, after_name),
    )
    return (version for version in map(_version, rows) if not version.deleted)


def delete_version(db: Database, version: LayerVersion) -> None:
    key = (version.account_id, version.region, version.name, version.version)
    db.execute(f"DELETE FROM lambda_layer_version_statements WHERE {_KEY} AND version = ?", key)
    db.execute(f"DELETE FROM lambda_layer_versions WHERE {_KEY} AND version = ?", key)


def bury_version(db: Database, version: LayerVersion, now: float) -> None:
    """Make `version` a tombstone: gone for layer operations, kept for the functions using it."""
    config = dict(version.config, deleted_at=now)
    db.execute(
        f"UPDATE lambda_layer_versions SET config = ? WHERE {_KEY} AND version = ?",
        (json.dumps(config), version.account_id, version.region, version.name, version.version),
    )


def _like_literal(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def is_named_by_a_function(db: Database, version_arn: str) -> bool:
    """Whether a function's configuration (any version of it) lists this layer version."""
    # The ARN is stored as a JSON string: quoted, and free of characters JSON would escape.
    pattern = f"%{_like_literal(json.dumps(version_arn))}%"
    for table in ("lambda_functions", "lambda_versions"):
        row = db.query_one(f"SELECT 1 FROM {table} WHERE config LIKE ? ESCAPE '\\' LIMIT 1", (pattern,))
        if row is not None:
            return True
    return False


def collect_tombstones(db: Database) -> list[str]:
    """Delete the tombstones no function names any more; the blob ids to discard after commit."""
    rows = db.query("SELECT * FROM lambda_layer_versions WHERE config LIKE '%\"deleted\\_at\"%' ESCAPE '\\'")
    freed = []
    for version in map(_version, rows):
        if version.deleted and not is_named_by_a_function(db, version.arn):
            delete_version(db, version)
            freed.append(version.content_blob_id)
    return freed


# --------------------------------------------------------------------------- policy statements


def statements_of(db: Database | Reader, version: LayerVersion) -> list[dict]:
    rows = db.query(
        f"SELECT statement FROM lambda_layer_version_statements WHERE {_KEY} AND version = ? ORDER BY position",
        (version.account_id, version.region, version.name, version.version),
    )
    return [json.loads(row["statement"]) for row in rows]


def add_statement(db: Database, version: LayerVersion, statement: dict, revision_id: str) -> None:
    key = (version.account_id, version.region, version.name, version.version)
    row = db.query_one(
        f"SELECT COALESCE(MAX(position), 0) AS last FROM lambda_layer_version_statements WHERE {_KEY}"
        " AND version = ?",
        key,
    )
    db.execute(
        "INSERT INTO lambda_layer_version_statements (account_id, region, name, version, statement_id,"
        " statement, position) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (*key, statement["Sid"], json.dumps(statement), int(row["last"]) + 1),
    )
    _set_revision(db, version, revision_id)


def remove_statement(db: Database, version: LayerVersion, statement_id: str, revision_id: str) -> bool:
    """False when no statement has that id."""
    key = (version.account_id, version.region, version.name, version.version)
    removed = db.execute(
        f"DELETE FROM lambda_layer_version_statements WHERE {_KEY} AND version = ? AND statement_id = ?",
        (*key, statement_id),
    ).rowcount
    if removed:
        _set_revision(db, version, revision_id)
    return bool(removed)


def _set_revision(db: Database, version: LayerVersion, revision_id: str) -> None:
    db.execute(
        f"UPDATE lambda_layer_versions SET policy_revision_id = ? WHERE {_KEY} AND version = ?",
        (revision_id, version.account_id, version.region, version.name, version.version),
    )
