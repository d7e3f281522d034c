"""AttributeValues as DynamoDB validates them: one datatype each, valid numbers, non-empty sets
without duplicates, NULL only as true, at most 32 levels of nesting; key attributes checked
against a key schema. Values come from the protocol layer (B/BS already bytes) and leave with
numbers in canonical text, so stored items and comparisons never see `1.50` next to `1.5`.

Errors are InvalidAttributeValue (a ValidationException) carrying AWS's bare message; callers
that report a value inside a larger message (`ExpressionAttributeValues contains invalid value:
<message> for key :v`) catch and re-raise. `request_validation` marks the families DynamoDB
reports inside its `1 validation error detected: ` envelope on PutItem and UpdateItem (empty and
duplicate sets, NULL false); the others (numbers, nesting, datatypes, keys) are reported bare.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping

from stratus.services.dynamodb import numbers
from stratus.services.dynamodb.common import ValidationException
from stratus.services.dynamodb.key_codec import check_key_size

TYPES = ("S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL")
MAX_NESTING_LEVELS = 32  # a top-level attribute value is level 1

INVALID = "One or more parameter values were invalid: "
EMPTY_VALUE = "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
SEVERAL_TYPES = (
    "Supplied AttributeValue has more than one datatypes set, "
    "must contain exactly one of the supported datatypes"
)
NULL_NOT_TRUE = INVALID + "Null attribute value types must have the value of true"
# "set  may" with two spaces is AWS's text, as is "]of type BS" below.
EMPTY_SET = {
    "SS": INVALID + "An string set  may not be empty",
    "NS": INVALID + "An number set  may not be empty",
    "BS": INVALID + "Binary sets should not be empty",
}
NUMBER_SET_DUPLICATES = "Input collection contains duplicates"
NESTING_TOO_DEEP = (
    "Nesting Levels have exceeded supported limits: "
    "Attributes in the item have nested levels beyond supported limit"
)
KEY_MISMATCH = "The provided key element does not match the schema"
_EMPTY_KEY = "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty {what} value. Key: {name}"


class InvalidAttributeValue(ValidationException):
    """An AttributeValue DynamoDB refuses; see the module docstring for `request_validation`."""

    def __init__(self, message: str, *, request_validation: bool = False) -> None:
        super().__init__(message)
        self.request_validation = request_validation


def _request_validation_error(message: str) -> InvalidAttributeValue:
    return InvalidAttributeValue(message, request_validation=True)


def _number(text: str) -> str:
    try:
        return numbers.normalize(text)
    except numbers.InvalidNumber as error:
        raise InvalidAttributeValue(error.message) from None


def _string_set(members: list[str]) -> list[str]:
    if len(set(members)) != len(members):
        raise _request_validation_error(
            f"{INVALID}Input collection [{', '.join(members)}] contains duplicates."
        )
    return list(members)


def _binary_set(members: list[bytes]) -> list[bytes]:
    members = [bytes(member) for member in members]
    if len(set(members)) != len(members):
        shown = ", ".join(base64.b64encode(member).decode("ascii") for member in members)
        raise _request_validation_error(f"{INVALID}Input collection [{shown}]of type BS contains duplicates.")
    return members


def _number_set(members: list[str]) -> list[str]:
    normalized = [_number(member) for member in members]
    if len(set(normalized)) != len(normalized):  # canonical text: equal numbers, equal text
        raise _request_validation_error(NUMBER_SET_DUPLICATES)
    return normalized


def _normalize(value: Mapping, level: int) -> dict:
    if level > MAX_NESTING_LEVELS:
        raise InvalidAttributeValue(NESTING_TOO_DEEP)
    # Members that are null or unknown count as absent, as in AWS's JSON binding.
    present = [(kind, value[kind]) for kind in value if kind in TYPES and value[kind] is not None]
    if not present:
        raise InvalidAttributeValue(EMPTY_VALUE)
    result: dict = {}
    # Every datatype given is checked before "more than one datatypes" is reported, as AWS does
    # ({"S": "a", "N": "x"} is refused for its number).
    for kind, inner in present:
        if kind == "N":
            result[kind] = _number(inner)
        elif kind == "S":
            result[kind] = inner
        elif kind == "B":
            result[kind] = bytes(inner)
        elif kind == "BOOL":
            result[kind] = bool(inner)
        elif kind == "NULL":
            if inner is not True:
                raise _request_validation_error(NULL_NOT_TRUE)
            result[kind] = True
        elif kind in EMPTY_SET:
            if not inner:
                raise _request_validation_error(EMPTY_SET[kind])
            if kind == "SS":
                result[kind] = _string_set(inner)
            elif kind == "NS":
                result[kind] = _number_set(inner)
            else:
                result[kind] = _binary_set(inner)
        elif kind == "L":
            result[kind] = [_normalize(member, level + 1) for member in inner]
        else:  # M
            result[kind] = {name: _normalize(member, level + 1) for name, member in inner.items()}
    if len(present) > 1:
        raise InvalidAttributeValue(SEVERAL_TYPES)
    return result


def normalize_value(value: dict) -> dict:
    """A validated copy of one AttributeValue with its numbers in canonical text."""
    return _normalize(value, 1)


def normalize_item(item: dict) -> dict:
    """A validated copy of an item (attribute name -> AttributeValue), numbers canonical."""
    return {name: _normalize(value, 1) for name, value in item.items()}


def type_of(value: Mapping) -> str:
    """The datatype descriptor of a (normalized) AttributeValue: "S", "NS", "M"..."""
    return next(iter(value))


def check_key(item_or_key: dict, key_schema: Iterable[tuple[str, str]], *, is_key_only: bool) -> dict:
    """Check the key attributes of a normalized item (`is_key_only=False`: PutItem's Item) or a
    key (`is_key_only=True`: GetItem's Key, which must name exactly the key attributes) against
    `key_schema`, [(name, "S"|"N"|"B")] in HASH, RANGE order. Returns the key as a dict in schema
    order; raises ValidationException with AWS's message for a missing, mistyped, empty or
    oversized key attribute.
    """
    schema = list(key_schema)
    if is_key_only and len(item_or_key) != len(schema):
        raise InvalidAttributeValue(KEY_MISMATCH)
    key: dict = {}
    for position, (name, expected) in enumerate(schema):
        value = item_or_key.get(name)
        if is_key_only:
            if value is None or type_of(value) != expected:
                raise InvalidAttributeValue(KEY_MISMATCH)
        elif value is None:
            raise InvalidAttributeValue(f"{INVALID}Missing the key {name} in the item")
        elif type_of(value) != expected:
            raise InvalidAttributeValue(
                f"{INVALID}Type mismatch for key {name} expected: {expected} actual: {type_of(value)}"
            )
        inner = value[expected]
        if expected in ("S", "B") and len(inner) == 0:
            what = "string" if expected == "S" else "binary"
            raise InvalidAttributeValue(_EMPTY_KEY.format(what=what, name=name))
        check_key_size(value, is_partition=position == 0)
        key[name] = value
    return key


def values_equal(a: dict, b: dict) -> bool:
    """Whether two AttributeValues are equal as DynamoDB compares them (`=` in an expression):
    same datatype, numbers by value, sets regardless of order, lists in order, maps by keys."""
    kind = type_of(a)
    if kind != type_of(b):
        return False
    left, right = a[kind], b[kind]
    if kind == "N":
        return numbers.compare(left, right) == 0
    if kind == "NS":
        return len(left) == len(right) and {numbers.to_decimal(n) for n in left} == {
            numbers.to_decimal(n) for n in right
        }
    if kind == "SS":
        return len(left) == len(right) and set(left) == set(right)
    if kind == "BS":
        return len(left) == len(right) and set(map(bytes, left)) == set(map(bytes, right))
    if kind == "L":
        return len(left) == len(right) and all(values_equal(x, y) for x, y in zip(left, right, strict=True))
    if kind == "M":
        return left.keys() == right.keys() and all(values_equal(left[name], right[name]) for name in left)
    if kind == "B":
        return bytes(left) == bytes(right)
    return left == right
