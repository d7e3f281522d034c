"""Server-side encryption request headers on object writes and reads: SSE-S3 stored and echoed,
unknown values refused (SSE-KMS with real KMS keys: test_sse_kms.py), SSE-C validated, its key's
MD5 kept per version and required to read, copy and upload parts; the same in browser uploads, with
their checksum fields.

Messages come from S3's recorded answers, except where a comment says `guessed`.
"""

from __future__ import annotations

import base64
import hashlib

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from .post_object_support import post
from .support import error_fields, error_of, quoted_md5, status_of

KEY = b"K" * 32
OTHER_KEY = b"O" * 32
BODY = b"secret payload"
PART = b"p" * (5 * 1024 * 1024)

NOT_SUPPORTED = "The encryption method specified is not supported"
KEY_REQUIRED = (
    "The object was stored using a form of Server Side Encryption. "
    "The correct parameters must be provided to retrieve the object."
)
WRONG_KEY = "Requests specifying Server Side Encryption with Customer provided keys must provide the correct secret key."
PART_KEY_REQUIRED = (
    "The multipart upload initiate requested encryption. "
    "Subsequent part requests must include the appropriate encryption parameters."
)
KMS_HEADER_REQUIRED = "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms"


def md5_of(key: bytes) -> str:
    return base64.b64encode(hashlib.md5(key, usedforsecurity=False).digest()).decode()


def sse_c(key: bytes = KEY) -> dict:
    """SSE-C members as boto3 takes them (it base64-encodes the key and adds its MD5)."""
    return {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": key}


def copy_source_sse_c(key: bytes = KEY) -> dict:
    return {"CopySourceSSECustomerAlgorithm": "AES256", "CopySourceSSECustomerKey": key}


def assert_absent(s3, bucket: str, key: str) -> None:
    with pytest.raises(ClientError) as caught:
        s3.head_object(Bucket=bucket, Key=key)
    assert status_of(caught) == 404


ALLOW_SSE_C = {
    "Rules": [
        {
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
            "BlockedEncryptionTypes": {"EncryptionType": ["NONE"]},
        }
    ]
}


@pytest.fixture
def bucket(s3, bucket):
    """The shared bucket with SSE-C allowed (new buckets block it since April 2026)."""
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=ALLOW_SSE_C)
    return bucket


def test_a_new_bucket_blocks_sse_c_until_allowed(s3):
    s3.create_bucket(Bucket="fresh-bucket")
    with pytest.raises(ClientError) as caught:
        s3.put_object(Bucket="fresh-bucket", Key="k", Body=b"x", **sse_c())
    assert status_of(caught) == 403
    assert caught.value.response["Error"]["Code"] == "AccessDenied"
    s3.put_bucket_encryption(Bucket="fresh-bucket", ServerSideEncryptionConfiguration=ALLOW_SSE_C)
    s3.put_object(Bucket="fresh-bucket", Key="k", Body=b"x", **sse_c())


@pytest.fixture
def s3v4(aws_client):
    return aws_client("s3", config=Config(signature_version="s3v4", retries={"max_attempts": 1}))


# ---------------------------------------------------------------------------------------- SSE-S3


def test_sse_s3_is_echoed_on_write_and_read(s3, bucket):
    assert (
        s3.put_object(Bucket=bucket, Key="a", Body=BODY, ServerSideEncryption="AES256")[
            "ServerSideEncryption"
        ]
        == "AES256"
    )
    assert s3.put_object(Bucket=bucket, Key="b", Body=BODY)["ServerSideEncryption"] == "AES256"
    for key in ("a", "b"):
        got = s3.get_object(Bucket=bucket, Key=key)
        assert got["ServerSideEncryption"] == "AES256" and "SSECustomerAlgorithm" not in got
        assert got["ETag"] == quoted_md5(BODY)
        assert s3.head_object(Bucket=bucket, Key=key)["ServerSideEncryption"] == "AES256"


@pytest.mark.parametrize("value", ["bogus", "aes256", "AES512"])
def test_an_unknown_algorithm_is_refused(s3, bucket, value):
    with pytest.raises(ClientError) as caught:
        s3.put_object(Bucket=bucket, Key="a", Body=BODY, ServerSideEncryption=value)
    assert error_of(caught) == ("InvalidArgument", NOT_SUPPORTED)
    assert error_fields(caught)["ArgumentName"] == "x-amz-server-side-encryption"
    assert error_fields(caught)["ArgumentValue"] == value
    assert_absent(s3, bucket, "a")


