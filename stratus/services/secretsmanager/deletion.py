"""Deleting secrets: DeleteSecret (a recovery window of 7 to 30 days, or at once), RestoreSecret,
and the background sweep that purges secrets whose window ended.

Like AWS, Stratus deletes in the background: the sweep runs every few seconds of Stratus clock
time, so advancing the clock past the DeletionDate makes the secret go. ForceDeleteWithoutRecovery
purges at once. SecretsManagerProvider supplies `db`.
"""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.services.secretsmanager.common import (
    DAY,
    MARKED_FOR_DELETION,
    InvalidParameterException,
    InvalidRequestException,
    as_datetime,
    now,
)
from stratus.services.secretsmanager.identifiers import (
    find_secret,
    parse_secret_arn,
    require_secret,
)
from stratus.services.secretsmanager.store import purge_secret, update_secret
from stratus.services.secretsmanager.writes import forbid_replica
from stratus.store import Database

DEFAULT_RECOVERY_DAYS = 30
MIN_RECOVERY_DAYS, MAX_RECOVERY_DAYS = 7, 30
PURGE_BATCH = 200
BOTH_OPTIONS = "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays."
BAD_WINDOW = "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive)."
HAS_REPLICAS = (  # guessed wording
    "You can't delete a primary secret that is replicated to other Regions. Remove the replicas first "
    "with RemoveRegionsFromReplication."
)


def purge_due(db: Database, at: float) -> int:
    """Purge the secrets whose recovery window ended by `at`; returns how many."""
    rows = db.query(
        "SELECT secret_id FROM sm_secrets WHERE deletion_due_at IS NOT NULL AND deletion_due_at <= ? LIMIT ?",
        (at, PURGE_BATCH),
    )
    for row in rows:
        with db.transaction():
            purge_secret(db, row["secret_id"])
    return len(rows)


class DeletionOperations:
    def db(self) -> Database:
        raise NotImplementedError

    def delete_secret(self, ctx: RequestContext, req: dict) -> dict:
        window = req.get("RecoveryWindowInDays")
        force = bool(req.get("ForceDeleteWithoutRecovery"))
        if window is not None and force:
            raise InvalidParameterException(BOTH_OPTIONS)
        if window is not None and not MIN_RECOVERY_DAYS <= window <= MAX_RECOVERY_DAYS:
            raise InvalidParameterException(BAD_WINDOW)
        db = self.db()
        at = now(ctx)
        with db.transaction():
            secret = find_secret(db, ctx.account_id, ctx.region, req["SecretId"])
            if secret is None and force:
                # AWS does not answer ResourceNotFoundException here; what it answers is guessed.
                return _nothing_deleted(ctx, req["SecretId"], at)
            secret = secret or require_secret(ctx, db, req["SecretId"])
            forbid_replica(secret)
            if db.query_one("SELECT 1 FROM sm_replicas WHERE primary_secret_id = ?", (secret.secret_id,)):
                raise InvalidRequestException(HAS_REPLICAS)
            if force:
                purge_secret(db, secret.secret_id)
                return {"ARN": secret.arn, "Name": secret.name, "DeletionDate": as_datetime(at)}
            if secret.scheduled_for_deletion:
                raise InvalidRequestException(MARKED_FOR_DELETION)
            due = at + (window or DEFAULT_RECOVERY_DAYS) * DAY
            update_secret(db, secret.secret_id, deleted_at=at, deletion_due_at=due, last_changed_at=at)
        return {"ARN": secret.arn, "Name": secret.name, "DeletionDate": as_datetime(due)}

    def restore_secret(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        with db.transaction():
            secret = require_secret(ctx, db, req["SecretId"])
            forbid_replica(secret)
            if secret.scheduled_for_deletion:
                update_secret(
                    db, secret.secret_id, deleted_at=None, deletion_due_at=None, last_changed_at=now(ctx)
                )
        return {"ARN": secret.arn, "Name": secret.name}


def _nothing_deleted(ctx: RequestContext, secret_id: str, at: float) -> dict:
    parsed = parse_secret_arn(secret_id) if secret_id.startswith("arn:") else None
    if parsed is not None:
        return {"ARN": secret_id, "Name": parsed.resource, "DeletionDate": as_datetime(at)}
    arn = f"arn:{ctx.partition}:secretsmanager:{ctx.region}:{ctx.account_id}:secret:{secret_id}"
    return {"ARN": arn, "Name": secret_id, "DeletionDate": as_datetime(at)}
