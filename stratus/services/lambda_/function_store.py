"""Lambda functions' rows: the record, lookups, writes, tags, and the published versions.

A `Function` is one version of a function: `$LATEST` (the row of lambda_functions) or a published
version (a row of lambda_versions, an immutable copy of `$LATEST` at publish time). Both share the
function's id, name, unqualified ARN, tags and reserved concurrency.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from stratus.services.lambda_.common import LATEST
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
    version: str = LATEST
    last_version: int = 0  # the highest version number ever published

    @property
    def qualified_arn(self) -> str:
        return f"{self.arn}:{self.version}"

    @property
    def is_latest(self) -> bool:
        return self.version == LATEST

    @property
    def runtime_identity(self) -> str:
        """What a warm execution environment depends on: the code and configuration. Not the
        RevisionId, which a resource-policy change renews too."""
        return f"{self.code_blob_id}:{self.last_modified!r}"


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
        last_version=row["last_version"],
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


# Every table whose rows belong to one function (by function_id) and go when it is deleted.
_FUNCTION_TABLES = (
    "lambda_function_tags",
    "lambda_versions",
    "lambda_aliases",
    "lambda_policy_statements",
    "lambda_url_configs",
    "lambda_event_invoke_configs",
    "lambda_provisioned_concurrency",
    "lambda_function_code_signing",
    "lambda_function_settings",
)
# Rows that belong to one version or alias (by qualifier) and go when it is deleted.
_QUALIFIER_TABLES = (
    "lambda_policy_statements",
    "lambda_url_configs",
    "lambda_event_invoke_configs",
    "lambda_provisioned_concurrency",
    "lambda_function_settings",
)


def delete_function(db: Database, function_id: str) -> None:
    for table in _FUNCTION_TABLES:
        db.execute(f"DELETE FROM {table} WHERE function_id = ?", (function_id,))  # noqa: S608 (fixed names)
    db.execute("DELETE FROM lambda_functions WHERE function_id = ?", (function_id,))


def delete_qualifier_rows(db: Database, function_id: str, qualifier: str) -> None:
    """What a deleted version or alias leaves behind: its policy, URL, configs, settings."""
    for table in _QUALIFIER_TABLES:
        db.execute(
            f"DELETE FROM {table} WHERE function_id = ? AND qualifier = ?",  # noqa: S608 (fixed names)
            (function_id, qualifier),
        )


# ---------------------------------------------------------------------- versions


def find_version(db: Database, latest: Function, version: int) -> Function | None:
    """Published version `version` of the function whose `$LATEST` is `latest`."""
    row = db.query_one(
        "SELECT * FROM lambda_versions WHERE function_id = ? AND version = ?", (latest.function_id, version)
    )
    return _version(latest, row) if row is not None else None


def list_versions(db: Database, latest: Function, after: int, limit: int) -> list[Function]:
    rows = db.query(
        "SELECT * FROM lambda_versions WHERE function_id = ? AND version > ? ORDER BY version LIMIT ?",
        (latest.function_id, after, limit),
    )
    return [_version(latest, row) for row in rows]


def newest_version(db: Database, latest: Function) -> Function | None:
    row = db.query_one(
        "SELECT * FROM lambda_versions WHERE function_id = ? ORDER BY version DESC LIMIT 1",
        (latest.function_id,),
    )
    return _version(latest, row) if row is not None else None


def insert_version(db: Database, version: Function) -> None:
    """Store `version` (a copy of `$LATEST` with its number, config and revision) and count it."""
    db.execute(
        "INSERT INTO lambda_versions (function_id, version, config, code_blob_id, code_sha256, code_size,"
        " code_unzipped_size, revision_id, last_modified, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            version.function_id,
            int(version.version),
            json.dumps(version.config),
            version.code_blob_id,
            version.code_sha256,
            version.code_size,
            version.code_unzipped_size,
            version.revision_id,
            version.last_modified,
            version.created_at,
        ),
    )
    db.execute(
        "UPDATE lambda_functions SET last_version = ? WHERE function_id = ?",
        (int(version.version), version.function_id),
    )


def delete_version(db: Database, function_id: str, version: int) -> None:
    db.execute("DELETE FROM lambda_versions WHERE function_id = ? AND version = ?", (function_id, version))
    delete_qualifier_rows(db, function_id, str(version))


def version_blobs(db: Database, function_id: str) -> list[str]:
    rows = db.query("SELECT DISTINCT code_blob_id FROM lambda_versions WHERE function_id = ?", (function_id,))
    return [row["code_blob_id"] for row in rows]


def blob_in_use(db: Database, blob_id: str) -> bool:
    """Whether `$LATEST` of some function or a published version still runs this code."""
    row = db.query_one(
        "SELECT 1 FROM lambda_versions WHERE code_blob_id = ?"
        " UNION ALL SELECT 1 FROM lambda_functions WHERE code_blob_id = ? LIMIT 1",
        (blob_id, blob_id),
    )
    return row is not None


def _version(latest: Function, row) -> Function:
    """A published version: the function's identity, the version row's code and configuration."""
    return replace(
        latest,
        config=json.loads(row["config"]),
        code_blob_id=row["code_blob_id"],
        code_sha256=row["code_sha256"],
        code_size=row["code_size"],
        code_unzipped_size=row["code_unzipped_size"],
        revision_id=row["revision_id"],
        last_modified=row["last_modified"],
        created_at=row["created_at"],
        version=str(row["version"]),
    )


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
