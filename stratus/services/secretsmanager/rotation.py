"""Rotation: RotateSecret and CancelRotateSecret, and starting the rotations the schedule calls for.
SecretsManagerProvider supplies `db` and `runtime`.

RotateSecret stores the configuration, adds the empty version the rotation fills (its VersionId is
the ClientRequestToken; it carries AWSPENDING, as AWS's rotation functions expect) and hands the
rotation to the outbox (`rotation_runner`), which invokes the Lambda function for each step: the
operation answers at once and rotation goes on asynchronously, as in AWS. With RotateImmediately
false only the testSecret step runs, and the test version is removed afterwards.
"""

from __future__ import annotations

import secrets
import uuid
from typing import TYPE_CHECKING

from stratus.core.context import RequestContext
from stratus.core.outbox import enqueue
from stratus.protocol.errors import NotImplementedFeature, ServiceError
from stratus.services.secretsmanager import schedules
from stratus.services.secretsmanager.common import (
    AWSCURRENT,
    AWSPENDING,
    LAMBDA_ACCESS,
    AccessDeniedException,
    InvalidParameterException,
    InvalidRequestException,
    Secret,
    now,
)
from stratus.services.secretsmanager.identifiers import require_secret
from stratus.services.secretsmanager.replica_sync import mirror
from stratus.services.secretsmanager.rotation_runner import rotation_function_client
from stratus.services.secretsmanager.stages import attach, versions_to_remove
from stratus.services.secretsmanager.store import (
    delete_version,
    find_by_id,
    find_version,
    insert_version,
    stages_of,
    update_secret,
    versions_of,
    write_stages,
)
from stratus.services.secretsmanager.writes import client_token, forbid_deleted, forbid_replica, rescheduled
from stratus.store import Database

if TYPE_CHECKING:
    from stratus.core.clock import Clock
    from stratus.runtime import Runtime

ROTATE_KIND = "secretsmanager.rotate"
ROTATION_IN_PROGRESS = "A previous rotation isn't complete. That rotation will be reattempted."
NO_ROTATION_FUNCTION = "No Lambda rotation function ARN is associated with this secret."  # LocalStack's
NO_ROTATION_CONFIGURED = (  # AWS's documented InvalidRequestException case
    "You tried to enable rotation on a secret that doesn't already have a Lambda function ARN configured "
    "and you didn't include such an ARN as a parameter in this call."
)
EXTERNAL_ROTATION = "Stratus does not rotate managed external secrets (ExternalSecretRotationMetadata)."


def pending_elsewhere(stages: dict[str, str]) -> str | None:
    """The version AWSPENDING marks when it is not the current one: a rotation not finished."""
    pending = stages.get(AWSPENDING)
    return pending if pending is not None and pending != stages.get(AWSCURRENT) else None


def rotation_in_flight(db: Database, secret_id: int):
    return db.query_one("SELECT * FROM sm_rotations WHERE secret_id = ?", (secret_id,))


def begin_rotation(
    db: Database,
    secret: Secret,
    version_id: str,
    lambda_arn: str,
    immediately: bool,
    at: float,
    clock: Clock,
) -> None:
    """Make sure `version_id` exists and carries AWSPENDING, and hand the rotation to the outbox.
    Call inside a transaction."""
    stages = stages_of(db, secret.secret_id)
    if find_version(db, secret.secret_id, version_id) is None:
        existing = versions_of(db, secret.secret_id)
        for old in versions_to_remove(existing, stages, at):
            delete_version(db, secret.secret_id, old)
            stages = {stage: holder for stage, holder in stages.items() if holder != old}
        insert_version(db, secret.secret_id, version_id, at, None)
    write_stages(db, secret.secret_id, attach(stages, version_id, [AWSPENDING]))
    rotation_token = str(uuid.uuid4()) + "-" + secrets.token_hex(8)
    db.execute(
        "INSERT INTO sm_rotations (secret_id, version_id, rotation_token, lambda_arn, immediately, started_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (secret_id) DO UPDATE SET version_id = excluded.version_id, "
        "rotation_token = excluded.rotation_token, lambda_arn = excluded.lambda_arn, "
        "immediately = excluded.immediately, started_at = excluded.started_at",
        (secret.secret_id, version_id, rotation_token, lambda_arn, int(immediately), at),
    )
    enqueue(
        db,
        ROTATE_KIND,
        {"secret_id": secret.secret_id, "version_id": version_id, "rotation_token": rotation_token},
        clock=clock,
    )


