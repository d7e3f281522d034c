"""The `rest-xml` protocol (S3, S3 Control, Route 53, CloudFront): rest bindings plus an XML body.

Structures are read from child elements named after the members' locationNames (namespace
prefixes ignored) and from attributes for `xmlAttribute` members; lists are wrapped
(`<Tags><member/>...</Tags>`, items named anyhow) or flattened (the item elements repeat in the
parent); maps are `<entry><key/><value/></entry>` or flattened. Unknown elements are ignored.
"""

from __future__ import annotations

from botocore.model import OperationModel

from stratus.protocol.http import HttpRequest
from stratus.protocol.parsers.failures import BODY, MalformedInput
from stratus.protocol.parsers.rest import parse_rest, text_value
from stratus.protocol.parsers.scalars import (
    base64_to_bytes,
    text_to_bool,
    text_to_datetime,
    text_to_float,
    text_to_int,
)
from stratus.protocol.parsers.shapes import Field, StructBody, reader_table
from stratus.protocol.parsers.xml_tree import Element, parse_xml


def _find(element: Element, tag: str) -> Element | None:
    for child in element.children:
        if child.tag == tag:
            return child
    return None


class XmlReader:
    def __init__(self) -> None:
        self._readers = reader_table(self)

    def read(self, field: Field, element: Element) -> object:
        reader = self._readers.get(field.type)
        if reader is None:
            raise MalformedInput(f"Member '{field.name}' of type {field.type} cannot be sent as XML", BODY)
        return reader(field, element)

    def members(self, body: StructBody, element: Element) -> dict:
        by_name = body.by_xml_name
        result: dict = {}
        for name, value in element.attributes.items():
            member = by_name.get(name)
            if member is not None and member.xml_attribute:
                result[member.name] = text_value(member, value, BODY)
        groups: dict[str, list[Element]] = {}
        for child in element.children:
            groups.setdefault(child.tag, []).append(child)
        for tag, elements in groups.items():
            member = by_name.get(tag)
            if member is None or member.xml_attribute:
                continue
            if member.flattened and member.type == "list":
                items = [self.read(member.member, item) for item in elements]
                result.setdefault(member.name, []).extend(items)
            elif member.flattened and member.type == "map":
                result.setdefault(member.name, {}).update(self._entries(member, elements))
            else:
                result[member.name] = self.read(member, elements[-1])
        return result

    def structure(self, field: Field, element: Element) -> dict:
        return self.members(field.body, element)

    def sequence(self, field: Field, element: Element) -> list:
        member = field.member
        read = self.read
        return [read(member, item) for item in element.children]

    def mapping(self, field: Field, element: Element) -> dict:
        return self._entries(field, element.children)

    def _entries(self, field: Field, entries: list[Element]) -> dict:
        key_tag = field.key.wire
        value_field = field.value
        result = {}
        for entry in entries:
            key = _find(entry, key_tag)
            value = _find(entry, value_field.wire)
            if key is None or value is None:
                raise MalformedInput(f"A map entry of member '{field.name}' lacks its key or value", BODY)
            result[key.text] = self.read(value_field, value)
        return result

    def string(self, field: Field, element: Element) -> str:
        return element.text

    def integer(self, field: Field, element: Element) -> int:
        return text_to_int(element.text, field.name, BODY)

    def number(self, field: Field, element: Element) -> float:
        return text_to_float(element.text, field.name, BODY)

    def boolean(self, field: Field, element: Element) -> bool:
        return text_to_bool(element.text, field.name, BODY)

    def timestamp(self, field: Field, element: Element):
        return text_to_datetime(element.text, field.name, BODY)

    def blob(self, field: Field, element: Element) -> bytes:
        return base64_to_bytes(element.text, field.name, BODY)


XML_READER = XmlReader()


def _read_body(field: Field, raw: bytes) -> dict:
    return XML_READER.members(field.body, parse_xml(raw))


def _read_payload(payload: Field, raw: bytes) -> object:
    return XML_READER.read(payload, parse_xml(raw))


def parse_rest_xml(operation: OperationModel, request: HttpRequest, uri_params: dict[str, str]) -> dict:
    return parse_rest(operation, request, uri_params, _read_body, _read_payload)
