"""S3 multipart uploads, black-box through boto3: create, parts (uploaded and copied), listing,
completion with composite and full-object checksums, abort, and boto3's managed transfer."""

from __future__ import annotations

import base64
import hashlib
import io
import time
import zlib
from datetime import UTC, datetime

import pytest
from botocore.exceptions import ClientError

MIB = 1024 * 1024
PART = 5 * MIB  # the smallest part that may be followed by another
BIG_A = b"a" * PART
BIG_B = bytes(range(256)) * (PART // 256)
CHECK_BODY = b"123456789"  # the checksum test vector, with AWS's published values below


class Error(dict):
    """An error response's members; `error >= {...}` holds when it has at least those values."""

    def __ge__(self, expected: dict) -> bool:
        return all(self.get(name) == value for name, value in expected.items())


def error_of(caught: pytest.ExceptionInfo) -> Error:
    response = caught.value.response
    return Error(response["Error"], Status=response["ResponseMetadata"]["HTTPStatusCode"])


def md5(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def multipart_etag(*parts: bytes) -> str:
    digests = b"".join(hashlib.md5(part, usedforsecurity=False).digest() for part in parts)
    return f'"{md5(digests)}-{len(parts)}"'


def crc32(data: bytes) -> bytes:
    return zlib.crc32(data).to_bytes(4, "big")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def start(s3, bucket: str, key: str = "object", **kwargs) -> str:
    return s3.create_multipart_upload(Bucket=bucket, Key=key, **kwargs)["UploadId"]


def put_part(
    s3, bucket: str, upload_id: str, number: int, body: bytes, key: str = "object", **kwargs
) -> dict:
    return s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=body, **kwargs)


def complete(s3, bucket: str, upload_id: str, parts: list[dict], key: str = "object", **kwargs) -> dict:
    return s3.complete_multipart_upload(
        Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}, **kwargs
    )


def blob_count(stratus_server, expected: int) -> int | None:
    """How many S3 body files the server keeps, once it reaches `expected` (files are deleted on a
    worker thread after the response, so give it a moment)."""
    runtime = getattr(stratus_server, "runtime", None)
    if runtime is None:  # an external server: its files are not ours to count
        return None
    deadline = time.monotonic() + 2
    while True:
        count = sum(1 for _ in runtime.state.blobs("s3").ids())
        if count == expected or time.monotonic() > deadline:
            return count
        time.sleep(0.01)


# ---- the whole way through ------------------------------------------------------------------------


def test_two_part_upload_with_composite_crc32(s3, bucket, stratus_server):
    upload_id = start(
        s3, bucket, ChecksumAlgorithm="CRC32", ContentType="text/plain", Metadata={"Color": "blue"}
    )
    first = put_part(s3, bucket, upload_id, 1, BIG_A, ChecksumAlgorithm="CRC32")
    second = put_part(s3, bucket, upload_id, 2, b"tail", ChecksumAlgorithm="CRC32")
    assert first["ETag"] == f'"{md5(BIG_A)}"'
    assert first["ChecksumCRC32"] == b64(crc32(BIG_A))
    assert blob_count(stratus_server, 2) in (None, 2)

    done = complete(
        s3,
        bucket,
        upload_id,
        [
            {"PartNumber": 1, "ETag": first["ETag"], "ChecksumCRC32": first["ChecksumCRC32"]},
            {"PartNumber": 2, "ETag": second["ETag"], "ChecksumCRC32": second["ChecksumCRC32"]},
        ],
    )

    composite = b64(crc32(crc32(BIG_A) + crc32(b"tail"))) + "-2"
    assert done["ETag"] == multipart_etag(BIG_A, b"tail")
    assert done["ChecksumCRC32"] == composite
    assert done["ChecksumType"] == "COMPOSITE"
    assert (done["Bucket"], done["Key"]) == (bucket, "object")
    assert done["Location"].endswith(f"/{bucket}/object")
    got = s3.get_object(Bucket=bucket, Key="object", ChecksumMode="ENABLED")
    assert got["Body"].read() == BIG_A + b"tail"
    assert (got["ETag"], got["ContentType"], got["Metadata"]) == (
        done["ETag"],
        "text/plain",
        {"color": "blue"},
    )
    assert (got["ChecksumCRC32"], got["ChecksumType"]) == (composite, "COMPOSITE")
    assert s3.head_object(Bucket=bucket, Key="object")["PartsCount"] == 2
    second_part = s3.get_object(Bucket=bucket, Key="object", PartNumber=2)
    assert second_part["Body"].read() == b"tail"
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    assert blob_count(stratus_server, 1) in (None, 1)  # the parts' files went, the object has one


