"""Secret values: GetSecretValue, BatchGetSecretValue, PutSecretValue. SecretsManagerProvider
supplies `db`."""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.protocol.errors import ServiceError
from stratus.services.secretsmanager.common import (
    AWSCURRENT,
    NO_VALUE_FOR_STAGE,
    NO_VALUE_FOR_VERSION,
    STAGE_NOT_ON_VERSION,
    InvalidParameterException,
    InvalidRequestException,
    ResourceExistsException,
    ResourceNotFoundException,
    Secret,
    as_datetime,
    now,
    start_of_day,
)
from stratus.services.secretsmanager.encryption import decrypt_value
from stratus.services.secretsmanager.identifiers import require_secret
from stratus.services.secretsmanager.listing import matching_secrets, page_of
from stratus.services.secretsmanager.replica_sync import mirror
from stratus.services.secretsmanager.store import (
    find_by_id,
    find_version,
    labels_by_version,
    stages_of,
    touch_version,
)
from stratus.services.secretsmanager.writes import (
    NEITHER_VALUE,
    VERSION_EXISTS,
    check_token_reuse,
    check_value_access,
    client_token,
    encrypt_new_value,
    forbid_deleted,
    forbid_replica,
    secret_value,
    store_version,
)
from stratus.store import Database

BATCH_DEFAULT_PAGE = 20
# Guessed wordings: AWS does not document them.
LIST_OR_FILTERS = "Either 'SecretIdList' or 'Filters' must be provided, but not both."
PAGING_NEEDS_FILTERS = (
    "'Filters' not specified. 'Filters' must also be specified when 'MaxResults' is provided."
)
BAD_ROTATION_TOKEN = "The RotationToken is not valid for this secret."


async def read_value(
    ctx: RequestContext, db: Database, secret: Secret, version_id: str | None, stage: str | None
) -> dict:
    """The GetSecretValue answer for one secret (and its LastAccessedDate recorded)."""
    forbid_deleted(secret)
    check_value_access(ctx, secret)
    stages = stages_of(db, secret.secret_id)
    if version_id is not None:
        version = find_version(db, secret.secret_id, version_id)
        if version is None:
            raise ResourceNotFoundException(NO_VALUE_FOR_VERSION.format(version_id=version_id))
        if stage is not None and stages.get(stage) != version_id:
            raise InvalidRequestException(STAGE_NOT_ON_VERSION)
        missing = NO_VALUE_FOR_VERSION.format(version_id=version_id)
    else:
        stage = stage or AWSCURRENT
        holder = stages.get(stage)
        version = find_version(db, secret.secret_id, holder) if holder is not None else None
        missing = NO_VALUE_FOR_STAGE.format(stage=stage)
        if version is None:
            raise ResourceNotFoundException(missing)
    if not version.has_value:
        raise ResourceNotFoundException(missing)
    plaintext = await decrypt_value(
        ctx, account_id=secret.account_id, region=secret.region, secret_arn=secret.arn, version=version
    )
    day = start_of_day(now(ctx))
    if version.last_accessed_at != day or secret.last_accessed_at != day:  # one write a day, not per read
        with db.transaction():
            current = find_by_id(db, secret.secret_id)
            if current is not None:
                touch_version(db, current, version.version_id, day)
    out: dict = {"ARN": secret.arn, "Name": secret.name, "VersionId": version.version_id}
    if isinstance(plaintext, str):
        out["SecretString"] = plaintext
    else:
        out["SecretBinary"] = plaintext
    out["VersionStages"] = labels_by_version(stages).get(version.version_id, [])
    out["CreatedDate"] = as_datetime(version.created_at)
    return out


def _check_get(ctx: RequestContext, secret) -> None:
    """BatchGetSecretValue needs secretsmanager:GetSecretValue on each secret it returns (AWS);
    a denial (enforce mode) becomes that secret's entry in Errors."""
    ctx.runtime.auth.check(
        ctx, "secretsmanager:GetSecretValue", secret.arn, resource_account=secret.account_id
    )


class ValueOperations:
    def db(self) -> Database:
        raise NotImplementedError

    async def get_secret_value(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        secret = require_secret(ctx, db, req["SecretId"])
        return await read_value(ctx, db, secret, req.get("VersionId"), req.get("VersionStage"))

    async def batch_get_secret_value(self, ctx: RequestContext, req: dict) -> dict:
        ids, filters = req.get("SecretIdList"), req.get("Filters")
        if (ids is None) == (filters is None):
            raise InvalidParameterException(LIST_OR_FILTERS)
        if req.get("MaxResults") is not None and filters is None:
            raise InvalidParameterException(PAGING_NEEDS_FILTERS)
        db = self.db()
        values: list[dict] = []
        errors: list[dict] = []
        out: dict = {}
        if ids is not None:
            for secret_id in ids:
                try:
                    secret = require_secret(ctx, db, secret_id)
                    _check_get(ctx, secret)
                    values.append(await read_value(ctx, db, secret, None, None))
                except ServiceError as error:
                    errors.append({"SecretId": secret_id, "ErrorCode": error.code, "Message": error.message})
        else:
            found = matching_secrets(db, ctx, filters, include_deleted=False)
            page, token = page_of(found, req.get("NextToken"), req.get("MaxResults") or BATCH_DEFAULT_PAGE)
            for secret in page:
                try:
                    _check_get(ctx, secret)
                    values.append(await read_value(ctx, db, secret, None, None))
                except ServiceError as error:
                    errors.append({"SecretId": secret.arn, "ErrorCode": error.code, "Message": error.message})
            if token is not None:
                out["NextToken"] = token
        out["SecretValues"] = values
        out["Errors"] = errors
        return out

    async def put_secret_value(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        secret = require_secret(ctx, db, req["SecretId"])
        forbid_deleted(secret)
        forbid_replica(secret)
        value = secret_value(req)
        if value is None:
            raise InvalidRequestException(NEITHER_VALUE)
        token = client_token(ctx, req)
        check_value_access(ctx, secret)
        rotation_token = req.get("RotationToken")
        if rotation_token is not None:
            row = db.query_one(
                "SELECT rotation_token FROM sm_rotations WHERE secret_id = ?", (secret.secret_id,)
            )
            if row is None or row["rotation_token"] != rotation_token:
                raise InvalidRequestException(BAD_ROTATION_TOKEN)
        labels = req.get("VersionStages") or [AWSCURRENT]
        out = {"ARN": secret.arn, "Name": secret.name, "VersionId": token}
        if await check_token_reuse(ctx, secret, find_version(db, secret.secret_id, token), value):
            out["VersionStages"] = labels_by_version(stages_of(db, secret.secret_id)).get(token, [])
            return out
        encrypted, replica_values = await encrypt_new_value(ctx, db, secret, token, value)
        with db.transaction():
            current = require_secret(ctx, db, secret.arn)
            forbid_deleted(current)
            existing = find_version(db, current.secret_id, token)
            if existing is not None and existing.has_value:  # the same token won a race meanwhile
                raise ResourceExistsException(VERSION_EXISTS)
            out["VersionStages"] = store_version(db, current, token, encrypted, labels, now(ctx))
            mirror(db, current.secret_id, replica_values)
        return out
