"""Serving function URLs: an HTTP request in, the function invoked, its answer as the HTTP response.

Two ways to reach a URL (gateway/app.py hands both here before any AWS API routing):
- the Host header, as on AWS: `http://<url-id>.lambda-url.<region>.localhost.localstack.cloud:4566/<path>?<query>`
  (any host whose first labels are `<url-id>.lambda-url.` works; a region label, when present,
  must be the URL's region);
- a path form, for clients that cannot set a Host header or resolve that name:
  `http://localhost:4566/_stratus/lambda-url/<url-id>/<path>?<query>`; the function sees
  `/<path>` as its rawPath.

Order of things, as on AWS: an unknown URL id is 403 `{"Message":null}`; a CORS preflight is
answered from the URL's CORS settings without authentication or invocation; AuthType AWS_IAM
needs a SigV4 signature for the service `lambda` (unsigned or otherwise signed: 403
`{"Message":"Forbidden"}`), verified by auth/sigv4.py when STRATUS_IAM is audit or enforce. With
IAM on, the caller (anonymous for AuthType NONE) needs `lambda:InvokeFunctionUrl` (condition key
`lambda:FunctionUrlAuthType`) and, as AWS requires since October 2025, `lambda:InvokeFunction`
(condition key `lambda:InvokedViaFunctionUrl`), from its identity policies or the function's
resource policy; a denial is 403 Forbidden.

The function runs through the internal client's Invoke, so invocation has one implementation.
The URL layer has authorized the caller with the URL's own condition keys, so the Invoke is made
as the function's account; the request log shows the URL request (operation
`InvokeFunctionUrl`, with the real caller and its IAM decisions) and that Invoke. A function
error is 502, a throttle 429, the answer is mapped by url_response.py. URLs in InvokeMode
RESPONSE_STREAM are answered buffered.
"""

from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from stratus.auth.credentials import Principal, credential_scope
from stratus.core import ids
from stratus.core.context import RequestContext
from stratus.core.internal_client import InternalClient
from stratus.core.request_log import RequestRecord
from stratus.protocol.errors import ServiceError
from stratus.protocol.http import HttpRequest, HttpResponse
from stratus.protocol.loader import service_model
from stratus.services.lambda_.function_urls import listening_port, url_domain
from stratus.services.lambda_.url_cors import is_preflight, preflight_headers, response_headers
from stratus.services.lambda_.url_event import Caller, UrlRequest, event_of, trace_id
from stratus.services.lambda_.url_response import function_error, response_of
from stratus.services.lambda_.url_store import URL_ID_LENGTH, UrlTarget, find_url_target

if TYPE_CHECKING:
    from stratus.runtime import Runtime

log = logging.getLogger("stratus.lambda.url")

PATH_PREFIX = "/_stratus/lambda-url/"
HOST_MARKER = ".lambda-url."
OPERATION = "InvokeFunctionUrl"  # how the request log names a URL request
_REGION = re.compile(r"[a-z]{2}(-gov)?-[a-z]+-\d")
_URL_ID = re.compile(rf"[a-z0-9]{{{URL_ID_LENGTH}}}")
# Guessed detail: the body of a throttled URL request (Invoke's TooManyRequests says "Rate Exceeded.").
THROTTLED_BODY = {"Message": "Rate Exceeded."}
ACCESS_DENIED = "AccessDeniedException"
FUNCTION_ERROR = "FunctionError"  # the request log's code for a 502 the function caused


@dataclass(frozen=True, slots=True)
class Address:
    url_id: str
    raw_path: str
    region: str | None  # the region label of the Host, when it has one
    domain_name: str | None  # the Host without its port (host form only)


def addressed(request: HttpRequest) -> Address | None:
    """The URL a request is for, by its Host or its path form; None when it is for neither."""
    path = request.path
    if path.startswith(PATH_PREFIX):
        url_id, _, rest = path[len(PATH_PREFIX) :].partition("/")
        return Address(url_id.lower(), "/" + rest, None, None)
    host = request.headers.get("host", "").lower()
    marker = host.find(HOST_MARKER)
    if marker <= 0:
        return None
    hostname = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    labels = hostname.split(".")
    if len(labels) < 3 or labels[1] != "lambda-url":
        return None
    region = labels[2] if _REGION.fullmatch(labels[2]) else None
    return Address(labels[0], path or "/", region, hostname)


class _Forbidden(Exception):
    """The caller may not use the URL (the reason goes to the log, the client sees Forbidden)."""


def _error(status: int, document: object, request_id: str, error_type: str | None = None) -> HttpResponse:
    headers = [("Content-Type", "application/json"), ("x-amzn-RequestId", request_id)]
    if error_type:
        headers.append(("x-amzn-ErrorType", error_type))
    return HttpResponse(status, headers, json.dumps(document, separators=(",", ":")).encode())