@pytest.mark.parametrize(
    "members",
    [
        {"SSEKMSKeyId": "alias/app"},
        {"SSEKMSKeyId": "alias/app", "ServerSideEncryption": "AES256"},
        # guessed: S3's answer for a context without aws:kms is not recorded; taken as the key id's
        {"SSEKMSEncryptionContext": base64.b64encode(b'{"app":"x"}').decode()},
    ],
)
def test_kms_members_need_aws_kms(s3, bucket, members):
    with pytest.raises(ClientError) as caught:
        s3.put_object(Bucket=bucket, Key="a", Body=BODY, **members)
    assert error_of(caught) == ("InvalidArgument", KMS_HEADER_REQUIRED)
    assert_absent(s3, bucket, "a")


def test_bucket_key_enabled_is_accepted_with_sse_s3(s3, bucket):
    answer = s3.put_object(
        Bucket=bucket, Key="a", Body=BODY, ServerSideEncryption="AES256", BucketKeyEnabled=True
    )
    assert answer["ServerSideEncryption"] == "AES256" and "BucketKeyEnabled" not in answer


def test_multipart_sse_s3_is_echoed_throughout(s3, bucket):
    created = s3.create_multipart_upload(Bucket=bucket, Key="m", ServerSideEncryption="AES256")
    assert created["ServerSideEncryption"] == "AES256"
    part = s3.upload_part(Bucket=bucket, Key="m", UploadId=created["UploadId"], PartNumber=1, Body=BODY)
    assert part["ServerSideEncryption"] == "AES256" and part["ETag"] == quoted_md5(BODY)
    done = s3.complete_multipart_upload(
        Bucket=bucket,
        Key="m",
        UploadId=created["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )
    assert done["ServerSideEncryption"] == "AES256" and "SSEKMSKeyId" not in done
    assert s3.head_object(Bucket=bucket, Key="m")["ServerSideEncryption"] == "AES256"


def test_an_in_place_copy_is_allowed_when_it_sets_encryption_or_the_bucket_has_a_default(s3):
    bucket = "unconfigured-bucket"  # no explicit default encryption
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="a", Body=BODY)
    with pytest.raises(ClientError) as caught:
        s3.copy_object(Bucket=bucket, Key="a", CopySource=f"{bucket}/a")
    assert error_of(caught)[0] == "InvalidRequest"
    s3.copy_object(Bucket=bucket, Key="a", CopySource=f"{bucket}/a", ServerSideEncryption="AES256")
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    s3.copy_object(Bucket=bucket, Key="a", CopySource=f"{bucket}/a")


# ---------------------------------------------------------------------------------------- SSE-C


def test_object_attributes_of_an_sse_c_object_need_its_key(s3, bucket):
    s3.put_object(Bucket=bucket, Key="c", Body=BODY, **sse_c())
    with pytest.raises(ClientError) as caught:
        s3.get_object_attributes(Bucket=bucket, Key="c", ObjectAttributes=["ObjectSize"])
    assert error_of(caught)[0] == "InvalidRequest"
    # boto3 neither encodes the key nor adds its MD5 for this operation: the caller does, as with AWS
    import base64

    answer = s3.get_object_attributes(
        Bucket=bucket,
        Key="c",
        ObjectAttributes=["ObjectSize"],
        SSECustomerAlgorithm="AES256",
        SSECustomerKey=base64.b64encode(KEY).decode(),
        SSECustomerKeyMD5=md5_of(KEY),
    )
    assert answer["ObjectSize"] == len(BODY)


def test_sse_c_round_trip(s3, bucket):
    written = s3.put_object(Bucket=bucket, Key="c", Body=BODY, **sse_c())
    assert written["SSECustomerAlgorithm"] == "AES256"
    assert written["SSECustomerKeyMD5"] == md5_of(KEY)
    assert "ServerSideEncryption" not in written
    # S3: "The ETag that is returned is not the MD5 of the object", and it differs at each write
    assert written["ETag"] != quoted_md5(BODY)
    again = s3.put_object(Bucket=bucket, Key="c2", Body=BODY, **sse_c())
    assert again["ETag"] != written["ETag"]
    got = s3.get_object(Bucket=bucket, Key="c", **sse_c())
    assert got["Body"].read() == BODY
    assert (got["SSECustomerAlgorithm"], got["SSECustomerKeyMD5"]) == ("AES256", md5_of(KEY))
    assert "ServerSideEncryption" not in got and got["ETag"] == written["ETag"]
    head = s3.head_object(Bucket=bucket, Key="c", **sse_c())
    assert head["SSECustomerKeyMD5"] == md5_of(KEY) and head["ContentLength"] == len(BODY)
    ranged = s3.get_object(Bucket=bucket, Key="c", Range="bytes=0-5", **sse_c())
    assert ranged["Body"].read() == BODY[:6]


def test_an_sse_c_object_needs_its_key_to_be_read(s3, bucket):
    s3.put_object(Bucket=bucket, Key="c", Body=BODY, **sse_c())
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket=bucket, Key="c")
    assert status_of(caught) == 400 and error_of(caught) == ("InvalidRequest", KEY_REQUIRED)
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket=bucket, Key="c", **sse_c(OTHER_KEY))
    assert status_of(caught) == 403 and error_of(caught) == ("AccessDenied", WRONG_KEY)
    with pytest.raises(ClientError) as caught:
        s3.head_object(Bucket=bucket, Key="c")
    assert status_of(caught) == 400
    with pytest.raises(ClientError) as caught:
        s3.head_object(Bucket=bucket, Key="c", **sse_c(OTHER_KEY))
    assert status_of(caught) == 403
    # neither listing nor deleting needs the key
    assert [item["Key"] for item in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["c"]
    s3.delete_object(Bucket=bucket, Key="c")


def test_sse_c_headers_on_an_object_without_sse_c(s3, bucket):
    s3.put_object(Bucket=bucket, Key="plain", Body=BODY)
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket=bucket, Key="plain", **sse_c())
    assert error_of(caught) == (
        "InvalidRequest",
        "The encryption parameters are not applicable to this object.",
    )


