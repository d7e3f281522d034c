"""The event a function URL hands its function: API Gateway's payload format 2.0, as function URLs
fill it ("Invoking Lambda function URLs" in the Lambda developer guide, and events AWS delivers).

What AWS does, and so what this does:
- header names lower-case, repeated headers joined with commas; the `cookie` header moves to
  `cookies` (one entry per cookie); `x-forwarded-for/-proto/-port` and `x-amzn-trace-id` are set by
  the URL layer (the TLS ones only over HTTPS);
- `rawPath` as received, `requestContext.http.path` decoded; `rawQueryString` as received,
  `queryStringParameters` decoded with repeated values comma-joined, absent without a query;
- the body is text only for `text/*`, `application/json`, `application/xml` and
  `application/javascript`; any other type, or none, arrives base64-encoded with
  `isBase64Encoded: true` (form posts included); no body, no `body` member;
- `requestContext.accountId` is "anonymous" for AuthType NONE, the caller's account for AWS_IAM,
  where `authorizer.iam` describes the caller.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl, unquote

from stratus.auth.credentials import Principal

TEXT_MEDIA_TYPES = frozenset({"application/json", "application/xml", "application/javascript"})
# Headers of the client's connection that the URL layer does not pass on (it sets its own).
_DROPPED_HEADERS = frozenset(
    {"cookie", "connection", "keep-alive", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-port"}
)


@dataclass(frozen=True, slots=True)
class Caller:
    """Who called an AWS_IAM URL: the signing principal and the access key it signed with."""

    principal: Principal
    access_key_id: str | None


@dataclass(frozen=True, slots=True)
class UrlRequest:
    """One HTTP request to a function URL, as the event needs it."""

    url_id: str
    domain_name: str  # <url-id>.lambda-url.<region>.<host>, no port
    method: str
    raw_path: str  # after the host (or after /_stratus/lambda-url/<id>), percent-encoded as received
    raw_query: str
    headers: dict[str, str]  # lower-case names, repeats comma-joined
    body: bytes
    source_ip: str
    port: int
    secure: bool
    request_id: str
    now: datetime
    trace_id: str  # X-Amzn-Trace-Id: the event's header and the response's are the same


def trace_id(now: datetime) -> str:
    """An X-Ray trace id, `Root=1-<8 hex epoch seconds>-<24 hex random>`."""
    return f"Root=1-{int(now.timestamp()):08x}-{os.urandom(12).hex()}"


def is_text(content_type: str | None) -> bool:
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    return media_type.startswith("text/") or media_type in TEXT_MEDIA_TYPES


def event_of(request: UrlRequest, caller: Caller | None) -> dict:
    """The payload format 2.0 event; `caller` is None for AuthType NONE."""
    headers = {name: value for name, value in request.headers.items() if name not in _DROPPED_HEADERS}
    if request.secure:
        headers["x-amzn-tls-version"] = "TLSv1.3"
        headers["x-amzn-tls-cipher-suite"] = "TLS_AES_128_GCM_SHA256"
    headers["x-amzn-trace-id"] = request.trace_id
    headers["x-forwarded-proto"] = "https" if request.secure else "http"
    headers["x-forwarded-port"] = str(request.port)
    headers["x-forwarded-for"] = request.source_ip
    event: dict = {"version": "2.0", "routeKey": "$default", "rawPath": request.raw_path}
    event["rawQueryString"] = request.raw_query
    cookies = _cookies(request.headers.get("cookie"))
    if cookies:
        event["cookies"] = cookies
    event["headers"] = headers
    if request.raw_query:
        event["queryStringParameters"] = _query_parameters(request.raw_query)
    event["requestContext"] = _request_context(request, caller)
    if request.body:
        text = _as_text(request.body, headers.get("content-type"))
        if text is None:
            event["body"] = base64.b64encode(request.body).decode("ascii")
            event["isBase64Encoded"] = True
        else:
            event["body"] = text
            event["isBase64Encoded"] = False
    else:
        event["isBase64Encoded"] = False
    return event


def _request_context(request: UrlRequest, caller: Caller | None) -> dict:
    epoch_ms = int(request.now.timestamp() * 1000)
    context: dict = {
        "accountId": caller.principal.account_id if caller is not None else "anonymous",
        "apiId": request.url_id,
    }
    if caller is not None:
        principal = caller.principal
        context["authorizer"] = {
            "iam": {
                "accessKey": caller.access_key_id,
                "accountId": principal.account_id,
                "callerId": principal.user_id,
                "cognitoIdentity": None,
                "principalOrgId": None,
                "userArn": principal.arn,
                "userId": principal.user_id,
            }
        }
    context.update(
        {
            "domainName": request.domain_name,
            "domainPrefix": request.url_id,
            "http": {
                "method": request.method,
                "path": unquote(request.raw_path),
                "protocol": "HTTP/1.1",
                "sourceIp": request.source_ip,
                "userAgent": request.headers.get("user-agent", ""),
            },
            "requestId": request.request_id,
            "routeKey": "$default",
            "stage": "$default",
            "time": request.now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": epoch_ms,
        }
    )
    return context


def _cookies(header: str | None) -> list[str]:
    if not header:
        return []
    return [cookie.strip() for cookie in header.split(";") if cookie.strip()]


def _query_parameters(raw_query: str) -> dict[str, str]:
    parameters: dict[str, str] = {}
    for name, value in parse_qsl(raw_query, keep_blank_values=True):
        parameters[name] = f"{parameters[name]},{value}" if name in parameters else value
    return parameters


def _as_text(body: bytes, content_type: str | None) -> str | None:
    """The body as text when its type is one AWS passes as text (and it is UTF-8), else None."""
    if not is_text(content_type):
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None
