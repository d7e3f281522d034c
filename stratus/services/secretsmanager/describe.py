"""How a secret is answered: DescribeSecret, a ListSecrets entry, ReplicationStatus.

AWS answers only the fields that have a value; Tags appear (possibly empty) once a secret had tags.
"""

from __future__ import annotations

from stratus.services.secretsmanager.common import Secret, as_datetime
from stratus.services.secretsmanager.store import (
    find_by_id,
    labels_by_version,
    read_tags,
    stages_of,
)
from stratus.store import Database

DEFAULT_REPLICA_KEY = "alias/aws/secretsmanager"


def replication_status(db: Database, secret: Secret) -> list[dict] | None:
    """The replicas of a primary secret, as ReplicationStatus lists them (None: not replicated)."""
    rows = db.query(
        "SELECT * FROM sm_replicas WHERE primary_secret_id = ? ORDER BY position", (secret.secret_id,)
    )
    if not rows:
        return None
    entries = []
    for row in rows:
        entry: dict = {
            "Region": row["region"],
            "KmsKeyId": row["kms_key_id"] or DEFAULT_REPLICA_KEY,
            "Status": row["status"],
            "StatusMessage": row["status_message"],
        }
        if row["replica_secret_id"] is not None:
            replica = find_by_id(db, row["replica_secret_id"])
            if replica is not None and replica.last_accessed_at is not None:
                entry["LastAccessedDate"] = as_datetime(replica.last_accessed_at)
        entries.append(entry)
    return entries


def primary_region(db: Database, secret: Secret, replicated: bool) -> str | None:
    if secret.primary_secret_id is not None:
        primary = find_by_id(db, secret.primary_secret_id)
        return primary.region if primary is not None else None
    return secret.region if replicated else None


def _common(db: Database, secret: Secret) -> dict:
    out: dict = {"ARN": secret.arn, "Name": secret.name}
    if secret.secret_type is not None:
        out["Type"] = secret.secret_type
    if secret.description is not None:
        out["Description"] = secret.description
    if secret.kms_key_id:
        out["KmsKeyId"] = secret.kms_key_id
    if secret.rotation_enabled is not None:
        out["RotationEnabled"] = secret.rotation_enabled
    if secret.rotation_lambda_arn:
        out["RotationLambdaARN"] = secret.rotation_lambda_arn
    if secret.rotation_rules is not None:
        out["RotationRules"] = secret.rotation_rules
    if secret.external_rotation_metadata is not None:
        out["ExternalSecretRotationMetadata"] = secret.external_rotation_metadata
    if secret.external_rotation_role_arn is not None:
        out["ExternalSecretRotationRoleArn"] = secret.external_rotation_role_arn
    if secret.last_rotated_at is not None:
        out["LastRotatedDate"] = as_datetime(secret.last_rotated_at)
    out["LastChangedDate"] = as_datetime(secret.last_changed_at)
    if secret.last_accessed_at is not None:
        out["LastAccessedDate"] = as_datetime(secret.last_accessed_at)
    if secret.deleted_at is not None:
        out["DeletedDate"] = as_datetime(secret.deleted_at)
    if secret.rotation_enabled and secret.next_rotation_end_at is not None:
        out["NextRotationDate"] = as_datetime(secret.next_rotation_end_at)
    if secret.tags_shown:
        out["Tags"] = read_tags(db, secret.secret_id)
    if secret.owning_service is not None:
        out["OwningService"] = secret.owning_service
    out["CreatedDate"] = as_datetime(secret.created_at)
    return out


def describe(db: Database, secret: Secret) -> dict:
    out = _common(db, secret)
    versions = labels_by_version(stages_of(db, secret.secret_id))
    if versions:
        out["VersionIdsToStages"] = versions
    status = replication_status(db, secret) if not secret.is_replica else None
    region = primary_region(db, secret, status is not None)
    if region is not None:
        out["PrimaryRegion"] = region
    if status is not None:
        out["ReplicationStatus"] = status
    return out


def list_entry(db: Database, secret: Secret) -> dict:
    out = _common(db, secret)
    versions = labels_by_version(stages_of(db, secret.secret_id))
    if versions:
        out["SecretVersionsToStages"] = versions
    replicated = (
        not secret.is_replica
        and db.query_one("SELECT 1 FROM sm_replicas WHERE primary_secret_id = ?", (secret.secret_id,))
        is not None
    )
    region = primary_region(db, secret, replicated)
    if region is not None:
        out["PrimaryRegion"] = region
    return out