def test_composite_checksums_match_aws_values(s3, bucket):
    # Published by AWS-verified test suites: one part of "123456789", its checksum, and the composite.
    cases = {
        "CRC32": ("y/Q5Jg==", "7kxlUA=="),
        "SHA256": (
            "FeKw08M4keuw8e9gnsQZQgwg4yDOlMZfvIwzEkSOsiU=",
            "KSsNAHVmgy25S/rmic1w0at3KBH9RLn0nYVQ7p6mpJQ=",
        ),
    }
    for algorithm, (part_value, composite) in cases.items():
        key = f"vector-{algorithm}"
        upload_id = start(s3, bucket, key, ChecksumAlgorithm=algorithm)
        part = put_part(s3, bucket, upload_id, 1, CHECK_BODY, key, ChecksumAlgorithm=algorithm)
        assert part[f"Checksum{algorithm}"] == part_value
        entry = {"PartNumber": 1, "ETag": part["ETag"], f"Checksum{algorithm}": part_value}
        done = complete(s3, bucket, upload_id, [entry], key, **{f"Checksum{algorithm}": composite})
        assert done[f"Checksum{algorithm}"] == f"{composite}-1"


def test_full_object_crc32_is_the_checksum_of_the_whole_body(s3, bucket):
    upload_id = start(s3, bucket, ChecksumAlgorithm="CRC32", ChecksumType="FULL_OBJECT")
    first = put_part(s3, bucket, upload_id, 1, BIG_B, ChecksumAlgorithm="CRC32")
    second = put_part(s3, bucket, upload_id, 2, CHECK_BODY, ChecksumAlgorithm="CRC32")
    parts = [{"PartNumber": 1, "ETag": first["ETag"]}, {"PartNumber": 2, "ETag": second["ETag"]}]
    whole = b64(crc32(BIG_B + CHECK_BODY))

    with pytest.raises(ClientError) as caught:
        complete(s3, bucket, upload_id, parts, ChecksumCRC32=b64(crc32(b"other")))
    assert error_of(caught) >= {
        "Code": "BadDigest",
        "Message": "The crc32 you specified did not match the calculated checksum.",
    }
    with pytest.raises(ClientError) as caught:
        complete(s3, bucket, upload_id, parts, ChecksumType="COMPOSITE")
    assert error_of(caught)["Message"] == (
        "The upload was created using the FULL_OBJECT checksum mode. The complete request must use the same "
        "checksum mode."
    )

    done = complete(s3, bucket, upload_id, parts, ChecksumCRC32=whole, ChecksumType="FULL_OBJECT")
    assert (done["ChecksumCRC32"], done["ChecksumType"]) == (whole, "FULL_OBJECT")
    # boto3 validates a full-object checksum against the body it downloads
    got = s3.get_object(Bucket=bucket, Key="object", ChecksumMode="ENABLED")
    assert (got["ChecksumCRC32"], got["ChecksumType"]) == (whole, "FULL_OBJECT")
    assert got["Body"].read() == BIG_B + CHECK_BODY


def test_an_upload_without_algorithm_keeps_no_part_checksums(s3, bucket):
    upload_id = start(s3, bucket)
    part = put_part(s3, bucket, upload_id, 1, CHECK_BODY)  # boto3 sends its own CRC32 along
    assert s3.list_parts(Bucket=bucket, Key="object", UploadId=upload_id)["Parts"][0].keys() == {
        "PartNumber",
        "LastModified",
        "ETag",
        "Size",
    }
    with pytest.raises(ClientError) as caught:  # nothing to compare a part checksum with
        complete(
            s3, bucket, upload_id, [{"PartNumber": 1, "ETag": part["ETag"], "ChecksumCRC32": "y/Q5Jg=="}]
        )
    assert error_of(caught) >= {"Code": "InvalidPart", "PartNumber": "1", "ETag": part["ETag"].strip('"')}
    # the older algorithms' object checksums are ignored on such an upload, the newer ones refused
    with pytest.raises(ClientError) as caught:
        complete(
            s3, bucket, upload_id, [{"PartNumber": 1, "ETag": part["ETag"]}], ChecksumSHA512=b64(bytes(64))
        )
    assert error_of(caught) >= {
        "Code": "InvalidRequest",
        "Message": "Checksum Type mismatch occurred, expected checksum Type: null, actual checksum Type: sha512",
    }
    done = complete(
        s3, bucket, upload_id, [{"PartNumber": 1, "ETag": part["ETag"]}], ChecksumCRC32=b64(bytes(4))
    )
    assert done["ETag"] == multipart_etag(CHECK_BODY)
    assert "ChecksumCRC32" not in done


