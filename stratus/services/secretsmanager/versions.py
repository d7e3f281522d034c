"""Versions and staging labels: UpdateSecretVersionStage, ListSecretVersionIds.
SecretsManagerProvider supplies `db`."""

from __future__ import annotations

import base64
import binascii

from stratus.core.context import RequestContext
from stratus.services.secretsmanager.common import (
    DEFAULT_KMS_LABEL,
    NO_VALUE_FOR_VERSION,
    InvalidNextTokenException,
    ResourceNotFoundException,
    as_datetime,
    now,
)
from stratus.services.secretsmanager.identifiers import require_secret
from stratus.services.secretsmanager.listing import INVALID_TOKEN
from stratus.services.secretsmanager.replica_sync import mirror
from stratus.services.secretsmanager.stages import move
from stratus.services.secretsmanager.store import (
    find_version,
    labels_by_version,
    stages_of,
    update_secret,
    versions_of,
    write_stages,
)
from stratus.services.secretsmanager.writes import forbid_deleted, forbid_replica
from stratus.store import Database

DEFAULT_PAGE = 100


def _token(version_id: str) -> str:
    return base64.urlsafe_b64encode(version_id.encode()).decode()


def _after(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token.encode()).decode()
    except (ValueError, binascii.Error):
        raise InvalidNextTokenException(INVALID_TOKEN) from None


class VersionOperations:
    def db(self) -> Database:
        raise NotImplementedError

    def update_secret_version_stage(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        with db.transaction():
            secret = require_secret(ctx, db, req["SecretId"])
            forbid_deleted(secret)
            forbid_replica(secret)
            for version_id in (req.get("RemoveFromVersionId"), req.get("MoveToVersionId")):
                if version_id is not None and find_version(db, secret.secret_id, version_id) is None:
                    # guessed: the wording GetSecretValue uses for an unknown VersionId
                    raise ResourceNotFoundException(NO_VALUE_FOR_VERSION.format(version_id=version_id))
            stages = move(
                stages_of(db, secret.secret_id),
                req["VersionStage"],
                req.get("RemoveFromVersionId"),
                req.get("MoveToVersionId"),
            )
            write_stages(db, secret.secret_id, stages)
            update_secret(db, secret.secret_id, last_changed_at=now(ctx))
            mirror(db, secret.secret_id)
        return {"ARN": secret.arn, "Name": secret.name}

    def list_secret_version_ids(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        secret = require_secret(ctx, db, req["SecretId"])
        forbid_deleted(secret)
        labels = labels_by_version(stages_of(db, secret.secret_id))
        include_deprecated = bool(req.get("IncludeDeprecated"))
        versions = [
            version
            for version in versions_of(db, secret.secret_id)
            if include_deprecated or version.version_id in labels
        ]
        if req.get("NextToken") is not None:
            after = _after(req["NextToken"])
            ids = [version.version_id for version in versions]
            if after not in ids:  # a token of another listing, or of a version since removed
                raise InvalidNextTokenException(INVALID_TOKEN)
            versions = versions[ids.index(after) + 1 :]
        limit = req.get("MaxResults") or DEFAULT_PAGE
        page = versions[:limit]
        entries = []
        for version in page:
            entry: dict = {"VersionId": version.version_id}
            if version.version_id in labels:
                entry["VersionStages"] = labels[version.version_id]
            if version.last_accessed_at is not None:
                entry["LastAccessedDate"] = as_datetime(version.last_accessed_at)
            entry["CreatedDate"] = as_datetime(version.created_at)
            key = version.kms_key_id if version.has_value else secret.kms_key_id
            entry["KmsKeyIds"] = [key or DEFAULT_KMS_LABEL]
            entries.append(entry)
        out: dict = {"Versions": entries}
        if len(versions) > limit:
            out["NextToken"] = _token(page[-1].version_id)
        out["ARN"] = secret.arn
        out["Name"] = secret.name
        return out
