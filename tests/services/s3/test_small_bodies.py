"""Bodies up to 64 KiB are kept in their row instead of a file: every path that reads a body
(GET, ranges, copies, part copies) must find them, and the boundary sizes must round-trip."""

from __future__ import annotations

import hashlib

import pytest

INLINE_MAX = 64 * 1024


@pytest.mark.parametrize("size", [0, 1, INLINE_MAX - 1, INLINE_MAX, INLINE_MAX + 1])
def test_sizes_around_the_boundary_round_trip(s3, bucket, size):
    body = hashlib.sha256(str(size).encode()).digest() * (size // 32) + b"z" * (size % 32)
    put = s3.put_object(Bucket=bucket, Key=f"object-{size}", Body=body)
    got = s3.get_object(Bucket=bucket, Key=f"object-{size}")
    assert got["Body"].read() == body
    assert put["ETag"] == got["ETag"] == f'"{hashlib.md5(body).hexdigest()}"'
    if size > 10:
        ranged = s3.get_object(Bucket=bucket, Key=f"object-{size}", Range="bytes=5-9")
        assert ranged["Body"].read() == body[5:10]


def test_copies_of_a_small_object(s3, bucket):
    s3.put_object(Bucket=bucket, Key="small", Body=b"small body")
    s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "small"})
    assert s3.get_object(Bucket=bucket, Key="copy")["Body"].read() == b"small body"
    s3.delete_object(Bucket=bucket, Key="small")  # the copy owns its body
    assert s3.get_object(Bucket=bucket, Key="copy")["Body"].read() == b"small body"


def test_a_part_copied_from_a_small_object(s3, bucket):
    s3.put_object(Bucket=bucket, Key="tail", Body=b"0123456789")
    upload = s3.create_multipart_upload(Bucket=bucket, Key="joined")["UploadId"]
    copied = s3.upload_part_copy(
        Bucket=bucket,
        Key="joined",
        UploadId=upload,
        PartNumber=1,
        CopySource={"Bucket": bucket, "Key": "tail"},
        CopySourceRange="bytes=2-5",
    )
    s3.complete_multipart_upload(
        Bucket=bucket,
        Key="joined",
        UploadId=upload,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": copied["CopyPartResult"]["ETag"]}]},
    )
    assert s3.get_object(Bucket=bucket, Key="joined")["Body"].read() == b"2345"
