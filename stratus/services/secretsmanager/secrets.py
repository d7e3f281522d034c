"""Secrets: CreateSecret, UpdateSecret, DescribeSecret. SecretsManagerProvider supplies `db`."""

from __future__ import annotations

from dataclasses import replace

from stratus.core.context import RequestContext
from stratus.services.secretsmanager import replication
from stratus.services.secretsmanager.common import (
    AWSCURRENT,
    AWSPENDING,
    AWSPREVIOUS,
    CREATE_WHILE_SCHEDULED,
    AccessDeniedException,
    InvalidRequestException,
    ResourceExistsException,
    exists_message,
    now,
)
from stratus.services.secretsmanager.describe import describe, replication_status
from stratus.services.secretsmanager.encryption import decrypt_value, encrypt_value
from stratus.services.secretsmanager.identifiers import check_name, require_secret, secret_arn
from stratus.services.secretsmanager.replica_sync import mirror
from stratus.services.secretsmanager.store import (
    find_by_name,
    find_version,
    insert_secret,
    set_version_value,
    stages_of,
    update_secret,
    write_tags,
)
from stratus.services.secretsmanager.tags import check_tags
from stratus.services.secretsmanager.writes import (
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

# Versions UpdateSecret re-encrypts when the secret's KMS key changes (AWS's documented set).
REENCRYPTED_STAGES = (AWSCURRENT, AWSPENDING, AWSPREVIOUS)


def _key(raw: str | None) -> str | None:
    """A KmsKeyId as stored: empty means aws/secretsmanager."""
    return raw or None


class SecretOperations:
    def db(self) -> Database:
        raise NotImplementedError

    async def create_secret(self, ctx: RequestContext, req: dict) -> dict:
        name = req["Name"]
        check_name(name)
        value = secret_value(req)
        token = client_token(ctx, req) if value is not None else req.get("ClientRequestToken")
        tags = req.get("Tags") or []
        check_tags(tags)
        add_regions = req.get("AddReplicaRegions") or []
        replication.check_new_regions(ctx.region, add_regions, set())
        db = self.db()
        existing = find_by_name(db, ctx.account_id, ctx.region, name)
        if existing is not None:
            return await self._create_again(ctx, db, existing, token, value)
        arn = secret_arn(ctx.region, ctx.account_id, name)
        kms_key_id = _key(req.get("KmsKeyId"))
        encrypted = None
        if value is not None:
            encrypted = await encrypt_value(
                ctx,
                account_id=ctx.account_id,
                region=ctx.region,
                secret_arn=arn,
                version_id=token,
                kms_key_id=kms_key_id,
                value=value,
            )
        created = now(ctx)
        with db.transaction():
            if find_by_name(db, ctx.account_id, ctx.region, name) is not None:
                raise ResourceExistsException(exists_message(name))
            secret_id = insert_secret(
                db,
                account_id=ctx.account_id,
                region=ctx.region,
                name=name,
                arn=arn,
                description=req.get("Description"),
                kms_key_id=kms_key_id,
                secret_type=req.get("Type") or None,
                created_at=created,
                last_changed_at=created,
                tags_shown=1 if tags else 0,
            )
            if tags:
                write_tags(db, secret_id, tags)
            secret = require_secret(ctx, db, arn)
            if encrypted is not None:
                store_version(db, secret, token, encrypted, [AWSCURRENT], created)
        out: dict = {"ARN": arn, "Name": name}
        if value is not None:
            out["VersionId"] = token
        if add_regions:
            out["ReplicationStatus"] = await replication.add_replicas(
                ctx, db, secret.secret_id, add_regions, bool(req.get("ForceOverwriteReplicaSecret"))
            )
        return out

    async def _create_again(self, ctx: RequestContext, db: Database, existing, token, value) -> dict:
        """CreateSecret for a name in use: the same request retried answers the same; anything else
        is refused."""
        if existing.scheduled_for_deletion:
            raise InvalidRequestException(CREATE_WHILE_SCHEDULED)
        if value is None or token is None:
            raise ResourceExistsException(exists_message(existing.name))
        version = find_version(db, existing.secret_id, token)
        if version is None:
            raise ResourceExistsException(exists_message(existing.name))
        if not await check_token_reuse(ctx, existing, version, value):
            raise ResourceExistsException(VERSION_EXISTS)
        out: dict = {"ARN": existing.arn, "Name": existing.name, "VersionId": token}
        status = replication_status(db, existing)
        if status is not None:
            out["ReplicationStatus"] = status
        return out

    async def update_secret(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        secret = require_secret(ctx, db, req["SecretId"])
        forbid_deleted(secret)
        forbid_replica(secret)
        value = secret_value(req)
        token = client_token(ctx, req) if value is not None else None
        key_given = "KmsKeyId" in req and req["KmsKeyId"] is not None
        new_key = _key(req.get("KmsKeyId")) if key_given else secret.kms_key_id
        if value is not None:
            check_value_access(ctx, secret)
        target = secret if new_key == secret.kms_key_id else _with_key(secret, new_key)
        reencrypted = await self._reencrypt(ctx, db, secret, target) if target is not secret else {}
        encrypted, replica_values = None, None
        unchanged = False
        if value is not None:
            unchanged = await check_token_reuse(ctx, target, find_version(db, secret.secret_id, token), value)
            if not unchanged:
                encrypted, replica_values = await encrypt_new_value(ctx, db, target, token, value)
        changed_at = now(ctx)
        with db.transaction():
            current = require_secret(ctx, db, secret.arn)
            forbid_deleted(current)
            changes: dict = {"last_changed_at": changed_at}
            if req.get("Description") is not None:
                changes["description"] = req["Description"]
            if req.get("Type") is not None:
                changes["secret_type"] = req["Type"] or None
            if key_given:
                changes["kms_key_id"] = new_key
            update_secret(db, current.secret_id, **changes)
            for version_id, encrypted_again in reencrypted.items():
                set_version_value(db, current.secret_id, version_id, encrypted_again)
            if encrypted is not None:
                store_version(
                    db, require_secret(ctx, db, secret.arn), token, encrypted, [AWSCURRENT], changed_at
                )
            mirror(db, current.secret_id, replica_values)
        out: dict = {"ARN": secret.arn, "Name": secret.name}
        if value is not None and (encrypted is not None or unchanged):
            out["VersionId"] = token
        return out

    async def _reencrypt(self, ctx: RequestContext, db: Database, secret, target) -> dict:
        """The labelled versions AWS re-encrypts under a secret's new key. Without permission to use
        the new key they stay as they are (as AWS documents); a key KMS cannot use fails the call."""
        stages = stages_of(db, secret.secret_id)
        wanted = {stages[stage] for stage in REENCRYPTED_STAGES if stage in stages}
        values = {}
        for version_id in sorted(wanted):
            version = find_version(db, secret.secret_id, version_id)
            if version is None or not version.has_value:
                continue
            plaintext = await decrypt_value(
                ctx,
                account_id=secret.account_id,
                region=secret.region,
                secret_arn=secret.arn,
                version=version,
            )
            try:
                values[version_id] = await encrypt_value(
                    ctx,
                    account_id=secret.account_id,
                    region=secret.region,
                    secret_arn=secret.arn,
                    version_id=version_id,
                    kms_key_id=target.kms_key_id,
                    value=plaintext,
                )
            except AccessDeniedException:
                return {}
        return values

    def describe_secret(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        return describe(db, require_secret(ctx, db, req["SecretId"]))


def _with_key(secret, kms_key_id: str | None):
    return replace(secret, kms_key_id=kms_key_id)