def test_an_upload_without_algorithm_gets_the_default_crc64nvme(s3, bucket):
    checksums = pytest.importorskip("awscrt.checksums")  # S3's default checksum needs the fast CRC
    upload_id = start(s3, bucket)
    part = put_part(s3, bucket, upload_id, 1, CHECK_BODY)
    done = complete(s3, bucket, upload_id, [{"PartNumber": 1, "ETag": part["ETag"]}])
    expected = b64(checksums.crc64nvme(CHECK_BODY).to_bytes(8, "big"))
    assert (done["ChecksumCRC64NVME"], done["ChecksumType"]) == (expected, "FULL_OBJECT")
    head = s3.head_object(Bucket=bucket, Key="object", ChecksumMode="ENABLED")
    assert (head["ChecksumCRC64NVME"], head["ChecksumType"]) == (expected, "FULL_OBJECT")


def test_boto3_managed_transfer_uploads_in_parts(s3, bucket):
    from boto3.s3.transfer import TransferConfig

    body = BIG_B + b"z" * 1000
    config = TransferConfig(multipart_threshold=PART, multipart_chunksize=PART, max_concurrency=2)
    s3.upload_fileobj(io.BytesIO(body), bucket, "managed.bin", Config=config)

    head = s3.head_object(Bucket=bucket, Key="managed.bin", ChecksumMode="ENABLED")
    assert head["ETag"] == multipart_etag(BIG_B, b"z" * 1000)
    assert head["ContentLength"] == len(body)
    assert head["ChecksumType"] == "COMPOSITE" and head["ChecksumCRC32"].endswith("-2")
    downloaded = io.BytesIO()
    s3.download_fileobj(bucket, "managed.bin", downloaded)
    assert downloaded.getvalue() == body


# ---- CreateMultipartUpload ------------------------------------------------------------------------


def test_create_keeps_what_the_object_will_have(s3, bucket):
    upload_id = start(
        s3,
        bucket,
        "kept",
        ContentType="image/png",
        CacheControl="max-age=60",
        StorageClass="STANDARD_IA",
        Tagging="team=blue&stage=test",
    )
    listed = s3.list_parts(Bucket=bucket, Key="kept", UploadId=upload_id)
    assert listed["StorageClass"] == "STANDARD_IA"
    part = put_part(s3, bucket, upload_id, 1, b"x", "kept")
    complete(s3, bucket, upload_id, [{"PartNumber": 1, "ETag": part["ETag"]}], "kept")
    head = s3.head_object(Bucket=bucket, Key="kept")
    assert (head["ContentType"], head["CacheControl"], head["StorageClass"]) == (
        "image/png",
        "max-age=60",
        "STANDARD_IA",
    )
    tags = s3.get_object_tagging(Bucket=bucket, Key="kept")["TagSet"]
    assert sorted((tag["Key"], tag["Value"]) for tag in tags) == [("stage", "test"), ("team", "blue")]


def test_create_answers_the_checksum_settings(s3, bucket):
    created = s3.create_multipart_upload(Bucket=bucket, Key="k", ChecksumAlgorithm="SHA256")
    assert (created["ChecksumAlgorithm"], created["ChecksumType"]) == ("SHA256", "COMPOSITE")
    created = s3.create_multipart_upload(Bucket=bucket, Key="k", ChecksumAlgorithm="CRC64NVME")
    assert (created["ChecksumAlgorithm"], created["ChecksumType"]) == ("CRC64NVME", "FULL_OBJECT")
    assert created["UploadId"] and created["Key"] == "k" and created["Bucket"] == bucket


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            {"ChecksumType": "FULL_OBJECT"},
            "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.",
        ),
        (
            {"ChecksumAlgorithm": "SHA256", "ChecksumType": "FULL_OBJECT"},
            "The FULL_OBJECT checksum type cannot be used with the sha256 checksum algorithm.",
        ),
        (
            {"ChecksumAlgorithm": "CRC64NVME", "ChecksumType": "COMPOSITE"},
            "The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.",
        ),
    ],
)
def test_create_refuses_checksum_settings_that_do_not_fit(s3, bucket, arguments, message):
    with pytest.raises(ClientError) as caught:
        s3.create_multipart_upload(Bucket=bucket, Key="k", **arguments)
    assert error_of(caught) >= {"Code": "InvalidRequest", "Message": message, "Status": 400}


