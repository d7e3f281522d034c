"""Scalar values as text, shared by XML bodies and HTTP headers."""

from __future__ import annotations

import base64
import math
from collections.abc import Callable

from botocore.model import Shape

from stratus.protocol.serializers.timestamps import text_formatter

TextRenderer = Callable[[object], str]


def string_text(value: object) -> str:
    return value if isinstance(value, str) else str(value)


def boolean_text(value: object) -> str:
    return "true" if value else "false"


def integer_text(value: object) -> str:
    return str(value) if isinstance(value, int) else str(int(value))  # type: ignore[call-overload]


def float_text(value: object) -> str:
    if isinstance(value, float):
        if math.isfinite(value):
            return repr(value)
        if value != value:
            return "NaN"
        return "Infinity" if value > 0 else "-Infinity"
    return str(value)


def blob_bytes(value: object) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    return bytes(value)  # type: ignore[call-overload]


def blob_text(value: object) -> str:
    return base64.b64encode(blob_bytes(value)).decode("ascii")


def json_float(value: object) -> object:
    """A double for a JSON body: non-finite values travel as the strings Smithy defines."""
    if isinstance(value, float) and not math.isfinite(value):
        if value != value:
            return "NaN"
        return "Infinity" if value > 0 else "-Infinity"
    return value


_BY_TYPE: dict[str, TextRenderer] = {
    "string": string_text,
    "character": string_text,
    "boolean": boolean_text,
    "integer": integer_text,
    "long": integer_text,
    "byte": integer_text,
    "short": integer_text,
    "float": float_text,
    "double": float_text,
    "bigdecimal": string_text,
    "biginteger": string_text,
    "blob": blob_text,
}


def text_renderer(shape: Shape, default_timestamp_format: str) -> TextRenderer:
    """How a scalar of `shape` is written as text (timestamps in their modelled format)."""
    if shape.type_name == "timestamp":
        return text_formatter(shape.serialization.get("timestampFormat"), default_timestamp_format)
    return _BY_TYPE.get(shape.type_name, string_text)
