"""CORS as browsers meet it: the `OPTIONS` preflight answered from the bucket's CORS rules, and
the Access-Control-* headers on actual responses to a request that carries an Origin."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import unquote

from stratus.core import ids
from stratus.gateway.route_signals import host_name, s3_host
from stratus.protocol.errors import ServiceError
from stratus.protocol.http import HttpRequest, HttpResponse
from stratus.protocol.serializers import serialize_error
from stratus.services.s3.bucket_store import find_bucket
from stratus.services.s3.config_cors import cors_rules
from stratus.services.s3.cors import cors_headers, match_cors_rule

if TYPE_CHECKING:
    from stratus.runtime import Runtime

NOT_ALLOWED = (
    "This CORS request is not allowed. This is usually because the evalution of Origin, request method / "
    "Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec."
)


def is_preflight(request: HttpRequest) -> bool:
    return request.method == "OPTIONS"


def bucket_of(request: HttpRequest) -> str | None:
    """The bucket a request addresses: from a virtual host, else the first path segment."""
    named = s3_host(host_name(request)).bucket
    if named:
        return named
    segment = unquote(request.path.lstrip("/").split("/", 1)[0])
    return segment or None


def _requested_headers(request: HttpRequest) -> list[str]:
    value = request.headers.get("access-control-request-headers", "")
    return [part.strip() for part in value.split(",") if part.strip()]


def _error(code: str, message: str, status: int, **fields: object) -> HttpResponse:
    error = ServiceError(message, code=code, status=status, **fields)
    return serialize_error("rest-xml", None, None, error, ids.request_id())


def preflight(runtime: Runtime, request: HttpRequest) -> HttpResponse:
    origin = request.headers.get("origin")
    method = request.headers.get("access-control-request-method")
    if not origin:
        return _error("BadRequest", "Insufficient information. Origin request header needed.", 400)
    if not method:
        return _error("BadRequest", "Invalid Access-Control-Request-Method: null", 400)
    provider = runtime.providers.get("s3")
    db = provider.db()  # type: ignore[union-attr]
    name = bucket_of(request)
    if not name or find_bucket(db, name) is None:
        return _error("NoSuchBucket", "The specified bucket does not exist", 404, BucketName=name or "")
    rules = cors_rules(db, name)
    if not rules:
        return _error(
            "CORSResponse", "CORS is not enabled for this bucket.", 403, Method=method, ResourceType="BUCKET"
        )
    requested = _requested_headers(request)
    rule = match_cors_rule(rules, origin, method, requested)
    if rule is None:
        return _error("CORSResponse", NOT_ALLOWED, 403, Method=method, ResourceType="OBJECT")
    headers = list(cors_headers(rule, origin, requested, preflight=True).items())
    return HttpResponse(200, headers, b"")


def response_headers(db, bucket: str | None, request: HttpRequest) -> dict[str, str]:
    """The CORS headers for an actual request with an Origin, when a rule of the bucket allows it."""
    origin = request.headers.get("origin")
    if not origin or not bucket:
        return {}
    rule = match_cors_rule(cors_rules(db, bucket), origin, request.method, [])
    return cors_headers(rule, origin, [], preflight=False) if rule is not None else {}
