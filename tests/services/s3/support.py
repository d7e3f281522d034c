"""Helpers shared by the S3 tests."""

from __future__ import annotations

import base64
import hashlib


def error_of(excinfo) -> tuple[str, str]:
    """(code, message) of a ClientError caught by pytest.raises."""
    error = excinfo.value.response["Error"]
    return error["Code"], error.get("Message", "")


def error_fields(excinfo) -> dict:
    """The whole <Error> element as botocore parsed it (Code, Message, BucketName, Key ...)."""
    return excinfo.value.response["Error"]


def status_of(excinfo) -> int:
    return excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"]


def headers_of(response_or_excinfo) -> dict:
    """The lowercased HTTP headers of a response, or of the error a pytest.raises caught."""
    response = getattr(getattr(response_or_excinfo, "value", None), "response", None) or response_or_excinfo
    return response["ResponseMetadata"]["HTTPHeaders"]


def quoted_md5(data: bytes) -> str:
    return '"' + hashlib.md5(data, usedforsecurity=False).hexdigest() + '"'


def content_md5(data: bytes) -> str:
    """The Content-MD5 header value: base64 of the raw 16-byte digest."""
    return base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_body(s3, bucket: str, key: str, **kwargs) -> bytes:
    return s3.get_object(Bucket=bucket, Key=key, **kwargs)["Body"].read()


def enable_versioning(s3, bucket: str) -> None:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})


def suspend_versioning(s3, bucket: str) -> None:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