def test_create_in_a_missing_bucket(s3):
    with pytest.raises(ClientError) as caught:
        s3.create_multipart_upload(Bucket="no-such-bucket", Key="k")
    assert error_of(caught)["Code"] == "NoSuchBucket"


# ---- UploadPart -----------------------------------------------------------------------------------


@pytest.mark.parametrize("number", [0, 10001])
def test_part_numbers_run_from_1_to_10000(s3, bucket, number):
    upload_id = start(s3, bucket)
    with pytest.raises(ClientError) as caught:
        put_part(s3, bucket, upload_id, number, b"x")
    assert error_of(caught) >= {
        "Code": "InvalidArgument",
        "Message": "Part number must be an integer between 1 and 10000, inclusive",
        "ArgumentName": "partNumber",
        "ArgumentValue": str(number),
    }


def test_a_part_for_an_unknown_upload(s3, bucket):
    upload_id = start(s3, bucket)
    for key, upload in (("object", "not-an-upload"), ("other-key", upload_id)):
        with pytest.raises(ClientError) as caught:
            put_part(s3, bucket, upload, 1, b"x", key)
        assert error_of(caught) >= {"Code": "NoSuchUpload", "Status": 404, "UploadId": upload}
        assert error_of(caught)["Message"].startswith("The specified upload does not exist.")


def test_uploading_a_part_again_replaces_it(s3, bucket, stratus_server):
    upload_id = start(s3, bucket)
    put_part(s3, bucket, upload_id, 1, b"first")
    again = put_part(s3, bucket, upload_id, 1, b"second version")
    parts = s3.list_parts(Bucket=bucket, Key="object", UploadId=upload_id)["Parts"]
    assert [(p["PartNumber"], p["ETag"], p["Size"]) for p in parts] == [(1, again["ETag"], 14)]
    assert blob_count(stratus_server, 1) in (None, 1)  # the first body's file was reclaimed
    complete(s3, bucket, upload_id, [{"PartNumber": 1, "ETag": again["ETag"]}])
    assert s3.get_object(Bucket=bucket, Key="object")["Body"].read() == b"second version"


def test_part_checksums_must_be_the_uploads_algorithm(s3, bucket):
    upload_id = start(s3, bucket, ChecksumAlgorithm="CRC32")
    with pytest.raises(ClientError) as caught:
        put_part(s3, bucket, upload_id, 1, CHECK_BODY, ChecksumAlgorithm="SHA256")
    assert error_of(caught) >= {
        "Code": "InvalidRequest",
        "Message": "Checksum Type mismatch occurred, expected checksum Type: crc32, actual checksum Type: sha256",
    }
    with pytest.raises(ClientError) as caught:
        put_part(s3, bucket, upload_id, 1, CHECK_BODY, ChecksumCRC32="z/Q5Jg==")
    assert error_of(caught)["Code"] == "BadDigest"
    assert s3.list_parts(Bucket=bucket, Key="object", UploadId=upload_id).get("Parts", []) == []


def test_a_part_without_its_checksum(s3, bucket, aws_client):
    from botocore.config import Config

    # a client that sends no checksum of its own
    bare = aws_client(
        "s3", config=Config(request_checksum_calculation="when_required", retries={"max_attempts": 1})
    )
    composite = start(s3, bucket, "composite", ChecksumAlgorithm="CRC32")
    with pytest.raises(ClientError) as caught:
        put_part(bare, bucket, composite, 1, CHECK_BODY, "composite")
    assert error_of(caught) >= {
        "Code": "InvalidRequest",
        "Message": "Checksum Type mismatch occurred, expected checksum Type: crc32, actual checksum Type: null",
    }
    # a full-object upload's part gets its checksum computed by S3
    full = start(s3, bucket, "full", ChecksumAlgorithm="CRC32", ChecksumType="FULL_OBJECT")
    part = put_part(bare, bucket, full, 1, CHECK_BODY, "full")
    assert part["ChecksumCRC32"] == "y/Q5Jg=="
    done = complete(bare, bucket, full, [{"PartNumber": 1, "ETag": part["ETag"]}], "full")
    assert (done["ChecksumCRC32"], done["ChecksumType"]) == ("y/Q5Jg==", "FULL_OBJECT")


