"""Hypothesis strategies for operation inputs, built from botocore's shapes, plus the round-trip kit.

`input_strategy(operation, protocol)` draws a params dict a boto3 user could pass (required
members always present, min lengths/ranges respected, enums sampled, unions with one member),
choosing values each wire position can carry faithfully (headers: ASCII without edge spaces; XML:
no control characters; URI labels: non-empty). `to_http_request` serializes params with botocore's
own serializer, renders the URL like `prepare_request_dict` and returns the `HttpRequest` plus the
URI labels a router would have extracted. `expected_params` says what of the params survives the
wire (the query protocol drops empty structures, headers drop empty lists, ...).
"""

from __future__ import annotations

import json
import re
import string
import struct
from datetime import UTC, datetime
from urllib.parse import unquote, urlencode

from botocore.awsrequest import prepare_request_dict
from botocore.model import OperationModel, Shape
from botocore.serialize import create_serializer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stratus.protocol.http import HttpRequest, RequestBody

ENDPOINT = "http://localhost:4566"
MAX_DEPTH = 3

# -- what each position can carry ------------------------------------------------------------

_BODY_CHARS = st.characters(exclude_categories=("Cs",))
_XML_CHARS = st.characters(exclude_categories=("Cs", "Cc", "Cn"))
_HEADER_CHARS = st.sampled_from(string.ascii_letters + string.digits + " -_.:/=+;,\"'()")
_LABEL_CHARS = st.sampled_from(string.ascii_lowercase + string.digits)

_HEADER_TEXT = st.text(_HEADER_CHARS, min_size=1, max_size=12).filter(lambda text: text == text.strip())
_HEADER_KEY = st.text(st.sampled_from(string.ascii_lowercase + string.digits + "-"), min_size=1, max_size=8)
_QUERY_MAP_KEY = st.text(st.sampled_from(string.ascii_lowercase), min_size=1, max_size=6).map(
    lambda k: "q" + k
)

_JSON_SCALARS = st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.text(_BODY_CHARS, max_size=8)
_JSON_FLOATS = st.floats(allow_nan=False, allow_infinity=False)
JSON_DOCUMENTS = st.recursive(
    _JSON_SCALARS | _JSON_FLOATS,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=6,
)


class _Context:
    """Where a value travels: decides alphabets and what may be empty."""

    def __init__(self, protocol: str, location: str | None = None, greedy: bool = False) -> None:
        self.protocol = protocol
        self.location = location  # None (body), 'header', 'headers', 'uri', 'querystring'
        self.greedy = greedy

    @property
    def xml(self) -> bool:
        return self.protocol == "rest-xml" and self.location is None

    def key(self) -> tuple:
        return (self.location, self.greedy)


def _bounds(shape: Shape, low: int, high: int) -> tuple[int, int]:
    minimum = shape.metadata.get("min")
    maximum = shape.metadata.get("max")
    low = max(low, int(minimum)) if minimum is not None else low
    high = min(high, int(maximum)) if maximum is not None else high
    return low, max(low, high)


