"""A compact, precomputed view of an operation's input shape, shared by the parsers and the validator.

botocore's Shape objects resolve their members and traits lazily and allocate new objects as a walk
goes deeper into recursive shapes. The request hot path wants plain attributes instead, so each
operation's input is compiled once into `Field`s: one per member reference, with the member-level
traits (wire names, location, timestamp format ...) merged in as botocore merges them, and one
shared `StructBody` per structure shape so recursive shapes (DynamoDB's AttributeValue) compile to
a finite graph.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from botocore.model import OperationModel, Shape

from stratus.protocol.parsers.query_legacy import legacy_query_names

SCALAR_TYPES = frozenset({"string", "integer", "long", "float", "double", "boolean", "timestamp", "blob"})


class StructBody:
    """The members of one structure shape (shared by every reference to that shape)."""

    __slots__ = (
        "shape_name",
        "members",
        "required",
        "payload",
        "by_wire",
        "body_by_wire",
        "by_xml_name",
        "by_query_key",
        "by_ec2_key",
    )

    def __init__(self, shape_name: str) -> None:
        self.shape_name = shape_name
        self.members: dict[str, Field] = {}
        self.required: tuple[str, ...] = ()
        self.payload: str | None = None
        self.by_wire: dict[str, Field] = {}  # JSON/CBOR body key -> member (every member)
        self.body_by_wire: dict[str, Field] = {}  # the same, without members bound to URI/headers/query
        self.by_xml_name: dict[str, Field] = {}  # XML element or attribute name -> member
        self.by_query_key: dict[str, Field] = {}  # query parameter name segment -> member
        self.by_ec2_key: dict[str, Field] = {}


class Field:
    """One member reference: the member's name and traits plus its target shape's description."""

    __slots__ = (
        "name",
        "type",
        "shape_name",
        "wire",
        "location",
        "flattened",
        "timestamp_format",
        "jsonvalue",
        "streaming",
        "eventstream",
        "xml_attribute",
        "query_keys",
        "ec2_key",
        "min",
        "max",
        "enum",
        "enum_set",
        "sensitive",
        "body",
        "member",
        "key",
        "value",
    )

    def __init__(self, name: str, shape: Shape) -> None:
        serialization = shape.serialization
        metadata = shape.metadata
        type_name = shape.type_name
        if type_name == "structure" and metadata.get("document"):
            type_name = "document"
        self.name = name
        self.type = type_name
        self.shape_name = shape.name
        self.wire: str = serialization.get("name", name)
        self.location: str | None = serialization.get("location")
        self.flattened = bool(serialization.get("flattened"))
        self.timestamp_format: str | None = (serialization.get("timestampFormat") or "").lower() or None
        self.jsonvalue = bool(serialization.get("jsonvalue"))
        self.streaming = bool(serialization.get("streaming") or metadata.get("streaming"))
        self.eventstream = bool(serialization.get("eventstream"))
        self.xml_attribute = bool(serialization.get("xmlAttribute"))
        self.query_keys: tuple[str, ...] = (self.wire,)
        self.ec2_key: str = _ec2_name(serialization, name)
        self.min = metadata.get("min")
        self.max = metadata.get("max")
        enum = metadata.get("enum")
        self.enum: tuple[str, ...] | None = tuple(enum) if enum else None
        self.enum_set = frozenset(enum) if enum else None
        self.sensitive = bool(metadata.get("sensitive"))
        self.body: StructBody | None = None
        self.member: Field | None = None
        self.key: Field | None = None
        self.value: Field | None = None

    def __repr__(self) -> str:
        return f"Field({self.name!r}, {self.type}, shape={self.shape_name})"


def _ec2_name(serialization: dict, default: str) -> str:
    # The ec2 protocol prefers queryName, else the locationName with its first letter capitalized.
    if "queryName" in serialization:
        return serialization["queryName"]
    if "name" in serialization:
        name = serialization["name"]
        return name[:1].upper() + name[1:]
    return default


class _Compiler:
    def __init__(self, service_name: str) -> None:
        self.service_name = service_name
        self.bodies: dict[str, StructBody] = {}

    def field(self, name: str, shape: Shape) -> Field:
        field = Field(name, shape)
        if field.type == "structure":
            field.body = self.body(shape)
        elif field.type == "list":
            field.member = self.field("member", shape.member)
        elif field.type == "map":
            field.key = self.field("key", shape.key)
            field.value = self.field("value", shape.value)
        return field

    def body(self, shape: Shape) -> StructBody:
        body = self.bodies.get(shape.name)
        if body is not None:
            return body
        body = self.bodies[shape.name] = StructBody(shape.name)
        body.required = tuple(shape.metadata.get("required", ()))
        body.payload = shape.serialization.get("payload")
        for member_name, member_shape in shape.members.items():
            member = self.field(member_name, member_shape)
            body.members[member_name] = member
            self._apply_query_names(member, member_shape)
            for key in reversed(member.query_keys):  # the first (preferred) name wins a clash
                body.by_query_key[key] = member
            body.by_ec2_key[member.ec2_key] = member
            body.by_wire[member.wire] = member
            if member.location is None:
                body.body_by_wire[member.wire] = member
                body.by_xml_name[member.wire] = member
                if member.type == "list" and member.flattened and member.member.wire != "member":
                    # a flattened XML list may name its items after the list's member locationName
                    body.by_xml_name.setdefault(member.member.wire, member)
        return body

    def _apply_query_names(self, member: Field, shape: Shape) -> None:
        keys = [member.wire]
        if member.type == "list" and member.flattened and "name" in shape.member.serialization:
            # botocore's query serializer replaces the flattened list's own name by its member's
            keys.insert(0, shape.member.serialization["name"])
        legacy = legacy_query_names(self.service_name, member, shape)
        if legacy:
            keys = [legacy.name, *(key for key in keys if key != legacy.name)]
            if member.type == "map" and legacy.key_name:
                member.key.query_keys = (legacy.key_name, member.key.wire)
                member.value.query_keys = (legacy.value_name, member.value.wire)
        member.query_keys = tuple(dict.fromkeys(keys))


@cache
def input_field(operation: OperationModel) -> Field | None:
    """The compiled input structure of an operation (None when the operation takes no input)."""
    shape = operation.input_shape
    if shape is None:
        return None
    compiler = _Compiler(operation.service_model.service_name)
    return compiler.field(shape.name, shape)


def reader_table(reader: Any) -> dict[str, Callable[..., object]]:
    """A shape type -> the reader's method for it; every protocol's reader has the same method names."""
    table = {
        "structure": reader.structure,
        "list": reader.sequence,
        "map": reader.mapping,
        "string": reader.string,
        "integer": reader.integer,
        "long": reader.integer,
        "float": reader.number,
        "double": reader.number,
        "boolean": reader.boolean,
        "timestamp": reader.timestamp,
        "blob": reader.blob,
    }
    document = getattr(reader, "document", None)
    if document is not None:
        table["document"] = document
    return table