async def handle(
    runtime: Runtime, request: HttpRequest, source_ip: str | None, secure: bool
) -> HttpResponse | None:
    """The URL's response, or None when the request names no function URL after all."""
    address = addressed(request)
    if address is None:
        return None
    started = time.perf_counter()
    request_id = ids.request_id()
    provider = runtime.providers.get("lambda")
    target = find_url_target(provider.db(), address.url_id) if _URL_ID.fullmatch(address.url_id) else None
    if target is None or (address.region is not None and address.region != target.region):
        return _error(403, {"Message": None}, request_id, ACCESS_DENIED)
    cors = target.url.cors
    if cors is not None and is_preflight(request):
        headers = [*preflight_headers(cors, request), ("x-amzn-RequestId", request_id)]
        return HttpResponse(200, headers, b"")

    ctx = RequestContext(
        runtime=runtime,
        service="lambda",
        operation=OPERATION,
        account_id=target.account_id,
        region=target.region,
        principal=Principal.anonymous(target.account_id),
        request_id=request_id,
        time=runtime.clock.now(),
        protocol="function-url",
        source_ip=source_ip,
        secure_transport=secure,
        request=request,
    )
    try:
        caller = _authenticate(runtime, request, ctx, target)
        _authorize(runtime, ctx, target)
        response, error_code = await _invoke(runtime, request, ctx, target, address, caller, secure)
    except _Forbidden as reason:
        log.info("function URL %s refused: %s", target.url.url_id, reason)
        response, error_code = _error(403, {"Message": "Forbidden"}, request_id, ACCESS_DENIED), ACCESS_DENIED
    except Exception:  # a bug here must still get an answer, and show in the log
        log.exception("function URL %s failed (request %s)", target.url.url_id, request_id)
        response, error_code = _error(500, {"Message": "Internal Server Error"}, request_id), "InternalError"
    if cors is not None:
        response.headers.extend(response_headers(cors, request))
    runtime.request_log.record(RequestRecord.of(ctx, response.status, error_code, started))
    return response


def _authenticate(
    runtime: Runtime, request: HttpRequest, ctx: RequestContext, target: UrlTarget
) -> Caller | None:
    """The signing caller of an AWS_IAM URL (None for NONE); sets it on `ctx`."""
    if target.url.auth_type != "AWS_IAM":
        return None
    scope = credential_scope(request)
    if scope.service is None:
        raise _Forbidden("the request is not signed with SigV4")
    if scope.service != "lambda":
        raise _Forbidden(f"the request is signed for the service {scope.service!r}, not 'lambda'")
    try:
        principal, credential = runtime.auth.identify(
            request, scope, "lambda", service_model("lambda").operation_model("Invoke")
        )
    except ServiceError as error:
        raise _Forbidden(f"{error.code}: {error.message}") from None
    ctx.principal, ctx.credential, ctx.account_id = principal, credential, principal.account_id
    return Caller(principal, scope.access_key_id)


def _authorize(runtime: Runtime, ctx: RequestContext, target: UrlTarget) -> None:
    if runtime.auth.mode == "off":
        return
    checks = (
        ("lambda:InvokeFunctionUrl", {"lambda:FunctionUrlAuthType": target.url.auth_type}),
        ("lambda:InvokeFunction", {"lambda:InvokedViaFunctionUrl": "true"}),
    )
    for action, context in checks:
        try:
            runtime.auth.check(
                ctx, action, target.qualified_arn, resource_account=target.account_id, context=context
            )
        except ServiceError as error:
            raise _Forbidden(f"{action} denied: {error.message}") from None


async def _invoke(
    runtime: Runtime,
    request: HttpRequest,
    ctx: RequestContext,
    target: UrlTarget,
    address: Address,
    caller: Caller | None,
    secure: bool,
) -> tuple[HttpResponse, str | None]:
    """The function's answer as the URL's response, and the error code the request log records."""
    url_request = UrlRequest(
        url_id=target.url.url_id,
        domain_name=address.domain_name or url_domain(target.url.url_id, target.region),
        method=request.method,
        raw_path=address.raw_path,
        raw_query=request.query_string,
        headers=request.headers,
        body=request.body.read(),
        source_ip=ctx.source_ip or "127.0.0.1",
        port=_port_of(request.headers.get("host", "")) or listening_port(runtime.endpoint),
        secure=secure,
        request_id=ctx.request_id,
        now=ctx.time,
        trace_id=trace_id(ctx.time),
    )
    event = event_of(url_request, caller)
    client = InternalClient(
        runtime,
        "lambda",
        Principal.root(target.account_id),
        region=target.region,
        account_id=target.account_id,
    )
    params: dict = {
        "FunctionName": target.function_arn,
        "InvocationType": "RequestResponse",
        "Payload": json.dumps(event).encode(),
    }
    if target.url.qualifier:
        params["Qualifier"] = target.url.qualifier
    try:
        answer = await client.invoke(**params)
    except ServiceError as error:
        return _invoke_failure(error, ctx.request_id), error.code
    response = None if answer.get("FunctionError") else response_of(bytes(answer.get("Payload") or b""))
    error_code = None
    if response is None:  # the function failed, or answered what cannot be a response
        response, error_code = function_error(), FUNCTION_ERROR
    response.headers.append(("x-amzn-RequestId", ctx.request_id))
    response.headers.append(("X-Amzn-Trace-Id", url_request.trace_id))
    return response, error_code


def _invoke_failure(error: ServiceError, request_id: str) -> HttpResponse:
    if error.code == "TooManyRequestsException":
        return _error(429, THROTTLED_BODY, request_id, error.code)
    if error.code == "RequestTooLargeException":  # guessed: the URL passes Invoke's limit on
        return _error(413, {"Message": error.message}, request_id)
    if error.code == "ResourceNotFoundException":  # the function went away meanwhile
        return _error(403, {"Message": None}, request_id, ACCESS_DENIED)
    log.info("function URL invocation failed: %s: %s", error.code, error.message)
    response = function_error()
    response.headers.append(("x-amzn-RequestId", request_id))
    return response


def _port_of(host: str) -> int | None:
    if host.count(":") != 1:
        return None
    port = host.rsplit(":", 1)[1]
    return int(port) if port.isdigit() else None
