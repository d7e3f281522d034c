"""SecureString parameters, encrypted for real through KMS (default key alias/aws/ssm)."""

from __future__ import annotations

import base64
import json
import os

import pytest

from stratus.testing import post_json

from .support import error_of, put

SECRET = "hunter2"


def arn_of(name: str) -> str:
    return f"arn:aws:ssm:us-east-1:000000000000:parameter{name}"


def test_the_value_is_kms_ciphertext_unless_decrypted(ssm, aws_client):
    put(ssm, "/s/password", SECRET, "SecureString")
    stored = ssm.get_parameter(Name="/s/password")["Parameter"]
    assert stored["Type"] == "SecureString" and stored["Value"] != SECRET
    # The value without decryption is the base64 KMS ciphertext, bound to the parameter's ARN.
    plaintext = aws_client("kms").decrypt(
        CiphertextBlob=base64.b64decode(stored["Value"]),
        EncryptionContext={"PARAMETER_ARN": arn_of("/s/password")},
    )["Plaintext"]
    assert plaintext == SECRET.encode()
    assert ssm.get_parameter(Name="/s/password", WithDecryption=True)["Parameter"]["Value"] == SECRET


def test_the_default_key_is_alias_aws_ssm(ssm):
    put(ssm, "/s/password", SECRET, "SecureString")
    [meta] = ssm.describe_parameters()["Parameters"]
    assert meta["KeyId"] == "alias/aws/ssm"
    found = ssm.describe_parameters(ParameterFilters=[{"Key": "KeyId", "Values": ["alias/aws/ssm"]}])
    assert [m["Name"] for m in found["Parameters"]] == ["/s/password"]


def test_a_customer_key(ssm, aws_client):
    key_id = aws_client("kms").create_key()["KeyMetadata"]["KeyId"]
    put(ssm, "/s/custom", SECRET, "SecureString", KeyId=key_id)
    [meta] = ssm.describe_parameters()["Parameters"]
    assert meta["KeyId"] == key_id
    assert ssm.get_parameter(Name="/s/custom", WithDecryption=True)["Parameter"]["Value"] == SECRET
    # An overwrite without KeyId keeps the key.
    ssm.put_parameter(Name="/s/custom", Value="second", Overwrite=True)
    [meta] = ssm.describe_parameters()["Parameters"]
    assert (meta["KeyId"], meta["Version"]) == (key_id, 2)
    history = ssm.get_parameter_history(Name="/s/custom", WithDecryption=True)["Parameters"]
    assert [(entry["Value"], entry["KeyId"]) for entry in history] == [(SECRET, key_id), ("second", key_id)]


def test_an_unknown_key(ssm):
    code, message = error_of(put, ssm, "/s/x", SECRET, "SecureString", KeyId="alias/does-not-exist")
    assert code == "InvalidKeyId"
    assert "(Service: AWSKMS; Status Code: 400; Error Code: NotFoundException;" in message
    assert error_of(ssm.get_parameter, Name="/s/x")[0] == "ParameterNotFound"


def test_a_disabled_key_cannot_decrypt(ssm, aws_client):
    kms = aws_client("kms")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    put(ssm, "/s/locked", SECRET, "SecureString", KeyId=key_id)
    kms.disable_key(KeyId=key_id)
    assert error_of(ssm.get_parameter, Name="/s/locked", WithDecryption=True)[0] == "InvalidKeyId"
    assert ssm.get_parameter(Name="/s/locked")["Parameter"]["Value"] != SECRET


def test_advanced_secure_strings_hold_8_kb(ssm):
    value = "s" * 8192
    assert put(ssm, "/s/big", value, "SecureString", Tier="Advanced")["Tier"] == "Advanced"
    assert ssm.get_parameter(Name="/s/big", WithDecryption=True)["Parameter"]["Value"] == value


def test_by_path_and_batch_reads_decrypt(ssm):
    put(ssm, "/s/a", "alpha", "SecureString")
    put(ssm, "/s/b", "beta", "String")
    found = ssm.get_parameters_by_path(Path="/s", WithDecryption=True)["Parameters"]
    assert [p["Value"] for p in found] == ["alpha", "beta"]
    batch = ssm.get_parameters(Names=["/s/a", "/s/b"], WithDecryption=True)["Parameters"]
    assert [p["Value"] for p in batch] == ["alpha", "beta"]


def _reader(aws_client, *statements: dict):
    """An IAM user allowed `statements`, and its SSM and KMS clients (IAM enforced by the caller)."""
    iam = aws_client("iam")
    iam.create_user(UserName="reader")
    policy = {"Version": "2012-10-17", "Statement": list(statements)}
    iam.put_user_policy(UserName="reader", PolicyName="p", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName="reader")["AccessKey"]
    keys = {"aws_access_key_id": key["AccessKeyId"], "aws_secret_access_key": key["SecretAccessKey"]}
    return aws_client("ssm", **keys), aws_client("kms", **keys)


READ_PARAMETERS = {"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "*"}
DECRYPT = {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}
IAM_MODE = pytest.mark.skipif(bool(os.environ.get("STRATUS_ENDPOINT")), reason="switches the IAM mode")


@IAM_MODE
def test_a_customer_key_needs_the_callers_kms_decrypt(ssm, aws_client, stratus_endpoint):
    key_id = aws_client("kms").create_key()["KeyMetadata"]["KeyId"]  # default policy: IAM policies decide
    put(ssm, "/s/guarded", SECRET, "SecureString", KeyId=key_id)
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})
    reader, _ = _reader(aws_client, READ_PARAMETERS)
    assert reader.get_parameter(Name="/s/guarded")["Parameter"]["Value"] != SECRET
    code, message = error_of(reader.get_parameter, Name="/s/guarded", WithDecryption=True)
    assert code == "AccessDeniedException"
    assert "kms:Decrypt" in message and "(Service: AWSKMS;" in message
    aws_client("iam").put_user_policy(
        UserName="reader",
        PolicyName="p",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [READ_PARAMETERS, DECRYPT]}),
    )
    assert reader.get_parameter(Name="/s/guarded", WithDecryption=True)["Parameter"]["Value"] == SECRET


@IAM_MODE
def test_the_aws_managed_key_opens_to_the_account_through_ssm_only(ssm, aws_client, stratus_endpoint):
    put(ssm, "/s/default", SECRET, "SecureString")
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})
    reader, kms = _reader(aws_client, READ_PARAMETERS)
    # alias/aws/ssm's key policy lets the account's principals use it through SSM (kms:ViaService),
    # so their IAM policies need not mention KMS ...
    assert reader.get_parameter(Name="/s/default", WithDecryption=True)["Parameter"]["Value"] == SECRET
    # ... while directly it stays closed, even to an IAM policy allowing kms:Decrypt.
    aws_client("iam").put_user_policy(
        UserName="reader",
        PolicyName="p",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [READ_PARAMETERS, DECRYPT]}),
    )
    ciphertext = base64.b64decode(reader.get_parameter(Name="/s/default")["Parameter"]["Value"])
    code, _ = error_of(
        kms.decrypt, CiphertextBlob=ciphertext, EncryptionContext={"PARAMETER_ARN": arn_of("/s/default")}
    )
    assert code == "AccessDeniedException"
