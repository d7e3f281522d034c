"""GetObjectAttributes: the attributes asked for, of a version, and the parts of multipart objects."""

import base64
import hashlib

import pytest
from botocore.exceptions import ClientError

from .support import enable_versioning, error_of, headers_of, quoted_md5, status_of

ALL = ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"]
MIB = 1024 * 1024


def _attributes(s3, bucket: str, key: str, names=ALL, **kwargs) -> dict:
    answer = s3.get_object_attributes(Bucket=bucket, Key=key, ObjectAttributes=names, **kwargs)
    answer.pop("ResponseMetadata")
    return answer


def _sha256(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def test_attributes_of_a_simple_object(s3, bucket):
    s3.put_object(Bucket=bucket, Key="doc", Body=b"hello", ChecksumAlgorithm="SHA256")
    head = s3.head_object(Bucket=bucket, Key="doc")
    answer = _attributes(s3, bucket, "doc")
    assert answer == {
        "LastModified": head["LastModified"],
        "ETag": quoted_md5(b"hello").strip('"'),
        "Checksum": {"ChecksumSHA256": _sha256(b"hello"), "ChecksumType": "FULL_OBJECT"},
        "StorageClass": "STANDARD",
        "ObjectSize": 5,
    }


def test_only_the_attributes_asked_for(s3, bucket):
    s3.put_object(Bucket=bucket, Key="doc", Body=b"hello", StorageClass="STANDARD_IA")
    answer = _attributes(s3, bucket, "doc", ["StorageClass", "ObjectSize"])
    assert set(answer) == {"LastModified", "StorageClass", "ObjectSize"}
    assert (answer["StorageClass"], answer["ObjectSize"]) == ("STANDARD_IA", 5)
    assert set(_attributes(s3, bucket, "doc", ["ObjectParts"])) == {"LastModified"}  # not a multipart object


def test_an_unknown_attribute_is_refused(s3, bucket):
    s3.put_object(Bucket=bucket, Key="doc", Body=b"hello")
    with pytest.raises(ClientError) as excinfo:
        _attributes(s3, bucket, "doc", ["ETag", "Colour"])
    assert error_of(excinfo) == ("InvalidArgument", "Invalid attribute name specified.")


def test_attributes_of_a_missing_key(s3, bucket):
    with pytest.raises(ClientError) as excinfo:
        _attributes(s3, bucket, "missing")
    assert error_of(excinfo)[0] == "NoSuchKey"
    assert status_of(excinfo) == 404


def test_attributes_of_versions_and_delete_markers(s3, bucket):
    enable_versioning(s3, bucket)
    first = s3.put_object(Bucket=bucket, Key="doc", Body=b"one")["VersionId"]
    second = s3.put_object(Bucket=bucket, Key="doc", Body=b"second")["VersionId"]
    assert _attributes(s3, bucket, "doc", ["ObjectSize"])["VersionId"] == second
    old = _attributes(s3, bucket, "doc", ["ObjectSize"], VersionId=first)
    assert (old["VersionId"], old["ObjectSize"]) == (first, 3)
    marker = s3.delete_object(Bucket=bucket, Key="doc")["VersionId"]
    with pytest.raises(ClientError) as excinfo:
        _attributes(s3, bucket, "doc", ["ObjectSize"])
    assert error_of(excinfo)[0] == "NoSuchKey"
    assert headers_of(excinfo)["x-amz-delete-marker"] == "true"
    with pytest.raises(ClientError) as excinfo:
        _attributes(s3, bucket, "doc", ["ObjectSize"], VersionId=marker)
    assert status_of(excinfo) == 405
    assert headers_of(excinfo)["x-amz-delete-marker"] == "true"


def _multipart(
    s3, bucket: str, key: str, bodies: list[bytes], algorithm: str | None = None, numbers=None
) -> dict:
    extra = {"ChecksumAlgorithm": algorithm} if algorithm else {}
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key, **extra)["UploadId"]
    parts = []
    for number, body in zip(numbers or range(1, len(bodies) + 1), bodies, strict=True):
        answer = s3.upload_part(
            Bucket=bucket, Key=key, UploadId=upload, PartNumber=number, Body=body, **extra
        )
        listed = {"PartNumber": number, "ETag": answer["ETag"]}
        if algorithm:
            listed[f"Checksum{algorithm}"] = answer[f"Checksum{algorithm}"]
        parts.append(listed)
    return s3.complete_multipart_upload(
        Bucket=bucket, Key=key, UploadId=upload, MultipartUpload={"Parts": parts}
    )


