"""Key rotation: EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus, RotateKeyOnDemand and
ListKeyRotations. Rotation adds a key material version and keeps every earlier one, so ciphertexts
made before still decrypt; automatic rotation runs on the Stratus clock (lifecycle.py)."""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.services.kms import specs
from stratus.services.kms.common import (
    DAY,
    LimitExceededException,
    UnsupportedOperationException,
    as_datetime,
    now,
    origin_not_valid,
)
from stratus.services.kms.keyring import KeyRing
from stratus.services.kms.lifecycle import add_rotation
from stratus.services.kms.paging import page
from stratus.services.kms.policies import refuse_aws_managed
from stratus.services.kms.states import PENDING_DELETION, PENDING_REPLICA_DELETION, require_enabled
from stratus.services.kms.store import Key, find_key, materials_of, save_key

DEFAULT_PERIOD_DAYS = 365
MAX_ON_DEMAND_ROTATIONS = 25
NOT_SYMMETRIC = "{arn} key spec is {spec} which is not valid for this operation."  # guessed
REPLICA = "{arn} is a multi-Region replica key. Rotation is managed on its primary key."  # guessed
ON_DEMAND_LIMIT = "The on-demand rotation limit of 25 has been reached for {arn}."  # guessed
NO_PENDING_MATERIAL = "{arn} has no imported key material pending rotation."  # guessed
MULTI_REGION_IMPORTED = (
    "On-demand rotation of multi-Region keys with imported key material is not supported."  # guessed
)


def require_rotatable(key: Key, *, imported_ok: bool = False) -> None:
    if key.key_spec != specs.SYMMETRIC_DEFAULT:
        raise UnsupportedOperationException(NOT_SYMMETRIC.format(arn=key.arn, spec=key.key_spec))
    if key.origin != "AWS_KMS" and not imported_ok:
        raise origin_not_valid(key.arn, key.origin)


def require_primary(key: Key) -> None:
    if key.is_replica:
        raise UnsupportedOperationException(REPLICA.format(arn=key.arn))


