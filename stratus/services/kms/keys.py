"""Keys: CreateKey, DescribeKey, ListKeys, EnableKey, DisableKey, UpdateKeyDescription,
ScheduleKeyDeletion and CancelKeyDeletion. KmsProvider supplies `db` and `materials`."""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.core.ids import partition_for_region
from stratus.protocol.errors import NotImplementedFeature
from stratus.services.kms import specs
from stratus.services.kms.common import (
    DAY,
    KMSInvalidStateException,
    ValidationException,
    as_datetime,
    key_arn,
    now,
)
from stratus.services.kms.creation import new_key_id, write_key
from stratus.services.kms.keyring import KeyRing
from stratus.services.kms.material import generate, unsupported_spec
from stratus.services.kms.metadata import key_metadata
from stratus.services.kms.paging import decode_marker, encode_marker, page_size
from stratus.services.kms.policies import check_lockout, refuse_aws_managed, validate_policy
from stratus.services.kms.policy_documents import default_policy
from stratus.services.kms.states import (
    DISABLED,
    ENABLED,
    PENDING_DELETION,
    PENDING_IMPORT,
    PENDING_REPLICA_DELETION,
    require_manageable,
    require_not_pending_deletion,
)
from stratus.services.kms.store import Key, find_key, key_from_row, regions_of_key, save_key, write_tags
from stratus.services.kms.tags import tags_from_request

BOTH_SPECS = "You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is deprecated."  # guessed
USAGE_REQUIRED = "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys."
DEFAULT_WINDOW_DAYS = 30
MIN_WINDOW_DAYS, MAX_WINDOW_DAYS = 7, 30
CUSTOM_KEY_STORES = "Stratus does not implement custom key stores (CloudHSM and external key stores)"
# RSA key generation takes long enough (up to a second for RSA_4096) to go to a worker thread.
SLOW_SPECS = frozenset(specs.RSA_SPECS)


def usage_mismatch(usage: str, allowed: tuple[str, ...]) -> ValidationException:
    # AWS's wording for a symmetric key asked for SIGN_VERIFY; the same for other pairs is guessed.
    return ValidationException(
        f"The operation failed because the KeyUsage value of the CMK is {usage}. "
        f"To perform this operation, the KeyUsage value must be {' or '.join(allowed)}."
    )


def requested_spec_and_usage(req: dict) -> tuple[str, str]:
    if req.get("KeySpec") and req.get("CustomerMasterKeySpec"):
        raise ValidationException(BOTH_SPECS)
    spec = req.get("KeySpec") or req.get("CustomerMasterKeySpec") or specs.SYMMETRIC_DEFAULT
    usage = req.get("KeyUsage")
    if usage is None:
        if spec != specs.SYMMETRIC_DEFAULT:
            raise ValidationException(USAGE_REQUIRED)
        usage = specs.ENCRYPT_DECRYPT
    allowed = specs.USAGES[spec]
    if usage not in allowed:
        raise usage_mismatch(usage, allowed)
    if spec in specs.ML_DSA_SPECS or spec == specs.SM2:
        raise unsupported_spec(spec)
    return spec, usage


def window_days(req: dict) -> int:
    days = req.get("PendingWindowInDays")
    if days is None:
        return DEFAULT_WINDOW_DAYS
    if days < MIN_WINDOW_DAYS or days > MAX_WINDOW_DAYS:
        bound = (
            f"greater than or equal to {MIN_WINDOW_DAYS}"
            if days < MIN_WINDOW_DAYS
            else f"less than or equal to {MAX_WINDOW_DAYS}"
        )
        raise ValidationException(  # guessed: Coral's wording with KMS's documented 7-30 range
            f"1 validation error detected: Value '{days}' at 'pendingWindowInDays' failed to satisfy "
            f"constraint: Member must have value {bound}"
        )
    return days


