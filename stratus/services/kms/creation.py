"""Writing a new key: its record and its first key material (customer keys, AWS managed keys)."""

from __future__ import annotations

import uuid

from stratus.services.kms import specs
from stratus.services.kms.common import DAY
from stratus.services.kms.lifecycle import make_current
from stratus.services.kms.material import MaterialCache, generate, new_material_id
from stratus.services.kms.policy_documents import AWS_MANAGED_SERVICES, aws_managed_policy
from stratus.services.kms.states import ENABLED
from stratus.services.kms.store import Key, insert_key, put_alias
from stratus.store import Database

AWS_MANAGED_ROTATION_DAYS = 365


def new_key_id(multi_region: bool) -> str:
    return f"mrk-{uuid.uuid4().hex}" if multi_region else str(uuid.uuid4())


def write_key(db: Database, cache: MaterialCache, key: Key, raw_material: bytes | None, at: float) -> Key:
    """Insert the key and, unless its material is to be imported, its first material (version 1)."""
    if raw_material is not None:
        key = key.with_changes(current_version=1)
    insert_key(db, key)
    if raw_material is not None:
        make_current(db, cache, key, 1, raw_material, new_material_id(), at)
    return key


def create_aws_managed_key(
    db: Database, cache: MaterialCache, account_id: str, region: str, alias_name: str, service: str, at: float
) -> Key:
    """The AWS managed key behind `alias/aws/<service>`, made the first time the alias is used.
    AWS rotates these every year; their rotation cannot be changed."""
    display = AWS_MANAGED_SERVICES[service][1]
    key = Key(
        account_id=account_id,
        region=region,
        key_id=new_key_id(False),
        created=at,
        # guessed: the wording AWS uses for its older managed keys, with the service's name
        description=f"Default key that protects my {display} data when no other key is defined",
        key_usage=specs.ENCRYPT_DECRYPT,
        key_spec=specs.SYMMETRIC_DEFAULT,
        origin="AWS_KMS",
        key_manager="AWS",
        key_state=ENABLED,
        policy=aws_managed_policy(service, region, account_id),
        rotation_period_days=AWS_MANAGED_ROTATION_DAYS,
        next_rotation=at + AWS_MANAGED_ROTATION_DAYS * DAY,
    )
    key = write_key(db, cache, key, generate(specs.SYMMETRIC_DEFAULT), at)
    put_alias(db, account_id, region, alias_name, key.key_id, at)
    return key