def test_each_version_keeps_its_own_key(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket=bucket, Key="v", Body=b"one", **sse_c(KEY))["VersionId"]
    s3.put_object(Bucket=bucket, Key="v", Body=b"two", **sse_c(OTHER_KEY))
    assert s3.get_object(Bucket=bucket, Key="v", **sse_c(OTHER_KEY))["Body"].read() == b"two"
    assert s3.get_object(Bucket=bucket, Key="v", VersionId=first, **sse_c(KEY))["Body"].read() == b"one"
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket=bucket, Key="v", VersionId=first, **sse_c(OTHER_KEY))
    assert status_of(caught) == 403


INVALID_SSE_C = [
    (
        {"SSECustomerAlgorithm": "AES128", "SSECustomerKey": KEY},
        "InvalidEncryptionAlgorithmError",
        "The Encryption request you specified is not valid. Supported value: AES256.",
    ),
    (
        {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": b"short key"},
        "InvalidArgument",
        "The secret key was invalid for the specified algorithm.",
    ),
    (
        {
            "SSECustomerAlgorithm": "AES256",
            "SSECustomerKey": base64.b64encode(KEY).decode(),
            "SSECustomerKeyMD5": md5_of(OTHER_KEY),
        },
        "InvalidArgument",
        "The calculated MD5 hash of the key did not match the hash that was provided.",
    ),
    (
        {"SSECustomerKey": KEY},
        "InvalidArgument",
        "Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption "
        "algorithm.",
    ),
    (
        {"SSECustomerAlgorithm": "AES256"},
        "InvalidArgument",
        "Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret "
        "key.",
    ),
    (
        {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": KEY, "ServerSideEncryption": "AES256"},
        "InvalidArgument",
        "Server Side Encryption with Customer provided key is incompatible with the encryption method specified",
    ),
]


@pytest.mark.parametrize(("members", "code", "message"), INVALID_SSE_C)
def test_invalid_sse_c_is_refused_and_nothing_is_stored(s3, bucket, members, code, message):
    with pytest.raises(ClientError) as caught:
        s3.put_object(Bucket=bucket, Key="c", Body=BODY, **members)
    assert status_of(caught) == 400 and error_of(caught) == (code, message)
    assert error_fields(caught)["ArgumentName"] == "x-amz-server-side-encryption"
    assert_absent(s3, bucket, "c")


def test_a_bucket_that_blocks_sse_c_refuses_sse_c_writes(s3, bucket):
    s3.put_object(Bucket=bucket, Key="old", Body=BODY, **sse_c())
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
                    "BlockedEncryptionTypes": {"EncryptionType": ["SSE-C"]},
                }
            ]
        },
    )
    for call in (
        lambda: s3.put_object(Bucket=bucket, Key="new", Body=BODY, **sse_c()),
        lambda: s3.create_multipart_upload(Bucket=bucket, Key="new", **sse_c()),
    ):
        with pytest.raises(ClientError) as caught:
            call()
        assert status_of(caught) == 403 and error_of(caught)[0] == "AccessDenied"
        assert (
            "blocked upload requests that specify Server Side Encryption with Customer provided keys"
            in (error_of(caught)[1])
        )
    assert_absent(s3, bucket, "new")
    assert s3.get_object(Bucket=bucket, Key="old", **sse_c())["Body"].read() == BODY  # still readable
    assert s3.put_object(Bucket=bucket, Key="plain", Body=BODY)["ServerSideEncryption"] == "AES256"


