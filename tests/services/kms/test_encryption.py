"""Encrypt, Decrypt, ReEncrypt, GenerateDataKey(WithoutPlaintext), GenerateRandom, DryRun and
GetKeyLastUsage with symmetric encryption keys."""

from __future__ import annotations

import os

import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .support import error_of, key_arn


def test_encrypt_and_decrypt_without_a_key_id(kms, key_id):
    answer = kms.encrypt(KeyId=key_id, Plaintext=b"card 4111")
    assert (answer["KeyId"], answer["EncryptionAlgorithm"]) == (key_arn(key_id), "SYMMETRIC_DEFAULT")
    assert b"card 4111" not in answer["CiphertextBlob"]
    decrypted = kms.decrypt(CiphertextBlob=answer["CiphertextBlob"])
    assert decrypted["Plaintext"] == b"card 4111"
    assert (decrypted["KeyId"], decrypted["EncryptionAlgorithm"]) == (key_arn(key_id), "SYMMETRIC_DEFAULT")
    current = kms.describe_key(KeyId=key_id)["KeyMetadata"]["CurrentKeyMaterialId"]
    assert decrypted["KeyMaterialId"] == current


def test_each_encryption_is_different(kms, key_id):
    first = kms.encrypt(KeyId=key_id, Plaintext=b"same")["CiphertextBlob"]
    second = kms.encrypt(KeyId=key_id, Plaintext=b"same")["CiphertextBlob"]
    assert first != second


def test_the_encryption_context_is_authenticated(kms, key_id):
    context = {"tenant": "acme", "purpose": "invoice"}
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"x", EncryptionContext=context)["CiphertextBlob"]
    # Order does not matter, every pair does (case-sensitively).
    reordered = {"purpose": "invoice", "tenant": "acme"}
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext=reordered)["Plaintext"] == b"x"
    for wrong in (None, {"tenant": "acme"}, {"tenant": "Acme", "purpose": "invoice"}):
        with pytest.raises(ClientError) as caught:
            kms.decrypt(CiphertextBlob=blob, **({"EncryptionContext": wrong} if wrong else {}))
        assert error_of(caught) == ("InvalidCiphertextException", "")  # as LocalStack recorded AWS
    plain = kms.encrypt(KeyId=key_id, Plaintext=b"y")["CiphertextBlob"]
    with pytest.raises(ClientError) as caught:
        kms.decrypt(CiphertextBlob=plain, EncryptionContext={"extra": "pair"})
    assert error_of(caught)[0] == "InvalidCiphertextException"


def test_a_tampered_or_foreign_ciphertext_is_invalid(kms, key_id):
    blob = bytearray(kms.encrypt(KeyId=key_id, Plaintext=b"x" * 40)["CiphertextBlob"])
    blob[-5] ^= 0x01
    with pytest.raises(ClientError) as caught:
        kms.decrypt(CiphertextBlob=bytes(blob))
    assert error_of(caught)[0] == "InvalidCiphertextException"
    with pytest.raises(ClientError) as caught:
        kms.decrypt(CiphertextBlob=os.urandom(100))
    assert error_of(caught)[0] == "InvalidCiphertextException"


def test_a_key_id_that_is_not_the_blobs_key_is_incorrect(kms, key_id):
    other = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"x")["CiphertextBlob"]
    with pytest.raises(ClientError) as caught:
        kms.decrypt(CiphertextBlob=blob, KeyId=other)
    # AWS's wording, as LocalStack recorded it
    assert error_of(caught) == (
        "IncorrectKeyException",
        "The key ID in the request does not identify a CMK that can perform this operation.",
    )
    kms.create_alias(AliasName="alias/right", TargetKeyId=key_id)
    assert kms.decrypt(CiphertextBlob=blob, KeyId="alias/right")["Plaintext"] == b"x"


def test_plaintext_is_limited_to_4096_bytes(kms, key_id):
    kms.encrypt(KeyId=key_id, Plaintext=b"x" * 4096)
    with pytest.raises(ClientError) as caught:
        kms.encrypt(KeyId=key_id, Plaintext=b"x" * 4097)
    assert error_of(caught) == (  # as LocalStack recorded AWS
        "ValidationException",
        "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: "
        "Member must have length less than or equal to 4096",
    )


def test_a_key_of_another_usage_cannot_encrypt(kms):
    signing = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError) as caught:
        kms.encrypt(KeyId=signing, Plaintext=b"x")
    assert error_of(caught) == (  # as LocalStack recorded AWS
        "InvalidKeyUsageException",
        f"{key_arn(signing)} key usage is SIGN_VERIFY which is not valid for Encrypt.",
    )


