"""How expressions compare AttributeValues: equality for every type, order for N, S and B only.

Strings order by their UTF-8 bytes, which is code-point order, so Python's `str` comparison is
DynamoDB's; binaries order bytewise; numbers by value.
"""

from __future__ import annotations

import base64

from stratus.services.dynamodb import numbers
from stratus.services.dynamodb.attribute_values import values_equal

ORDERED_TYPES = frozenset({"N", "S", "B"})
SET_TYPES = {"SS": "S", "NS": "N", "BS": "B"}


def type_of(value: dict) -> str:
    return next(iter(value))


def equal(a: dict, b: dict) -> bool:
    return values_equal(a, b)


def order(a: dict, b: dict) -> int | None:
    """-1, 0 or 1 for two values of the same ordered type (N, S or B), else None."""
    kind = type_of(a)
    if kind != type_of(b) or kind not in ORDERED_TYPES:
        return None
    left, right = a[kind], b[kind]
    if kind == "N":
        return numbers.compare(left, right)
    if kind == "B":
        left, right = bytes(left), bytes(right)
    return (left > right) - (left < right)


def describe(value: dict) -> str:
    """`AttributeValue: {N:1}`, as AWS shows an operand in the BETWEEN messages (a binary is shown
    in base64: AWS's form for it is not confirmed)."""
    kind = type_of(value)
    inner = value[kind]
    if kind == "B":
        inner = base64.b64encode(bytes(inner)).decode("ascii")
    return f"AttributeValue: {{{kind}:{inner}}}"