# ---------------------------------------------------------------------------------------- copies


def test_copying_an_sse_c_source_needs_its_key(s3, bucket):
    s3.put_object(Bucket=bucket, Key="c", Body=BODY, **sse_c())
    with pytest.raises(ClientError) as caught:
        s3.copy_object(Bucket=bucket, Key="copy", CopySource=f"{bucket}/c")
    assert error_of(caught) == ("InvalidRequest", KEY_REQUIRED)
    with pytest.raises(ClientError) as caught:
        s3.copy_object(Bucket=bucket, Key="copy", CopySource=f"{bucket}/c", **copy_source_sse_c(OTHER_KEY))
    assert status_of(caught) == 403  # guessed message: S3's answer to a wrong source key is not recorded
    assert_absent(s3, bucket, "copy")
    # without target encryption the copy gets the bucket's default (SSE-S3), and an MD5 ETag
    copied = s3.copy_object(Bucket=bucket, Key="copy", CopySource=f"{bucket}/c", **copy_source_sse_c())
    assert copied["ServerSideEncryption"] == "AES256" and "SSECustomerKeyMD5" not in copied
    assert copied["CopyObjectResult"]["ETag"] == quoted_md5(BODY)
    assert s3.get_object(Bucket=bucket, Key="copy")["Body"].read() == BODY


def test_copying_to_an_sse_c_target(s3, bucket):
    s3.put_object(Bucket=bucket, Key="plain", Body=BODY)
    copied = s3.copy_object(Bucket=bucket, Key="c", CopySource=f"{bucket}/plain", **sse_c(OTHER_KEY))
    assert copied["SSECustomerKeyMD5"] == md5_of(OTHER_KEY) and "ServerSideEncryption" not in copied
    assert copied["CopyObjectResult"]["ETag"] != quoted_md5(BODY)
    assert s3.get_object(Bucket=bucket, Key="c", **sse_c(OTHER_KEY))["Body"].read() == BODY
    # re-keying an SSE-C object in place: the source's key to read it, the new key to write it
    s3.copy_object(
        Bucket=bucket, Key="c", CopySource=f"{bucket}/c", **copy_source_sse_c(OTHER_KEY), **sse_c(KEY)
    )
    assert s3.get_object(Bucket=bucket, Key="c", **sse_c(KEY))["Body"].read() == BODY
    with pytest.raises(ClientError) as caught:
        s3.copy_object(Bucket=bucket, Key="x", CopySource=f"{bucket}/plain", **copy_source_sse_c())
    assert error_of(caught) == (
        "InvalidRequest",
        "The encryption parameters are not applicable to this object.",
    )


# ---------------------------------------------------------------------------------------- multipart


