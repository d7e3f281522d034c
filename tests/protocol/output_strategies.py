"""Hypothesis strategies for operation outputs, and the helpers to check them against botocore.

`output_strategy(operation, protocol)` draws dicts shaped like the operation's output (as a
provider returns them). `botocore_parse` runs botocore's own response parser over a serialized
answer and `normalize` removes the differences the wire legitimately introduces (timestamp
precision, float vs int, empty flattened XML lists, payload blobs decoded to text by botocore).
"""

from __future__ import annotations

import string
from datetime import UTC, datetime

from botocore.awsrequest import HeadersDict
from botocore.model import OperationModel, Shape
from botocore.parsers import create_parser
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from stratus.protocol.http import HttpResponse

XML_PROTOCOLS = frozenset({"query", "ec2", "rest-xml"})
REST_PROTOCOLS = frozenset({"rest-json", "rest-xml"})
NON_BODY_LOCATIONS = frozenset({"header", "headers", "statusCode"})

MAX_DEPTH = 4
UNION_DEPTH = MAX_DEPTH + 3
MAX_ITEMS = 2

# Characters XML 1.0 cannot carry; the serializer strips them, so they are not drawn.
_XML_ILLEGAL = "".join(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r") + "\ufffe\uffff"

_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters=_XML_ILLEGAL),
    max_size=12,
)
_HEADER_TEXT = st.from_regex(r"[!-+\--~]([ -+\--~]{0,10}[!-+\--~])?", fullmatch=True)  # no commas
_HEADER_KEY = st.text(alphabet=string.ascii_lowercase + string.digits + "-", min_size=1, max_size=8)
_JSON_SCALAR = st.one_of(st.none(), st.booleans(), st.integers(-(2**31), 2**31), _TEXT)
_JSON_VALUE = st.recursive(
    _JSON_SCALAR,
    lambda inner: st.one_of(
        st.lists(inner, max_size=MAX_ITEMS), st.dictionaries(_TEXT, inner, max_size=MAX_ITEMS)
    ),
    max_leaves=4,
)
_STATUS_CODES = st.sampled_from([200, 201, 202, 204])


