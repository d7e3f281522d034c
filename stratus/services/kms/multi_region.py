"""Multi-Region keys: ReplicateKey (a replica in another Region with the same key id and key
material) and UpdatePrimaryRegion. Rotation is a property of the primary: its new material goes to
every replica (lifecycle.add_rotation)."""

from __future__ import annotations

import re

from stratus.core.context import RequestContext
from stratus.services.kms.common import (
    AlreadyExistsException,
    UnsupportedOperationException,
    ValidationException,
    key_not_found,
    now,
)
from stratus.services.kms.keyring import KeyRing
from stratus.services.kms.lifecycle import copy_materials
from stratus.services.kms.metadata import key_metadata
from stratus.services.kms.policies import check_lockout, validate_policy
from stratus.services.kms.policy_documents import default_policy
from stratus.services.kms.states import (
    DISABLED,
    ENABLED,
    PENDING_DELETION,
    PENDING_IMPORT,
    PENDING_REPLICA_DELETION,
    invalid_state,
    state_error,
)
from stratus.services.kms.store import Key, find_key, insert_key, regions_of_key, save_key, write_tags
from stratus.services.kms.tags import as_tag_list, tags_from_request

_REGION = re.compile(r"([a-z]+-){2,3}\d+")
# guessed wordings
NOT_MULTI_REGION = "{arn} is not a multi-Region key."
NOT_PRIMARY = "{arn} is not a multi-Region primary key."
SAME_REGION = "The replica Region must be different from the Region of the primary key."
REPLICA_EXISTS = "A replica of {key_id} already exists in {region}."
NO_REPLICA = "{arn} has no replica in {region}."


def require_primary(key: Key) -> None:
    if not key.multi_region:
        raise UnsupportedOperationException(NOT_MULTI_REGION.format(arn=key.arn))
    if key.is_replica:
        raise UnsupportedOperationException(NOT_PRIMARY.format(arn=key.arn))


def check_region(region: str) -> None:
    if _REGION.fullmatch(region) is None:
        raise ValidationException(
            f"1 validation error detected: Value '{region}' at 'replicaRegion' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: ^([a-z]+-){2,3}\\d+$"
        )


class MultiRegionOperations(KeyRing):
    def replicate_key(self, ctx: RequestContext, req: dict) -> dict:
        key = self.key(ctx, req["KeyId"], params=req)
        require_primary(key)
        if key.key_state in (PENDING_DELETION, PENDING_REPLICA_DELETION):
            raise invalid_state(key)
        if key.key_state == DISABLED:
            raise state_error(key)
        region = req["ReplicaRegion"]
        check_region(region)
        if region == key.region:
            raise ValidationException(SAME_REGION)
        tags = tags_from_request(req.get("Tags"))
        replica_arn = key.arn.replace(f":{key.region}:", f":{region}:", 1)
        policy = req.get("Policy")
        if policy is not None:
            validate_policy(policy)
            if not req.get("BypassPolicyLockoutSafetyCheck"):
                check_lockout(ctx, replica_arn, key.account_id, policy)
        else:
            policy = default_policy(region, key.account_id)
        db = self.db()
        with db.transaction():
            if find_key(db, key.account_id, region, key.key_id) is not None:
                raise AlreadyExistsException(REPLICA_EXISTS.format(key_id=key.key_id, region=region))
            has_material = key.key_state != PENDING_IMPORT and key.origin == "AWS_KMS"
            replica = Key(
                account_id=key.account_id,
                region=region,
                key_id=key.key_id,
                created=now(ctx),
                description=req.get("Description") or "",
                key_usage=key.key_usage,
                key_spec=key.key_spec,
                origin=key.origin,
                key_manager=key.key_manager,
                # A replica of a key with imported material waits for the same material.
                key_state=ENABLED if has_material else PENDING_IMPORT,
                policy=policy,
                multi_region=True,
                primary_region=key.region,
                current_version=key.current_version if has_material else None,
            )
            insert_key(db, replica)
            if key.origin == "AWS_KMS":
                copy_materials(db, self.materials, key, replica)
            else:
                self._copy_material_ids(db, key, replica)
            if tags:
                write_tags(db, replica, tags)
        metadata = key_metadata(db, replica)
        # AWS answers while the replica is still being made; it is Enabled by the next call.
        if replica.key_state == ENABLED:
            metadata.update(KeyState="Creating", Enabled=False)
        return {"ReplicaKeyMetadata": metadata, "ReplicaPolicy": policy, "ReplicaTags": as_tag_list(tags)}

    def update_primary_region(self, ctx: RequestContext, req: dict) -> dict:
        key = self.key(ctx, req["KeyId"], params=req)
        if not key.multi_region:
            raise UnsupportedOperationException(NOT_MULTI_REGION.format(arn=key.arn))
        if key.key_state in (PENDING_DELETION, PENDING_REPLICA_DELETION):
            raise invalid_state(key)
        region = req["PrimaryRegion"]
        check_region(region)
        db = self.db()
        with db.transaction():
            related = regions_of_key(db, key.account_id, key.key_id)
            primary = next((k for k in related if k.region == k.primary_region), key)
            target = next((k for k in related if k.region == region), None)
            if target is None:
                raise key_not_found(key.arn.replace(f":{key.region}:", f":{region}:", 1))
            if target.key_state in (PENDING_DELETION, PENDING_REPLICA_DELETION):
                raise invalid_state(target)
            if region == primary.region:
                return {}
            for copy in related:
                changes: dict = {"primary_region": region}
                if copy.region == region:  # the schedule of rotation moves to the new primary
                    changes.update(
                        rotation_period_days=primary.rotation_period_days,
                        next_rotation=primary.next_rotation,
                        on_demand_rotations=primary.on_demand_rotations,
                    )
                elif copy.region == primary.region:
                    changes.update(rotation_period_days=None, next_rotation=None)
                save_key(db, copy.with_changes(**changes))
        return {}

    def _copy_material_ids(self, db, source: Key, replica: Key) -> None:
        """Imported material is not copied: the replica knows which material it must be given."""
        db.execute(
            "INSERT INTO kms_materials (account_id, region, key_id, version, material_id, created, sealed, state, "
            "rotation_type, rotated, imported, expiration_model, valid_to, description) "
            "SELECT account_id, ?, key_id, version, material_id, created, NULL, state, rotation_type, rotated, "
            "imported, NULL, NULL, description FROM kms_materials WHERE account_id = ? AND region = ? AND key_id = ? "
            "AND state != 'PENDING_ROTATION'",
            (replica.region, source.account_id, source.region, source.key_id),
        )
        current = db.query_one(
            "SELECT version FROM kms_materials WHERE account_id = ? AND region = ? AND key_id = ? AND state = 'CURRENT'",
            (replica.account_id, replica.region, replica.key_id),
        )
        if current is not None:
            save_key(db, replica.with_changes(current_version=current["version"]))
