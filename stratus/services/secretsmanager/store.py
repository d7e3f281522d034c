"""The secretsmanager tables and their queries: secrets, versions, staging labels and tags.

Writers call these inside `db.transaction()`; nothing here awaits.
"""

from __future__ import annotations

from stratus.services.secretsmanager.common import (
    EncryptedValue,
    Secret,
    Version,
    secret_from_row,
    version_from_row,
)
from stratus.store import Database

# Columns of sm_secrets a caller may set through insert_secret/update_secret.
_SECRET_COLUMNS = frozenset(
    {
        "account_id",
        "region",
        "name",
        "arn",
        "description",
        "kms_key_id",
        "secret_type",
        "owning_service",
        "created_at",
        "last_changed_at",
        "last_accessed_at",
        "deleted_at",
        "deletion_due_at",
        "rotation_enabled",
        "rotation_lambda_arn",
        "rotation_days",
        "rotation_schedule",
        "rotation_duration",
        "external_rotation_metadata",
        "external_rotation_role_arn",
        "last_rotated_at",
        "rotation_base_at",
        "next_rotation_at",
        "next_rotation_end_at",
        "policy",
        "tags_shown",
        "primary_secret_id",
    }
)


def allocate(db: Database, name: str, count: int = 1) -> int:
    """Reserve `count` ids of sequence `name`; returns the first. Call inside a transaction."""
    db.execute(
        "INSERT INTO sm_sequences (name, last) VALUES (?, ?) "
        "ON CONFLICT (name) DO UPDATE SET last = sm_sequences.last + ?",
        (name, count, count),
    )
    row = db.query_one("SELECT last FROM sm_sequences WHERE name = ?", (name,))
    return row["last"] - count + 1


# -- secrets ---------------------------------------------------------------------------------


def find_by_name(db: Database, account_id: str, region: str, name: str) -> Secret | None:
    row = db.query_one(
        "SELECT * FROM sm_secrets WHERE account_id = ? AND region = ? AND name = ?",
        (account_id, region, name),
    )
    return secret_from_row(row) if row is not None else None


def find_by_arn(db: Database, account_id: str, region: str, arn: str) -> Secret | None:
    row = db.query_one(
        "SELECT * FROM sm_secrets WHERE arn = ? AND account_id = ? AND region = ?", (arn, account_id, region)
    )
    return secret_from_row(row) if row is not None else None


def find_by_id(db: Database, secret_id: int) -> Secret | None:
    row = db.query_one("SELECT * FROM sm_secrets WHERE secret_id = ?", (secret_id,))
    return secret_from_row(row) if row is not None else None


def secrets_in(db: Database, account_id: str, region: str) -> list[Secret]:
    rows = db.query(
        "SELECT * FROM sm_secrets WHERE account_id = ? AND region = ? ORDER BY secret_id",
        (account_id, region),
    )
    return [secret_from_row(row) for row in rows]


def insert_secret(db: Database, **fields: object) -> int:
    unknown = set(fields) - _SECRET_COLUMNS
    if unknown:
        raise ValueError(f"unknown secret columns: {sorted(unknown)}")
    secret_id = allocate(db, "secret")
    columns = ["secret_id", *fields]
    db.execute(
        f"INSERT INTO sm_secrets ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
        (secret_id, *fields.values()),
    )
    return secret_id


def update_secret(db: Database, secret_id: int, **fields: object) -> None:
    if not fields:
        return
    unknown = set(fields) - _SECRET_COLUMNS
    if unknown:
        raise ValueError(f"unknown secret columns: {sorted(unknown)}")
    assignments = ", ".join(f"{column} = ?" for column in fields)
    db.execute(f"UPDATE sm_secrets SET {assignments} WHERE secret_id = ?", (*fields.values(), secret_id))


def purge_secret(db: Database, secret_id: int) -> None:
    """Remove a secret and everything below it."""
    for table in ("sm_versions", "sm_stages", "sm_tags", "sm_rotations"):
        db.execute(f"DELETE FROM {table} WHERE secret_id = ?", (secret_id,))
    db.execute("DELETE FROM sm_replicas WHERE primary_secret_id = ?", (secret_id,))
    db.execute("DELETE FROM sm_secrets WHERE secret_id = ?", (secret_id,))


# -- versions --------------------------------------------------------------------------------


def versions_of(db: Database, secret_id: int) -> list[Version]:
    """Every version of a secret, oldest first."""
    rows = db.query("SELECT * FROM sm_versions WHERE secret_id = ? ORDER BY seq", (secret_id,))
    return [version_from_row(row) for row in rows]