def _timestamps(whole_seconds: bool) -> st.SearchStrategy[datetime]:
    moments = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2099, 12, 31))
    if whole_seconds:
        return moments.map(lambda moment: moment.replace(microsecond=0, tzinfo=UTC))
    return moments.map(
        lambda moment: moment.replace(microsecond=moment.microsecond // 1000 * 1000, tzinfo=UTC)
    )


class OutputStrategies:
    """Strategies for one protocol; shapes are walked once and strategies cached."""

    def __init__(self, protocol: str) -> None:
        self.protocol = protocol
        self._cache: dict[tuple, st.SearchStrategy] = {}

    # -- entry point ------------------------------------------------------------------------

    def for_operation(self, operation: OperationModel) -> st.SearchStrategy[dict]:
        shape = operation.output_shape
        if shape is None:
            return st.just({})
        optional: dict[str, st.SearchStrategy] = {}
        payload = shape.serialization.get("payload")
        for name, member in shape.members.items():
            strategy = self._top_level_member(member, name == payload)
            if strategy is not None:
                optional[name] = strategy
        return st.fixed_dictionaries({}, optional=optional)

    def _top_level_member(self, member: Shape, is_payload: bool) -> st.SearchStrategy | None:
        serialization = member.serialization
        if serialization.get("eventstream") or member.type_name == "structure" and member.is_document_type:
            return None
        location = serialization.get("location")
        if self.protocol not in REST_PROTOCOLS:
            return self.value(member, 0, ())
        if location == "statusCode":
            return _STATUS_CODES
        if location == "headers":
            if not serialization.get("name"):
                return None  # a prefix-less map would collect every header of the answer
            return st.dictionaries(_HEADER_KEY, _HEADER_TEXT, max_size=MAX_ITEMS)
        if location == "header":
            return self._header_value(member)
        if is_payload and member.type_name == "string":
            return _TEXT
        if is_payload and member.type_name == "blob":
            # botocore decodes raw payloads as UTF-8 text, so draw text.
            return _TEXT.map(lambda text: text.encode("utf-8"))
        return self.value(member, 0, ())

    def _header_value(self, member: Shape) -> st.SearchStrategy:
        kind = member.type_name
        if kind == "string":
            if member.serialization.get("jsonvalue"):
                return st.dictionaries(_HEADER_KEY, _JSON_SCALAR, max_size=MAX_ITEMS)
            enum = [value for value in member.enum if value == value.strip() and value.isascii()]
            return st.sampled_from(enum) if enum else _HEADER_TEXT
        if kind == "timestamp":
            return _timestamps(whole_seconds=member.serialization.get("timestampFormat") in (None, "rfc822"))
        if kind == "list":
            item = member.member
            if item.type_name == "string":
                return st.lists(_HEADER_TEXT, min_size=1, max_size=MAX_ITEMS)
            return st.lists(self._header_value(item), min_size=1, max_size=MAX_ITEMS)
        return self.value(member, MAX_DEPTH, ())

    # -- body values ------------------------------------------------------------------------

    def value(self, shape: Shape, depth: int, stack: tuple[str, ...]) -> st.SearchStrategy | None:
        """Values of `shape`, or None when none can be drawn within the depth limits."""
        kind = shape.type_name
        if kind == "structure":
            return self._structure(shape, depth, stack)
        if kind == "list":
            minimum = 1 if self._needs_items(shape) else 0
            item = self.value(shape.member, depth + 1, stack)
            if item is None:
                return None if minimum else st.just([])
            return st.lists(item, min_size=minimum, max_size=MAX_ITEMS)
        if kind == "map":
            item = self.value(shape.value, depth + 1, stack)
            if item is None:
                return st.just({})
            return st.dictionaries(self._map_key(shape.key), item, max_size=MAX_ITEMS)
        if kind == "string":
            enum = shape.enum
            return st.sampled_from(enum) if enum else _TEXT
        if kind in ("integer", "byte", "short"):
            return st.integers(-(2**31), 2**31 - 1)
        if kind == "long":
            return st.integers(-(2**63), 2**63 - 1)
        if kind in ("float", "double"):
            return st.floats(allow_nan=False, allow_infinity=False)
        if kind == "boolean":
            return st.booleans()
        if kind == "timestamp":
            return _timestamps(whole_seconds=shape.serialization.get("timestampFormat") == "rfc822")
        if kind == "blob":
            return st.binary(max_size=12)
        return _TEXT

    def _needs_items(self, shape: Shape) -> bool:
        # An empty flattened XML list leaves no trace on the wire; draw at least one item.
        return self.protocol in XML_PROTOCOLS and bool(shape.serialization.get("flattened"))

    def _map_key(self, shape: Shape) -> st.SearchStrategy:
        return st.sampled_from(shape.enum) if shape.enum else _TEXT

    def _structure(self, shape: Shape, depth: int, stack: tuple[str, ...]) -> st.SearchStrategy | None:
        if shape.is_document_type:
            return _JSON_VALUE
        union = shape.is_tagged_union
        recursive = shape.name in stack
        key = (shape.name, repr(sorted(shape.serialization.items())), min(depth, UNION_DEPTH), recursive)
        if key in self._cache:
            return self._cache[key]
        members: dict[str, st.SearchStrategy] = {}
        for name, member in shape.members.items():
            serialization = member.serialization
            if serialization.get("eventstream") or serialization.get("location") in NON_BODY_LOCATIONS:
                continue
            nested = member.type_name in ("structure", "list", "map") and not _holds_only_scalars(member)
            # A union must set one member, so it may reach a little deeper to find one.
            too_deep = depth >= UNION_DEPTH or (not union and (recursive or depth >= MAX_DEPTH))
            if nested and too_deep:
                continue
            strategy = self.value(member, depth + 1, (*stack, shape.name))
            if strategy is not None:
                members[name] = strategy
        if union:
            options = [
                st.builds(lambda name, value: {name: value}, st.just(name), value)
                for name, value in members.items()
            ]
            result = st.one_of(options) if options else None
        else:
            result = st.fixed_dictionaries({}, optional=members)
        self._cache[key] = result
        return result


def _holds_only_scalars(shape: Shape) -> bool:
    if shape.type_name == "list":
        return shape.member.type_name not in ("structure", "list", "map")
    if shape.type_name == "map":
        return shape.value.type_name not in ("structure", "list", "map")
    return False


def output_strategy(operation: OperationModel, protocol: str) -> st.SearchStrategy[dict]:
    return OutputStrategies(protocol).for_operation(operation)


# -- botocore as the oracle ---------------------------------------------------------------


def body_bytes(response: HttpResponse) -> bytes:
    body = response.body
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
    if hasattr(body, "read"):
        return body.read()
    return b"".join(body)  # type: ignore[arg-type]


def botocore_parse(protocol: str, shape: Shape | None, response: HttpResponse) -> dict:
    parsed = create_parser(protocol).parse(
        {
            "status_code": response.status,
            "headers": HeadersDict(response.headers),
            "body": body_bytes(response),
        },
        shape,
    )
    parsed.pop("ResponseMetadata", None)
    return parsed


def normalize(value: object, shape: Shape | None, protocol: str) -> object:
    """`value` with the legitimate wire differences of `protocol` removed."""
    if shape is None or value is None:
        return value
    kind = shape.type_name
    if kind == "structure":
        if shape.is_document_type or not isinstance(value, dict):
            return value
        result = {}
        for name, item in value.items():
            member = shape.members.get(name)
            if member is None or item is None:
                continue
            normalized = normalize(item, member, protocol)
            if _vanishes(normalized, member, protocol):
                continue
            result[name] = normalized
        return result
    if kind == "list":
        return [normalize(item, shape.member, protocol) for item in value]  # type: ignore[attr-defined]
    if kind == "map":
        return {key: normalize(item, shape.value, protocol) for key, item in value.items()}  # type: ignore[attr-defined]
    if kind == "timestamp":
        moment = value if isinstance(value, datetime) else datetime.fromtimestamp(value, UTC)  # type: ignore[arg-type]
        return round(moment.timestamp() * 1000)
    if kind in ("float", "double"):
        return float(value)  # type: ignore[arg-type]
    if kind == "blob" and isinstance(value, str):
        return value.encode("utf-8")  # botocore hands raw payload blobs back as text
    if kind == "blob" and hasattr(value, "read"):
        return value.read()  # type: ignore[attr-defined]
    return value


def with_rest_defaults(output: dict, shape: Shape | None, protocol: str, response: HttpResponse) -> dict:
    """What rest answers always carry: the status, the payload (maybe empty), a Content-Type."""
    if protocol not in REST_PROTOCOLS or shape is None:
        return output
    filled = dict(output)
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        if location == "statusCode":
            filled.setdefault(name, response.status)
        elif (
            location == "header"
            and member.serialization.get("name", "").lower() == "content-type"
            and filled.get(name) is None
        ):
            filled[name] = response.header("Content-Type")
    payload = shape.serialization.get("payload")
    if payload is not None and filled.get(payload) is None:
        kind = shape.members[payload].type_name
        filled[payload] = {"blob": b"", "string": ""}.get(kind, {})
    return filled


def _vanishes(value: object, member: Shape, protocol: str) -> bool:
    """Values the protocol cannot carry and botocore therefore cannot give back."""
    if protocol in XML_PROTOCOLS and member.serialization.get("flattened") and not value:
        return True
    location = member.serialization.get("location")
    if location == "headers" and not value:
        return True
    return location == "header" and member.type_name == "list" and not value


# -- choosing operations worth testing ------------------------------------------------------


def _features(shape: Shape, found: set[str], seen: set[str], depth: int = 0) -> None:
    serialization = shape.serialization
    for trait in ("flattened", "xmlAttribute", "jsonvalue", "timestampFormat", "streaming"):
        if serialization.get(trait):
            found.add(trait)
    location = serialization.get("location")
    if location:
        found.add(location)
    found.add(shape.type_name)
    if shape.name in seen or depth > MAX_DEPTH:
        return
    seen.add(shape.name)
    if shape.type_name == "structure":
        if serialization.get("payload"):
            found.add("payload")
        if shape.is_tagged_union:
            found.add("union")
        for member in shape.members.values():
            _features(member, found, seen, depth + 1)
    elif shape.type_name == "list":
        _features(shape.member, found, seen, depth + 1)
    elif shape.type_name == "map":
        _features(shape.key, found, seen, depth + 1)
        _features(shape.value, found, seen, depth + 1)


def output_features(operation: OperationModel) -> set[str]:
    found: set[str] = set()
    if operation.output_shape is not None:
        _features(operation.output_shape, found, set())
    return found


def rich_operations(service, count: int) -> list[str]:
    """The `count` operations of `service` whose outputs use the most kinds of shape and trait."""
    scored = []
    for name in service.operation_names:
        operation = service.operation_model(name)
        if operation.has_event_stream_output or operation.output_shape is None:
            continue
        scored.append((-len(output_features(operation)), name))
    return [name for _, name in sorted(scored)[:count]]


def assert_round_trip(
    protocol: str, operation: OperationModel, output: dict, parse_shape: Shape | None = None
) -> None:
    """Serialize `output`, parse it back with botocore, and compare."""
    from stratus.protocol.serializers import serialize_response

    shape = parse_shape if parse_shape is not None else operation.output_shape
    response = serialize_response(protocol, operation, output, "f3b1c0de-0000-4000-8000-000000000001")
    parsed = botocore_parse(protocol, shape, response)
    expected = normalize(with_rest_defaults(output, shape, protocol, response), shape, protocol)
    assert normalize(parsed, shape, protocol) == expected, response.body


# -- a real botocore client answered by our serializer ------------------------------------


class _RawBody:
    """The `raw` of an `AWSResponse`: what urllib3's response offers botocore."""

    def __init__(self, data: bytes) -> None:
        import io

        self._buffer = io.BytesIO(data)

    def stream(self, amt: int = 8192, decode_content: bool = True):
        while chunk := self._buffer.read(amt):
            yield chunk

    def read(self, amt: int | None = None, decode_content: bool = True) -> bytes:
        return self._buffer.read(amt)

    def close(self) -> None:
        self._buffer.close()


_session = None


def client_answered_by(service: str, answer, protocol: str | None = None):
    """A botocore client for `service` whose every request is answered by `answer(request)`.

    `answer` returns an `HttpResponse`; the client's whole response path (parsers, handlers,
    error factory) runs on it. Retries are off so error tests stay fast and exact. `protocol`
    makes the client parse answers in that protocol instead of the one botocore prefers.
    """
    import botocore.session
    from botocore.awsrequest import AWSResponse
    from botocore.config import Config

    global _session
    if _session is None:
        _session = botocore.session.get_session()
    client = _session.create_client(
        service,
        region_name="us-east-1",
        endpoint_url="http://stratus.test:4566",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
        config=Config(retries={"total_max_attempts": 1}, parameter_validation=True),
    )

    def before_send(request, **kwargs):
        response = answer(request)
        return AWSResponse(request.url, response.status, response.headers, _RawBody(body_bytes(response)))

    if protocol is not None:
        # botocore picks json over cbor for multi-protocol services; parse as the test asks.
        client.meta.service_model.__dict__["resolved_protocol"] = protocol
    client.meta.events.register("before-send", before_send)
    return client


# Every serializer round-trip test: a fixed seed in CI, no example database, no deadline.
SETTINGS = settings(
    derandomize=True, max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None
)