class _Builder:
    def __init__(self, protocol: str, operation_uri: str) -> None:
        self.protocol = protocol
        self.operation_uri = operation_uri
        self.memo: dict = {}

    def value(self, shape: Shape, ctx: _Context, depth: int) -> st.SearchStrategy:
        key = (shape.name, shape.type_name, ctx.key(), min(depth, MAX_DEPTH + 1), _traits(shape))
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = st.deferred(lambda: self._build(shape, ctx, depth))
        return found

    def _build(self, shape: Shape, ctx: _Context, depth: int) -> st.SearchStrategy:
        kind = shape.type_name
        if kind == "structure":
            if shape.metadata.get("document"):
                return JSON_DOCUMENTS
            return self.structure(shape, ctx, depth)
        if kind == "list":
            low, high = _bounds(shape, 0, 3 if depth <= MAX_DEPTH else 0)
            if ctx.location == "header":
                high = max(high, 1)
            return st.lists(self.value(shape.member, ctx, depth + 1), min_size=low, max_size=high)
        if kind == "map":
            return self.mapping(shape, ctx, depth)
        return self.scalar(shape, ctx)

    def structure(self, shape: Shape, ctx: _Context, depth: int) -> st.SearchStrategy:
        required = set(shape.metadata.get("required", ()))
        members = {}
        for name, member in shape.members.items():
            member_ctx = ctx
            if depth == 0:
                location = member.serialization.get("location")
                if location == "statusCode" or member.serialization.get("eventstream"):
                    continue
                member_ctx = _Context(self.protocol, location, _greedy(name, member, self.operation_uri))
            members[name] = self.value(member, member_ctx, depth + 1)
        if shape.metadata.get("union"):
            return st.one_of([st.fixed_dictionaries({name: strategy}) for name, strategy in members.items()])
        mandatory = {name: s for name, s in members.items() if name in required}
        optional = {} if depth > MAX_DEPTH else {n: s for n, s in members.items() if n not in required}
        return st.fixed_dictionaries(mandatory, optional=optional)

    def mapping(self, shape: Shape, ctx: _Context, depth: int) -> st.SearchStrategy:
        low, high = _bounds(shape, 0, 3 if depth <= MAX_DEPTH else 0)
        if ctx.location == "headers":
            return st.dictionaries(_HEADER_KEY, _HEADER_TEXT, min_size=low, max_size=high)
        if ctx.location == "querystring":
            value_shape = shape.value
            if value_shape.type_name == "list":
                low_items = max(1, int(value_shape.metadata.get("min", 1)))
                values = st.lists(self.text(value_shape.member, ctx), min_size=low_items, max_size=2)
            else:
                values = self.text(value_shape, ctx)
            return st.dictionaries(_QUERY_MAP_KEY, values, min_size=low, max_size=high)
        keys = self.scalar(shape.key, ctx)
        return st.dictionaries(keys, self.value(shape.value, ctx, depth + 1), min_size=low, max_size=high)

    def scalar(self, shape: Shape, ctx: _Context) -> st.SearchStrategy:
        kind = shape.type_name
        if kind == "string":
            return self.text(shape, ctx)
        if kind in ("integer", "long"):
            limit = 2**31 - 1 if kind == "integer" else 2**63 - 1
            low, high = _bounds(shape, -limit - 1, limit)
            return st.integers(low, high)
        if kind in ("float", "double"):
            width = 32 if kind == "float" else 64
            minimum = _representable(shape.metadata.get("min"), width, up=True)
            maximum = _representable(shape.metadata.get("max"), width, up=False)
            bounded = minimum is not None or maximum is not None
            return st.floats(
                min_value=minimum,
                max_value=maximum,
                allow_nan=False,
                allow_infinity=not bounded,
                width=width,
            )
        if kind == "boolean":
            return st.booleans()
        if kind == "timestamp":
            return TIMESTAMPS
        if kind == "blob":
            low, high = _bounds(shape, 0, 16)
            return st.binary(min_size=low, max_size=high)
        raise AssertionError(f"unexpected shape type {kind}")

    def text(self, shape: Shape, ctx: _Context) -> st.SearchStrategy:
        enum = shape.metadata.get("enum")
        if shape.serialization.get("jsonvalue") and ctx.location == "header":
            return JSON_DOCUMENTS
        if enum:
            return st.sampled_from(enum)
        if shape.serialization.get("hostLabel"):
            return st.text(_LABEL_CHARS, min_size=1, max_size=8)
        low, high = _bounds(shape, 0, 12)
        if ctx.location in ("header", "headers"):
            return st.text(_HEADER_CHARS, min_size=max(low, 1), max_size=max(high, 1)).filter(
                lambda text: text == text.strip()
            )
        if ctx.location == "uri":
            chars = _BODY_CHARS if ctx.greedy else _BODY_CHARS.filter(lambda c: c != "/")
            return st.text(chars, min_size=max(low, 1), max_size=max(high, 1))
        chars = _XML_CHARS if ctx.xml else _BODY_CHARS
        return st.text(chars, min_size=low, max_size=high)


def _representable(bound, width: int, *, up: bool):
    """The nearest value inside the bound that a float of this width holds exactly."""
    if bound is None or width == 64:
        return None if bound is None else float(bound)
    rounded = struct.unpack("<f", struct.pack("<f", bound))[0]
    if (up and rounded >= bound) or (not up and rounded <= bound):
        return rounded
    bits = struct.unpack("<i", struct.pack("<f", rounded))[0]
    step = 1 if (rounded >= 0) == up else -1
    return struct.unpack("<f", struct.pack("<i", bits + step))[0]


def _traits(shape: Shape) -> str:
    return json.dumps(shape.serialization, sort_keys=True, default=str)