def test_a_content_md5_that_does_not_match_is_refused(s3, bucket):
    upload_id = start(s3, bucket)
    with pytest.raises(ClientError) as caught:
        put_part(s3, bucket, upload_id, 1, b"body", ContentMD5=b64(hashlib.md5(b"other").digest()))
    assert error_of(caught)["Code"] == "BadDigest"


# ---- UploadPartCopy -------------------------------------------------------------------------------


def test_parts_copied_from_objects_and_ranges(s3, bucket):
    s3.put_object(Bucket=bucket, Key="source", Body=BIG_B)
    upload_id = start(s3, bucket, ChecksumAlgorithm="CRC32")
    whole = s3.upload_part_copy(
        Bucket=bucket, Key="object", UploadId=upload_id, PartNumber=1, CopySource=f"{bucket}/source"
    )["CopyPartResult"]
    ranged = s3.upload_part_copy(
        Bucket=bucket,
        Key="object",
        UploadId=upload_id,
        PartNumber=2,
        CopySource={"Bucket": bucket, "Key": "source"},
        CopySourceRange="bytes=10-19",
    )["CopyPartResult"]
    assert whole["ETag"] == f'"{md5(BIG_B)}"' and "LastModified" in whole
    assert (ranged["ETag"], ranged["ChecksumCRC32"]) == (f'"{md5(BIG_B[10:20])}"', b64(crc32(BIG_B[10:20])))
    parts = [
        {"PartNumber": 1, "ETag": whole["ETag"], "ChecksumCRC32": whole["ChecksumCRC32"]},
        {"PartNumber": 2, "ETag": ranged["ETag"], "ChecksumCRC32": ranged["ChecksumCRC32"]},
    ]
    complete(s3, bucket, upload_id, parts)
    assert s3.get_object(Bucket=bucket, Key="object")["Body"].read() == BIG_B + BIG_B[10:20]


def test_part_copy_refusals(s3, bucket):
    s3.put_object(Bucket=bucket, Key="source", Body=b"0123456789")
    upload_id = start(s3, bucket)

    def copy(**kwargs):
        with pytest.raises(ClientError) as caught:
            s3.upload_part_copy(
                Bucket=bucket,
                Key="object",
                UploadId=upload_id,
                PartNumber=1,
                **{"CopySource": f"{bucket}/source", **kwargs},
            )
        return error_of(caught)

    assert copy(CopySourceRange="bytes=5-10") >= {
        "Code": "InvalidArgument",
        "Message": "Range specified is not valid for source object of size: 10",
    }
    assert copy(CopySourceRange="bytes=5-")["Message"].startswith(
        "The x-amz-copy-source-range value must be of the form bytes=first-last"
    )
    assert copy(CopySourceIfMatch='"0000"') >= {"Code": "PreconditionFailed", "Status": 412}
    assert copy(CopySourceIfNoneMatch=f'"{md5(b"0123456789")}"')["Code"] == "PreconditionFailed"
    assert copy(CopySource=f"{bucket}/missing") >= {"Code": "NoSuchKey", "Status": 404}
    assert copy(CopySource="no-such-bucket/source")["Code"] == "NoSuchBucket"


# ---- ListParts and ListMultipartUploads -----------------------------------------------------------


def test_list_parts_pages(s3, bucket):
    upload_id = start(s3, bucket, ChecksumAlgorithm="SHA1")
    for number in (1, 2, 5):
        put_part(s3, bucket, upload_id, number, f"part {number}".encode(), ChecksumAlgorithm="SHA1")
    first = s3.list_parts(Bucket=bucket, Key="object", UploadId=upload_id, MaxParts=2)
    assert [p["PartNumber"] for p in first["Parts"]] == [1, 2]
    assert (first["IsTruncated"], first["NextPartNumberMarker"], first["MaxParts"]) == (True, 2, 2)
    assert (first["ChecksumAlgorithm"], first["ChecksumType"]) == ("SHA1", "COMPOSITE")
    assert first["Parts"][0]["ChecksumSHA1"] == b64(hashlib.sha1(b"part 1").digest())
    assert first["Owner"]["ID"] == first["Initiator"]["ID"]
    rest = s3.list_parts(Bucket=bucket, Key="object", UploadId=upload_id, PartNumberMarker=2)
    assert [p["PartNumber"] for p in rest["Parts"]] == [5]
    assert (rest["IsTruncated"], rest["PartNumberMarker"], rest["MaxParts"]) == (False, 2, 1000)


