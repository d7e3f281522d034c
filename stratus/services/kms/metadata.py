"""KeyMetadata, field by field as DescribeKey, CreateKey and ReplicateKey answer it."""

from __future__ import annotations

from stratus.services.kms import specs
from stratus.services.kms.common import as_datetime
from stratus.services.kms.states import PENDING_DELETION, PENDING_REPLICA_DELETION
from stratus.services.kms.store import Key, find_material, regions_of_key
from stratus.store import Database


def key_metadata(db: Database, key: Key) -> dict:
    out: dict = {
        "AWSAccountId": key.account_id,
        "KeyId": key.key_id,
        "Arn": key.arn,
        "CreationDate": as_datetime(key.created),
        "Enabled": key.enabled,
        "Description": key.description,
        "KeyUsage": key.key_usage,
        "KeyState": key.key_state,
        "Origin": key.origin,
        "KeyManager": key.key_manager,
        "KeySpec": key.key_spec,
        "MultiRegion": key.multi_region,
    }
    if key.key_spec in specs.CUSTOMER_MASTER_KEY_SPECS:
        out["CustomerMasterKeySpec"] = key.key_spec
    if key.key_state == PENDING_DELETION and key.deletion_date is not None:
        out["DeletionDate"] = as_datetime(key.deletion_date)
    if key.key_state == PENDING_REPLICA_DELETION and key.pending_window_days is not None:
        out["PendingDeletionWindowInDays"] = key.pending_window_days
    algorithms = specs.algorithms(key.key_spec, key.key_usage)
    if algorithms.encryption:
        out["EncryptionAlgorithms"] = list(algorithms.encryption)
    if algorithms.signing:
        out["SigningAlgorithms"] = list(algorithms.signing)
    if algorithms.mac:
        out["MacAlgorithms"] = list(algorithms.mac)
    if algorithms.key_agreement:
        out["KeyAgreementAlgorithms"] = list(algorithms.key_agreement)
    if key.multi_region:
        out["MultiRegionConfiguration"] = multi_region_configuration(db, key)
    material = find_material(db, key, key.current_version) if key.current_version is not None else None
    if key.origin == "EXTERNAL" and material is not None and material.sealed is not None:
        # The current import's expiration; a key waiting for its material shows none.
        out["ExpirationModel"] = material.expiration_model
        if material.valid_to is not None:
            out["ValidTo"] = as_datetime(material.valid_to)
    if key.key_spec == specs.SYMMETRIC_DEFAULT and material is not None:
        out["CurrentKeyMaterialId"] = material.material_id
    return out


def multi_region_configuration(db: Database, key: Key) -> dict:
    related = regions_of_key(db, key.account_id, key.key_id)
    primary = next((k for k in related if k.region == k.primary_region), None)
    replicas = [{"Arn": k.arn, "Region": k.region} for k in related if k.region != k.primary_region]
    config: dict = {"MultiRegionKeyType": "REPLICA" if key.is_replica else "PRIMARY"}
    if primary is not None:
        config["PrimaryKey"] = {"Arn": primary.arn, "Region": primary.region}
    config["ReplicaKeys"] = replicas
    return config
