"""Reading a decoded JSON or CBOR document against the compiled input shape.

The two formats differ only in how blobs and timestamps travel (JSON: base64 text and epoch
numbers; CBOR: byte strings and tag-1 epochs), so one reader serves both with two hooks. Members
the model does not know are ignored, `null` members are treated as absent, and any value of the
wrong type raises `MalformedInput` naming the member.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

from stratus.protocol.parsers.failures import BODY, MalformedInput
from stratus.protocol.parsers.scalars import (
    base64_to_bytes,
    epoch_to_datetime,
    text_to_datetime,
)
from stratus.protocol.parsers.shapes import Field, reader_table

_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1
_SPECIAL_FLOATS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}

_KIND_NAMES = {
    dict: "an object",
    list: "a list",
    str: "a string",
    bool: "a boolean",
    int: "a number",
    float: "a number",
    bytes: "a blob",
    type(None): "null",
}


def _kind(value: object) -> str:
    return _KIND_NAMES.get(type(value), type(value).__name__)


def _wrong_type(field: Field, expected: str, value: object) -> MalformedInput:
    return MalformedInput(f"Expected {expected} for member '{field.name}' but got {_kind(value)}", BODY)


class DocumentReader:
    """Reads JSON-shaped values. Subclasses adapt blobs and timestamps to their format."""

    def __init__(self) -> None:
        self._readers = reader_table(self)

    def read(self, field: Field, value: object) -> object:
        reader = self._readers.get(field.type)
        if reader is None:
            raise MalformedInput(f"Member '{field.name}' has an unsupported type {field.type}", BODY)
        return reader(field, value)

    def members(self, by_wire: dict[str, Field], field: Field, value: object) -> dict:
        """The members of a structure, from a decoded object, looking names up in `by_wire`."""
        if not isinstance(value, dict):
            raise _wrong_type(field, "an object", value)
        result = {}
        readers = self._readers
        for key, item in value.items():
            member = by_wire.get(key)
            if member is None or item is None:
                continue
            result[member.name] = readers[member.type](member, item)
        return result

    def structure(self, field: Field, value: object) -> dict:
        return self.members(field.body.by_wire, field, value)

    def sequence(self, field: Field, value: object) -> list:
        if not isinstance(value, list):
            raise _wrong_type(field, "a list", value)
        member = field.member
        read = self._readers[member.type]
        return [None if item is None else read(member, item) for item in value]

    def mapping(self, field: Field, value: object) -> dict:
        if not isinstance(value, dict):
            raise _wrong_type(field, "an object", value)
        key_field = field.key
        value_field = field.value
        read_value = self._readers[value_field.type]
        result = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise _wrong_type(key_field, "a string", key)
            result[key] = None if item is None else read_value(value_field, item)
        return result

    def string(self, field: Field, value: object) -> str:
        if not isinstance(value, str):
            raise _wrong_type(field, "a string", value)
        return value

    def integer(self, field: Field, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _wrong_type(field, "an integer", value)
        if isinstance(value, float):
            if not value.is_integer():
                raise MalformedInput(f"Expected an integer for member '{field.name}' but got {value}")
            value = int(value)
        if not _INT64_MIN <= value <= _INT64_MAX:
            raise MalformedInput(f"Value {value} for member '{field.name}' is out of range", BODY)
        return value

    def number(self, field: Field, value: object) -> float:
        if isinstance(value, bool):
            raise _wrong_type(field, "a number", value)
        if isinstance(value, int | float):
            try:
                return float(value)
            except OverflowError:
                raise MalformedInput(f"Value for member '{field.name}' is out of range", BODY) from None
        if isinstance(value, str) and value in _SPECIAL_FLOATS:
            return _SPECIAL_FLOATS[value]
        raise _wrong_type(field, "a number", value)

    def boolean(self, field: Field, value: object) -> bool:
        if not isinstance(value, bool):
            raise _wrong_type(field, "a boolean", value)
        return value

    def timestamp(self, field: Field, value: object) -> datetime:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return epoch_to_datetime(value, field.name, BODY)
        if isinstance(value, str):
            return text_to_datetime(value, field.name, BODY)
        raise _wrong_type(field, "a timestamp", value)

    def blob(self, field: Field, value: object) -> bytes:
        if not isinstance(value, str):
            raise _wrong_type(field, "a base64 string", value)
        return base64_to_bytes(value, field.name, BODY)

    def document(self, field: Field, value: object) -> object:
        return value


class CborReader(DocumentReader):
    """CBOR carries blobs as byte strings and timestamps as tag 1 (decoded to datetime)."""

    def timestamp(self, field: Field, value: object) -> datetime:
        if isinstance(value, datetime):
            return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return super().timestamp(field, value)

    def blob(self, field: Field, value: object) -> bytes:
        if isinstance(value, bytes):
            return value
        if isinstance(value, bytearray):
            return bytes(value)
        raise _wrong_type(field, "a blob", value)