def test_list_uploads_by_key_then_age_with_markers(s3, bucket):
    ids = {}
    for key in ("b", "a", "b", "c"):
        ids.setdefault(key, []).append(start(s3, bucket, key))
    listed = s3.list_multipart_uploads(Bucket=bucket)
    assert [(u["Key"], u["UploadId"]) for u in listed["Uploads"]] == [
        ("a", ids["a"][0]),
        ("b", ids["b"][0]),
        ("b", ids["b"][1]),
        ("c", ids["c"][0]),
    ]
    assert listed["IsTruncated"] is False

    page = s3.list_multipart_uploads(Bucket=bucket, MaxUploads=2)
    assert [u["Key"] for u in page["Uploads"]] == ["a", "b"]
    assert (page["IsTruncated"], page["NextKeyMarker"], page["NextUploadIdMarker"]) == (
        True,
        "b",
        ids["b"][0],
    )
    page = s3.list_multipart_uploads(
        Bucket=bucket, KeyMarker=page["NextKeyMarker"], UploadIdMarker=page["NextUploadIdMarker"]
    )
    assert [(u["Key"], u["UploadId"]) for u in page["Uploads"]] == [("b", ids["b"][1]), ("c", ids["c"][0])]
    # without an upload-id marker, every upload of the marker key is passed
    page = s3.list_multipart_uploads(Bucket=bucket, KeyMarker="b")
    assert [u["Key"] for u in page["Uploads"]] == ["c"]


def test_list_uploads_with_prefix_and_delimiter(s3, bucket):
    for key in (
        "photos/2024/a.jpg",
        "photos/2024/b.jpg",
        "photos/2025/c.jpg",
        "photos/top.jpg",
        "videos/v.mp4",
    ):
        start(s3, bucket, key)
    listed = s3.list_multipart_uploads(Bucket=bucket, Prefix="photos/", Delimiter="/")
    assert [u["Key"] for u in listed["Uploads"]] == ["photos/top.jpg"]
    assert [p["Prefix"] for p in listed["CommonPrefixes"]] == ["photos/2024/", "photos/2025/"]
    assert (listed["Prefix"], listed["Delimiter"]) == ("photos/", "/")

    page = s3.list_multipart_uploads(Bucket=bucket, Prefix="photos/", Delimiter="/", MaxUploads=1)
    assert page["CommonPrefixes"] == [{"Prefix": "photos/2024/"}] and page["IsTruncated"] is True
    page = s3.list_multipart_uploads(
        Bucket=bucket, Prefix="photos/", Delimiter="/", KeyMarker=page["NextKeyMarker"]
    )
    assert [p["Prefix"] for p in page["CommonPrefixes"]] == ["photos/2025/"]
    assert [u["Key"] for u in page["Uploads"]] == ["photos/top.jpg"]


# ---- CompleteMultipartUpload ----------------------------------------------------------------------


def test_complete_checks_the_parts_list(s3, bucket):
    upload_id = start(s3, bucket)
    one = put_part(s3, bucket, upload_id, 1, b"small one")
    two = put_part(s3, bucket, upload_id, 2, b"small two")

    def refusal(parts):
        with pytest.raises(ClientError) as caught:
            complete(s3, bucket, upload_id, parts)
        return error_of(caught)

    assert refusal([{"PartNumber": 2, "ETag": two["ETag"]}, {"PartNumber": 1, "ETag": one["ETag"]}]) >= {
        "Code": "InvalidPartOrder",
        "Message": "The list of parts was not in ascending order. Parts must be ordered by part number.",
    }
    assert refusal([{"PartNumber": 1, "ETag": two["ETag"]}]) >= {
        "Code": "InvalidPart",
        "Message": "One or more of the specified parts could not be found.  The part may not have been uploaded, "
        "or the specified entity tag may not match the part's entity tag.",
        "PartNumber": "1",
        "UploadId": upload_id,
    }
    assert refusal([{"PartNumber": 3, "ETag": one["ETag"]}])["Code"] == "InvalidPart"
    assert refusal([{"PartNumber": 1, "ETag": one["ETag"]}, {"PartNumber": 2, "ETag": two["ETag"]}]) >= {
        "Code": "EntityTooSmall",
        "Message": "Your proposed upload is smaller than the minimum allowed size",
        "ProposedSize": "9",
        "MinSizeAllowed": str(PART),
        "PartNumber": "1",
    }
    assert refusal([])["Code"] == "MalformedXML"
    with pytest.raises(ClientError) as caught:
        complete(s3, bucket, upload_id, [{"PartNumber": 2, "ETag": two["ETag"]}], MpuObjectSize=5)
    assert error_of(caught)["Message"] == (
        "The provided 'x-amz-mp-object-size' header value 5 does not match what was computed: 9"
    )
    # a part on its own is fine however small, and the part left out is dropped
    done = complete(
        s3, bucket, upload_id, [{"PartNumber": 2, "ETag": two["ETag"].strip('"')}], MpuObjectSize=9
    )
    assert done["ETag"] == multipart_etag(b"small two")


