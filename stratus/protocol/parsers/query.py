"""The `query` and `ec2` protocols: flat `Name.member.1.Key=value` parameters.

Parameters come from the query string and/or a urlencoded POST body. They are first folded into
a tree on their dots (`A.member.1.B` -> A -> member -> 1 -> B) so every lookup below is a dict
access; the tree is then read against the compiled input shape:

- query lists: `Name.member.N` (the member's locationName replaces `member`), flattened `Name.N`
  (named after the member's locationName when it has one), and `Name=` for an empty list;
- query maps: `Name.entry.N.key` / `.value` (custom key/value names), flattened `Name.N.key`;
- ec2: members are named by queryName, else the capitalized locationName; lists are `Name.N`.

`Action` and `Version` are not members and fall away like any unknown parameter.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from botocore.model import OperationModel

from stratus.protocol.http import HttpRequest
from stratus.protocol.parsers.failures import QUERY, MalformedInput
from stratus.protocol.parsers.scalars import (
    base64_to_bytes,
    text_to_bool,
    text_to_datetime,
    text_to_float,
    text_to_int,
)
from stratus.protocol.parsers.shapes import Field, StructBody, input_field, reader_table

_MISSING = object()
_VALUE = None  # the tree key under which a node keeps its own value
_MAX_INDEX_DIGITS = 9


def decode_form(text: str | bytes) -> list[tuple[str, str]]:
    """`a=1&b=2` (percent-encoded, `+` for space) as pairs, refusing undecodable bytes.

    The same as `parse_qsl(keep_blank_values=True, errors="strict")`, several times faster on the
    common case of names and values with nothing to unescape.
    """
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        pairs = []
        for part in text.split("&"):
            if not part:
                continue
            name, _, value = part.partition("=")
            if "+" in name:
                name = name.replace("+", " ")
            if "%" in name:
                name = unquote(name, errors="strict")
            if "+" in value:
                value = value.replace("+", " ")
            if "%" in value:
                value = unquote(value, errors="strict")
            pairs.append((name, value))
        return pairs
    except UnicodeDecodeError:
        raise MalformedInput("The query string is not valid UTF-8", QUERY, syntax=True) from None


def request_parameters(request: HttpRequest) -> list[tuple[str, str]]:
    """The parameters of a query-protocol request, from the query string then the form body."""
    pairs = decode_form(request.query_string) if request.query_string else []
    if request.body.size:
        content_type = request.headers.get("content-type", "")
        if not content_type or "x-www-form-urlencoded" in content_type:
            pairs.extend(decode_form(request.body.read()))
    return pairs


def build_tree(pairs: list[tuple[str, str]]) -> dict:
    root: dict = {}
    for name, value in pairs:
        node = root
        for part in name.split("."):
            child = node.get(part)
            if child is None:
                child = node[part] = {}
            node = child
        node[_VALUE] = value
    return root


def _indexed(node: dict) -> list[dict]:
    """The children of a node keyed 1, 2, 3 ..., in numeric order (gaps are tolerated)."""
    items = [
        (int(key), child)
        for key, child in node.items()
        if key is not None and key.isascii() and key.isdigit() and len(key) <= _MAX_INDEX_DIGITS
    ]
    items.sort(key=lambda item: item[0])
    return [child for _, child in items]


class _QueryReader:
    ec2 = False

    def __init__(self) -> None:
        self._readers = reader_table(self)

    def read(self, field: Field, node: dict) -> object:
        reader = self._readers.get(field.type)
        if reader is None:
            return _MISSING
        return reader(field, node)

    def _child(self, field: Field, node: dict) -> dict | None:
        for key in field.query_keys:
            child = node.get(key)
            if child is not None:
                return child
        return None

    def _lookup(self, body: StructBody) -> dict[str, Field]:
        return body.by_query_key

    def structure(self, field: Field, node: dict) -> object:
        result = {}
        lookup = self._lookup(field.body)
        readers = self._readers
        for key, child in node.items():
            member = lookup.get(key) if key is not None else None
            if member is None:
                continue
            reader = readers.get(member.type)
            value = _MISSING if reader is None else reader(member, child)
            if value is not _MISSING:
                result[member.name] = value
        return result if result else _MISSING

    def sequence(self, field: Field, node: dict) -> object:
        items_node = node if self.ec2 or field.flattened else node.get(field.member.wire)
        member = field.member
        result = []
        if items_node is not None:
            for child in _indexed(items_node):
                value = self.read(member, child)
                if value is not _MISSING:
                    result.append(value)
        if result:
            return result
        # `Name=` with nothing below it is how the query protocol sends an empty list
        if node.get(_VALUE) == "" and len(node) == 1:
            return []
        return _MISSING

    def mapping(self, field: Field, node: dict) -> object:
        entries = node if field.flattened else node.get("entry")
        if entries is None:
            return _MISSING
        key_field = field.key
        value_field = field.value
        result = {}
        for entry in _indexed(entries):
            key_node = self._child(key_field, entry)
            value_node = self._child(value_field, entry)
            if key_node is None or value_node is None or key_node.get(_VALUE) is None:
                continue
            value = self.read(value_field, value_node)
            if value is not _MISSING:
                result[key_node[_VALUE]] = value
        return result if result else _MISSING

    def string(self, field: Field, node: dict) -> object:
        return node.get(_VALUE, _MISSING)

    def integer(self, field: Field, node: dict) -> object:
        text = node.get(_VALUE)
        return _MISSING if text is None else text_to_int(text, field.name, QUERY)

    def number(self, field: Field, node: dict) -> object:
        text = node.get(_VALUE)
        return _MISSING if text is None else text_to_float(text, field.name, QUERY)

    def boolean(self, field: Field, node: dict) -> object:
        text = node.get(_VALUE)
        return _MISSING if text is None else text_to_bool(text, field.name, QUERY)

    def timestamp(self, field: Field, node: dict) -> object:
        text = node.get(_VALUE)
        return _MISSING if text is None else text_to_datetime(text, field.name, QUERY)

    def blob(self, field: Field, node: dict) -> object:
        text = node.get(_VALUE)
        return _MISSING if text is None else base64_to_bytes(text, field.name, QUERY)


class _Ec2Reader(_QueryReader):
    ec2 = True

    def _child(self, field: Field, node: dict) -> dict | None:
        return node.get(field.ec2_key)

    def _lookup(self, body: StructBody) -> dict[str, Field]:
        return body.by_ec2_key


_QUERY_READER = _QueryReader()
_EC2_READER = _Ec2Reader()


def _parse(reader: _QueryReader, operation: OperationModel, request: HttpRequest) -> dict:
    field = input_field(operation)
    if field is None:
        return {}
    tree = build_tree(request_parameters(request))
    result = reader.structure(field, tree)
    return {} if result is _MISSING else result


def parse_query(operation: OperationModel, request: HttpRequest, uri_params: dict[str, str]) -> dict:
    params = _parse(_QUERY_READER, operation, request)
    if (
        "QueueUrl" not in params
        and _QUEUE_PATH.fullmatch(request.path)
        and "QueueUrl" in operation.input_shape.members
    ):
        # SQS's query API names the queue by the URL the request is posted to
        # (`POST /123456789012/orders` with Action=SendMessage...).
        host = request.headers.get("host", "localhost")
        params["QueueUrl"] = f"http://{host}{request.path}"
    return params


_QUEUE_PATH = re.compile(r"/\d{12}/[\w.-]{1,80}")


def parse_ec2(operation: OperationModel, request: HttpRequest, uri_params: dict[str, str]) -> dict:
    return _parse(_EC2_READER, operation, request)
