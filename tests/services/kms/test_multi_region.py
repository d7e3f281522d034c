"""Multi-Region keys: CreateKey MultiRegion, ReplicateKey, UpdatePrimaryRegion, decrypting in the
replica's Region, rotation shared by the set, and deletion of a primary with replicas."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from .support import DAY, error_of, eventually, key_arn

REPLICA_REGION = "eu-west-1"


@pytest.fixture
def primary(kms) -> str:
    metadata = kms.create_key(MultiRegion=True, Description="global")["KeyMetadata"]
    return metadata["KeyId"]


@pytest.fixture
def replica_kms(aws_client):
    return aws_client("kms", region_name=REPLICA_REGION)


def test_a_multi_region_primary(kms, primary):
    assert primary.startswith("mrk-") and len(primary) == 36
    metadata = kms.describe_key(KeyId=primary)["KeyMetadata"]
    assert metadata["MultiRegion"] is True
    assert metadata["MultiRegionConfiguration"] == {  # as LocalStack recorded AWS
        "MultiRegionKeyType": "PRIMARY",
        "PrimaryKey": {"Arn": key_arn(primary), "Region": "us-east-1"},
        "ReplicaKeys": [],
    }


def test_replicate_key(kms, primary, replica_kms):
    answer = kms.replicate_key(
        KeyId=primary, ReplicaRegion=REPLICA_REGION, Tags=[{"TagKey": "t", "TagValue": "v"}]
    )
    replica = answer["ReplicaKeyMetadata"]
    assert replica["Arn"] == key_arn(primary, region=REPLICA_REGION)
    # AWS answers while the replica is still being created (as LocalStack recorded it).
    assert (replica["KeyState"], replica["Enabled"], replica["Description"]) == ("Creating", False, "")
    assert answer["ReplicaTags"] == [{"TagKey": "t", "TagValue": "v"}]
    assert '"Id" : "key-default-1"' in answer["ReplicaPolicy"]
    described = replica_kms.describe_key(KeyId=primary)["KeyMetadata"]
    assert described["KeyState"] == "Enabled"
    assert described["MultiRegionConfiguration"]["MultiRegionKeyType"] == "REPLICA"
    assert kms.describe_key(KeyId=primary)["KeyMetadata"]["MultiRegionConfiguration"]["ReplicaKeys"] == [
        {"Arn": key_arn(primary, region=REPLICA_REGION), "Region": REPLICA_REGION}
    ]
    assert (
        described["CurrentKeyMaterialId"]
        == kms.describe_key(KeyId=primary)["KeyMetadata"]["CurrentKeyMaterialId"]
    )


def test_ciphertext_of_one_region_decrypts_in_the_other(kms, primary, replica_kms):
    kms.replicate_key(KeyId=primary, ReplicaRegion=REPLICA_REGION)
    blob = kms.encrypt(KeyId=primary, Plaintext=b"anywhere", EncryptionContext={"a": "b"})["CiphertextBlob"]
    answer = replica_kms.decrypt(CiphertextBlob=blob, EncryptionContext={"a": "b"})
    assert (answer["Plaintext"], answer["KeyId"]) == (b"anywhere", key_arn(primary, region=REPLICA_REGION))
    back = replica_kms.encrypt(KeyId=primary, Plaintext=b"return")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=back)["Plaintext"] == b"return"


def test_a_single_region_ciphertext_does_not_decrypt_elsewhere(kms, key_id, replica_kms):
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"local")["CiphertextBlob"]
    with pytest.raises(ClientError) as caught:
        replica_kms.decrypt(CiphertextBlob=blob)
    assert error_of(caught)[0] == "InvalidCiphertextException"


def test_only_multi_region_primaries_replicate(kms, key_id, primary, replica_kms):
    with pytest.raises(ClientError) as caught:
        kms.replicate_key(KeyId=key_id, ReplicaRegion=REPLICA_REGION)
    assert error_of(caught)[0] == "UnsupportedOperationException"
    kms.replicate_key(KeyId=primary, ReplicaRegion=REPLICA_REGION)
    with pytest.raises(ClientError) as caught:
        kms.replicate_key(KeyId=primary, ReplicaRegion=REPLICA_REGION)
    assert error_of(caught)[0] == "AlreadyExistsException"
    with pytest.raises(ClientError) as caught:
        replica_kms.replicate_key(KeyId=primary, ReplicaRegion="ap-southeast-2")
    assert error_of(caught)[0] == "UnsupportedOperationException"


def test_rotating_the_primary_rotates_the_replicas(kms, primary, replica_kms):
    kms.replicate_key(KeyId=primary, ReplicaRegion=REPLICA_REGION)
    kms.rotate_key_on_demand(KeyId=primary)
    rotated = kms.describe_key(KeyId=primary)["KeyMetadata"]["CurrentKeyMaterialId"]
    assert replica_kms.describe_key(KeyId=primary)["KeyMetadata"]["CurrentKeyMaterialId"] == rotated
    blob = replica_kms.encrypt(KeyId=primary, Plaintext=b"new material")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["KeyMaterialId"] == rotated
    with pytest.raises(ClientError) as caught:
        replica_kms.enable_key_rotation(KeyId=primary)
    assert error_of(caught)[0] == "UnsupportedOperationException"


def test_update_primary_region(kms, primary, replica_kms):
    kms.replicate_key(KeyId=primary, ReplicaRegion=REPLICA_REGION)
    kms.enable_key_rotation(KeyId=primary, RotationPeriodInDays=120)
    kms.update_primary_region(KeyId=primary, PrimaryRegion=REPLICA_REGION)
    config = kms.describe_key(KeyId=primary)["KeyMetadata"]["MultiRegionConfiguration"]
    assert config["MultiRegionKeyType"] == "REPLICA"
    assert config["PrimaryKey"] == {"Arn": key_arn(primary, region=REPLICA_REGION), "Region": REPLICA_REGION}
    assert (
        replica_kms.describe_key(KeyId=primary)["KeyMetadata"]["MultiRegionConfiguration"][
            "MultiRegionKeyType"
        ]
        == "PRIMARY"
    )
    assert replica_kms.get_key_rotation_status(KeyId=primary)["RotationPeriodInDays"] == 120
    with pytest.raises(ClientError) as caught:
        kms.update_primary_region(KeyId=primary, PrimaryRegion="ap-southeast-2")
    assert error_of(caught)[0] == "NotFoundException"


def test_a_primary_with_replicas_waits_for_them_before_its_deletion(
    kms, primary, replica_kms, stratus_server
):
    kms.replicate_key(KeyId=primary, ReplicaRegion=REPLICA_REGION)
    answer = kms.schedule_key_deletion(KeyId=primary, PendingWindowInDays=7)
    assert answer["KeyState"] == "PendingReplicaDeletion" and "DeletionDate" not in answer
    assert kms.describe_key(KeyId=primary)["KeyMetadata"]["PendingDeletionWindowInDays"] == 7
    replica_kms.schedule_key_deletion(KeyId=primary, PendingWindowInDays=7)
    stratus_server.advance_clock(7 * DAY + 60)

    def primary_pending() -> bool:
        return kms.describe_key(KeyId=primary)["KeyMetadata"]["KeyState"] == "PendingDeletion"

    assert eventually(primary_pending)
    with pytest.raises(ClientError):
        replica_kms.describe_key(KeyId=primary)
    stratus_server.advance_clock(7 * DAY + 60)
    with pytest.raises(ClientError) as caught:
        kms.describe_key(KeyId=primary)
    assert error_of(caught)[0] == "NotFoundException"


def test_an_imported_multi_region_key_needs_its_material_in_each_region(kms, replica_kms):
    import os

    from .test_imports import import_material

    key_id = kms.create_key(MultiRegion=True, Origin="EXTERNAL")["KeyMetadata"]["KeyId"]
    material = os.urandom(32)
    import_material(kms, key_id, material)
    kms.replicate_key(KeyId=key_id, ReplicaRegion=REPLICA_REGION)
    assert replica_kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingImport"
    with pytest.raises(ClientError):
        import_material(replica_kms, key_id, os.urandom(32))
    import_material(replica_kms, key_id, material)
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"same")["CiphertextBlob"]
    assert replica_kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"same"