def test_a_composite_upload_needs_every_part_checksum_on_complete(s3, bucket):
    upload_id = start(s3, bucket, ChecksumAlgorithm="CRC32")
    part = put_part(s3, bucket, upload_id, 1, CHECK_BODY, ChecksumAlgorithm="CRC32")
    with pytest.raises(ClientError) as caught:
        complete(s3, bucket, upload_id, [{"PartNumber": 1, "ETag": part["ETag"]}])
    assert error_of(caught) >= {
        "Code": "InvalidRequest",
        "Message": "The upload was created using a crc32 checksum. The complete request must include the checksum "
        "for each part. It was missing for part 1 in the request.",
    }
    entry = {"PartNumber": 1, "ETag": part["ETag"], "ChecksumCRC32": "y/Q5Jg=="}
    with pytest.raises(ClientError) as caught:
        complete(s3, bucket, upload_id, [entry], ChecksumCRC32="7kxlUA==-2")
    assert error_of(caught)["Code"] == "BadDigest"
    with pytest.raises(ClientError) as caught:
        complete(s3, bucket, upload_id, [entry], ChecksumCRC32="7kxlUA==-a")
    assert error_of(caught)["Message"] == "Value for x-amz-checksum-crc32 header is invalid."
    with pytest.raises(ClientError) as caught:
        complete(s3, bucket, upload_id, [entry | {"ChecksumCRC32": "z/Q5Jg=="}])
    assert error_of(caught)["Code"] == "InvalidPart"
    assert (
        complete(s3, bucket, upload_id, [entry], ChecksumCRC32="7kxlUA==-1")["ChecksumCRC32"] == "7kxlUA==-1"
    )


