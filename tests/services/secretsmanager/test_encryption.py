"""Secret values encrypted for real through KMS: envelope encryption with AWS's encryption context,
customer managed keys, KMS errors surfacing as Secrets Manager's, cross-account reads."""

from __future__ import annotations

import json
import os

import pytest
from botocore.exceptions import ClientError

from stratus.testing import post_json

from .support import error_of

OWNER, OTHER = "000000000000", "111111111111"
in_process = pytest.mark.skipif(
    bool(os.environ.get("STRATUS_ENDPOINT")), reason="reads the server's database directly"
)


@pytest.fixture
def kms(aws_client):
    return aws_client("kms")


@pytest.fixture
def key(kms):
    """A customer managed key with the alias alias/app: its metadata."""
    metadata = kms.create_key(Description="for secrets")["KeyMetadata"]
    kms.create_alias(AliasName="alias/app", TargetKeyId=metadata["KeyId"])
    return metadata


def stored_versions(stratus_server, name: str) -> list:
    db = stratus_server.runtime.state.database("secretsmanager")
    return db.query(
        "SELECT v.* FROM sm_versions v JOIN sm_secrets s ON s.secret_id = v.secret_id WHERE s.name = ? "
        "ORDER BY v.seq",
        (name,),
    )


@in_process
def test_values_are_stored_encrypted_under_a_kms_data_key(sm, kms, stratus_server):
    created = sm.create_secret(Name="enc", SecretString="plain-text-value")
    [row] = stored_versions(stratus_server, "enc")
    assert b"plain-text-value" not in bytes(row["ciphertext"])
    # The data key opens only with Secrets Manager's encryption context for this version.
    context = {"SecretARN": created["ARN"], "SecretVersionId": created["VersionId"]}
    data_key = kms.decrypt(CiphertextBlob=bytes(row["encrypted_data_key"]), EncryptionContext=context)
    assert len(data_key["Plaintext"]) == 32
    assert data_key["KeyId"] == kms.describe_key(KeyId="alias/aws/secretsmanager")["KeyMetadata"]["Arn"]
    with pytest.raises(ClientError) as caught:
        kms.decrypt(CiphertextBlob=bytes(row["encrypted_data_key"]), EncryptionContext={"SecretARN": "other"})
    assert error_of(caught)[0] == "InvalidCiphertextException"


def test_the_aws_managed_key_is_created_on_first_use(sm, kms):
    sm.create_secret(Name="first", SecretString="x")
    metadata = kms.describe_key(KeyId="alias/aws/secretsmanager")["KeyMetadata"]
    assert metadata["KeyManager"] == "AWS"


def test_a_customer_managed_key(sm, key):
    sm.create_secret(Name="custom", SecretString="v1", KmsKeyId="alias/app")
    assert sm.describe_secret(SecretId="custom")["KmsKeyId"] == "alias/app"
    assert sm.list_secret_version_ids(SecretId="custom")["Versions"][0]["KmsKeyIds"] == ["alias/app"]
    assert sm.get_secret_value(SecretId="custom")["SecretString"] == "v1"


def test_a_disabled_key_fails_reads_and_writes(sm, kms, key):
    sm.create_secret(Name="custom", SecretString="v1", KmsKeyId=key["Arn"])
    kms.disable_key(KeyId=key["KeyId"])
    # KMS's DisabledException surfaces as DecryptionFailure / EncryptionFailure carrying KMS's message
    # (the mapping is AWS's; the wording guessed).
    with pytest.raises(ClientError) as caught:
        sm.get_secret_value(SecretId="custom")
    code, message = error_of(caught)
    assert code == "DecryptionFailure" and key["Arn"] in message and "disabled" in message
    with pytest.raises(ClientError) as caught:
        sm.put_secret_value(SecretId="custom", SecretString="v2")
    assert error_of(caught)[0] == "EncryptionFailure"
    kms.enable_key(KeyId=key["KeyId"])
    assert sm.get_secret_value(SecretId="custom")["SecretString"] == "v1"


def test_an_unknown_key_fails_the_creation(sm):
    with pytest.raises(ClientError) as caught:
        sm.create_secret(Name="nokey", SecretString="x", KmsKeyId="alias/does-not-exist")
    assert error_of(caught)[0] == "EncryptionFailure"
    with pytest.raises(ClientError):
        sm.describe_secret(SecretId="nokey")


def test_changing_the_key_reencrypts_the_labelled_versions(sm, kms, key):
    sm.create_secret(Name="move", SecretString="v1")
    sm.put_secret_value(SecretId="move", SecretString="v2")
    answer = sm.update_secret(SecretId="move", KmsKeyId="alias/app")
    assert "VersionId" not in answer
    assert sm.describe_secret(SecretId="move")["KmsKeyId"] == "alias/app"
    assert {tuple(v["KmsKeyIds"]) for v in sm.list_secret_version_ids(SecretId="move")["Versions"]} == {
        ("alias/app",)
    }
    # Both labelled versions now depend on the new key only.
    kms.disable_key(KeyId=key["KeyId"])
    for stage in ("AWSCURRENT", "AWSPREVIOUS"):
        with pytest.raises(ClientError) as caught:
            sm.get_secret_value(SecretId="move", VersionStage=stage)
        assert error_of(caught)[0] == "DecryptionFailure"
    kms.enable_key(KeyId=key["KeyId"])
    assert sm.get_secret_value(SecretId="move", VersionStage="AWSPREVIOUS")["SecretString"] == "v1"
    # An empty KmsKeyId goes back to aws/secretsmanager.
    sm.update_secret(SecretId="move", KmsKeyId="")
    assert "KmsKeyId" not in sm.describe_secret(SecretId="move")


def test_another_account_reads_a_secret_under_a_shared_customer_key(
    sm, kms, key, aws_client, stratus_endpoint
):
    kms.put_key_policy(
        KeyId=key["KeyId"],
        PolicyName="default",
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{OWNER}:root"},
                        "Action": "kms:*",
                        "Resource": "*",
                    },
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"},
                        "Action": "kms:Decrypt",
                        "Resource": "*",
                    },
                ],
            }
        ),
    )
    created = sm.create_secret(Name="shared", SecretString="for them", KmsKeyId=key["Arn"])
    sm.put_resource_policy(
        SecretId="shared",
        ResourcePolicy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"},
                        "Action": "secretsmanager:GetSecretValue",
                        "Resource": "*",
                    }
                ],
            }
        ),
    )
    iam = aws_client("iam", aws_access_key_id=OTHER, aws_secret_access_key="test")
    iam.create_user(UserName="reader")
    iam.put_user_policy(
        UserName="reader",
        PolicyName="p",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": ["secretsmanager:GetSecretValue", "kms:Decrypt"],
                        "Resource": "*",
                    }
                ],
            }
        ),
    )
    access = iam.create_access_key(UserName="reader")["AccessKey"]
    reader = aws_client(
        "secretsmanager",
        aws_access_key_id=access["AccessKeyId"],
        aws_secret_access_key=access["SecretAccessKey"],
    )
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})
    try:
        assert reader.get_secret_value(SecretId=created["ARN"])["SecretString"] == "for them"
        # A name means a secret of the caller's own account.
        with pytest.raises(ClientError) as caught:
            reader.get_secret_value(SecretId="shared")
        assert error_of(caught)[0] in ("ResourceNotFoundException", "AccessDeniedException")
    finally:
        post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "off"})
