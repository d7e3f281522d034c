"""Imported key material: Origin EXTERNAL keys, GetParametersForImport, ImportKeyMaterial (with
expiry on the Stratus clock) and DeleteImportedKeyMaterial."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes, keywrap, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding

from .support import DAY, error_of, eventually, key_arn


def wrap(public_der: bytes, algorithm: str, material: bytes) -> bytes:
    public = serialization.load_der_public_key(public_der)
    digest = hashes.SHA1() if algorithm.endswith("SHA_1") else hashes.SHA256()
    oaep = padding.OAEP(mgf=padding.MGF1(digest), algorithm=digest, label=None)
    if algorithm.startswith("RSA_AES_KEY_WRAP"):
        aes_key = os.urandom(32)
        return public.encrypt(aes_key, oaep) + keywrap.aes_key_wrap_with_padding(aes_key, material)
    return public.encrypt(material, oaep)


def import_material(
    kms, key_id: str, material: bytes, algorithm: str = "RSAES_OAEP_SHA_256", spec: str = "RSA_2048", **extra
) -> dict:
    parameters = kms.get_parameters_for_import(
        KeyId=key_id, WrappingAlgorithm=algorithm, WrappingKeySpec=spec
    )
    extra.setdefault("ExpirationModel", "KEY_MATERIAL_DOES_NOT_EXPIRE")
    return kms.import_key_material(
        KeyId=key_id,
        ImportToken=parameters["ImportToken"],
        EncryptedKeyMaterial=wrap(parameters["PublicKey"], algorithm, material),
        **extra,
    )


@pytest.fixture
def external(kms) -> str:
    return kms.create_key(Origin="EXTERNAL", Description="imported")["KeyMetadata"]["KeyId"]


def test_an_external_key_waits_for_its_material(kms, external):
    metadata = kms.describe_key(KeyId=external)["KeyMetadata"]
    assert (metadata["Origin"], metadata["KeyState"], metadata["Enabled"]) == (
        "EXTERNAL",
        "PendingImport",
        False,
    )
    assert "CurrentKeyMaterialId" not in metadata and "ExpirationModel" not in metadata
    with pytest.raises(ClientError) as caught:
        kms.encrypt(KeyId=external, Plaintext=b"x")
    assert error_of(caught) == ("KMSInvalidStateException", f"{key_arn(external)} is pending import.")


def test_get_parameters_for_import(kms, external):
    answer = kms.get_parameters_for_import(
        KeyId=external, WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_3072"
    )
    assert answer["KeyId"] == key_arn(external)
    assert serialization.load_der_public_key(answer["PublicKey"]).key_size == 3072
    expected = datetime.now(UTC) + timedelta(hours=24)
    assert abs((answer["ParametersValidTo"] - expected).total_seconds()) < 10


def test_only_external_keys_take_imported_material(kms, key_id):
    with pytest.raises(ClientError) as caught:
        kms.get_parameters_for_import(
            KeyId=key_id, WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048"
        )
    assert error_of(caught) == (  # as LocalStack recorded AWS
        "UnsupportedOperationException",
        f"{key_arn(key_id)} origin is AWS_KMS which is not valid for this operation.",
    )


@pytest.mark.parametrize("algorithm", ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "RSA_AES_KEY_WRAP_SHA_256"])
def test_imported_symmetric_material_encrypts_like_the_owner_expects(kms, external, algorithm):
    material = os.urandom(32)
    answer = import_material(kms, external, material, algorithm)
    assert answer["KeyId"] == key_arn(external) and len(answer["KeyMaterialId"]) == 64
    metadata = kms.describe_key(KeyId=external)["KeyMetadata"]
    assert (metadata["KeyState"], metadata["ExpirationModel"]) == ("Enabled", "KEY_MATERIAL_DOES_NOT_EXPIRE")
    assert metadata["CurrentKeyMaterialId"] == answer["KeyMaterialId"]
    blob = kms.encrypt(KeyId=external, Plaintext=b"mine")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"mine"


def test_rsa_private_keys_are_imported_with_rsa_aes_key_wrap(kms):
    from cryptography.hazmat.primitives.asymmetric import rsa

    key_id = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY", Origin="EXTERNAL")["KeyMetadata"][
        "KeyId"
    ]
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    der = private.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    import_material(kms, key_id, der, "RSA_AES_KEY_WRAP_SHA_256", "RSA_4096")
    signature = kms.sign(KeyId=key_id, Message=b"m", SigningAlgorithm="RSASSA_PKCS1_V1_5_SHA_256")[
        "Signature"
    ]
    private.public_key().verify(signature, b"m", padding.PKCS1v15(), hashes.SHA256())


def test_material_of_the_wrong_kind_is_refused(kms, external):
    with pytest.raises(ClientError) as caught:
        import_material(kms, external, os.urandom(16))
    assert error_of(caught)[0] == "IncorrectKeyMaterialException"  # message guessed
    signing = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY", Origin="EXTERNAL")[
        "KeyMetadata"
    ]["KeyId"]
    wrong_curve = ec.generate_private_key(ec.SECP384R1()).private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(ClientError) as caught:
        import_material(kms, signing, wrong_curve, "RSA_AES_KEY_WRAP_SHA_1")
    assert error_of(caught)[0] == "IncorrectKeyMaterialException"


def test_a_token_belongs_to_its_key_and_its_wrapping_key(kms, external):
    other = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]["KeyId"]
    parameters = kms.get_parameters_for_import(
        KeyId=external, WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048"
    )
    wrapped = wrap(parameters["PublicKey"], "RSAES_OAEP_SHA_256", os.urandom(32))
    with pytest.raises(ClientError) as caught:
        kms.import_key_material(
            KeyId=other,
            ImportToken=parameters["ImportToken"],
            EncryptedKeyMaterial=wrapped,
            ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE",
        )
    assert error_of(caught)[0] == "InvalidImportTokenException"
    with pytest.raises(ClientError) as caught:
        kms.import_key_material(
            KeyId=external,
            ImportToken=parameters["ImportToken"],
            EncryptedKeyMaterial=os.urandom(256),
            ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE",
        )
    assert error_of(caught)[0] == "InvalidCiphertextException"


def test_an_import_token_expires_after_a_day(kms, external, stratus_server):
    parameters = kms.get_parameters_for_import(
        KeyId=external, WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048"
    )
    stratus_server.advance_clock(DAY + 1)
    with pytest.raises(ClientError) as caught:
        kms.import_key_material(
            KeyId=external,
            ImportToken=parameters["ImportToken"],
            EncryptedKeyMaterial=wrap(parameters["PublicKey"], "RSAES_OAEP_SHA_256", os.urandom(32)),
            ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE",
        )
    assert error_of(caught)[0] == "ExpiredImportTokenException"


def test_expiring_material_needs_a_valid_to(kms, external):
    with pytest.raises(ClientError) as caught:
        import_material(kms, external, os.urandom(32), ExpirationModel="KEY_MATERIAL_EXPIRES")
    assert error_of(caught) == (  # as LocalStack recorded AWS
        "ValidationException",
        "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES",
    )


def test_material_expires_on_the_clock_and_the_same_material_brings_the_key_back(
    kms, external, stratus_server
):
    material = os.urandom(32)
    valid_to = datetime.now(UTC) + timedelta(days=2)
    import_material(kms, external, material, ExpirationModel="KEY_MATERIAL_EXPIRES", ValidTo=valid_to)
    metadata = kms.describe_key(KeyId=external)["KeyMetadata"]
    assert metadata["ExpirationModel"] == "KEY_MATERIAL_EXPIRES"
    assert abs((metadata["ValidTo"] - valid_to).total_seconds()) < 1
    blob = kms.encrypt(KeyId=external, Plaintext=b"kept")["CiphertextBlob"]
    stratus_server.advance_clock(2 * DAY + 60)

    def pending() -> bool:
        return kms.describe_key(KeyId=external)["KeyMetadata"]["KeyState"] == "PendingImport"

    assert eventually(pending)
    with pytest.raises(ClientError) as caught:
        kms.decrypt(CiphertextBlob=blob)
    assert error_of(caught)[0] == "KMSInvalidStateException"
    with pytest.raises(ClientError) as caught:
        import_material(kms, external, os.urandom(32))  # other material: not this key's
    assert error_of(caught)[0] == "IncorrectKeyMaterialException"
    import_material(kms, external, material)
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"kept"


def test_delete_imported_key_material(kms, external):
    material = os.urandom(32)
    material_id = import_material(kms, external, material)["KeyMaterialId"]
    blob = kms.encrypt(KeyId=external, Plaintext=b"x")["CiphertextBlob"]
    answer = kms.delete_imported_key_material(KeyId=external)
    assert (answer["KeyId"], answer["KeyMaterialId"]) == (key_arn(external), material_id)
    metadata = kms.describe_key(KeyId=external)["KeyMetadata"]
    assert (metadata["KeyState"], metadata["Enabled"]) == ("PendingImport", False)
    assert "ExpirationModel" not in metadata
    with pytest.raises(ClientError):
        kms.decrypt(CiphertextBlob=blob)
    import_material(kms, external, material)
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"x"
    with pytest.raises(ClientError) as caught:
        kms.delete_imported_key_material(KeyId=kms.create_key()["KeyMetadata"]["KeyId"])
    assert error_of(caught)[0] == "UnsupportedOperationException"


def test_new_material_waits_for_an_on_demand_rotation(kms, external):
    first = import_material(kms, external, os.urandom(32))["KeyMaterialId"]
    old = kms.encrypt(KeyId=external, Plaintext=b"old")["CiphertextBlob"]
    second = import_material(kms, external, os.urandom(32), ImportType="NEW_KEY_MATERIAL")["KeyMaterialId"]
    states = {
        r["KeyMaterialId"]: r["KeyMaterialState"]
        for r in kms.list_key_rotations(KeyId=external, IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]
    }
    assert states == {first: "CURRENT", second: "PENDING_ROTATION"}
    kms.rotate_key_on_demand(KeyId=external)
    assert kms.describe_key(KeyId=external)["KeyMetadata"]["CurrentKeyMaterialId"] == second
    assert kms.decrypt(CiphertextBlob=old)["Plaintext"] == b"old"
    [rotation] = kms.list_key_rotations(KeyId=external)["Rotations"]
    assert (rotation["KeyMaterialId"], rotation["ImportState"], rotation["RotationType"]) == (
        second,
        "IMPORTED",
        "ON_DEMAND",
    )
