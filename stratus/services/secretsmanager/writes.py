"""What the operations that change a secret share: the checks AWS makes before any change, the
client request token, and adding a version (encrypted, labelled, counted, replicated)."""

from __future__ import annotations

import uuid

from stratus.core.context import RequestContext
from stratus.services.secretsmanager import schedules
from stratus.services.secretsmanager.common import (
    AWSCURRENT,
    CROSS_ACCOUNT_DEFAULT_KEY,
    MARKED_FOR_DELETION,
    NO_TOKEN,
    REPLICA_OPERATION,
    EncryptedValue,
    InvalidParameterException,
    InvalidRequestException,
    ResourceExistsException,
    Secret,
    Version,
)
from stratus.services.secretsmanager.encryption import decrypt_value, encrypt_value
from stratus.services.secretsmanager.replica_sync import (
    ReplicaUpdate,
    encrypt_for_replicas,
    replica_targets,
)
from stratus.services.secretsmanager.stages import attach, versions_to_remove
from stratus.services.secretsmanager.store import (
    delete_version,
    insert_version,
    set_version_value,
    stages_of,
    update_secret,
    versions_of,
    write_stages,
)
from stratus.store import Database

BOTH_VALUES = "You can't specify both a binary secret value and a string secret value in the same secret."
NEITHER_VALUE = "You must provide either SecretString or SecretBinary."  # LocalStack's, unverified
# guessed wording (AWS answers ResourceExistsException; the text is from memory)
VERSION_EXISTS = "You can't modify an existing version, you can only create a new version."


def secret_value(req: dict) -> str | bytes | None:
    """SecretString or SecretBinary (never both), or None."""
    text, binary = req.get("SecretString"), req.get("SecretBinary")
    if text is not None and binary is not None:
        raise InvalidParameterException(BOTH_VALUES)
    if binary is not None:
        return bytes(binary)
    return text


def client_token(ctx: RequestContext, req: dict, error: type = InvalidRequestException) -> str:
    """The ClientRequestToken (the new VersionId). SDKs always send one; a raw HTTP request without
    it is refused as AWS refuses it. Calls from other Stratus services get one, as an SDK would."""
    token = req.get("ClientRequestToken")
    if token is None:
        if ctx.request is None:
            return str(uuid.uuid4())
        raise error(NO_TOKEN)
    return token


def forbid_deleted(secret: Secret) -> None:
    if secret.scheduled_for_deletion:
        raise InvalidRequestException(MARKED_FOR_DELETION)


def forbid_replica(secret: Secret) -> None:
    if secret.is_replica:
        raise InvalidRequestException(REPLICA_OPERATION)


def check_value_access(ctx: RequestContext, secret: Secret) -> None:
    """Another account reaches a secret's value only if it is encrypted with a customer managed key."""
    if ctx.account_id != secret.account_id and not secret.kms_key_id:
        raise InvalidRequestException(CROSS_ACCOUNT_DEFAULT_KEY)


async def same_value(ctx: RequestContext, secret: Secret, version: Version, value: str | bytes) -> bool:
    """Whether an existing version holds `value` (a retried request with the same token)."""
    if not version.has_value:
        return False
    if (version.value_type == "string") != isinstance(value, str):
        return False
    stored = await decrypt_value(
        ctx, account_id=secret.account_id, region=secret.region, secret_arn=secret.arn, version=version
    )
    return stored == value


async def check_token_reuse(
    ctx: RequestContext, secret: Secret, version: Version | None, value: str | bytes
) -> bool:
    """True when `version` (the token's) already holds this value: the request changes nothing.
    ResourceExistsException when it holds another value. False for a new or empty version."""
    if version is None or not version.has_value:
        return False
    if await same_value(ctx, secret, version, value):
        return True
    raise ResourceExistsException(VERSION_EXISTS)


async def encrypt_new_value(
    ctx: RequestContext, db: Database, secret: Secret, version_id: str, value: str | bytes
) -> tuple[EncryptedValue, ReplicaUpdate]:
    """The value encrypted for the secret and for each of its replicas (before the transaction)."""
    encrypted = await encrypt_value(
        ctx,
        account_id=secret.account_id,
        region=secret.region,
        secret_arn=secret.arn,
        version_id=version_id,
        kms_key_id=secret.kms_key_id,
        value=value,
    )
    replicas = await encrypt_for_replicas(ctx, replica_targets(db, secret), version_id, value)
    return encrypted, replicas


def store_version(
    db: Database,
    secret: Secret,
    version_id: str,
    value: EncryptedValue | None,
    labels: list[str],
    now: float,
) -> list[str]:
    """Add a version (or give a rotation's empty version its value) and attach `labels`; returns
    the labels the version ends with. Call inside a transaction."""
    stages = stages_of(db, secret.secret_id)
    existing = {version.version_id: version for version in versions_of(db, secret.secret_id)}
    if AWSCURRENT not in stages and AWSCURRENT not in labels:
        labels = [*labels, AWSCURRENT]  # the first version of a secret is its current one
    if version_id in existing:
        if value is not None:
            set_version_value(db, secret.secret_id, version_id, value)
    else:
        for old in versions_to_remove(list(existing.values()), stages, now):
            delete_version(db, secret.secret_id, old)
            stages = {stage: holder for stage, holder in stages.items() if holder != old}
        insert_version(db, secret.secret_id, version_id, now, value)
    new_stages = attach(stages, version_id, labels)
    write_stages(db, secret.secret_id, new_stages)
    changes: dict = {"last_changed_at": now}
    if (
        stages.get(AWSCURRENT) != new_stages.get(AWSCURRENT)
        and secret.rotation_enabled
        and not _rotation_in_flight(db, secret.secret_id)
    ):
        changes.update(rescheduled(secret, now))
    update_secret(db, secret.secret_id, **changes)
    return sorted(stage for stage, holder in new_stages.items() if holder == version_id)


def _rotation_in_flight(db: Database, secret_id: int) -> bool:
    return db.query_one("SELECT 1 FROM sm_rotations WHERE secret_id = ?", (secret_id,)) is not None


def rescheduled(secret: Secret, base: float) -> dict:
    """The schedule columns after a rotation (or a manual change of the value) at `base`."""
    rules = schedules.Rules(secret.rotation_days, secret.rotation_schedule, secret.rotation_duration)
    if rules.days is None and rules.schedule is None:
        return {"rotation_base_at": base, "next_rotation_at": None, "next_rotation_end_at": None}
    window = schedules.next_window(rules, base)
    opens, closes = window if window is not None else (None, None)
    return {"rotation_base_at": base, "next_rotation_at": opens, "next_rotation_end_at": closes}