def test_an_sse_c_multipart_upload(s3, bucket):
    created = s3.create_multipart_upload(Bucket=bucket, Key="m", **sse_c())
    assert created["SSECustomerKeyMD5"] == md5_of(KEY) and "ServerSideEncryption" not in created
    upload = {"Bucket": bucket, "Key": "m", "UploadId": created["UploadId"]}
    with pytest.raises(ClientError) as caught:
        s3.upload_part(**upload, PartNumber=1, Body=PART)
    assert error_of(caught) == ("InvalidRequest", PART_KEY_REQUIRED)
    with pytest.raises(ClientError) as caught:
        s3.upload_part(**upload, PartNumber=1, Body=PART, **sse_c(OTHER_KEY))
    assert error_of(caught) == (
        "InvalidRequest",
        "The provided encryption parameters did not match the ones used originally.",
    )
    first = s3.upload_part(**upload, PartNumber=1, Body=PART, **sse_c())
    assert first["SSECustomerKeyMD5"] == md5_of(KEY) and first["ETag"] != quoted_md5(PART)
    second = s3.upload_part(**upload, PartNumber=2, Body=BODY, **sse_c())
    parts = [{"PartNumber": 1, "ETag": first["ETag"]}, {"PartNumber": 2, "ETag": second["ETag"]}]
    done = s3.complete_multipart_upload(**upload, MultipartUpload={"Parts": parts})  # no key needed
    assert "ServerSideEncryption" not in done and "SSECustomerKeyMD5" not in done
    assert done["ETag"].endswith('-2"')
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket=bucket, Key="m")
    assert error_of(caught) == ("InvalidRequest", KEY_REQUIRED)
    got = s3.get_object(Bucket=bucket, Key="m", **sse_c())
    assert got["Body"].read() == PART + BODY and got["SSECustomerKeyMD5"] == md5_of(KEY)


def test_parts_of_an_upload_without_sse_c_carry_no_key(s3, bucket):
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="m")["UploadId"]
    with pytest.raises(ClientError) as caught:
        s3.upload_part(Bucket=bucket, Key="m", UploadId=upload_id, PartNumber=1, Body=BODY, **sse_c())
    assert error_of(caught) == ("InvalidRequest", PART_KEY_REQUIRED)


def test_complete_with_another_key_is_refused(s3, bucket):
    upload = {"Bucket": bucket, "Key": "m"}
    upload["UploadId"] = s3.create_multipart_upload(**upload, **sse_c())["UploadId"]
    part = s3.upload_part(**upload, PartNumber=1, Body=BODY, **sse_c())
    with pytest.raises(ClientError) as caught:
        s3.complete_multipart_upload(
            **upload, MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]}, **sse_c(OTHER_KEY)
        )
    assert error_of(caught)[0] == "InvalidRequest"
    done = s3.complete_multipart_upload(
        **upload, MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]}, **sse_c()
    )
    assert "SSECustomerKeyMD5" not in done


def test_upload_part_copy_with_sse_c_on_both_sides(s3, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=PART, **sse_c(OTHER_KEY))
    upload = {"Bucket": bucket, "Key": "m"}
    upload["UploadId"] = s3.create_multipart_upload(**upload, **sse_c())["UploadId"]
    source = {"CopySource": f"{bucket}/src", "PartNumber": 1}
    with pytest.raises(ClientError) as caught:
        s3.upload_part_copy(**upload, **source, **sse_c())
    assert error_of(caught) == ("InvalidRequest", KEY_REQUIRED)
    with pytest.raises(ClientError) as caught:
        s3.upload_part_copy(**upload, **source, **copy_source_sse_c(OTHER_KEY))
    assert error_of(caught) == ("InvalidRequest", PART_KEY_REQUIRED)
    copied = s3.upload_part_copy(**upload, **source, **sse_c(), **copy_source_sse_c(OTHER_KEY))
    assert copied["SSECustomerKeyMD5"] == md5_of(KEY)
    s3.complete_multipart_upload(
        **upload, MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": copied["CopyPartResult"]["ETag"]}]}
    )
    assert s3.get_object(Bucket=bucket, Key="m", **sse_c())["Body"].read() == PART


# ---------------------------------------------------------------------------------------- browser uploads


def presigned_with(s3v4, bucket: str, key: str, fields: dict) -> dict:
    return s3v4.generate_presigned_post(
        bucket, key, Fields=fields, Conditions=[{name: value} for name, value in fields.items()]
    )


def test_a_form_asks_for_sse_s3(s3, s3v4, bucket):
    answer = post(presigned_with(s3v4, bucket, "f", {"x-amz-server-side-encryption": "AES256"}))
    assert answer.status == 204 and answer.headers["x-amz-server-side-encryption"] == "AES256"
    assert s3.head_object(Bucket=bucket, Key="f")["ServerSideEncryption"] == "AES256"


