"""Asymmetric and HMAC keys: RSA encryption, signing with RSA, ECDSA and Ed25519 (checked with the
cryptography library against GetPublicKey's key), HMAC, ECDH key agreement and data key pairs."""

from __future__ import annotations

import hashlib

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes, hmac, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa, utils

from .support import error_of, key_arn

HASHES = {"256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512}


def new_key(kms, spec: str, usage: str) -> str:
    return kms.create_key(KeySpec=spec, KeyUsage=usage)["KeyMetadata"]["KeyId"]


def public_key(kms, key_id: str):
    return serialization.load_der_public_key(kms.get_public_key(KeyId=key_id)["PublicKey"])


# -- RSA encryption -------------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"])
def test_rsa_encrypt_and_decrypt(kms, algorithm):
    key_id = new_key(kms, "RSA_2048", "ENCRYPT_DECRYPT")
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"secret", EncryptionAlgorithm=algorithm)["CiphertextBlob"]
    assert len(blob) == 256
    answer = kms.decrypt(CiphertextBlob=blob, KeyId=key_id, EncryptionAlgorithm=algorithm)
    assert (answer["Plaintext"], answer["EncryptionAlgorithm"]) == (b"secret", algorithm)
    assert "KeyMaterialId" not in answer


def test_data_encrypted_outside_with_the_public_key_decrypts_in_kms(kms):
    key_id = new_key(kms, "RSA_2048", "ENCRYPT_DECRYPT")
    digest = hashes.SHA256()
    blob = public_key(kms, key_id).encrypt(
        b"from outside", padding.OAEP(mgf=padding.MGF1(digest), algorithm=digest, label=None)
    )
    answer = kms.decrypt(CiphertextBlob=blob, KeyId=key_id, EncryptionAlgorithm="RSAES_OAEP_SHA_256")
    assert answer["Plaintext"] == b"from outside"


def test_rsa_needs_the_key_and_the_same_algorithm_to_decrypt(kms):
    key_id = new_key(kms, "RSA_2048", "ENCRYPT_DECRYPT")
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"x", EncryptionAlgorithm="RSAES_OAEP_SHA_256")[
        "CiphertextBlob"
    ]
    with pytest.raises(ClientError) as caught:
        kms.decrypt(CiphertextBlob=blob, KeyId=key_id, EncryptionAlgorithm="RSAES_OAEP_SHA_1")
    assert error_of(caught)[0] == "InvalidCiphertextException"
    with pytest.raises(ClientError) as caught:
        kms.decrypt(CiphertextBlob=blob)
    assert error_of(caught)[0] == "InvalidCiphertextException"


def test_rsa_encryption_needs_an_rsa_algorithm(kms):
    key_id = new_key(kms, "RSA_2048", "ENCRYPT_DECRYPT")
    with pytest.raises(ClientError) as caught:
        kms.encrypt(KeyId=key_id, Plaintext=b"x")
    assert error_of(caught) == (  # the pattern of AWS's MAC message (recorded); guessed here
        "InvalidKeyUsageException",
        "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.",
    )


@pytest.mark.parametrize(("algorithm", "limit"), [("RSAES_OAEP_SHA_1", 214), ("RSAES_OAEP_SHA_256", 190)])
def test_rsa_plaintext_limits(kms, algorithm, limit):
    key_id = new_key(kms, "RSA_2048", "ENCRYPT_DECRYPT")
    kms.encrypt(KeyId=key_id, Plaintext=b"x" * limit, EncryptionAlgorithm=algorithm)
    with pytest.raises(ClientError) as caught:
        kms.encrypt(KeyId=key_id, Plaintext=b"x" * (limit + 1), EncryptionAlgorithm=algorithm)
    assert error_of(caught) == (  # as LocalStack recorded AWS
        "ValidationException",
        f"Algorithm {algorithm} and key spec RSA_2048 cannot encrypt data larger than {limit} bytes.",
    )