class RotationOperations(KeyRing):
    def enable_key_rotation(self, ctx: RequestContext, req: dict) -> dict:
        key = self.key(ctx, req["KeyId"], params=req)
        refuse_aws_managed(ctx, key, "kms:EnableKeyRotation")
        require_rotatable(key)
        require_primary(key)
        require_enabled(key)
        period = req.get("RotationPeriodInDays") or DEFAULT_PERIOD_DAYS
        at = now(ctx)
        if key.rotation_period_days is not None and key.next_rotation is not None:
            # A new period for a key already rotating: counted from the same starting point.
            start = key.next_rotation - key.rotation_period_days * DAY
            next_rotation = max(start + period * DAY, at)
        else:
            next_rotation = at + period * DAY
        self._save(key, rotation_period_days=period, next_rotation=next_rotation)
        return {}

    def disable_key_rotation(self, ctx: RequestContext, req: dict) -> dict:
        key = self.key(ctx, req["KeyId"], params=req)
        refuse_aws_managed(ctx, key, "kms:DisableKeyRotation")
        require_rotatable(key)
        require_primary(key)
        require_enabled(key)
        self._save(key, rotation_period_days=None, next_rotation=None)
        return {}

    def get_key_rotation_status(self, ctx: RequestContext, req: dict) -> dict:
        key = self.key(ctx, req["KeyId"], params=req)
        require_rotatable(key)
        schedule = key
        if key.is_replica and key.primary_region:
            schedule = find_key(self.db(), key.account_id, key.primary_region, key.key_id) or key
        pending_deletion = key.key_state in (PENDING_DELETION, PENDING_REPLICA_DELETION)
        enabled = schedule.rotation_period_days is not None and not pending_deletion
        out: dict = {"KeyRotationEnabled": enabled, "KeyId": key.key_id}
        if enabled:
            out["RotationPeriodInDays"] = schedule.rotation_period_days
            if schedule.next_rotation is not None:
                out["NextRotationDate"] = as_datetime(schedule.next_rotation)
        return out

    def rotate_key_on_demand(self, ctx: RequestContext, req: dict) -> dict:
        key = self.key(ctx, req["KeyId"], params=req)
        refuse_aws_managed(ctx, key, "kms:RotateKeyOnDemand")
        require_rotatable(key, imported_ok=True)
        require_primary(key)
        require_enabled(key)
        if key.on_demand_rotations >= MAX_ON_DEMAND_ROTATIONS:
            raise LimitExceededException(ON_DEMAND_LIMIT.format(arn=key.arn))
        db = self.db()
        with db.transaction():
            fresh = find_key(db, key.account_id, key.region, key.key_id) or key
            if fresh.origin == "EXTERNAL":
                fresh = self._rotate_to_imported(fresh, now(ctx))
            else:
                fresh = add_rotation(db, self.materials, fresh, now(ctx), "ON_DEMAND")
            save_key(db, fresh.with_changes(on_demand_rotations=fresh.on_demand_rotations + 1))
        return {"KeyId": key.key_id}

    def list_key_rotations(self, ctx: RequestContext, req: dict) -> dict:
        key = self.key(ctx, req["KeyId"], params=req)
        require_rotatable(key, imported_ok=True)
        everything = req.get("IncludeKeyMaterial") == "ALL_KEY_MATERIAL"
        entries = []
        for material in materials_of(self.db(), key):
            if not everything and material.rotation_type is None:
                continue
            entry: dict = {
                "KeyId": key.key_id,
                "KeyMaterialId": material.material_id,
                "KeyMaterialState": material.state,
            }
            if material.rotated is not None:
                entry["RotationDate"] = as_datetime(material.rotated)
            if material.rotation_type is not None:
                entry["RotationType"] = material.rotation_type
            if material.imported:
                entry["ImportState"] = "IMPORTED" if material.sealed is not None else "PENDING_IMPORT"
                if material.expiration_model:
                    entry["ExpirationModel"] = material.expiration_model
                if material.valid_to is not None:
                    entry["ValidTo"] = as_datetime(material.valid_to)
                if material.description is not None:
                    entry["KeyMaterialDescription"] = material.description
            entries.append((material.version, entry))
        chosen, more = page(entries, req, lambda item: f"{item[0]:010d}", default=100, maximum=1000)
        return {"Rotations": [entry for _, entry in chosen], **more}

    # -- helpers ----------------------------------------------------------------------------

    def _rotate_to_imported(self, key: Key, at: float) -> Key:
        """EXTERNAL keys rotate to the material imported for the purpose (PENDING_ROTATION)."""
        if key.multi_region:
            raise UnsupportedOperationException(MULTI_REGION_IMPORTED)
        db = self.db()
        pending = [m for m in materials_of(db, key) if m.state == "PENDING_ROTATION" and m.sealed is not None]
        if not pending:
            raise UnsupportedOperationException(NO_PENDING_MATERIAL.format(arn=key.arn))
        chosen = pending[-1]
        db.execute(
            "UPDATE kms_materials SET state = 'NON_CURRENT' WHERE account_id = ? AND region = ? AND key_id = ? "
            "AND state = 'CURRENT'",
            (key.account_id, key.region, key.key_id),
        )
        db.execute(
            "UPDATE kms_materials SET state = 'CURRENT', rotation_type = 'ON_DEMAND', rotated = ? "
            "WHERE account_id = ? AND region = ? AND key_id = ? AND version = ?",
            (at, key.account_id, key.region, key.key_id, chosen.version),
        )
        return key.with_changes(
            current_version=chosen.version, expiration_model=chosen.expiration_model, valid_to=chosen.valid_to
        )

    def _save(self, key: Key, **changes: object) -> None:
        db = self.db()
        with db.transaction():
            fresh = find_key(db, key.account_id, key.region, key.key_id) or key
            save_key(db, fresh.with_changes(**changes))