def test_completing_again_answers_the_same(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    upload_id = start(s3, bucket)
    part = put_part(s3, bucket, upload_id, 1, b"once")
    parts = [{"PartNumber": 1, "ETag": part["ETag"]}]
    first = complete(s3, bucket, upload_id, parts)
    assert first["VersionId"]
    again = complete(s3, bucket, upload_id, parts, IfNoneMatch="*")
    assert {k: again[k] for k in ("ETag", "VersionId", "Key")} == {
        k: first[k] for k in ("ETag", "VersionId", "Key")
    }
    assert s3.head_object(Bucket=bucket, Key="object")["VersionId"] == first["VersionId"]  # no second version

    with pytest.raises(ClientError) as caught:  # other parts: not the request that completed it
        complete(s3, bucket, upload_id, [{"PartNumber": 1, "ETag": f'"{md5(b"else")}"'}])
    assert error_of(caught)["Code"] == "NoSuchUpload"
    with pytest.raises(ClientError) as caught:
        put_part(s3, bucket, upload_id, 2, b"late")
    assert error_of(caught)["Code"] == "NoSuchUpload"
    s3.abort_multipart_upload(Bucket=bucket, Key="object", UploadId=upload_id)  # 204, as S3 answers


def test_conditional_completes(s3, bucket):
    upload_id = start(s3, bucket)
    part = put_part(s3, bucket, upload_id, 1, b"new")
    parts = [{"PartNumber": 1, "ETag": part["ETag"]}]
    with pytest.raises(ClientError) as caught:
        complete(s3, bucket, upload_id, parts, IfMatch='"abc"')
    assert error_of(caught) >= {"Code": "NoSuchKey", "Status": 404}
    s3.put_object(Bucket=bucket, Key="object", Body=b"old")
    with pytest.raises(ClientError) as caught:
        complete(s3, bucket, upload_id, parts, IfNoneMatch="*")
    assert error_of(caught) >= {"Code": "PreconditionFailed", "Status": 412}
    with pytest.raises(ClientError) as caught:
        complete(s3, bucket, upload_id, parts, IfMatch='"abc"')
    assert error_of(caught)["Code"] == "PreconditionFailed"
    complete(s3, bucket, upload_id, parts, IfMatch=f'"{md5(b"old")}"')
    assert s3.get_object(Bucket=bucket, Key="object")["Body"].read() == b"new"


# ---- AbortMultipartUpload -------------------------------------------------------------------------


def test_abort_drops_the_upload_and_its_parts(s3, bucket, stratus_server):
    upload_id = start(s3, bucket)
    put_part(s3, bucket, upload_id, 1, b"one")
    put_part(s3, bucket, upload_id, 2, b"two")
    assert (
        s3.abort_multipart_upload(Bucket=bucket, Key="object", UploadId=upload_id)["ResponseMetadata"][
            "HTTPStatusCode"
        ]
        == 204
    )
    assert blob_count(stratus_server, 0) in (None, 0)
    for call in (
        lambda: s3.list_parts(Bucket=bucket, Key="object", UploadId=upload_id),
        lambda: s3.abort_multipart_upload(Bucket=bucket, Key="object", UploadId=upload_id),
    ):
        with pytest.raises(ClientError) as caught:
            call()
        assert error_of(caught) >= {"Code": "NoSuchUpload", "Status": 404}
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_complete_without_a_body(s3, bucket):
    upload_id = start(s3, bucket)
    with pytest.raises(ClientError) as caught:
        s3.complete_multipart_upload(Bucket=bucket, Key="object", UploadId=upload_id)
    assert error_of(caught) >= {"Code": "InvalidRequest", "Message": "You must specify at least one part"}


def test_abort_conditional_on_the_initiation_time(s3, bucket):
    upload_id = start(s3, bucket)
    initiated = s3.list_multipart_uploads(Bucket=bucket)["Uploads"][0]["Initiated"]
    with pytest.raises(ClientError) as caught:
        s3.abort_multipart_upload(
            Bucket=bucket,
            Key="object",
            UploadId=upload_id,
            IfMatchInitiatedTime=datetime(2001, 1, 1, tzinfo=UTC),
        )
    assert error_of(caught) >= {"Code": "PreconditionFailed", "Status": 412}
    s3.abort_multipart_upload(Bucket=bucket, Key="object", UploadId=upload_id, IfMatchInitiatedTime=initiated)
    # an upload that is not there is no failed condition
    s3.abort_multipart_upload(Bucket=bucket, Key="object", UploadId=upload_id, IfMatchInitiatedTime=initiated)


def test_list_uploads_arguments(s3, bucket):
    start(s3, bucket, "with space+plus")
    listed = s3.list_multipart_uploads(Bucket=bucket, EncodingType="url")
    assert listed["Uploads"][0]["Key"] == "with%20space%2Bplus"
    assert listed["EncodingType"] == "url"
    with pytest.raises(ClientError) as caught:
        s3.list_multipart_uploads(Bucket=bucket, MaxUploads=-1)
    assert error_of(caught) >= {
        "Code": "InvalidArgument",
        "Message": "Argument max-uploads must be an integer between 0 and 2147483647",
    }
    assert s3.list_multipart_uploads(Bucket=bucket, MaxUploads=5000)["MaxUploads"] == 1000


def test_a_part_read_back_carries_the_parts_own_checksum(s3, bucket):
    first, second = b"a" * (5 * 1024 * 1024), b"tail"
    upload = s3.create_multipart_upload(Bucket=bucket, Key="parts", ChecksumAlgorithm="CRC32")["UploadId"]
    parts = []
    for number, body in ((1, first), (2, second)):
        answer = s3.upload_part(
            Bucket=bucket,
            Key="parts",
            UploadId=upload,
            PartNumber=number,
            Body=body,
            ChecksumAlgorithm="CRC32",
        )
        parts.append({"PartNumber": number, "ETag": answer["ETag"], "ChecksumCRC32": answer["ChecksumCRC32"]})
    s3.complete_multipart_upload(
        Bucket=bucket, Key="parts", UploadId=upload, MultipartUpload={"Parts": parts}
    )
    got = s3.get_object(Bucket=bucket, Key="parts", PartNumber=2, ChecksumMode="ENABLED")
    assert got["Body"].read() == second
    assert got["ChecksumCRC32"] == parts[1]["ChecksumCRC32"]
    assert got["PartsCount"] == 2