def test_a_form_with_an_encryption_s3_does_not_take(s3, s3v4, bucket):
    answer = post(presigned_with(s3v4, bucket, "f", {"x-amz-server-side-encryption": "bogus"}))
    assert answer.status == 400 and answer.error()["Code"] == "InvalidArgument"
    assert_absent(s3, bucket, "f")


def test_a_form_asks_for_sse_kms(s3, s3v4, bucket):
    answer = post(presigned_with(s3v4, bucket, "f", {"x-amz-server-side-encryption": "aws:kms"}))
    assert answer.status == 204 and answer.headers["x-amz-server-side-encryption"] == "aws:kms"
    assert answer.headers["x-amz-server-side-encryption-aws-kms-key-id"].startswith("arn:aws:kms:")
    assert s3.head_object(Bucket=bucket, Key="f")["ServerSideEncryption"] == "aws:kms"


def test_a_form_with_sse_c(s3, s3v4, bucket):
    fields = {
        "x-amz-server-side-encryption-customer-algorithm": "AES256",
        "x-amz-server-side-encryption-customer-key": base64.b64encode(KEY).decode(),
        "x-amz-server-side-encryption-customer-key-MD5": md5_of(KEY),
    }
    answer = post(presigned_with(s3v4, bucket, "f", fields), file=("f.txt", BODY))
    assert answer.status == 204
    assert answer.headers["x-amz-server-side-encryption-customer-key-md5"] == md5_of(KEY)
    assert "x-amz-server-side-encryption" not in answer.headers
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket=bucket, Key="f")
    assert error_of(caught) == ("InvalidRequest", KEY_REQUIRED)
    assert s3.get_object(Bucket=bucket, Key="f", **sse_c())["Body"].read() == BODY


def sha256_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def test_a_form_checksum_is_verified_and_stored(s3, s3v4, bucket):
    fields = {"x-amz-checksum-algorithm": "SHA256", "x-amz-checksum-sha256": sha256_b64(BODY)}
    answer = post(presigned_with(s3v4, bucket, "f", fields), file=("f.txt", BODY))
    assert answer.status == 204 and answer.headers["x-amz-checksum-sha256"] == sha256_b64(BODY)
    head = s3.head_object(Bucket=bucket, Key="f", ChecksumMode="ENABLED")
    assert head["ChecksumSHA256"] == sha256_b64(BODY) and head["ChecksumType"] == "FULL_OBJECT"


def test_a_form_checksum_that_does_not_match_stores_nothing(s3, s3v4, bucket):
    fields = {"x-amz-checksum-sha256": sha256_b64(b"something else")}
    answer = post(presigned_with(s3v4, bucket, "f", fields), file=("f.txt", BODY))
    assert answer.status == 400
    assert answer.error()["Code"] == "BadDigest"
    assert answer.error()["Message"] == "The SHA256 you specified did not match the calculated checksum."
    assert_absent(s3, bucket, "f")


def test_a_form_checksum_algorithm_alone_is_computed(s3, s3v4, bucket):
    # guessed: S3's handling of x-amz-checksum-algorithm without a value in a form is not documented
    answer = post(presigned_with(s3v4, bucket, "f", {"x-amz-checksum-algorithm": "crc32"}), file=("f", BODY))
    assert answer.status == 204 and answer.headers["x-amz-checksum-crc32"]
    head = s3.head_object(Bucket=bucket, Key="f", ChecksumMode="ENABLED")
    assert head["ChecksumCRC32"] == answer.headers["x-amz-checksum-crc32"]


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"x-amz-checksum-crc32": "not base64!"}, "InvalidRequest"),
        ({"x-amz-checksum-md4": "AAAA"}, "InvalidRequest"),
        (
            {"x-amz-checksum-algorithm": "SHA1", "x-amz-checksum-sha256": sha256_b64(BODY)},
            "BadDigest",
        ),  # guessed
        ({"x-amz-checksum-algorithm": "ADLER32"}, "InvalidRequest"),  # guessed message
    ],
)
def test_malformed_form_checksums(s3, s3v4, bucket, fields, code):
    answer = post(presigned_with(s3v4, bucket, "f", fields), file=("f.txt", BODY))
    assert answer.status == 400 and answer.error()["Code"] == code
    assert_absent(s3, bucket, "f")