# -- signing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "algorithm",
    ["RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_512", "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384"],
)
def test_rsa_signatures_verify_outside_kms(kms, algorithm):
    key_id = new_key(kms, "RSA_2048", "SIGN_VERIFY")
    message = b"pay 100 to bob"
    answer = kms.sign(KeyId=key_id, Message=message, SigningAlgorithm=algorithm)
    assert (answer["KeyId"], answer["SigningAlgorithm"]) == (key_arn(key_id), algorithm)
    digest = HASHES[algorithm[-3:]]()
    if "PSS" in algorithm:
        scheme = padding.PSS(mgf=padding.MGF1(digest), salt_length=digest.digest_size)
    else:
        scheme = padding.PKCS1v15()
    public_key(kms, key_id).verify(answer["Signature"], message, scheme, digest)  # raises if invalid
    verified = kms.verify(
        KeyId=key_id, Message=message, Signature=answer["Signature"], SigningAlgorithm=algorithm
    )
    assert verified["SignatureValid"] is True


@pytest.mark.parametrize(
    ("spec", "algorithm", "curve"),
    [
        ("ECC_NIST_P256", "ECDSA_SHA_256", ec.SECP256R1),
        ("ECC_NIST_P384", "ECDSA_SHA_384", ec.SECP384R1),
        ("ECC_NIST_P521", "ECDSA_SHA_512", ec.SECP521R1),
        ("ECC_SECG_P256K1", "ECDSA_SHA_256", ec.SECP256K1),
    ],
)
def test_ecdsa_signatures_verify_outside_kms(kms, spec, algorithm, curve):
    key_id = new_key(kms, spec, "SIGN_VERIFY")
    public = public_key(kms, key_id)
    assert isinstance(public.curve, curve)
    signature = kms.sign(KeyId=key_id, Message=b"hello", SigningAlgorithm=algorithm)["Signature"]
    public.verify(signature, b"hello", ec.ECDSA(HASHES[algorithm[-3:]]()))  # DER, as KMS returns


