"""Keeping replicas in step with their primary.

A replica is a real secret in its own region: same name, same ARN suffix, its own KMS key. Every
change of the primary ends with `mirror` in the same transaction, which copies the metadata,
versions, staging labels and tags to each replica that is in sync; a new or changed value is
encrypted beforehand, under each replica's key in the replica's region (`encrypt_for_replicas`),
because KMS is awaited and a transaction is never held across an await.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from stratus.core.context import RequestContext
from stratus.protocol.errors import ServiceError
from stratus.services.secretsmanager.common import EncryptedValue, Secret
from stratus.services.secretsmanager.encryption import decrypt_value, encrypt_value
from stratus.services.secretsmanager.store import (
    delete_version,
    find_by_id,
    insert_version,
    read_tags,
    set_version_value,
    stages_of,
    update_secret,
    versions_of,
    write_stages,
)
from stratus.store import Database

# Columns a replica takes from its primary (its key, dates of creation and of access are its own).
MIRRORED_COLUMNS = (
    "description",
    "secret_type",
    "owning_service",
    "last_changed_at",
    "rotation_enabled",
    "rotation_lambda_arn",
    "rotation_days",
    "rotation_schedule",
    "rotation_duration",
    "external_rotation_metadata",
    "external_rotation_role_arn",
    "last_rotated_at",
    "next_rotation_end_at",
    "policy",
    "tags_shown",
)


@dataclass(slots=True)
class ReplicaUpdate:
    """What one change of the primary brings its replicas: the new values encrypted for each
    ({region: {version_id: value}}), and the replicas that could not take them ({region: message}):
    as in AWS, a replica that fails is marked Failed and the primary's change goes through."""

    values: dict[str, dict[str, EncryptedValue]] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ReplicaTarget:
    region: str
    kms_key_id: str | None
    secret: Secret


def replica_targets(db: Database, primary: Secret) -> list[ReplicaTarget]:
    """The replicas of `primary` that exist and are in sync."""
    rows = db.query(
        "SELECT region, kms_key_id, replica_secret_id FROM sm_replicas "
        "WHERE primary_secret_id = ? AND replica_secret_id IS NOT NULL AND status = 'InSync' "
        "ORDER BY position",
        (primary.secret_id,),
    )
    targets = []
    for row in rows:
        replica = find_by_id(db, row["replica_secret_id"])
        if replica is not None:
            targets.append(ReplicaTarget(row["region"], row["kms_key_id"], replica))
    return targets


async def encrypt_for_replicas(
    ctx: RequestContext, targets: list[ReplicaTarget], version_id: str, value: str | bytes
) -> ReplicaUpdate:
    update = ReplicaUpdate()
    for target in targets:
        try:
            encrypted = await encrypt_value(
                ctx,
                account_id=target.secret.account_id,
                region=target.region,
                secret_arn=target.secret.arn,
                version_id=version_id,
                kms_key_id=target.kms_key_id,
                value=value,
            )
        except ServiceError as error:
            update.failures[target.region] = f"Replication failed: {error.message}"  # guessed wording
            continue
        update.values[target.region] = {version_id: encrypted}
    return update


async def encrypt_all_versions(
    ctx: RequestContext, db: Database, primary: Secret, target: ReplicaTarget
) -> dict[str, EncryptedValue]:
    """Every value of the primary, decrypted and encrypted again for one replica (a new replica, or
    one whose key changed)."""
    values: dict[str, EncryptedValue] = {}
    for version in versions_of(db, primary.secret_id):
        if not version.has_value:
            continue
        plaintext = await decrypt_value(
            ctx,
            account_id=primary.account_id,
            region=primary.region,
            secret_arn=primary.arn,
            version=version,
        )
        values[version.version_id] = await encrypt_value(
            ctx,
            account_id=target.secret.account_id,
            region=target.region,
            secret_arn=target.secret.arn,
            version_id=version.version_id,
            kms_key_id=target.kms_key_id,
            value=plaintext,
        )
    return values


def mirror(db: Database, primary_id: int, update: ReplicaUpdate | None = None) -> None:
    """Copy the primary's state to each replica in sync. Call inside the primary's transaction."""
    primary_row = db.query_one("SELECT * FROM sm_secrets WHERE secret_id = ?", (primary_id,))
    if primary_row is None:
        return
    for region, message in (update.failures if update else {}).items():
        db.execute(
            "UPDATE sm_replicas SET status = 'Failed', status_message = ? WHERE primary_secret_id = ? AND region = ?",
            (message, primary_id, region),
        )
    primary = find_by_id(db, primary_id)
    assert primary is not None
    targets = replica_targets(db, primary)
    if not targets:
        return
    primary_versions = versions_of(db, primary_id)
    stages = stages_of(db, primary_id)
    tags = read_tags(db, primary_id)
    for target in targets:
        replica_id = target.secret.secret_id
        update_secret(db, replica_id, **{column: primary_row[column] for column in MIRRORED_COLUMNS})
        changed = update.values.get(target.region, {}) if update else {}
        existing = {version.version_id: version for version in versions_of(db, replica_id)}
        wanted = {version.version_id for version in primary_versions}
        for version_id in existing.keys() - wanted:
            delete_version(db, replica_id, version_id)
        for version in primary_versions:
            value = changed.get(version.version_id)
            if version.version_id not in existing:
                insert_version(db, replica_id, version.version_id, version.created_at, value, seq=version.seq)
            elif value is not None:
                set_version_value(db, replica_id, version.version_id, value)
        write_stages(db, replica_id, stages)
        db.execute("DELETE FROM sm_tags WHERE secret_id = ?", (replica_id,))
        db.executemany(
            "INSERT INTO sm_tags (secret_id, key, value, position) VALUES (?, ?, ?, ?)",
            [(replica_id, tag["Key"], tag["Value"], index) for index, tag in enumerate(tags, 1)],
        )
