"""What multipart requests say, read with S3's rules: part numbers, copy sources and ranges, sizes,
and the fields the responses share."""

from __future__ import annotations

import re
from urllib.parse import quote

from stratus.core.context import RequestContext
from stratus.services.s3 import object_store
from stratus.services.s3.bucket_store import Bucket, require_bucket
from stratus.services.s3.common import (
    AccessDenied,
    InvalidArgument,
    InvalidRequest,
    NoSuchKey,
    NoSuchVersion,
    s3_error,
)
from stratus.services.s3.multipart_checksums import FULL_OBJECT
from stratus.services.s3.object_store import ObjectVersion
from stratus.services.s3.objects import check_version_id, parse_copy_source
from stratus.store import Database

MAX_PART_NUMBER = 10_000
COPY_SOURCE_RANGE = re.compile(r"^bytes=(\d+)-(\d+)$")


def part_number_of(value: object) -> int:
    if not isinstance(value, int) or not 1 <= value <= MAX_PART_NUMBER:
        raise s3_error(
            InvalidArgument,
            "Part number must be an integer between 1 and 10000, inclusive",
            ArgumentName="partNumber",
            ArgumentValue=str(value),
        )
    return value


def copy_source_span(header: str | None, size: int) -> tuple[int, int]:
    """(start, length) of x-amz-copy-source-range, or the whole source."""
    if header is None:
        return 0, size
    match = COPY_SOURCE_RANGE.match(header.strip())
    if match is None or int(match.group(1)) > int(match.group(2)):
        raise s3_error(
            InvalidArgument,
            "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are "
            "the zero-based offsets of the first and last bytes to copy",
            ArgumentName="x-amz-copy-source-range",
            ArgumentValue=header,
        )
    first, last = int(match.group(1)), int(match.group(2))
    if last >= size:
        raise s3_error(
            InvalidArgument,
            f"Range specified is not valid for source object of size: {size}",
            ArgumentName="x-amz-copy-source-range",
            ArgumentValue=header,
        )
    return first, last - first + 1


def declared_length(ctx: RequestContext, body: object) -> int:
    """The body's size as the request announces it (aws-chunked framing not counted)."""
    request = ctx.request
    if request is None:
        return len(body) if isinstance(body, bytes | bytearray) else 0
    decoded = request.header("x-amz-decoded-content-length")
    if decoded is not None and decoded.strip().isdigit():
        return int(decoded)
    return request.body.size


def object_checksum_fields(checksums: dict) -> dict:
    fields = {f"Checksum{name}": value for name, value in checksums.items() if name != "type"}
    if fields:
        fields["ChecksumType"] = checksums.get("type", FULL_OBJECT)
    return fields


def object_location(ctx: RequestContext, bucket: str, key: str) -> str:
    """The object's URL, as the client addressed the bucket (path or virtual-host style)."""
    path = quote(key, safe="/~")
    host = ctx.request.header("host") if ctx.request is not None else None
    if not host:
        return f"https://{bucket}.s3.{ctx.region}.amazonaws.com/{path}"
    scheme = "https" if ctx.secure_transport else "http"
    if host.startswith(f"{bucket}."):
        return f"{scheme}://{host}/{path}"
    return f"{scheme}://{host}/{bucket}/{path}"


def copy_source(db: Database, req: dict) -> tuple[Bucket, ObjectVersion]:
    """The bucket and version x-amz-copy-source names, with S3's errors for what cannot be copied."""
    bucket_name, key, version_id = parse_copy_source(req["CopySource"])
    bucket = require_bucket(db, bucket_name)
    expected = req.get("ExpectedSourceBucketOwner")
    if expected is not None and expected != bucket.account_id:
        raise s3_error(AccessDenied)
    if version_id is None:
        version = object_store.current(db, bucket.name, key)
        if version is None or version.delete_marker:
            raise s3_error(NoSuchKey, Key=key)
        return bucket, version
    check_version_id(version_id)
    version = object_store.by_version(db, bucket.name, key, version_id)
    if version is None:
        raise s3_error(NoSuchVersion, Key=key, VersionId=version_id)
    if version.delete_marker:
        raise s3_error(
            InvalidRequest,
            "The source of a copy request may not specifically refer to a delete marker by version id.",
        )
    return bucket, version
