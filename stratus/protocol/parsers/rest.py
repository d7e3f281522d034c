"""What rest-json and rest-xml share: members bound to the URI, headers, query string and payload.

Each operation's bindings are sorted once into a `RestPlan`; a request then only visits the
members its operation binds to each place. The body document itself (JSON or XML) is read by the
protocol module through the two callables it passes in.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from urllib.parse import parse_qsl

from botocore.model import OperationModel

from stratus.protocol.aws_chunked import decoded_payload_stream
from stratus.protocol.http import HttpRequest
from stratus.protocol.parsers.failures import BODY, HEADER, QUERY, URI, MalformedInput
from stratus.protocol.parsers.query import decode_form
from stratus.protocol.parsers.scalars import (
    base64_to_bytes,
    text_to_bool,
    text_to_datetime,
    text_to_float,
    text_to_int,
)
from stratus.protocol.parsers.shapes import Field, input_field

# (input structure field, raw body) -> the body members; (payload field, raw body) -> its value
BodyReader = Callable[[Field, bytes], dict]
PayloadReader = Callable[[Field, bytes], object]


@dataclass(frozen=True, slots=True)
class RestPlan:
    field: Field
    uri: tuple[Field, ...]
    headers: tuple[Field, ...]
    header_maps: tuple[Field, ...]  # `headers` location: every header starting with a prefix
    query: tuple[Field, ...]
    query_map: Field | None  # a querystring map takes every parameter nothing else claims
    reserved_query: frozenset[str]
    payload: Field | None
    has_body_members: bool


@cache
def rest_plan(operation: OperationModel) -> RestPlan | None:
    field = input_field(operation)
    if field is None:
        return None
    members = field.body.members.values()
    by_location: dict[str | None, list[Field]] = {}
    for member in members:
        by_location.setdefault(member.location, []).append(member)
    query = [member for member in by_location.get("querystring", ()) if member.type != "map"]
    query_maps = [member for member in by_location.get("querystring", ()) if member.type == "map"]
    request_uri = operation.http.get("requestUri", "")
    literal_query = request_uri.partition("?")[2]
    reserved = {name for name, _ in parse_qsl(literal_query, keep_blank_values=True)}
    reserved.update(member.wire for member in query)
    payload_name = field.body.payload
    return RestPlan(
        field=field,
        uri=tuple(by_location.get("uri", ())),
        headers=tuple(by_location.get("header", ())),
        header_maps=tuple(by_location.get("headers", ())),
        query=tuple(query),
        query_map=query_maps[0] if query_maps else None,
        reserved_query=frozenset(reserved),
        payload=field.body.members[payload_name] if payload_name else None,
        has_body_members=bool(field.body.body_by_wire),
    )


def text_value(field: Field, text: str, where: str) -> object:
    """A scalar bound to the URI or query string, from its text."""
    kind = field.type
    if kind == "string":
        return text
    if kind in ("integer", "long"):
        try:
            return text_to_int(text, field.name, where)
        except MalformedInput as failure:
            failure.wire_name, failure.value = field.wire, text  # S3 names the parameter as sent
            raise
    if kind == "boolean":
        return text_to_bool(text, field.name, where)
    if kind == "timestamp":
        return text_to_datetime(text, field.name, where)
    if kind in ("float", "double"):
        return text_to_float(text, field.name, where)
    if kind == "blob":
        return base64_to_bytes(text, field.name, where)
    raise MalformedInput(f"Member '{field.name}' of type {kind} cannot be read from text", where)


def split_header_list(text: str) -> list[str]:
    """`a,"b,c",d` -> ['a', 'b,c', 'd']: comma-separated items, double-quoted when they hold a comma."""
    items: list[str] = []
    index, length = 0, len(text)
    while index < length:
        while index < length and text[index] in " \t":
            index += 1
        if index < length and text[index] == '"':
            index += 1
            chars = []
            while index < length and text[index] != '"':
                if text[index] == "\\" and index + 1 < length:
                    index += 1
                chars.append(text[index])
                index += 1
            items.append("".join(chars))
            comma = text.find(",", index)
            index = length if comma < 0 else comma + 1
        else:
            comma = text.find(",", index)
            end = length if comma < 0 else comma
            items.append(text[index:end].strip())
            index = end + 1
    return items


def _rejoin_http_dates(parts: list[str]) -> list[str]:
    # "Mon, 01 Jan 2024 00:00:00 GMT" holds a comma of its own: glue the day name back on
    joined: list[str] = []
    for part in parts:
        if joined and joined[-1].isalpha() and len(joined[-1]) == 3:
            joined[-1] = f"{joined[-1]}, {part}"
        else:
            joined.append(part)
    return joined


def header_value(field: Field, text: str) -> object:
    kind = field.type
    if kind == "string":
        if field.jsonvalue:
            decoded = base64_to_bytes(text, field.name, HEADER)
            try:
                return json.loads(decoded.decode("utf-8"))
            except (UnicodeDecodeError, ValueError, RecursionError):
                raise MalformedInput(f"Header for member '{field.name}' is not valid JSON", HEADER) from None
        return text
    if kind == "list":
        member = field.member
        parts = split_header_list(text)
        if member.type == "timestamp":
            parts = _rejoin_http_dates(parts)
        return [header_value(member, part) for part in parts]
    return text_value(field, text.strip(), HEADER)


def query_parameters(query_string: str) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for name, value in decode_form(query_string):
        params.setdefault(name, []).append(value)
    return params


def _payload_value(payload: Field, request: HttpRequest, read_payload: PayloadReader) -> tuple[bool, object]:
    body = request.body
    if payload.type == "blob" and (payload.streaming or payload.eventstream):
        # aws-chunked framing removed and x-amz-checksum-*/Content-MD5 verified as the provider reads
        return True, decoded_payload_stream(request, signature_check=request.chunk_signature_check)  # type: ignore[arg-type]
    if payload.eventstream:
        return True, body.stream()
    if not body.size:
        return False, None
    raw = body.read()
    if payload.type == "blob":
        return True, raw
    if payload.type == "string":
        try:
            return True, raw.decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedInput("The request body is not valid UTF-8", BODY, syntax=True) from None
    return True, read_payload(payload, raw)


def parse_rest(
    operation: OperationModel,
    request: HttpRequest,
    uri_params: dict[str, str],
    read_body: BodyReader,
    read_payload: PayloadReader,
) -> dict:
    plan = rest_plan(operation)
    if plan is None:
        return {}
    result: dict = {}
    if plan.payload is not None:
        present, value = _payload_value(plan.payload, request, read_payload)
        if present:
            result[plan.payload.name] = value
    elif plan.has_body_members and request.body.size:
        raw = request.body.read()
        if raw.strip():
            result.update(read_body(plan.field, raw))
    for field in plan.uri:
        text = uri_params.get(field.wire)
        if text is None:
            text = uri_params.get(field.wire + "+")  # a router may keep the greedy marker
        if text is not None:
            result[field.name] = text_value(field, text, URI)
    headers = request.headers
    for field in plan.headers:
        text = headers.get(field.wire.lower())
        if text is not None:
            result[field.name] = header_value(field, text)
    for field in plan.header_maps:
        prefix = field.wire.lower()
        found = {name[len(prefix) :]: value for name, value in headers.items() if name.startswith(prefix)}
        if found:
            result[field.name] = found
    if (plan.query or plan.query_map) and request.query_string:
        _bind_query(plan, query_parameters(request.query_string), result)
    return result


def _bind_query(plan: RestPlan, params: dict[str, list[str]], result: dict) -> None:
    for field in plan.query:
        values = params.get(field.wire)
        if values is None:
            continue
        if field.type == "list":
            result[field.name] = [text_value(field.member, value, QUERY) for value in values]
        else:
            result[field.name] = text_value(field, values[0], QUERY)
    query_map = plan.query_map
    if query_map is None:
        return
    multi = query_map.value.type == "list"
    found = {
        name: (values if multi else values[0])
        for name, values in params.items()
        if name not in plan.reserved_query
    }
    if found:
        result[query_map.name] = found
