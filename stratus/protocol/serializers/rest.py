"""What rest-json and rest-xml share: status-code, header and payload members of an output shape.

`RestOutputPlan.for_operation` reads the output shape once; `apply_http_members` then writes
the status and headers of one response from it.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from botocore.model import OperationModel, Shape

from stratus.protocol.serializers.scalars import TextRenderer, text_renderer
from stratus.protocol.serializers.timestamps import RFC822

HeaderRenderer = Callable[[object], str]

_UNSAFE_HEADER_CHARACTERS = str.maketrans("", "", "\r\n\x00")


def header_safe(text: str) -> str:
    """A header value that cannot split the response; non-ASCII travels RFC 2047-encoded as S3 does."""
    if text.isascii():
        return (
            text.translate(_UNSAFE_HEADER_CHARACTERS)
            if "\r" in text or "\n" in text or "\x00" in text
            else text
        )
    return "=?UTF-8?B?" + base64.b64encode(text.encode("utf-8")).decode("ascii") + "?="


def _json_value_text(value: object) -> str:
    encoded = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return base64.b64encode(encoded).decode("ascii")


def _list_renderer(item: TextRenderer) -> HeaderRenderer:
    def render_list(value: object) -> str:
        return ", ".join(item(element) for element in value if element is not None)  # type: ignore[attr-defined]

    return render_list


def header_renderer(shape: Shape) -> HeaderRenderer:
    """How a header member's value is written (timestamps default to the HTTP-date)."""
    if shape.type_name == "list":
        return _list_renderer(text_renderer(shape.member, RFC822))
    if shape.type_name == "string" and shape.serialization.get("jsonvalue"):
        return _json_value_text
    return text_renderer(shape, RFC822)


@dataclass(slots=True)
class RestOutputPlan:
    default_status: int
    status_member: str | None = None
    headers: list[tuple[str, str, HeaderRenderer]] = field(default_factory=list)
    header_maps: list[tuple[str, str]] = field(default_factory=list)
    payload_member: str | None = None
    payload_shape: Shape | None = None
    body_members: bool = False  # whether any member goes in the body when there is no payload

    @classmethod
    def for_operation(cls, operation: OperationModel) -> RestOutputPlan:
        return cls.for_shape(operation.output_shape, int(operation.http.get("responseCode", 200)))

    @classmethod
    def for_shape(cls, shape: Shape | None, default_status: int = 200) -> RestOutputPlan:
        plan = cls(default_status=default_status)
        if shape is None:
            return plan
        for name, member in shape.members.items():
            location = member.serialization.get("location")
            if location == "statusCode":
                plan.status_member = name
            elif location == "header":
                header = member.serialization.get("name", name)
                plan.headers.append((name, header, header_renderer(member)))
            elif location == "headers":
                plan.header_maps.append((name, member.serialization.get("name", "")))
            else:
                plan.body_members = True
        payload = shape.serialization.get("payload")
        if payload is not None:
            plan.payload_member = payload
            plan.payload_shape = shape.members[payload]
        return plan

    @property
    def has_http_members(self) -> bool:
        return bool(self.status_member or self.headers or self.header_maps)


def apply_http_members(plan: RestOutputPlan, output: dict, headers: list[tuple[str, str]]) -> int:
    """Append the output's header members to `headers`; return the response status."""
    status = plan.default_status
    if plan.status_member is not None:
        value = output.get(plan.status_member)
        if value is not None:
            status = int(value)
    for name, header, render in plan.headers:
        value = output.get(name)
        if value is not None:
            headers.append((header, header_safe(render(value))))
    for name, prefix in plan.header_maps:
        values = output.get(name)
        if values:
            for key, value in values.items():
                if value is not None:
                    headers.append((prefix + key, header_safe(str(value))))
    return status


# A provider may put this key in its output to answer with another status than the operation's
# (S3 GetObject's 206 Partial Content); it is not a member of any shape, so nothing else sees it.
HTTP_STATUS_KEY = "__http_status__"
# Likewise for the Content-Type of a raw (blob) payload that is not octet-stream (Lambda's Invoke
# answers the function's JSON as application/json).
CONTENT_TYPE_KEY = "__content_type__"


def start_rest_response(
    plan: RestOutputPlan, output: dict, *, raw: bool
) -> tuple[int, list[tuple[str, str]], object]:
    """Status, header members and (for a blob/string payload) the raw body, shared by rest-json and rest-xml."""
    headers: list[tuple[str, str]] = []
    status = apply_http_members(plan, output, headers) if plan.has_http_members else plan.default_status
    status = output.get(HTTP_STATUS_KEY, status)
    body: object = b""
    if raw:
        value = output.get(plan.payload_member)  # type: ignore[arg-type]
        if value is not None:
            body = raw_payload(value)
        if not has_header(headers, "Content-Type"):
            content_type = output.get(CONTENT_TYPE_KEY) or raw_payload_content_type(plan.payload_shape)  # type: ignore[arg-type]
            headers.append(("Content-Type", content_type))
    return status, headers, body


def has_header(headers: list[tuple[str, str]], name: str) -> bool:
    lowered = name.lower()
    return any(key.lower() == lowered for key, _ in headers)


def raw_payload(value: object) -> object:
    """A blob or string payload as the response body: bytes, or a stream passed through untouched."""
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    return value  # bytes, a binary file object or an iterator of bytes


EVENT_STREAM_CONTENT_TYPE = "application/vnd.amazon.eventstream"


def is_raw_payload(shape: Shape) -> bool:
    """Payloads sent as the body itself: blobs, strings, and event streams the provider encoded."""
    return shape.type_name in ("blob", "string") or bool(shape.serialization.get("eventstream"))


def raw_payload_content_type(shape: Shape) -> str:
    if shape.serialization.get("eventstream"):
        return EVENT_STREAM_CONTENT_TYPE
    return "text/plain" if shape.type_name == "string" else "application/octet-stream"