def start_scheduled_rotations(db: Database, at: float, clock: Clock) -> int:
    """Start the rotations whose window opened (the sweep); returns how many."""
    rows = db.query(
        "SELECT secret_id FROM sm_secrets WHERE rotation_enabled = 1 AND next_rotation_at IS NOT NULL "
        "AND next_rotation_at <= ? AND deleted_at IS NULL AND primary_secret_id IS NULL",
        (at,),
    )
    started = 0
    for row in rows:
        with db.transaction():
            secret = find_by_id(db, row["secret_id"])
            if secret is None or not secret.rotation_lambda_arn or rotation_in_flight(db, secret.secret_id):
                continue
            # A rotation that did not finish is attempted again with its own version.
            version_id = pending_elsewhere(stages_of(db, secret.secret_id)) or str(uuid.uuid4())
            begin_rotation(db, secret, version_id, secret.rotation_lambda_arn, True, at, clock)
            update_secret(db, secret.secret_id, next_rotation_at=None)  # the next one counts from this
            mirror(db, secret.secret_id)
            started += 1
    return started


class RotationOperations:
    runtime: Runtime

    def db(self) -> Database:
        raise NotImplementedError

    async def rotate_secret(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        secret = require_secret(ctx, db, req["SecretId"])
        forbid_deleted(secret)
        forbid_replica(secret)
        token = client_token(ctx, req, InvalidParameterException)
        if req.get("ExternalSecretRotationMetadata") or req.get("ExternalSecretRotationRoleArn"):
            raise NotImplementedFeature(EXTERNAL_ROTATION)
        lambda_arn = req.get("RotationLambdaARN") or secret.rotation_lambda_arn
        if not lambda_arn:
            raise InvalidRequestException(NO_ROTATION_FUNCTION)
        raw_rules = req.get("RotationRules")
        rules = schedules.check_rules(raw_rules) if raw_rules is not None else None
        immediately = req.get("RotateImmediately") is not False
        if pending_elsewhere(stages_of(db, secret.secret_id)) not in (None, token):
            raise InvalidRequestException(ROTATION_IN_PROGRESS)
        if rotation_in_flight(db, secret.secret_id) is not None:
            raise InvalidRequestException(ROTATION_IN_PROGRESS)
        await self._check_function(ctx, secret, lambda_arn)
        at = now(ctx)
        with db.transaction():
            current = require_secret(ctx, db, secret.arn)
            forbid_deleted(current)
            changes: dict = {"rotation_enabled": 1, "rotation_lambda_arn": lambda_arn, "last_changed_at": at}
            if rules is not None:
                changes.update(
                    rotation_days=rules.days,
                    rotation_schedule=rules.schedule,
                    rotation_duration=rules.duration,
                )
            update_secret(db, current.secret_id, **changes)
            current = require_secret(ctx, db, secret.arn)
            # counted from now; a rotation that completes counts the next one from its completion
            update_secret(db, current.secret_id, **rescheduled(current, at))
            version = find_version(db, current.secret_id, token)
            already_current = (
                version is not None and stages_of(db, current.secret_id).get(AWSCURRENT) == token
            )
            if not already_current:
                begin_rotation(db, current, token, lambda_arn, immediately, at, self.runtime.clock)
            mirror(db, current.secret_id)
        return {"ARN": secret.arn, "Name": secret.name, "VersionId": token}

    async def _check_function(self, ctx: RequestContext, secret: Secret, lambda_arn: str) -> None:
        """Secrets Manager must be able to invoke the function (it exists, its policy allows
        secretsmanager.amazonaws.com): a DryRun invocation as that principal."""
        client = rotation_function_client(ctx.runtime, secret)
        try:
            await client.call("Invoke", {"FunctionName": lambda_arn, "InvocationType": "DryRun"})
        except ServiceError as error:
            if error.status >= 500:
                raise
            raise AccessDeniedException(LAMBDA_ACCESS) from None

    def cancel_rotate_secret(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        with db.transaction():
            secret = require_secret(ctx, db, req["SecretId"])
            forbid_deleted(secret)
            forbid_replica(secret)
            if not secret.rotation_lambda_arn:
                raise InvalidRequestException(NO_ROTATION_CONFIGURED)
            in_flight = rotation_in_flight(db, secret.secret_id)
            pending = pending_elsewhere(stages_of(db, secret.secret_id))
            db.execute("DELETE FROM sm_rotations WHERE secret_id = ?", (secret.secret_id,))
            update_secret(
                db,
                secret.secret_id,
                rotation_enabled=0,
                next_rotation_at=None,
                next_rotation_end_at=None,
                last_changed_at=now(ctx),
            )
            mirror(db, secret.secret_id)
        out = {"ARN": secret.arn, "Name": secret.name}
        version_id = in_flight["version_id"] if in_flight is not None else pending
        if version_id is not None:
            out["VersionId"] = version_id
        return out