def find_version(db: Database, secret_id: int, version_id: str) -> Version | None:
    row = db.query_one(
        "SELECT * FROM sm_versions WHERE secret_id = ? AND version_id = ?", (secret_id, version_id)
    )
    return version_from_row(row) if row is not None else None


def insert_version(
    db: Database,
    secret_id: int,
    version_id: str,
    created_at: float,
    value: EncryptedValue | None,
    *,
    seq: int | None = None,
) -> None:
    """Add a version; `value` None makes the empty version a rotation starts with."""
    if seq is None:
        seq = allocate(db, "version")
    db.execute(
        "INSERT INTO sm_versions (secret_id, version_id, seq, created_at, value_type, kms_key_id, "
        "encrypted_data_key, nonce, ciphertext) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            secret_id,
            version_id,
            seq,
            created_at,
            value.value_type if value else None,
            value.kms_key_id if value else None,
            value.encrypted_data_key if value else None,
            value.nonce if value else None,
            value.ciphertext if value else None,
        ),
    )


def set_version_value(db: Database, secret_id: int, version_id: str, value: EncryptedValue) -> None:
    """Give a version its (new) encrypted value: fills a rotation's empty version, or re-encrypts."""
    db.execute(
        "UPDATE sm_versions SET value_type = ?, kms_key_id = ?, encrypted_data_key = ?, nonce = ?, "
        "ciphertext = ? WHERE secret_id = ? AND version_id = ?",
        (
            value.value_type,
            value.kms_key_id,
            value.encrypted_data_key,
            value.nonce,
            value.ciphertext,
            secret_id,
            version_id,
        ),
    )


def delete_version(db: Database, secret_id: int, version_id: str) -> None:
    db.execute("DELETE FROM sm_versions WHERE secret_id = ? AND version_id = ?", (secret_id, version_id))
    db.execute("DELETE FROM sm_stages WHERE secret_id = ? AND version_id = ?", (secret_id, version_id))


def touch_version(db: Database, secret: Secret, version_id: str, day: float) -> None:
    """Record that a value was read today (LastAccessedDate of the version and of the secret)."""
    db.execute(
        "UPDATE sm_versions SET last_accessed_at = ? WHERE secret_id = ? AND version_id = ?",
        (day, secret.secret_id, version_id),
    )
    if secret.last_accessed_at != day:
        update_secret(db, secret.secret_id, last_accessed_at=day)


# -- staging labels --------------------------------------------------------------------------


def stages_of(db: Database, secret_id: int) -> dict[str, str]:
    """{stage: version_id} of a secret."""
    rows = db.query("SELECT stage, version_id FROM sm_stages WHERE secret_id = ?", (secret_id,))
    return {row["stage"]: row["version_id"] for row in rows}


def labels_by_version(stages: dict[str, str]) -> dict[str, list[str]]:
    """{version_id: sorted labels}, as AWS lists them."""
    labels: dict[str, list[str]] = {}
    for stage, version_id in stages.items():
        labels.setdefault(version_id, []).append(stage)
    return {version_id: sorted(found) for version_id, found in labels.items()}


def write_stages(db: Database, secret_id: int, stages: dict[str, str]) -> None:
    """Replace the staging labels of a secret with `stages` ({stage: version_id})."""
    db.execute("DELETE FROM sm_stages WHERE secret_id = ?", (secret_id,))
    db.executemany(
        "INSERT INTO sm_stages (secret_id, stage, version_id) VALUES (?, ?, ?)",
        [(secret_id, stage, version_id) for stage, version_id in stages.items()],
    )


# -- tags ------------------------------------------------------------------------------------


def read_tags(db: Database, secret_id: int) -> list[dict[str, str]]:
    rows = db.query("SELECT key, value FROM sm_tags WHERE secret_id = ? ORDER BY position", (secret_id,))
    return [{"Key": row["key"], "Value": row["value"]} for row in rows]


def tag_map(db: Database, secret_id: int) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in read_tags(db, secret_id)}


def write_tags(db: Database, secret_id: int, tags: list[dict[str, str]]) -> None:
    """Add or replace tags; a replaced tag keeps its place."""
    row = db.query_one("SELECT MAX(position) AS last FROM sm_tags WHERE secret_id = ?", (secret_id,))
    position = (row["last"] or 0) if row is not None else 0
    for tag in tags:
        position += 1
        db.execute(
            "INSERT INTO sm_tags (secret_id, key, value, position) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (secret_id, key) DO UPDATE SET value = excluded.value",
            (secret_id, tag["Key"], tag.get("Value", ""), position),
        )


def remove_tags(db: Database, secret_id: int, keys: list[str]) -> None:
    db.executemany("DELETE FROM sm_tags WHERE secret_id = ? AND key = ?", [(secret_id, key) for key in keys])