def test_re_encrypt_moves_a_ciphertext_to_another_key_and_context(kms, key_id):
    destination = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"move me", EncryptionContext={"a": "1"})["CiphertextBlob"]
    answer = kms.re_encrypt(
        CiphertextBlob=blob,
        SourceEncryptionContext={"a": "1"},
        DestinationKeyId=destination,
        DestinationEncryptionContext={"b": "2"},
    )
    assert (answer["SourceKeyId"], answer["KeyId"]) == (key_arn(key_id), key_arn(destination))
    assert (
        answer["SourceEncryptionAlgorithm"] == answer["DestinationEncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    )
    assert len(answer["SourceKeyMaterialId"]) == len(answer["DestinationKeyMaterialId"]) == 64
    moved = kms.decrypt(CiphertextBlob=answer["CiphertextBlob"], EncryptionContext={"b": "2"})
    assert (moved["Plaintext"], moved["KeyId"]) == (b"move me", key_arn(destination))
    with pytest.raises(ClientError) as caught:
        kms.re_encrypt(CiphertextBlob=blob, DestinationKeyId=destination)  # source context missing
    assert error_of(caught)[0] == "InvalidCiphertextException"
    with pytest.raises(ClientError) as caught:
        kms.re_encrypt(CiphertextBlob=blob, SourceKeyId=destination, DestinationKeyId=destination)
    assert error_of(caught)[0] == "IncorrectKeyException"


# -- data keys ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "size"),
    [({"KeySpec": "AES_256"}, 32), ({"KeySpec": "AES_128"}, 16), ({"NumberOfBytes": 64}, 64)],
)
def test_generate_data_key_sizes(kms, key_id, kwargs, size):
    answer = kms.generate_data_key(KeyId=key_id, **kwargs)
    assert len(answer["Plaintext"]) == size
    assert answer["KeyId"] == key_arn(key_id)
    assert kms.decrypt(CiphertextBlob=answer["CiphertextBlob"])["Plaintext"] == answer["Plaintext"]


def test_generate_data_key_needs_exactly_one_size(kms, key_id):
    for kwargs in ({}, {"KeySpec": "AES_256", "NumberOfBytes": 32}):
        with pytest.raises(ClientError) as caught:
            kms.generate_data_key(KeyId=key_id, **kwargs)
        # moto's record of AWS's wording; the both-given case is guessed
        assert error_of(caught) == (
            "ValidationException",
            "Please specify either number of bytes or key spec.",
        )
    with pytest.raises(ClientError) as caught:
        kms.generate_data_key(KeyId=key_id, NumberOfBytes=1025)
    assert error_of(caught)[1] == (
        "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: "
        "Member must have value less than or equal to 1024"
    )


def test_generate_data_key_without_plaintext(kms, key_id):
    answer = kms.generate_data_key_without_plaintext(
        KeyId=key_id, KeySpec="AES_256", EncryptionContext={"k": "v"}
    )
    assert "Plaintext" not in answer
    plaintext = kms.decrypt(CiphertextBlob=answer["CiphertextBlob"], EncryptionContext={"k": "v"})[
        "Plaintext"
    ]
    assert len(plaintext) == 32


def test_data_keys_need_a_symmetric_key(kms):
    rsa = kms.create_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError) as caught:
        kms.generate_data_key(KeyId=rsa, KeySpec="AES_256")
    assert error_of(caught)[0] == "InvalidKeyUsageException"  # message guessed


def test_envelope_encryption_end_to_end(kms, key_id, tmp_path):
    # Encrypt a file locally with a data key, keep only the encrypted data key next to it.
    document = os.urandom(100_000)
    data_key = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256", EncryptionContext={"file": "report"})
    nonce = os.urandom(12)
    (tmp_path / "report.enc").write_bytes(
        nonce + AESGCM(data_key["Plaintext"]).encrypt(nonce, document, None)
    )
    (tmp_path / "report.key").write_bytes(data_key["CiphertextBlob"])
    del data_key
    # Later: recover the data key from KMS, then the file.
    encrypted_key = (tmp_path / "report.key").read_bytes()
    plaintext_key = kms.decrypt(CiphertextBlob=encrypted_key, EncryptionContext={"file": "report"})[
        "Plaintext"
    ]
    sealed = (tmp_path / "report.enc").read_bytes()
    assert AESGCM(plaintext_key).decrypt(sealed[:12], sealed[12:], None) == document


def test_generate_random(kms, unchecked_kms):
    for size in (1, 32, 1024):
        assert len(kms.generate_random(NumberOfBytes=size)["Plaintext"]) == size
    assert (
        kms.generate_random(NumberOfBytes=32)["Plaintext"]
        != kms.generate_random(NumberOfBytes=32)["Plaintext"]
    )
    with pytest.raises(ClientError) as caught:
        kms.generate_random()
    assert error_of(caught) == (
        "ValidationException",
        "NumberOfBytes is required.",
    )  # as LocalStack recorded AWS
    with pytest.raises(ClientError) as caught:
        unchecked_kms.generate_random(NumberOfBytes=0)
    assert "Member must have value greater than or equal to 1" in error_of(caught)[1]


# -- dry runs and last usage ----------------------------------------------------------------


def test_dry_run_checks_everything_but_does_nothing(kms, key_id):
    with pytest.raises(ClientError) as caught:
        kms.encrypt(KeyId=key_id, Plaintext=b"x", DryRun=True)
    assert error_of(caught)[0] == "DryRunOperationException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 412
    kms.disable_key(KeyId=key_id)
    with pytest.raises(ClientError) as caught:
        kms.encrypt(KeyId=key_id, Plaintext=b"x", DryRun=True)
    assert error_of(caught)[0] == "DisabledException"


def test_get_key_last_usage(kms, key_id):
    before = kms.get_key_last_usage(KeyId=key_id)
    assert "KeyLastUsage" not in before
    assert before["KeyCreationDate"] == before["TrackingStartDate"]
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"x")["CiphertextBlob"]
    kms.decrypt(CiphertextBlob=blob)
    usage = kms.get_key_last_usage(KeyId=key_id)["KeyLastUsage"]
    assert usage["Operation"] == "Decrypt"
    assert usage["KmsRequestId"]


def test_a_dry_run_may_ignore_the_ciphertext(kms, key_id):
    with pytest.raises(ClientError) as caught:
        kms.decrypt(KeyId=key_id, DryRun=True, DryRunModifiers=["IGNORE_CIPHERTEXT"])
    assert error_of(caught)[0] == "DryRunOperationException"
    with pytest.raises(ClientError) as caught:
        kms.decrypt(DryRun=True, DryRunModifiers=["IGNORE_CIPHERTEXT"])
    assert error_of(caught)[0] == "ValidationException"
