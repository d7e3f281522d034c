"""SSE-KMS and DSSE-KMS with real KMS keys: the data key is made by KMS at write time and decrypted
by KMS at read time, as the caller, so the key's state matters exactly as in AWS (black-box)."""

from __future__ import annotations

import base64

import pytest
from botocore.exceptions import ClientError

from .support import error_of, status_of

BODY = b"secret body"


@pytest.fixture
def kms(aws_client):
    return aws_client("kms")


@pytest.fixture
def key_arn(kms):
    return kms.create_key(Description="for s3")["KeyMetadata"]["Arn"]


def test_aws_kms_without_a_key_uses_the_aws_managed_key(s3, bucket, kms):
    answer = s3.put_object(Bucket=bucket, Key="a", Body=BODY, ServerSideEncryption="aws:kms")
    assert answer["ServerSideEncryption"] == "aws:kms"
    managed = kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]
    assert answer["SSEKMSKeyId"] == managed["Arn"]
    assert managed["KeyManager"] == "AWS"
    got = s3.get_object(Bucket=bucket, Key="a")
    assert got["Body"].read() == BODY
    assert (got["ServerSideEncryption"], got["SSEKMSKeyId"]) == ("aws:kms", managed["Arn"])
    head = s3.head_object(Bucket=bucket, Key="a")
    assert head["SSEKMSKeyId"] == managed["Arn"]


@pytest.mark.parametrize("algorithm", ["aws:kms", "aws:kms:dsse"])
def test_a_customer_key_by_alias(s3, bucket, kms, key_arn, algorithm):
    kms.create_alias(AliasName="alias/s3-app", TargetKeyId=key_arn)
    answer = s3.put_object(
        Bucket=bucket,
        Key="a",
        Body=BODY,
        ServerSideEncryption=algorithm,
        SSEKMSKeyId="alias/s3-app",
        BucketKeyEnabled=True,
    )
    assert (answer["ServerSideEncryption"], answer["SSEKMSKeyId"]) == (algorithm, key_arn)
    assert answer["BucketKeyEnabled"] is True
    assert s3.get_object(Bucket=bucket, Key="a")["Body"].read() == BODY


def test_an_unknown_key_refuses_the_write(s3, bucket):
    with pytest.raises(ClientError) as caught:
        s3.put_object(
            Bucket=bucket,
            Key="a",
            Body=BODY,
            ServerSideEncryption="aws:kms",
            SSEKMSKeyId="arn:aws:kms:us-east-1:000000000000:key/00000000-0000-0000-0000-000000000000",
        )
    assert error_of(caught)[0] == "KMS.NotFoundException"
    assert status_of(caught) == 400
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="a")


def test_a_disabled_key_makes_the_object_unreadable_until_enabled(s3, bucket, kms, key_arn):
    s3.put_object(Bucket=bucket, Key="a", Body=BODY, ServerSideEncryption="aws:kms", SSEKMSKeyId=key_arn)
    kms.disable_key(KeyId=key_arn)
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket=bucket, Key="a")
    assert error_of(caught)[0] == "KMS.DisabledException"
    with pytest.raises(ClientError) as caught:  # and no new object under it either
        s3.put_object(Bucket=bucket, Key="b", Body=BODY, ServerSideEncryption="aws:kms", SSEKMSKeyId=key_arn)
    assert error_of(caught)[0] == "KMS.DisabledException"
    kms.enable_key(KeyId=key_arn)
    assert s3.get_object(Bucket=bucket, Key="a")["Body"].read() == BODY


def test_copies_and_multipart_uploads(s3, bucket, key_arn):
    s3.put_object(Bucket=bucket, Key="src", Body=BODY, ServerSideEncryption="aws:kms", SSEKMSKeyId=key_arn)
    copied = s3.copy_object(Bucket=bucket, Key="copy", CopySource=f"{bucket}/src")
    assert copied["ServerSideEncryption"] == "AES256"  # a copy takes its own encryption, not the source's
    upload = s3.create_multipart_upload(
        Bucket=bucket, Key="big", ServerSideEncryption="aws:kms", SSEKMSKeyId=key_arn
    )
    assert upload["SSEKMSKeyId"] == key_arn
    part = s3.upload_part_copy(
        Bucket=bucket, Key="big", UploadId=upload["UploadId"], PartNumber=1, CopySource=f"{bucket}/src"
    )
    done = s3.complete_multipart_upload(
        Bucket=bucket,
        Key="big",
        UploadId=upload["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["CopyPartResult"]["ETag"]}]},
    )
    assert (done["ServerSideEncryption"], done["SSEKMSKeyId"]) == ("aws:kms", key_arn)
    assert s3.get_object(Bucket=bucket, Key="big")["Body"].read() == BODY


def test_the_bucket_default_applies_its_key(s3, bucket, key_arn):
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": key_arn,
                    },
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )
    answer = s3.put_object(Bucket=bucket, Key="a", Body=BODY)
    assert (answer["ServerSideEncryption"], answer["SSEKMSKeyId"], answer["BucketKeyEnabled"]) == (
        "aws:kms",
        key_arn,
        True,
    )
    # the request's own encryption takes precedence over the bucket's default
    assert s3.put_object(Bucket=bucket, Key="b", Body=BODY, ServerSideEncryption="AES256")[
        "ServerSideEncryption"
    ] == ("AES256")


def test_an_encryption_context_must_be_base64_json(s3, bucket, key_arn):
    context = base64.b64encode(b'{"app": "billing"}').decode()
    s3.put_object(
        Bucket=bucket,
        Key="a",
        Body=BODY,
        ServerSideEncryption="aws:kms",
        SSEKMSKeyId=key_arn,
        SSEKMSEncryptionContext=context,
    )
    assert s3.get_object(Bucket=bucket, Key="a")["Body"].read() == BODY
    with pytest.raises(ClientError) as caught:
        s3.put_object(
            Bucket=bucket,
            Key="b",
            Body=BODY,
            ServerSideEncryption="aws:kms",
            SSEKMSEncryptionContext="not base64!",
        )
    assert error_of(caught)[0] == "InvalidArgument"
