"""Model-driven XML writers, shared by the query, ec2 and rest-xml serializers.

For each (shape, element name) a writer function is built once and cached: it appends the
element's text pieces to a list that the caller joins. Structures iterate their members in
model order, the order AWS writes them in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.model import Shape

from stratus.protocol.serializers.legacy_query import LegacyXmlNames
from stratus.protocol.serializers.model_cache import BuildMemo
from stratus.protocol.serializers.scalars import string_text, text_renderer
from stratus.protocol.serializers.timestamps import ISO8601
from stratus.protocol.serializers.xml_text import escape_attribute, escape_text

Writer = Callable[[list[str], Any], None]

# Members outside the body: rest-xml writes them as headers or the status line.
NON_BODY_LOCATIONS = frozenset({"header", "headers", "statusCode"})


def shape_key(shape: Shape) -> tuple[str, str]:
    """Identity of a shape as serialized: its name plus any member-level traits merged in."""
    return shape.name, repr(sorted(shape.serialization.items()))


def namespace_attribute(namespace: object) -> str:
    """` xmlns="uri"` or ` xmlns:prefix="uri"` for a model `xmlNamespace` value."""
    if isinstance(namespace, dict):
        uri = namespace.get("uri", "")
        prefix = namespace.get("prefix")
    else:
        uri, prefix = str(namespace), None
    name = f"xmlns:{prefix}" if prefix else "xmlns"
    return f' {name}="{escape_attribute(uri)}"'


class XmlWriters:
    """Writer factory for one protocol flavour of one service model."""

    def __init__(self, list_item_name: str, legacy: LegacyXmlNames | None = None) -> None:
        self._list_item_name = list_item_name  # "member" for query/rest-xml, "item" for ec2
        self._legacy = legacy
        self._writers: BuildMemo[Writer] = BuildMemo()

    def element(self, shape: Shape, tag: str) -> Writer:
        """Writer of a whole `<tag>...</tag>` element holding a value of `shape`."""
        key = ("element", shape_key(shape), tag)
        return self._writers.get(key, lambda: self._build(shape, tag, key))

    def root(self, shape: Shape, tag: str, namespace: str) -> Writer:
        """Writer of a document's root element, declaring `namespace` unless the shape has its own."""
        own = shape.serialization.get("xmlNamespace")
        if shape.type_name != "structure" or (own and not (isinstance(own, dict) and own.get("prefix"))):
            return self.element(shape, tag)
        key = ("root", shape_key(shape), tag, namespace)
        return self._writers.get(
            key, lambda: self._structure(shape, tag, key, namespace_attribute(namespace))
        )

    def members(self, shape: Shape) -> Writer:
        """Writer of a structure's body members only, for callers that write the wrapper."""
        return self._writers.get(
            ("members", shape_key(shape)), lambda: _members_writer(self._member_entries(shape))
        )

    # -- builders ---------------------------------------------------------------------------

    def _build(self, shape: Shape, tag: str, key: tuple) -> Writer:
        kind = shape.type_name
        if kind == "structure":
            return self._structure(shape, tag, key)
        if kind == "list":
            return self._list(shape, tag)
        if kind == "map":
            return self._map(shape, tag)
        return _scalar_writer(tag, text_renderer(shape, ISO8601))

    def _structure(self, shape: Shape, tag: str, key: tuple, static_attributes: str = "") -> Writer:
        entries: list[tuple[str, Writer]] = []
        attributes: list[tuple[str, str, Callable[[object], str]]] = []
        namespace = shape.serialization.get("xmlNamespace")
        if namespace:
            static_attributes += namespace_attribute(namespace)
        writer = _structure_writer(tag, static_attributes, entries, attributes)
        # Registered before the members are built so recursive shapes find it.
        self._writers.register(key, writer)
        for name, member in shape.members.items():
            if member.serialization.get("xmlAttribute"):
                attribute = member.serialization.get("name", name)
                attributes.append((name, attribute, text_renderer(member, ISO8601)))
        entries.extend(self._member_entries(shape))
        return writer

    def _member_entries(self, shape: Shape) -> list[tuple[str, Writer]]:
        entries = []
        for name, member in shape.members.items():
            serialization = member.serialization
            if serialization.get("location") in NON_BODY_LOCATIONS or serialization.get("xmlAttribute"):
                continue
            entries.append((name, self.member(shape, name, member)))
        return entries

    def member(self, parent: Shape, name: str, member: Shape) -> Writer:
        """Writer of one member of `parent` as it appears inside the parent's element."""
        tag = self._member_tag(parent, name, member)
        if member.type_name == "list" and member.serialization.get("flattened"):
            item_tag = self._list_item_tag(member) or tag
            return _flattened_list_writer(self.element(member.member, item_tag))
        if member.type_name == "map" and member.serialization.get("flattened"):
            return self._map_entries(member, tag)
        return self.element(member, tag)

    def _member_tag(self, parent: Shape, name: str, member: Shape) -> str:
        if self._legacy is not None:
            legacy = self._legacy.members.get((parent.name, name))
            if legacy:
                return legacy
        return member.serialization.get("name", name)

    def _list_item_tag(self, shape: Shape) -> str | None:
        if self._legacy is not None:
            legacy = self._legacy.list_items.get(shape.name)
            if legacy:
                return legacy
        return shape.member.serialization.get("name")

    def _list(self, shape: Shape, tag: str) -> Writer:
        item = self.element(shape.member, self._list_item_tag(shape) or self._list_item_name)
        return _wrapped_list_writer(f"<{tag}>", f"</{tag}>", item)

    def _map(self, shape: Shape, tag: str) -> Writer:
        return _wrapped_map_writer(f"<{tag}>", f"</{tag}>", self._map_entries(shape, "entry"))

    def _map_entries(self, shape: Shape, entry_tag: str) -> Writer:
        """Writer emitting `<entry_tag><key/><value/></entry_tag>` per map item."""
        names = self._legacy.map_entries.get(shape.name) if self._legacy is not None else None
        key_tag, value_tag = names or (
            shape.key.serialization.get("name") or "key",
            shape.value.serialization.get("name") or "value",
        )
        key_text = text_renderer(shape.key, ISO8601)
        value_writer = self.element(shape.value, value_tag)
        return _map_entries_writer(
            f"<{entry_tag}><{key_tag}>", f"</{key_tag}>", f"</{entry_tag}>", key_text, value_writer
        )


