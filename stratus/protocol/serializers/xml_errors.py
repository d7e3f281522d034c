"""The extra members of an error (`ServiceError.fields`) as XML elements."""

from __future__ import annotations

from datetime import date, datetime

from botocore.model import Shape

from stratus.protocol.serializers.scalars import blob_text, float_text
from stratus.protocol.serializers.timestamps import iso8601
from stratus.protocol.serializers.xml_shapes import XmlWriters
from stratus.protocol.serializers.xml_text import escape_text

# Written by the error envelope itself; a field of the same name would duplicate them.
ENVELOPE_NAMES = frozenset({"Code", "Message", "message", "Type", "RequestId", "HostId"})


def write_error_fields(out: list[str], writers: XmlWriters | None, shape: Shape | None, fields: dict) -> None:
    """Append `fields`, modelled members through the model's writers, the rest generically."""
    members = shape.members if shape is not None else {}
    for name, value in fields.items():
        if value is None or name in ENVELOPE_NAMES:
            continue
        member = members.get(name)
        if member is not None and writers is not None and shape is not None:
            writers.member(shape, name, member)(out, value)
        else:
            write_plain(out, name, value)


def write_plain(out: list[str], tag: str, value: object) -> None:
    """An unmodelled value as XML: nested dicts as elements, lists as `<member>` items."""
    if isinstance(value, dict):
        out.append(f"<{tag}>")
        for key, item in value.items():
            if item is not None:
                write_plain(out, str(key), item)
        out.append(f"</{tag}>")
    elif isinstance(value, (list, tuple)):
        out.append(f"<{tag}>")
        for item in value:
            if item is not None:
                write_plain(out, "member", item)
        out.append(f"</{tag}>")
    else:
        out.append(f"<{tag}>{escape_text(plain_text(value))}</{tag}>")


def plain_text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime, date)):
        return iso8601(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return blob_text(value)
    if isinstance(value, float):
        return float_text(value)
    return str(value)
