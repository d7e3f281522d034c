"""Conditional requests and byte ranges, with S3's precedence rules.

GET/HEAD (RFC 7232 as S3 applies it): If-Match false → 412; else If-Unmodified-Since false → 412
(ignored when If-Match was given and held); If-None-Match matching → 304; else If-Modified-Since
not modified → 304 (ignored when If-None-Match was given and did not match).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from stratus.services.s3.common import InvalidRange, NotModified, PreconditionFailed, s3_error

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _etag_matches(condition: str, etag: str) -> bool:
    wanted = [part.strip() for part in condition.split(",")]
    bare = etag.strip('"')
    return any(part == "*" or part.strip('"') == bare for part in wanted)


def _seconds(value: datetime) -> int:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return int(value.timestamp())


def check_read_conditions(req: dict, etag: str, last_modified: float, prefix: str = "") -> None:
    """Raise PreconditionFailed / NotModified as GET and HEAD do (prefix "CopySource" for copies,
    where a failed If-None-Match / If-Modified-Since is also a 412)."""
    if_match = req.get(f"{prefix}IfMatch")
    if_none_match = req.get(f"{prefix}IfNoneMatch")
    if_modified = req.get(f"{prefix}IfModifiedSince")
    if_unmodified = req.get(f"{prefix}IfUnmodifiedSince")
    modified = int(last_modified)
    if if_match is not None and not _etag_matches(if_match, etag):
        raise s3_error(PreconditionFailed, Condition="If-Match")
    if if_unmodified is not None and if_match is None and modified > _seconds(if_unmodified):
        raise s3_error(PreconditionFailed, Condition="If-Unmodified-Since")
    not_modified = NotModified if not prefix else PreconditionFailed
    if if_none_match is not None and _etag_matches(if_none_match, etag):
        raise (
            s3_error(not_modified, Condition="If-None-Match")
            if prefix
            else _not_modified(etag, last_modified)
        )
    if if_modified is not None and if_none_match is None and modified <= _seconds(if_modified):
        raise (
            s3_error(not_modified, Condition="If-Modified-Since")
            if prefix
            else _not_modified(etag, last_modified)
        )


def _not_modified(etag: str, last_modified: float) -> Exception:
    from email.utils import formatdate

    return NotModified(
        "Not Modified",
        headers={"ETag": etag, "Last-Modified": formatdate(last_modified, usegmt=True)},
    )


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(start, length) of a satisfiable single range; None to send the whole object (no header, a
    header S3 ignores, or an empty object); InvalidRange (416) when it cannot be satisfied."""
    if not header:
        return None
    match = RANGE.match(header.strip())
    if match is None or (not match.group(1) and not match.group(2)):
        return None  # not a single byte range: S3 answers with the whole object
    first, last = match.group(1), match.group(2)
    if size == 0:
        if first:  # no first byte to start from: RFC 7233's 416, as S3 answers
            raise s3_error(InvalidRange, ActualObjectSize=size, RangeRequested=header)
        return None
    if not first:  # the last N bytes
        length = min(int(last), size)
        if length == 0:
            raise s3_error(InvalidRange, ActualObjectSize=size, RangeRequested=header)
        return size - length, length
    start = int(first)
    if start >= size:
        raise s3_error(InvalidRange, ActualObjectSize=size, RangeRequested=header)
    end = min(int(last), size - 1) if last else size - 1
    if end < start:
        return None
    return start, end - start + 1