def test_parts_of_a_composite_multipart_object(s3, bucket):
    bodies = [b"a" * (5 * MIB), b"b" * (5 * MIB), b"tail"]
    done = _multipart(s3, bucket, "big", bodies, "SHA256")
    assert done["ChecksumSHA256"].endswith("-3")
    answer = _attributes(s3, bucket, "big")
    assert answer["ETag"] == done["ETag"].strip('"')
    assert answer["ObjectSize"] == sum(len(body) for body in bodies)
    assert answer["Checksum"] == {
        "ChecksumSHA256": done["ChecksumSHA256"].rsplit("-", 1)[0],
        "ChecksumType": "COMPOSITE",
    }
    assert answer["ObjectParts"] == {
        "TotalPartsCount": 3,
        "PartNumberMarker": 0,
        "NextPartNumberMarker": 3,
        "MaxParts": 1000,
        "IsTruncated": False,
        "Parts": [
            {"PartNumber": number, "Size": len(body), "ChecksumSHA256": _sha256(body)}
            for number, body in enumerate(bodies, start=1)
        ],
    }


def test_parts_are_paged(s3, bucket):
    bodies = [b"a" * (5 * MIB), b"b" * (5 * MIB), b"tail"]
    _multipart(s3, bucket, "big", bodies, "SHA256")
    first = _attributes(s3, bucket, "big", ["ObjectParts"], MaxParts=2)["ObjectParts"]
    assert [part["PartNumber"] for part in first["Parts"]] == [1, 2]
    assert (first["IsTruncated"], first["NextPartNumberMarker"], first["MaxParts"]) == (True, 2, 2)
    rest = _attributes(s3, bucket, "big", ["ObjectParts"], MaxParts=2, PartNumberMarker=2)["ObjectParts"]
    assert [part["PartNumber"] for part in rest["Parts"]] == [3]
    assert (rest["IsTruncated"], rest["PartNumberMarker"], rest["TotalPartsCount"]) == (False, 2, 3)


def test_parts_keep_the_numbers_they_were_uploaded_with(s3, bucket):
    bodies = [b"a" * (5 * MIB), b"b" * (5 * MIB), b"tail"]
    _multipart(s3, bucket, "sparse", bodies, "SHA256", numbers=[2, 5, 9])
    first = _attributes(s3, bucket, "sparse", ["ObjectParts"], MaxParts=2)["ObjectParts"]
    assert [part["PartNumber"] for part in first["Parts"]] == [2, 5]
    assert (first["IsTruncated"], first["NextPartNumberMarker"]) == (True, 5)
    rest = _attributes(s3, bucket, "sparse", ["ObjectParts"], PartNumberMarker=5)["ObjectParts"]
    assert [(part["PartNumber"], part["Size"]) for part in rest["Parts"]] == [(9, 4)]
    assert (rest["IsTruncated"], rest["TotalPartsCount"]) == (False, 3)


def test_parts_of_a_multipart_object_without_part_checksums(s3, bucket):
    _multipart(s3, bucket, "big", [b"a" * (5 * MIB), b"tail"])
    answer = _attributes(s3, bucket, "big", ["ObjectParts", "ETag"])
    assert answer["ObjectParts"] == {"TotalPartsCount": 2}
    assert answer["ETag"].endswith("-2")