def test_signing_a_digest(kms):
    key_id = new_key(kms, "ECC_NIST_P256", "SIGN_VERIFY")
    digest = hashlib.sha256(b"big document").digest()
    signature = kms.sign(KeyId=key_id, Message=digest, MessageType="DIGEST", SigningAlgorithm="ECDSA_SHA_256")
    public_key(kms, key_id).verify(signature["Signature"], b"big document", ec.ECDSA(hashes.SHA256()))
    public_key(kms, key_id).verify(signature["Signature"], digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
    # Verifying the raw message against the same signature works too.
    kms.verify(
        KeyId=key_id,
        Message=b"big document",
        Signature=signature["Signature"],
        SigningAlgorithm="ECDSA_SHA_256",
    )
    with pytest.raises(ClientError) as caught:
        kms.sign(KeyId=key_id, Message=digest[:20], MessageType="DIGEST", SigningAlgorithm="ECDSA_SHA_256")
    assert error_of(caught) == (  # as LocalStack recorded AWS
        "ValidationException",
        "Digest is invalid length for algorithm ECDSA_SHA_256.",
    )


def test_a_bad_signature_is_an_error_not_false(kms):
    key_id = new_key(kms, "RSA_2048", "SIGN_VERIFY")
    signature = kms.sign(KeyId=key_id, Message=b"a", SigningAlgorithm="RSASSA_PSS_SHA_256")["Signature"]
    with pytest.raises(ClientError) as caught:
        kms.verify(KeyId=key_id, Message=b"b", Signature=signature, SigningAlgorithm="RSASSA_PSS_SHA_256")
    assert error_of(caught) == ("KMSInvalidSignatureException", "")  # as LocalStack recorded AWS


def test_a_signing_algorithm_of_another_curve_is_incompatible(kms):
    key_id = new_key(kms, "ECC_NIST_P256", "SIGN_VERIFY")
    with pytest.raises(ClientError) as caught:
        kms.sign(KeyId=key_id, Message=b"x", SigningAlgorithm="ECDSA_SHA_384")
    assert error_of(caught) == (
        "InvalidKeyUsageException",
        "Algorithm ECDSA_SHA_384 is incompatible with key spec ECC_NIST_P256.",
    )


def test_a_message_is_at_most_4096_bytes(kms):
    key_id = new_key(kms, "ECC_NIST_P256", "SIGN_VERIFY")
    with pytest.raises(ClientError) as caught:
        kms.sign(KeyId=key_id, Message=b"x" * 4097, SigningAlgorithm="ECDSA_SHA_256")
    assert error_of(caught)[0] == "ValidationException"


def test_ed25519_signs_raw_messages(kms):
    key_id = new_key(kms, "ECC_NIST_EDWARDS25519", "SIGN_VERIFY")
    public = public_key(kms, key_id)
    assert isinstance(public, ed25519.Ed25519PublicKey)
    signature = kms.sign(KeyId=key_id, Message=b"edwards", SigningAlgorithm="ED25519_SHA_512")["Signature"]
    public.verify(signature, b"edwards")
    with pytest.raises(ClientError) as caught:
        kms.sign(KeyId=key_id, Message=b"x" * 64, MessageType="DIGEST", SigningAlgorithm="ED25519_SHA_512")
    assert error_of(caught)[0] == "ValidationException"  # message guessed


def test_get_public_key_describes_the_key(kms):
    key_id = new_key(kms, "RSA_2048", "SIGN_VERIFY")
    answer = kms.get_public_key(KeyId=key_id)
    assert isinstance(serialization.load_der_public_key(answer["PublicKey"]), rsa.RSAPublicKey)
    assert answer["KeyId"] == key_arn(key_id)
    assert (answer["KeySpec"], answer["CustomerMasterKeySpec"], answer["KeyUsage"]) == (
        "RSA_2048",
        "RSA_2048",
        "SIGN_VERIFY",
    )
    assert "RSASSA_PSS_SHA_256" in answer["SigningAlgorithms"]
    assert "EncryptionAlgorithms" not in answer


def test_symmetric_keys_have_no_public_key(kms, key_id):
    with pytest.raises(ClientError) as caught:
        kms.get_public_key(KeyId=key_id)
    assert error_of(caught)[0] == "UnsupportedOperationException"  # message guessed


def test_sign_with_an_encryption_key_is_the_wrong_usage(kms, key_id):
    with pytest.raises(ClientError) as caught:
        kms.sign(KeyId=key_id, Message=b"x", SigningAlgorithm="ECDSA_SHA_256")
    assert error_of(caught) == (
        "InvalidKeyUsageException",
        f"{key_arn(key_id)} key usage is ENCRYPT_DECRYPT which is not valid for Sign.",
    )


# -- HMAC -----------------------------------------------------------------------------------


@pytest.mark.parametrize("bits", ["224", "256", "384", "512"])
def test_generate_and_verify_mac(kms, bits):
    key_id = new_key(kms, f"HMAC_{bits}", "GENERATE_VERIFY_MAC")
    algorithm = f"HMAC_SHA_{bits}"
    answer = kms.generate_mac(KeyId=key_id, Message=b"webhook body", MacAlgorithm=algorithm)
    assert len(answer["Mac"]) == int(bits) // 8
    assert answer == answer | {"KeyId": key_arn(key_id), "MacAlgorithm": algorithm}
    verified = kms.verify_mac(
        KeyId=key_id, Message=b"webhook body", Mac=answer["Mac"], MacAlgorithm=algorithm
    )
    assert verified["MacValid"] is True
    with pytest.raises(ClientError) as caught:
        kms.verify_mac(KeyId=key_id, Message=b"tampered", Mac=answer["Mac"], MacAlgorithm=algorithm)
    assert error_of(caught) == ("KMSInvalidMacException", "")  # as LocalStack recorded AWS


def test_a_mac_algorithm_must_match_the_key_spec(kms):
    key_id = new_key(kms, "HMAC_224", "GENERATE_VERIFY_MAC")
    with pytest.raises(ClientError) as caught:
        kms.generate_mac(KeyId=key_id, Message=b"x", MacAlgorithm="HMAC_SHA_256")
    assert error_of(caught) == (  # as LocalStack recorded AWS
        "InvalidKeyUsageException",
        "Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_224.",
    )


def test_generate_mac_with_an_encryption_key_is_the_wrong_usage(kms, key_id):
    with pytest.raises(ClientError) as caught:
        kms.generate_mac(KeyId=key_id, Message=b"x", MacAlgorithm="HMAC_SHA_256")
    assert error_of(caught) == (  # as LocalStack recorded AWS
        "InvalidKeyUsageException",
        f"{key_arn(key_id)} key usage is ENCRYPT_DECRYPT which is not valid for GenerateMac.",
    )


# -- key agreement --------------------------------------------------------------------------


def test_derive_shared_secret_agrees_with_the_peer(kms):
    key_id = new_key(kms, "ECC_NIST_P384", "KEY_AGREEMENT")
    peer = ec.generate_private_key(ec.SECP384R1())
    peer_public = peer.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    answer = kms.derive_shared_secret(KeyId=key_id, KeyAgreementAlgorithm="ECDH", PublicKey=peer_public)
    assert answer["SharedSecret"] == peer.exchange(ec.ECDH(), public_key(kms, key_id))
    assert (answer["KeyAgreementAlgorithm"], answer["KeyOrigin"]) == ("ECDH", "AWS_KMS")
    other_curve = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    with pytest.raises(ClientError) as caught:
        kms.derive_shared_secret(KeyId=key_id, KeyAgreementAlgorithm="ECDH", PublicKey=other_curve)
    assert error_of(caught)[0] == "ValidationException"  # message guessed


# -- data key pairs -------------------------------------------------------------------------


@pytest.mark.parametrize("spec", ["RSA_2048", "ECC_NIST_P256", "ECC_SECG_P256K1", "ECC_NIST_EDWARDS25519"])
def test_generate_data_key_pair(kms, key_id, spec):
    answer = kms.generate_data_key_pair(KeyId=key_id, KeyPairSpec=spec, EncryptionContext={"use": "jwt"})
    assert (answer["KeyId"], answer["KeyPairSpec"]) == (key_arn(key_id), spec)
    private = serialization.load_der_private_key(answer["PrivateKeyPlaintext"], password=None)
    assert (
        private.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        == answer["PublicKey"]
    )
    recovered = kms.decrypt(
        CiphertextBlob=answer["PrivateKeyCiphertextBlob"], EncryptionContext={"use": "jwt"}
    )
    assert recovered["Plaintext"] == answer["PrivateKeyPlaintext"]


def test_generate_data_key_pair_without_plaintext(kms, key_id):
    answer = kms.generate_data_key_pair_without_plaintext(KeyId=key_id, KeyPairSpec="ECC_NIST_P384")
    assert "PrivateKeyPlaintext" not in answer
    private_der = kms.decrypt(CiphertextBlob=answer["PrivateKeyCiphertextBlob"])["Plaintext"]
    private = serialization.load_der_private_key(private_der, password=None)
    assert isinstance(private.curve, ec.SECP384R1)


def test_hmac_matches_a_local_hmac_of_imported_material(kms):
    # With imported material the MAC can be checked independently.
    from .test_imports import import_material

    key_id = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC", Origin="EXTERNAL")[
        "KeyMetadata"
    ]["KeyId"]
    material = b"k" * 32
    import_material(kms, key_id, material)
    local = hmac.HMAC(material, hashes.SHA256())
    local.update(b"message")
    assert (
        kms.generate_mac(KeyId=key_id, Message=b"message", MacAlgorithm="HMAC_SHA_256")["Mac"]
        == local.finalize()
    )


@pytest.mark.parametrize(("spec", "bits"), [("RSA_3072", 3072), ("RSA_4096", 4096)])
def test_larger_rsa_keys(kms, spec, bits):
    key_id = new_key(kms, spec, "ENCRYPT_DECRYPT")
    assert public_key(kms, key_id).key_size == bits
    limit = bits // 8 - 66  # RSAES_OAEP_SHA_256: 318 and 446 bytes, as AWS documents
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"x" * limit, EncryptionAlgorithm="RSAES_OAEP_SHA_256")
    answer = kms.decrypt(
        CiphertextBlob=blob["CiphertextBlob"], KeyId=key_id, EncryptionAlgorithm="RSAES_OAEP_SHA_256"
    )
    assert answer["Plaintext"] == b"x" * limit