class KeyOperations(KeyRing):
    async def create_key(self, ctx: RequestContext, req: dict) -> dict:
        spec, usage = requested_spec_and_usage(req)
        origin = req.get("Origin") or "AWS_KMS"
        if (
            origin in ("AWS_CLOUDHSM", "EXTERNAL_KEY_STORE")
            or req.get("CustomKeyStoreId")
            or req.get("XksKeyId")
        ):
            raise NotImplementedFeature(CUSTOM_KEY_STORES)
        tags = tags_from_request(req.get("Tags"))
        multi_region = bool(req.get("MultiRegion"))
        key_id = new_key_id(multi_region)
        policy = req.get("Policy")
        if policy is not None:
            validate_policy(policy)
            if not req.get("BypassPolicyLockoutSafetyCheck"):
                arn = key_arn(partition_for_region(ctx.region), ctx.region, ctx.account_id, key_id)
                check_lockout(ctx, arn, ctx.account_id, policy)
        raw = None
        if origin == "AWS_KMS":
            raw = await ctx.offload(generate, spec) if spec in SLOW_SPECS else generate(spec)
        at = now(ctx)
        key = Key(
            account_id=ctx.account_id,
            region=ctx.region,
            key_id=key_id,
            created=at,
            description=req.get("Description") or "",
            key_usage=usage,
            key_spec=spec,
            origin=origin,
            key_manager="CUSTOMER",
            key_state=ENABLED if raw is not None else PENDING_IMPORT,
            policy=policy if policy is not None else default_policy(ctx.region, ctx.account_id),
            multi_region=multi_region,
            primary_region=ctx.region if multi_region else None,
        )
        db = self.db()
        with db.transaction():
            key = write_key(db, self.materials, key, raw, at)
            if tags:
                write_tags(db, key, tags)
        return {"KeyMetadata": key_metadata(db, key)}

    def describe_key(self, ctx: RequestContext, req: dict) -> dict:
        key = self.key(ctx, req["KeyId"], params=req)
        return {"KeyMetadata": key_metadata(self.db(), key)}

    def list_keys(self, ctx: RequestContext, req: dict) -> dict:
        limit = page_size(req, 100, 1000)
        after = decode_marker(req.get("Marker")) or ""
        rows = self.db().query(
            "SELECT * FROM kms_keys WHERE account_id = ? AND region = ? AND key_id > ? "
            "AND NOT (key_state = ? AND deletion_date <= ?) ORDER BY key_id LIMIT ?",
            (ctx.account_id, ctx.region, after, PENDING_DELETION, now(ctx), limit + 1),
        )
        keys = [key_from_row(row) for row in rows]
        out: dict = {"Keys": [{"KeyId": k.key_id, "KeyArn": k.arn} for k in keys[:limit]]}
        if len(keys) > limit:
            out.update(Truncated=True, NextMarker=encode_marker(keys[limit - 1].key_id))
        else:
            out["Truncated"] = False
        return out

    def enable_key(self, ctx: RequestContext, req: dict) -> dict:
        self._set_enabled(ctx, req, ENABLED)
        return {}

    def disable_key(self, ctx: RequestContext, req: dict) -> dict:
        self._set_enabled(ctx, req, DISABLED)
        return {}

    def _set_enabled(self, ctx: RequestContext, req: dict, state: str) -> None:
        key = self.key(ctx, req["KeyId"], params=req)
        refuse_aws_managed(ctx, key, f"kms:{ctx.operation}")
        require_manageable(key)
        self._update(key, key_state=state)

    def update_key_description(self, ctx: RequestContext, req: dict) -> dict:
        key = self.key(ctx, req["KeyId"], params=req)
        refuse_aws_managed(ctx, key, "kms:UpdateKeyDescription")
        require_not_pending_deletion(key)
        self._update(key, description=req["Description"])
        return {}

    def schedule_key_deletion(self, ctx: RequestContext, req: dict) -> dict:
        key = self.key(ctx, req["KeyId"], params=req)
        refuse_aws_managed(ctx, key, "kms:ScheduleKeyDeletion")
        days = window_days(req)
        require_not_pending_deletion(key)
        db = self.db()
        with db.transaction():
            has_replicas = (
                key.multi_region
                and not key.is_replica
                and any(k.region != key.region for k in regions_of_key(db, key.account_id, key.key_id))
            )
            if has_replicas:
                # A primary waits for its replicas; its window starts when the last one is deleted.
                key = self._update(key, key_state=PENDING_REPLICA_DELETION, pending_window_days=days)
            else:
                key = self._update(
                    key,
                    key_state=PENDING_DELETION,
                    pending_window_days=days,
                    deletion_date=now(ctx) + days * DAY,
                )
        out: dict = {"KeyId": key.arn, "KeyState": key.key_state, "PendingWindowInDays": days}
        if key.deletion_date is not None:
            out["DeletionDate"] = as_datetime(key.deletion_date)
        return out

    def cancel_key_deletion(self, ctx: RequestContext, req: dict) -> dict:
        key = self.key(ctx, req["KeyId"], params=req)
        refuse_aws_managed(ctx, key, "kms:CancelKeyDeletion")
        if key.key_state not in (PENDING_DELETION, PENDING_REPLICA_DELETION):
            raise KMSInvalidStateException(f"{key.arn} is not pending deletion.")
        # Back to Disabled, as AWS does; a key still waiting for its imported material waits again.
        state = DISABLED if key.current_version is not None or key.origin != "EXTERNAL" else PENDING_IMPORT
        self._update(key, key_state=state, deletion_date=None, pending_window_days=None)
        return {"KeyId": key.arn}

    def _update(self, key: Key, **changes: object) -> Key:
        db = self.db()
        with db.transaction():
            fresh = find_key(db, key.account_id, key.region, key.key_id) or key
            updated = fresh.with_changes(**changes)
            save_key(db, updated)
        return updated
