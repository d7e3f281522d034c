"""CreateKey, DescribeKey, ListKeys, EnableKey/DisableKey, UpdateKeyDescription and the key ids,
key ARNs, alias names and alias ARNs that name a key."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError

from .support import ACCOUNT, alias_arn, error_of, key_arn


def test_create_key_answers_the_full_metadata_of_a_symmetric_key(kms):
    before = datetime.now(UTC) - timedelta(seconds=5)
    metadata = kms.create_key(Description="orders")["KeyMetadata"]
    key_id = metadata["KeyId"]
    assert str(uuid.UUID(key_id)) == key_id
    created = metadata.pop("CreationDate")
    assert before <= created <= datetime.now(UTC) + timedelta(seconds=5)
    material = metadata.pop("CurrentKeyMaterialId")
    assert len(material) == 64 and int(material, 16) >= 0
    assert metadata == {
        "AWSAccountId": ACCOUNT,
        "KeyId": key_id,
        "Arn": key_arn(key_id),
        "Enabled": True,
        "Description": "orders",
        "KeyUsage": "ENCRYPT_DECRYPT",
        "KeyState": "Enabled",
        "Origin": "AWS_KMS",
        "KeyManager": "CUSTOMER",
        "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT",
        "KeySpec": "SYMMETRIC_DEFAULT",
        "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
        "MultiRegion": False,
    }


def test_describe_key_matches_create_key(kms):
    created = kms.create_key()["KeyMetadata"]
    described = kms.describe_key(KeyId=created["KeyId"])["KeyMetadata"]
    assert described == created
    assert described["Description"] == ""


@pytest.mark.parametrize(
    ("spec", "usage", "field", "algorithms"),
    [
        ("RSA_2048", "ENCRYPT_DECRYPT", "EncryptionAlgorithms", ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]),
        ("ECC_NIST_P256", "SIGN_VERIFY", "SigningAlgorithms", ["ECDSA_SHA_256"]),
        ("ECC_NIST_P384", "KEY_AGREEMENT", "KeyAgreementAlgorithms", ["ECDH"]),
        ("ECC_SECG_P256K1", "SIGN_VERIFY", "SigningAlgorithms", ["ECDSA_SHA_256"]),
        ("HMAC_384", "GENERATE_VERIFY_MAC", "MacAlgorithms", ["HMAC_SHA_384"]),
    ],
)
def test_each_key_spec_lists_its_algorithms(kms, spec, usage, field, algorithms):
    metadata = kms.create_key(KeySpec=spec, KeyUsage=usage)["KeyMetadata"]
    assert metadata["KeySpec"] == metadata["CustomerMasterKeySpec"] == spec
    assert metadata["KeyUsage"] == usage
    assert metadata[field] == algorithms
    assert "CurrentKeyMaterialId" not in metadata  # only symmetric encryption keys rotate


def test_edwards_keys_have_no_customer_master_key_spec(kms):
    metadata = kms.create_key(KeySpec="ECC_NIST_EDWARDS25519", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    assert metadata["KeySpec"] == "ECC_NIST_EDWARDS25519"
    assert "CustomerMasterKeySpec" not in metadata
    assert metadata["SigningAlgorithms"] == ["ED25519_SHA_512", "ED25519_PH_SHA_512"]


def test_the_deprecated_customer_master_key_spec_still_works(kms):
    metadata = kms.create_key(CustomerMasterKeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]
    assert metadata["KeySpec"] == "HMAC_256"


def test_asymmetric_and_hmac_keys_need_a_key_usage(kms):
    with pytest.raises(ClientError) as caught:
        kms.create_key(KeySpec="HMAC_256")
    # AWS's wording, as LocalStack recorded it
    assert error_of(caught) == (
        "ValidationException",
        "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.",
    )


@pytest.mark.parametrize(
    ("spec", "usage"),
    [
        ("SYMMETRIC_DEFAULT", "SIGN_VERIFY"),
        ("RSA_2048", "GENERATE_VERIFY_MAC"),
        ("ECC_SECG_P256K1", "KEY_AGREEMENT"),
        ("HMAC_256", "ENCRYPT_DECRYPT"),
        ("ECC_NIST_P256", "ENCRYPT_DECRYPT"),
    ],
)
def test_a_usage_the_key_spec_does_not_support_is_refused(kms, spec, usage):
    with pytest.raises(ClientError) as caught:
        kms.create_key(KeySpec=spec, KeyUsage=usage)
    code, message = error_of(caught)
    assert code == "ValidationException"
    # The symmetric case is AWS's wording (aws-sdk issue #125); the others follow it (guessed).
    assert message.startswith(f"The operation failed because the KeyUsage value of the CMK is {usage}.")


def test_key_spec_and_customer_master_key_spec_are_exclusive(kms):
    with pytest.raises(ClientError) as caught:
        kms.create_key(KeySpec="RSA_2048", CustomerMasterKeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")
    assert error_of(caught)[0] == "ValidationException"  # message guessed


def test_an_unknown_key_spec_is_a_validation_error(kms):
    with pytest.raises(ClientError) as caught:
        kms.create_key(KeySpec="RSA_1024", KeyUsage="SIGN_VERIFY")
    code, message = error_of(caught)
    assert code == "ValidationException"
    assert message.startswith("1 validation error detected: Value 'RSA_1024' at 'keySpec' failed to satisfy")


def test_ml_dsa_keys_are_refused_honestly(kms):
    # botocore lists ML-DSA, but the cryptography library has no ML-DSA yet.
    with pytest.raises(ClientError) as caught:
        kms.create_key(KeySpec="ML_DSA_65", KeyUsage="SIGN_VERIFY")
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501


def test_custom_key_stores_are_refused_honestly(kms):
    with pytest.raises(ClientError) as caught:
        kms.create_key(Origin="AWS_CLOUDHSM", CustomKeyStoreId="cks-1234567890abcdef0")
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    with pytest.raises(ClientError) as caught:
        kms.describe_custom_key_stores()
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501


def test_create_key_with_tags(kms):
    key_id = kms.create_key(Tags=[{"TagKey": "team", "TagValue": "payments"}])["KeyMetadata"]["KeyId"]
    assert kms.list_resource_tags(KeyId=key_id)["Tags"] == [{"TagKey": "team", "TagValue": "payments"}]


# -- naming a key ---------------------------------------------------------------------------


def test_a_key_is_named_by_id_arn_alias_and_alias_arn(kms, key_id):
    kms.create_alias(AliasName="alias/orders", TargetKeyId=key_id)
    for name in (key_id, key_arn(key_id), "alias/orders", alias_arn("alias/orders")):
        assert kms.describe_key(KeyId=name)["KeyMetadata"]["KeyId"] == key_id
        assert kms.encrypt(KeyId=name, Plaintext=b"x")["KeyId"] == key_arn(key_id)


def test_a_missing_key_is_not_found_with_its_arn(kms):
    missing = str(uuid.uuid4())
    for name in (missing, key_arn(missing)):
        with pytest.raises(ClientError) as caught:
            kms.describe_key(KeyId=name)
        assert error_of(caught) == ("NotFoundException", f"Key '{key_arn(missing)}' does not exist")


def test_a_malformed_key_id_is_not_found_as_invalid(kms):
    with pytest.raises(ClientError) as caught:
        kms.describe_key(KeyId="fake-key-id")
    assert error_of(caught) == ("NotFoundException", "Invalid keyId 'fake-key-id'")  # recorded by LocalStack


def test_a_missing_alias_is_not_found_with_its_arn(kms):
    with pytest.raises(ClientError) as caught:
        kms.encrypt(KeyId="alias/nothing", Plaintext=b"x")
    assert error_of(caught) == ("NotFoundException", f"Alias {alias_arn('alias/nothing')} is not found.")


def test_a_key_arn_of_another_region_is_refused(kms, key_id):
    with pytest.raises(ClientError) as caught:
        kms.describe_key(KeyId=key_arn(key_id, region="eu-west-1"))
    assert error_of(caught) == ("NotFoundException", "Invalid arn eu-west-1")  # recorded by LocalStack


def test_keys_are_regional(kms, aws_client, key_id):
    other = aws_client("kms", region_name="eu-west-1")
    with pytest.raises(ClientError) as caught:
        other.describe_key(KeyId=key_id)
    assert error_of(caught)[1] == f"Key '{key_arn(key_id, region='eu-west-1')}' does not exist"
    assert other.list_keys()["Keys"] == []


def test_operations_without_alias_support_refuse_alias_names(kms, key_id):
    kms.create_alias(AliasName="alias/orders", TargetKeyId=key_id)
    with pytest.raises(ClientError) as caught:
        kms.get_key_policy(KeyId="alias/orders")
    assert error_of(caught) == ("NotFoundException", "Invalid keyId 'alias/orders'")  # guessed


def test_another_accounts_key_is_usable_by_arn(kms, aws_client, key_id):
    other = aws_client("kms", aws_access_key_id="111111111111", aws_secret_access_key="test")
    # IAM is off: the key policy is not evaluated, so the other account may describe and encrypt.
    assert other.describe_key(KeyId=key_arn(key_id))["KeyMetadata"]["AWSAccountId"] == ACCOUNT
    blob = other.encrypt(KeyId=key_arn(key_id), Plaintext=b"shared")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"shared"
    # Without the ARN the other account looks in its own keys.
    with pytest.raises(ClientError):
        other.describe_key(KeyId=key_id)


# -- listing --------------------------------------------------------------------------------


def test_list_keys_pages_with_markers(kms):
    created = {kms.create_key()["KeyMetadata"]["KeyId"] for _ in range(5)}
    first = kms.list_keys(Limit=2)
    assert first["Truncated"] is True and len(first["Keys"]) == 2
    seen = [k["KeyId"] for k in first["Keys"]]
    marker = first["NextMarker"]
    while marker:
        page = kms.list_keys(Limit=2, Marker=marker)
        seen += [k["KeyId"] for k in page["Keys"]]
        marker = page.get("NextMarker")
        assert page["Truncated"] is bool(marker)
    assert set(seen) == created and len(seen) == 5
    entry = kms.list_keys()["Keys"][0]
    assert entry == {"KeyId": entry["KeyId"], "KeyArn": key_arn(entry["KeyId"])}


def test_a_bad_marker_is_refused(kms):
    with pytest.raises(ClientError) as caught:
        kms.list_keys(Marker="!!!not-a-marker!!!")
    assert error_of(caught)[0] == "InvalidMarkerException"


# -- enable, disable, describe -------------------------------------------------------------


def test_a_disabled_key_refuses_cryptography_with_aws_message(kms, key_id):
    kms.disable_key(KeyId=key_id)
    metadata = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert (metadata["KeyState"], metadata["Enabled"]) == ("Disabled", False)
    with pytest.raises(ClientError) as caught:
        kms.encrypt(KeyId=key_id, Plaintext=b"x")
    assert error_of(caught) == ("DisabledException", f"{key_arn(key_id)} is disabled.")
    kms.disable_key(KeyId=key_id)  # disabling twice is fine
    kms.enable_key(KeyId=key_id)
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Enabled"
    kms.encrypt(KeyId=key_id, Plaintext=b"x")


def test_a_ciphertext_of_a_disabled_key_does_not_decrypt(kms, key_id):
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"x")["CiphertextBlob"]
    kms.disable_key(KeyId=key_id)
    with pytest.raises(ClientError) as caught:
        kms.decrypt(CiphertextBlob=blob)
    assert error_of(caught)[0] == "DisabledException"


def test_update_key_description(kms, key_id):
    kms.update_key_description(KeyId=key_id, Description="renamed")
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["Description"] == "renamed"
