"""Multi-Region secrets: ReplicateSecretToRegions, RemoveRegionsFromReplication,
StopReplicationToReplica (and CreateSecret's AddReplicaRegions). SecretsManagerProvider supplies `db`.

A replica is created as a real secret in the other region (same name and ARN suffix, its own KMS
key, every version encrypted again under it) and is kept in step by `replica_sync.mirror` on every
change of the primary. A name already taken in the replica region fails that replica (Status
Failed) unless ForceOverwriteReplicaSecret replaces the secret there. Status messages are guessed.
"""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.protocol.errors import ServiceError
from stratus.services.secretsmanager.common import (
    InvalidParameterException,
    InvalidRequestException,
    Secret,
    now,
)
from stratus.services.secretsmanager.describe import replication_status
from stratus.services.secretsmanager.identifiers import arn_in_region, require_secret
from stratus.services.secretsmanager.replica_sync import (
    ReplicaTarget,
    ReplicaUpdate,
    encrypt_all_versions,
    mirror,
)
from stratus.services.secretsmanager.store import (
    find_by_id,
    find_by_name,
    insert_secret,
    purge_secret,
    update_secret,
)
from stratus.services.secretsmanager.writes import forbid_deleted, forbid_replica
from stratus.store import Database

IN_SYNC, FAILED = "InSync", "Failed"
REPLICATED = "Replication succeeded"  # guessed
# Guessed wordings: AWS does not document them.
SAME_REGION = "Invalid replica region."
DUPLICATE_REGION = "Duplicate replica regions are not allowed."
ALREADY_REPLICATED = "The secret is already replicated to Region {region}."
NOT_REPLICATED = "The secret is not replicated to Region {region}."
NOT_A_REPLICA = "The secret is not a replica secret."


def name_taken(name: str, region: str) -> str:
    return f"Replication failed: Secret name {name} already exists in region {region}."


def check_new_regions(own_region: str, entries: list[dict], existing: set[str]) -> None:
    regions = [entry["Region"] for entry in entries]
    if len(set(regions)) != len(regions):
        raise InvalidParameterException(DUPLICATE_REGION)
    for region in regions:
        if region == own_region:
            raise InvalidParameterException(SAME_REGION)
        if region in existing:
            raise InvalidParameterException(ALREADY_REPLICATED.format(region=region))


def _replica_regions(db: Database, secret_id: int) -> dict[str, dict]:
    rows = db.query("SELECT * FROM sm_replicas WHERE primary_secret_id = ?", (secret_id,))
    return {row["region"]: dict(row) for row in rows}


async def add_replicas(
    ctx: RequestContext, db: Database, primary_id: int, entries: list[dict], force: bool
) -> list[dict]:
    """Create the replicas `entries` names ({Region, KmsKeyId?}); returns the ReplicationStatus."""
    primary = find_by_id(db, primary_id)
    assert primary is not None
    for entry in entries:
        region, kms_key_id = entry["Region"], entry.get("KmsKeyId") or None
        await _add_one(ctx, db, primary, region, kms_key_id, force)
    refreshed = find_by_id(db, primary_id)
    return replication_status(db, refreshed) or []


async def _add_one(
    ctx: RequestContext, db: Database, primary: Secret, region: str, kms_key_id: str | None, force: bool
) -> None:
    arn = arn_in_region(primary.arn, region)
    taken = _other_secret(db, primary, region)
    if taken is not None and not force:
        _record(db, primary.secret_id, region, kms_key_id, FAILED, name_taken(primary.name, region), None)
        return
    # Encrypt every value for the replica before writing anything (KMS is awaited).
    placeholder = Secret(**{**_fields(primary), "secret_id": -1, "region": region, "arn": arn})
    target = ReplicaTarget(region, kms_key_id, placeholder)
    try:
        values = await encrypt_all_versions(ctx, db, primary, target)
    except ServiceError as error:
        _record(
            db, primary.secret_id, region, kms_key_id, FAILED, f"Replication failed: {error.message}", None
        )
        return
    with db.transaction():
        own = find_by_name(db, primary.account_id, region, primary.name)
        if own is not None and own.primary_secret_id == primary.secret_id:
            purge_secret(db, own.secret_id)  # a replica of ours that fell out of sync: made again
        taken = _other_secret(db, primary, region)
        if taken is not None:
            if not force:
                _record(
                    db, primary.secret_id, region, kms_key_id, FAILED, name_taken(primary.name, region), None
                )
                return
            purge_secret(db, taken.secret_id)
        replica_id = insert_secret(
            db,
            account_id=primary.account_id,
            region=region,
            name=primary.name,
            arn=arn,
            kms_key_id=kms_key_id,
            created_at=now(ctx),
            last_changed_at=primary.last_changed_at,
            primary_secret_id=primary.secret_id,
        )
        _record(db, primary.secret_id, region, kms_key_id, IN_SYNC, REPLICATED, replica_id)
        mirror(db, primary.secret_id, ReplicaUpdate(values={region: values}))


