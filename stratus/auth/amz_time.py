"""The timestamp formats of AWS request signing, parsed and written without strptime (hot path)."""

from __future__ import annotations

import functools
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# A signed request may be this far from the server's clock either way (AWS: 15 minutes).
MAX_SKEW_SECONDS = 15 * 60


@functools.lru_cache(maxsize=256)  # requests signed in the same second share their timestamp
def parse_amz_date(text: str) -> float | None:
    """Epoch seconds of an ISO 8601 basic timestamp (`20250101T000000Z`); None when malformed."""
    if len(text) != 16 or text[8] != "T" or text[15] != "Z":
        return None
    digits = text[:8] + text[9:15]
    if not (digits.isdigit() and digits.isascii()):
        return None
    try:
        moment = datetime(
            int(text[0:4]),
            int(text[4:6]),
            int(text[6:8]),
            int(text[9:11]),
            int(text[11:13]),
            int(text[13:15]),
            tzinfo=UTC,
        )
    except ValueError:
        return None
    return moment.timestamp()


def parse_http_date(text: str) -> float | None:
    """Epoch seconds of a `Date`-style header: RFC 1123 (`Wed, 01 Jan 2025 00:00:00 GMT`) or ISO basic."""
    text = text.strip()
    basic = parse_amz_date(text)
    if basic is not None:
        return basic
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def amz_timestamp(epoch: float) -> str:
    """`20250101T000000Z`, the form SigV4 and its error messages use."""
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(epoch))


def iso_timestamp(epoch: float) -> str:
    """`2025-01-01T00:00:00Z`, the form of S3's Expires/ServerTime error fields."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))