def _greedy(name: str, member: Shape, request_uri: str) -> bool:
    label = member.serialization.get("name", name)
    return "{" + label + "+}" in request_uri


TIMESTAMPS = st.datetimes(
    min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
).map(lambda moment: moment.replace(microsecond=0))


def input_strategy(operation: OperationModel, protocol: str) -> st.SearchStrategy[dict]:
    """Params dicts for one operation, as a boto3 user would pass them."""
    shape = operation.input_shape
    if shape is None:
        return st.just({})
    builder = _Builder(protocol, operation.http.get("requestUri", ""))
    strategy = builder.structure(shape, _Context(protocol), 0)
    integrity = _integrity_members(shape)
    if integrity:
        # random Content-MD5 / x-amz-checksum-* values would (rightly) fail the body's verification
        strategy = strategy.map(lambda params: {k: v for k, v in params.items() if k not in integrity})
    return strategy


_INTEGRITY_HEADER = re.compile(
    r"content-md5|x-amz-sdk-checksum-algorithm|x-amz-checksum-(?!algorithm$|type$|mode$).+"
)


def _integrity_members(shape: Shape) -> frozenset[str]:
    """Members carrying the checksums of a streaming blob payload, which the parser verifies."""
    payload = shape.members.get(shape.serialization.get("payload", ""))
    if payload is None or payload.type_name != "blob" or not payload.serialization.get("streaming"):
        return frozenset()
    return frozenset(
        name
        for name, member in shape.members.items()
        if member.serialization.get("location") == "header"
        and _INTEGRITY_HEADER.fullmatch(member.serialization.get("name", name).lower())
    )


# -- botocore request -> HttpRequest --------------------------------------------------------


def _label_pattern(request_uri: str) -> tuple[re.Pattern, dict[str, str]]:
    path = request_uri.partition("?")[0]
    pattern, names = "", {}
    for index, part in enumerate(re.split(r"(\{[^}]+\})", path)):
        if part.startswith("{") and part.endswith("}"):
            label = part[1:-1]
            group = f"g{index}"
            if label.endswith("+"):
                names[group] = label[:-1]
                pattern += f"(?P<{group}>.+)"
            else:
                names[group] = label
                pattern += f"(?P<{group}>[^/]+)"
        else:
            pattern += re.escape(part)
    return re.compile(pattern + "$"), names


def uri_labels(request_uri: str, path: str) -> dict[str, str]:
    """The decoded URI labels of a rendered path, as the router would extract them."""
    pattern, names = _label_pattern(request_uri)
    match = pattern.match(path)
    assert match is not None, (request_uri, path)
    return {names[group]: unquote(value) for group, value in match.groupdict().items()}


def to_http_request(protocol: str, operation: OperationModel, params: dict) -> tuple[HttpRequest, dict]:
    """Serialize params with botocore into the HttpRequest the gateway would hand the parser."""
    serialized = create_serializer(protocol).serialize_to_request(params, operation)
    serialized.pop("host_prefix", None)  # the host is the router's business
    prepare_request_dict(serialized, ENDPOINT)
    url = serialized["url"]
    assert url.startswith(ENDPOINT)
    path, _, query = url[len(ENDPOINT) :].partition("?")
    body = serialized["body"]
    if isinstance(body, dict):
        body = urlencode(list(body.items()), doseq=True).encode()
    elif isinstance(body, str):
        body = body.encode()
    elif body is None:
        body = b""
    headers = {name.lower(): str(value) for name, value in serialized["headers"].items()}
    request = HttpRequest(
        method=serialized["method"],
        path=path or "/",
        query_string=query,
        headers=headers,
        body=RequestBody(bytes(body)),
    )
    labels = {}
    if protocol in ("rest-json", "rest-xml"):
        labels = uri_labels(operation.http["requestUri"], path)
    return request, labels


# -- what survives the wire -----------------------------------------------------------------

MISSING = object()


def expected_params(protocol: str, operation: OperationModel, params: dict) -> dict:
    shape = operation.input_shape
    if shape is None:
        return {}
    result = {}
    payload = shape.serialization.get("payload")
    for name, value in params.items():
        member = shape.members[name]
        location = member.serialization.get("location")
        if name == payload and protocol in ("rest-json", "rest-xml"):
            kept = _expected_payload(protocol, member, value)
        else:
            kept = _expected(protocol, location, member, value)
        if kept is not MISSING:
            result[name] = kept
    if payload and payload not in result and protocol == "rest-json":
        member = shape.members[payload]
        if member.type_name == "structure" and not member.serialization.get("streaming"):
            result[payload] = {}  # botocore sends `{}` for an absent structure payload
    return result