def _other_secret(db: Database, primary: Secret, region: str) -> Secret | None:
    """A secret of the primary's name in `region` that is not the primary's own replica."""
    found = find_by_name(db, primary.account_id, region, primary.name)
    if found is not None and found.primary_secret_id == primary.secret_id:
        return None
    return found


def _fields(secret: Secret) -> dict:
    return {name: getattr(secret, name) for name in Secret.__dataclass_fields__}


def _record(
    db: Database,
    primary_id: int,
    region: str,
    kms_key_id: str | None,
    status: str,
    message: str,
    replica_id: int | None,
) -> None:
    with db.transaction():  # a savepoint when the caller has one open
        _upsert_replica(db, primary_id, region, kms_key_id, status, message, replica_id)


def _upsert_replica(
    db: Database,
    primary_id: int,
    region: str,
    kms_key_id: str | None,
    status: str,
    message: str,
    replica_id: int | None,
) -> None:
    row = db.query_one(
        "SELECT COALESCE(MAX(position), 0) AS last FROM sm_replicas WHERE primary_secret_id = ?",
        (primary_id,),
    )
    db.execute(
        "INSERT INTO sm_replicas (primary_secret_id, region, kms_key_id, status, status_message, "
        "replica_secret_id, position) VALUES (?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (primary_secret_id, region) DO UPDATE SET kms_key_id = excluded.kms_key_id, "
        "status = excluded.status, status_message = excluded.status_message, "
        "replica_secret_id = excluded.replica_secret_id",
        (primary_id, region, kms_key_id, status, message, replica_id, row["last"] + 1),
    )


class ReplicationOperations:
    def db(self) -> Database:
        raise NotImplementedError

    async def replicate_secret_to_regions(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        secret = require_secret(ctx, db, req["SecretId"])
        forbid_deleted(secret)
        forbid_replica(secret)
        existing = _replica_regions(db, secret.secret_id)
        # A replica that failed may be tried again; one in sync may not be added twice.
        in_sync = {region for region, row in existing.items() if row["status"] == IN_SYNC}
        check_new_regions(secret.region, req["AddReplicaRegions"], in_sync)
        status = await add_replicas(
            ctx, db, secret.secret_id, req["AddReplicaRegions"], bool(req.get("ForceOverwriteReplicaSecret"))
        )
        return {"ARN": secret.arn, "ReplicationStatus": status}

    def remove_regions_from_replication(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        with db.transaction():
            secret = require_secret(ctx, db, req["SecretId"])
            forbid_deleted(secret)
            forbid_replica(secret)
            existing = _replica_regions(db, secret.secret_id)
            for region in req["RemoveReplicaRegions"]:
                if region not in existing:
                    raise InvalidParameterException(NOT_REPLICATED.format(region=region))
            for region in req["RemoveReplicaRegions"]:
                replica_id = existing[region]["replica_secret_id"]
                if replica_id is not None:
                    purge_secret(db, replica_id)  # a replica is deleted at once
                db.execute(
                    "DELETE FROM sm_replicas WHERE primary_secret_id = ? AND region = ?",
                    (secret.secret_id, region),
                )
            update_secret(db, secret.secret_id, last_changed_at=now(ctx))
            status = replication_status(db, secret) or []
        return {"ARN": secret.arn, "ReplicationStatus": status}

    def stop_replication_to_replica(self, ctx: RequestContext, req: dict) -> dict:
        """Promote a replica to a standalone secret; called in the replica's region."""
        db = self.db()
        with db.transaction():
            secret = require_secret(ctx, db, req["SecretId"])
            if not secret.is_replica:
                raise InvalidRequestException(NOT_A_REPLICA)
            db.execute(
                "DELETE FROM sm_replicas WHERE primary_secret_id = ? AND region = ?",
                (secret.primary_secret_id, secret.region),
            )
            update_secret(db, secret.secret_id, primary_secret_id=None, last_changed_at=now(ctx))
        return {"ARN": secret.arn}
