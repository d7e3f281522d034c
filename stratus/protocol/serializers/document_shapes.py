"""Model-driven conversion of output values to JSON- or CBOR-ready Python objects.

A converter is built once per shape and cached. Shapes whose values are already what the
encoder needs (strings, integers, booleans, lists and maps of them) get no converter at all,
so their values are handed to the encoder untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.model import Shape
from cbor2 import CBORTag

from stratus.protocol.serializers.model_cache import BuildMemo
from stratus.protocol.serializers.scalars import blob_bytes, blob_text, json_float
from stratus.protocol.serializers.timestamps import epoch_seconds, text_formatter
from stratus.protocol.serializers.xml_shapes import NON_BODY_LOCATIONS, shape_key

Converter = Callable[[Any], Any]

_PLAIN_TYPES = frozenset({"string", "character", "boolean", "integer", "long", "byte", "short"})


def _epoch_tag(value: object) -> CBORTag:
    return CBORTag(1, float(epoch_seconds(value)))


def _json_epoch(value: object) -> int | float:
    return epoch_seconds(value)


def _cbor_float(value: object) -> object:
    return value if isinstance(value, float) else float(value)  # type: ignore[arg-type]


class DocumentConverters:
    """Converters for one encoding: JSON (json, rest-json) or CBOR (smithy-rpc-v2-cbor)."""

    def __init__(self, cbor: bool) -> None:
        self._cbor = cbor
        self._converters: BuildMemo[Converter | None] = BuildMemo()

    def converter(self, shape: Shape) -> Converter | None:
        """The converter for values of `shape`, or None when values need no conversion."""
        key = ("value", shape_key(shape))
        return self._converters.get(key, lambda: self._build(shape, key))

    def structure(self, shape: Shape, body_only: bool = False) -> Converter:
        """Converter of a structure; `body_only` leaves out header and status-code members."""
        if not body_only:
            converter = self.converter(shape)
            return converter if converter is not None else _identity  # documents
        return self._converters.get(  # type: ignore[return-value]
            ("body", shape_key(shape)),
            lambda: _structure_converter(self._member_table(shape, body_only=True)),
        )

    def _build(self, shape: Shape, key: tuple) -> Converter | None:
        kind = shape.type_name
        if kind == "structure":
            if shape.is_document_type:
                return None
            table: dict[str, tuple[str, Converter | None]] = {}
            converter = _structure_converter(table)
            # Registered first so recursive shapes resolve to it.
            self._converters.register(key, converter)
            table.update(self._member_table(shape, body_only=False))
            return converter
        if kind == "list":
            self._converters.register(key, None)  # placeholder against recursion through lists
            item = self.converter(shape.member)
            return None if item is None else _list_converter(item)
        if kind == "map":
            self._converters.register(key, None)
            item = self.converter(shape.value)
            return None if item is None else _map_converter(item)
        if kind in _PLAIN_TYPES:
            return None
        if kind == "timestamp":
            return self._timestamp(shape)
        if kind == "blob":
            return blob_bytes if self._cbor else blob_text
        if kind in ("float", "double"):
            return _cbor_float if self._cbor else json_float
        return None

    def _timestamp(self, shape: Shape) -> Converter:
        if self._cbor:
            return _epoch_tag
        timestamp_format = shape.serialization.get("timestampFormat")
        if timestamp_format in (None, "unixTimestamp"):
            return _json_epoch
        return text_formatter(timestamp_format, "unixTimestamp")

    def _member_table(self, shape: Shape, body_only: bool) -> dict[str, tuple[str, Converter | None]]:
        table = {}
        for name, member in shape.members.items():
            if body_only and member.serialization.get("location") in NON_BODY_LOCATIONS:
                continue
            wire_name = name if self._cbor else member.serialization.get("name", name)
            table[name] = (wire_name, self.converter(member))
        return table


def _identity(value: Any) -> Any:
    return value


def _structure_converter(table: dict[str, tuple[str, Converter | None]]) -> Converter:
    """Converter over `table` (member -> wire name, converter), which may be filled in later."""
    # Members whose values go on the wire as they are, under their own name; filled on first use
    # because recursive shapes build their converter before their table.
    plain: set[str] = set()
    plain_known = False

    def convert_structure(value: Any) -> dict:
        nonlocal plain_known
        if not plain_known:
            plain.update(
                name for name, (wire_name, convert) in table.items() if convert is None and wire_name == name
            )
            plain_known = True
        # Most values (an AttributeValue, a queue attribute) need nothing: hand them over as is.
        for name, member_value in value.items():
            if member_value is None or name not in plain:
                break
        else:
            return value
        result = {}
        get = table.get
        for name, member_value in value.items():
            if member_value is None:
                continue
            entry = get(name)
            if entry is None:
                continue  # not a member of the shape: never leaks onto the wire
            wire_name, convert = entry
            result[wire_name] = member_value if convert is None else convert(member_value)
        return result

    return convert_structure


def _list_converter(item: Converter) -> Converter:
    def convert_list(value: Any) -> list:
        return [None if element is None else item(element) for element in value]

    return convert_list


def _map_converter(item: Converter) -> Converter:
    def convert_map(value: Any) -> dict:
        return {key: item(element) for key, element in value.items() if element is not None}

    return convert_map
