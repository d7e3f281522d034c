"""Key values as bytes whose memcmp order is DynamoDB's order, and key size limits.

SQLite compares BLOBs with memcmp, so a table's rows sort by sort key exactly as DynamoDB's do
when the sort key is stored encoded:

- S: the UTF-8 bytes (DynamoDB orders strings by their UTF-8 bytes, not by code point or locale);
- B: the bytes themselves (unsigned bytewise);
- N: numerically, by an encoding of the canonical decimal:
    zero      0x02
    positive  0x03, exponent byte (adjusted exponent + 130, so 0..255), the digits as ASCII
    negative  0x01, 255 - exponent byte, each digit as ASCII '9' - d, then 0x7F
  A number's digits never end in 0 (canonical form), so among positives with one exponent a
  shorter digit string that is a prefix of a longer one is the smaller number; for negatives the
  digits are inverted and the 0x7F terminator (above every inverted digit) makes the shorter one
  the larger number, as it must be (-1 > -1.5).

The encoding of a type is only ever compared with encodings of the same type: a table's key
attribute has one type.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from stratus.services.dynamodb import numbers
from stratus.services.dynamodb.common import ValidationException
from stratus.services.dynamodb.item_size import number_size

MAX_PARTITION_KEY_BYTES = 2048
MAX_SORT_KEY_BYTES = 1024
# "of2048" is how DynamoDB spells it.
PARTITION_KEY_TOO_LARGE = "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes"
SORT_KEY_TOO_LARGE = (
    "One or more parameter values were invalid: "
    "Aggregated size of all range keys has exceeded the size limit of 1024 bytes"
)

_NEGATIVE, _ZERO, _POSITIVE = b"\x01", b"\x02", b"\x03"
_NEGATIVE_END = 0x7F
_EXPONENT_BIAS = -numbers.MIN_ADJUSTED_EXPONENT  # 1E-130 -> 0, 9.9E+125 -> 255
_HASH_BITS = 63


@lru_cache(maxsize=8192)
def _encode_number(text: str) -> bytes:
    sign, digits, exponent = numbers.digits_and_exponent(text)
    if not digits:
        return _ZERO
    biased = exponent + _EXPONENT_BIAS
    if not sign:
        return _POSITIVE + bytes([biased]) + digits.encode("ascii")
    inverted = bytes(ord("9") - int(digit) for digit in digits)  # "9" for 0 .. "0" for 9
    return _NEGATIVE + bytes([255 - biased]) + inverted + bytes([_NEGATIVE_END])


def _decode_number(data: bytes) -> str:
    marker = data[:1]
    if marker == _ZERO and len(data) == 1:
        return "0"
    if marker == _POSITIVE:
        exponent = data[1] - _EXPONENT_BIAS
        digits = data[2:].decode("ascii")
        sign = ""
    elif marker == _NEGATIVE and data[-1] == _NEGATIVE_END:
        exponent = (255 - data[1]) - _EXPONENT_BIAS
        digits = "".join(str(ord("9") - byte) for byte in data[2:-1])
        sign = "-"
    else:
        raise ValueError(f"not an encoded number: {data!r}")
    return numbers.normalize(f"{sign}{digits[0]}.{digits[1:]}E{exponent}")


def encode_key_value(value: dict) -> bytes:
    """The memcmp-ordered bytes of a key value ({"S": ...} | {"N": ...} | {"B": ...})."""
    ((kind, inner),) = value.items()
    if kind == "S":
        return inner.encode("utf-8")
    if kind == "B":
        return bytes(inner)
    if kind == "N":
        return _encode_number(inner)
    raise ValueError(f"{kind} is not a key attribute type")


def decode_key_value(data: bytes, attribute_type: str) -> dict:
    """The key value `encode_key_value` made `data` from (numbers in canonical text)."""
    if attribute_type == "S":
        return {"S": bytes(data).decode("utf-8")}
    if attribute_type == "B":
        return {"B": bytes(data)}
    if attribute_type == "N":
        return {"N": _decode_number(bytes(data))}
    raise ValueError(f"{attribute_type} is not a key attribute type")


def partition_hash(encoded_partition_key: bytes) -> int:
    """A stable 63-bit hash of an encoded partition key (fits SQLite's signed INTEGER).

    It orders Scan results across partitions, as DynamoDB's own hash does, and splits a parallel
    scan: segment i of n owns hashes in [i * 2**63 // n, (i + 1) * 2**63 // n).
    """
    digest = hashlib.blake2b(encoded_partition_key, digest_size=8, person=b"stratus-ddb-pk").digest()
    return int.from_bytes(digest, "big") >> (64 - _HASH_BITS)


def segment_bounds(segment: int, total_segments: int) -> tuple[int, int]:
    """The half-open hash range [low, high) parallel-scan `segment` of `total_segments` owns."""
    space = 1 << _HASH_BITS
    return segment * space // total_segments, (segment + 1) * space // total_segments


def key_size(value: dict) -> int:
    """The bytes a key value counts against its limit: UTF-8 length of S, length of B, a number's
    stored size (at most 21 bytes, so never near a limit)."""
    ((kind, inner),) = value.items()
    if kind == "S":
        return len(inner.encode("utf-8"))
    if kind == "B":
        return len(inner)
    return number_size(inner)


def check_key_size(value: dict, *, is_partition: bool) -> None:
    """Refuse a partition key value over 2048 bytes or a sort key value over 1024, as DynamoDB does."""
    if is_partition:
        if key_size(value) > MAX_PARTITION_KEY_BYTES:
            raise ValidationException(PARTITION_KEY_TOO_LARGE)
    elif key_size(value) > MAX_SORT_KEY_BYTES:
        raise ValidationException(SORT_KEY_TOO_LARGE)