def _expected_payload(protocol: str, member: Shape, value: object) -> object:
    if member.type_name in ("blob", "string"):
        if member.serialization.get("streaming") or member.metadata.get("streaming"):
            return value
        return MISSING if len(value) == 0 else value
    return _expected(protocol, None, member, value)


def _expected(protocol: str, location: str | None, shape: Shape, value: object) -> object:
    if value is None:
        return MISSING
    kind = shape.type_name
    query = protocol in ("query", "ec2")
    if kind == "structure" and not shape.metadata.get("document"):
        kept = {}
        for name, item in value.items():
            inner = _expected(protocol, None, shape.members[name], item)
            if inner is not MISSING:
                kept[name] = inner
        if query and not kept:
            return MISSING
        return kept
    if kind == "list":
        if location in ("header", "querystring") and not value:
            return MISSING
        if protocol == "rest-xml" and location is None and shape.serialization.get("flattened") and not value:
            return MISSING
        if shape.member.metadata.get("document"):
            return list(value)  # documents travel whole, nulls included
        items = [_expected(protocol, None, shape.member, item) for item in value]
        items = [item for item in items if item is not MISSING]
        if query:
            if not value:
                return MISSING if protocol == "ec2" else []
            if not items:
                return MISSING
        return items
    if kind == "map":
        if location in ("headers", "querystring"):
            return dict(value) if value else MISSING
        if protocol == "rest-xml" and shape.serialization.get("flattened") and not value:
            return MISSING
        if shape.value.metadata.get("document"):
            return dict(value)  # documents travel whole, nulls included
        kept = {}
        for key, item in value.items():
            inner = _expected(protocol, None, shape.value, item)
            if inner is not MISSING:
                kept[key] = inner
        if query and not kept:
            return MISSING
        return kept
    if kind == "blob" and isinstance(value, str):
        return value.encode()
    if kind == "string" and location == "header" and shape.serialization.get("jsonvalue"):
        return json.loads(json.dumps(value))
    return value


def _materialize(value: object) -> object:
    """Streams read into bytes, so parsed params compare with plain values."""
    if hasattr(value, "read") and not isinstance(value, bytes | bytearray):
        return value.read()
    if isinstance(value, dict):
        return {key: _materialize(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_materialize(item) for item in value]
    return value


def assert_roundtrip(protocol: str, operation: OperationModel, params: dict, parse) -> dict:
    """Serialize with botocore, parse with ours, and compare with what survives the wire."""
    request, labels = to_http_request(protocol, operation, params)
    parsed = _materialize(parse(protocol, operation, request, labels))
    expected = expected_params(protocol, operation, params)
    shape = operation.input_shape
    payload = shape.serialization.get("payload") if shape is not None else None
    if payload and payload not in expected and parsed.get(payload) == b"":
        del parsed[payload]  # an absent streaming payload reads as an empty stream
    for name, member in shape.members.items() if shape is not None else ():
        # headers botocore adds by itself (Content-Type) also fill the members bound to them
        if name not in expected and member.serialization.get("location") == "header":
            wire = member.serialization.get("name", name).lower()
            if name in parsed and request.headers.get(wire) == parsed[name]:
                del parsed[name]
    assert parsed == expected, (operation.name, params, request)
    return parsed


def roundtrip_settings(max_examples: int) -> settings:
    return settings(
        max_examples=max_examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


def check_roundtrips(protocol: str, operation: OperationModel, max_examples: int, parse) -> None:
    """Property: whatever botocore sends for this operation, `parse` gives the same params back."""

    @roundtrip_settings(max_examples)
    @given(input_strategy(operation, protocol))
    def roundtrip(params: dict) -> None:
        assert_roundtrip(protocol, operation, params, parse)

    roundtrip()


def operations_of(service: str, skip: frozenset[str] = frozenset()) -> list[OperationModel]:
    """Every operation of a service that a request parser handles (no event-stream inputs)."""
    from stratus.protocol.loader import service_model

    model = service_model(service)
    found = []
    for name in model.operation_names:
        operation = model.operation_model(name)
        if name in skip or operation.get_event_stream_input() is not None:
            continue
        found.append(operation)
    return found