# -- writer closures (kept small: they run per value) ----------------------------------------


def _scalar_writer(tag: str, render: Callable[[object], str]) -> Writer:
    opening, closing = f"<{tag}>", f"</{tag}>"
    if render is string_text:

        def write_string(out: list[str], value: Any) -> None:
            out.append(opening + escape_text(value if isinstance(value, str) else str(value)) + closing)

        return write_string

    # Numbers, booleans, timestamps and base64 never contain markup.
    def write_scalar(out: list[str], value: Any) -> None:
        out.append(opening + render(value) + closing)

    return write_scalar


def _members_writer(entries: list[tuple[str, Writer]]) -> Writer:
    def write_members(out: list[str], value: Any) -> None:
        get = value.get
        for name, write in entries:
            member_value = get(name)
            if member_value is not None:
                write(out, member_value)

    return write_members


def _structure_writer(
    tag: str,
    static_attributes: str,
    entries: list[tuple[str, Writer]],
    attributes: list[tuple[str, str, Callable[[object], str]]],
) -> Writer:
    plain_opening, closing = f"<{tag}{static_attributes}>", f"</{tag}>"
    opening_start = f"<{tag}{static_attributes}"

    def write_structure(out: list[str], value: Any) -> None:
        get = value.get
        if attributes:
            parts = [opening_start]
            for name, attribute, render in attributes:
                attribute_value = get(name)
                if attribute_value is not None:
                    parts.append(f' {attribute}="{escape_attribute(render(attribute_value))}"')
            parts.append(">")
            out.append("".join(parts))
        else:
            out.append(plain_opening)
        for name, write in entries:
            member_value = get(name)
            if member_value is not None:
                write(out, member_value)
        out.append(closing)

    return write_structure


def _wrapped_list_writer(opening: str, closing: str, item: Writer) -> Writer:
    def write_list(out: list[str], value: Any) -> None:
        out.append(opening)
        for element in value:
            if element is not None:
                item(out, element)
        out.append(closing)

    return write_list


def _flattened_list_writer(item: Writer) -> Writer:
    def write_flattened(out: list[str], value: Any) -> None:
        for element in value:
            if element is not None:
                item(out, element)

    return write_flattened


def _wrapped_map_writer(opening: str, closing: str, entries: Writer) -> Writer:
    def write_map(out: list[str], value: Any) -> None:
        out.append(opening)
        entries(out, value)
        out.append(closing)

    return write_map


def _map_entries_writer(
    key_opening: str,
    key_closing: str,
    entry_closing: str,
    key_text: Callable[[object], str],
    value_writer: Writer,
) -> Writer:
    def write_entries(out: list[str], value: Any) -> None:
        for key, item in value.items():
            if item is None:
                continue
            out.append(key_opening + escape_text(key_text(key)) + key_closing)
            value_writer(out, item)
            out.append(entry_closing)

    return write_entries
