"""Scalar values from their wire text: numbers, booleans, blobs and timestamps.

Every function raises `MalformedInput` (never anything else) for text it cannot read. Timestamps
are accepted in every format botocore (and the other SDKs) send, whatever the member's declared
format: ISO 8601 with or without fractional seconds and offsets, epoch seconds (possibly
fractional), and RFC 822/1123 dates; the result is always a timezone-aware UTC datetime.
"""

from __future__ import annotations

import binascii
import math
from base64 import b64decode
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from stratus.protocol.parsers.failures import BODY, MalformedInput

_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_SPECIAL_FLOATS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
# Integers wider than any AWS long are refused rather than converted (no 10**100000 from the wire).
_MAX_INT_DIGITS = 40


def text_to_int(text: str, name: str, where: str = BODY) -> int:
    stripped = text.strip()
    digits = stripped[1:] if stripped[:1] in ("+", "-") else stripped
    # int() alone would also take "1_000" and non-ASCII digits, which no AWS service does
    if not (digits.isascii() and digits.isdigit()) or len(digits) > _MAX_INT_DIGITS:
        raise MalformedInput(f"Value '{text[:64]}' for parameter {name} is not a valid integer", where)
    return int(stripped)


def text_to_float(text: str, name: str, where: str = BODY) -> float:
    stripped = text.strip()
    special = _SPECIAL_FLOATS.get(stripped)
    if special is not None:
        return special
    if not stripped.isascii() or "_" in stripped:
        raise MalformedInput(f"Value '{text[:64]}' for parameter {name} is not a valid number", where)
    try:
        value = float(stripped)
    except ValueError:
        raise MalformedInput(
            f"Value '{text[:64]}' for parameter {name} is not a valid number", where
        ) from None
    if not math.isfinite(value) and stripped.lower().lstrip("+-") not in ("inf", "infinity", "nan"):
        raise MalformedInput(f"Value '{text[:64]}' for parameter {name} is out of range", where)
    return value


def text_to_bool(text: str, name: str, where: str = BODY) -> bool:
    stripped = text.strip()
    if stripped in _TRUE:
        return True
    if stripped in _FALSE:
        return False
    raise MalformedInput(f"Value '{text}' for parameter {name} is not a valid boolean", where)


def base64_to_bytes(text: str, name: str, where: str = BODY) -> bytes:
    try:
        # validate=True refuses characters outside the alphabet instead of silently dropping them
        return b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise MalformedInput(f"Value for parameter {name} is not valid base64", where) from None


def epoch_to_datetime(seconds: float, name: str, where: str = BODY) -> datetime:
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not math.isfinite(seconds):
        raise MalformedInput(f"Value for parameter {name} is not a valid timestamp", where)
    try:
        if isinstance(seconds, int):
            return datetime.fromtimestamp(seconds, UTC)
        # split to keep microsecond precision for large epochs (float rounding of the whole value)
        whole = math.floor(seconds)
        micros = round((seconds - whole) * 1_000_000)
        return datetime.fromtimestamp(whole, UTC) + timedelta(microseconds=micros)
    except (OverflowError, OSError, ValueError):
        raise MalformedInput(
            f"Value '{seconds}' for parameter {name} is not a valid timestamp", where
        ) from None


def text_to_datetime(text: str, name: str, where: str = BODY) -> datetime:
    stripped = text.strip()
    if not stripped:
        raise MalformedInput(f"Value '' for parameter {name} is not a valid timestamp", where)
    first = stripped[0]
    if first.isdigit() or first in "+-.":
        if _looks_numeric(stripped):
            try:
                number = float(stripped) if any(c in stripped for c in ".eE") else int(stripped)
            except ValueError:
                number = None
            if number is not None:
                return epoch_to_datetime(number, name, where)
        parsed = _iso8601(stripped)
    elif first.isalpha():
        parsed = _rfc822(stripped)
        if parsed is None:
            parsed = _iso8601(stripped)
    else:
        parsed = None
    if parsed is None:
        raise MalformedInput(f"Value '{text}' for parameter {name} is not a valid timestamp", where)
    return parsed


def _looks_numeric(text: str) -> bool:
    # an ISO date also starts with digits; a number has no '-' or ':' after its first character
    body = text[1:] if text[0] in "+-" else text
    return bool(body) and "-" not in body and ":" not in body and "T" not in body


def _iso8601(text: str) -> datetime | None:
    candidate = text.upper() if ("z" in text or "t" in text) else text
    try:
        value = datetime.fromisoformat(candidate)
    except ValueError:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _rfc822(text: str) -> datetime | None:
    try:
        value = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
