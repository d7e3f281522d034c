"""One HTTP request through the pipeline: route → who → parse → validate → handle → serialize → log."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from stratus.auth.credentials import credential_scope
from stratus.config import DEFAULT_REGION
from stratus.core import ids
from stratus.core.context import RequestContext
from stratus.core.invoke import invoke
from stratus.core.request_log import RequestRecord
from stratus.gateway.routing import RoutingError, route
from stratus.protocol.errors import InternalError, ServiceError
from stratus.protocol.http import HttpRequest, HttpResponse
from stratus.protocol.loader import service_model
from stratus.protocol.parsers import parse_request
from stratus.protocol.serializers import serialize_error, serialize_response
from stratus.protocol.validate import validate_input

if TYPE_CHECKING:
    from stratus.runtime import Runtime

log = logging.getLogger("stratus.dispatch")

# The largest document body an AWS API takes is Lambda's CreateFunction with a 50 MB zip, base64
# in JSON (~67 MB). Bigger non-streaming bodies are refused before they are read into memory.
MAX_DOCUMENT_BODY_BYTES = 80 * 1024 * 1024

# Far above what any SDK sends (S3 allows 2 KB of user metadata; API Gateway 10 KB of headers).
MAX_HEADER_BYTES = 64 * 1024


def header_section_too_large(request: HttpRequest) -> HttpResponse:
    """S3's answer to an oversized header section, in the protocol the request was meant for."""
    error = ServiceError(
        "Your request header section exceeds the maximum allowed size.",
        code="RequestHeaderSectionTooLarge",
        status=400,
    )
    try:
        found = route(request)
        return serialize_error(found.protocol, service_model(found.service), None, error, ids.request_id())
    except ServiceError:
        return serialize_error("rest-xml", None, None, error, ids.request_id())


async def handle_request(
    runtime: Runtime, request: HttpRequest, source_ip: str | None, secure: bool
) -> HttpResponse:
    started = time.perf_counter()
    request_id = ids.request_id()
    if request.method == "OPTIONS":  # a browser's CORS preflight: S3 answers it from the bucket's rules
        from stratus.services.s3.cors_http import preflight

        return preflight(runtime, request)
    if request.method == "POST" and "multipart/form-data" in request.headers.get("content-type", "").lower():
        from stratus.services.s3 import post_object  # a browser's form upload: no model operation

        if (bucket := post_object.form_bucket(request)) is not None:
            return await post_object.handle(runtime, request, bucket, source_ip, secure)
    try:
        found = route(request)
    except RoutingError as error:
        model = service_model(error.service) if error.service else None
        return serialize_error(error.protocol, model, None, error, request_id)
    except ServiceError as error:  # routing raised a plain service error: answer in S3's style
        return serialize_error("rest-xml", None, None, error, request_id)
    except Exception:  # a bug in routing must still get an answer, not a dropped connection
        log.exception("routing failed (request %s)", request_id)
        error = InternalError("We encountered an internal error. Please try again.")
        return serialize_error("rest-xml", None, None, error, request_id)

    model = service_model(found.service)
    operation = model.operation_model(found.operation)
    scope = credential_scope(request)
    auth = runtime.auth
    principal, credential = auth.root_principal(scope.access_key_id), None
    ctx = RequestContext(
        runtime=runtime,
        service=found.service,
        operation=found.operation,
        account_id=principal.account_id,
        region=scope.region or DEFAULT_REGION,
        principal=principal,
        request_id=request_id,
        time=runtime.clock.now(),
        protocol=found.protocol,
        source_ip=source_ip,
        secure_transport=secure,
        request=request,
    )
    status, error_code = 200, None
    params: dict = {}
    try:
        # Who is calling (and, with IAM on, is the signature right) comes before anything else.
        principal, credential = auth.identify(request, scope, found.service, operation)
        ctx.principal, ctx.credential, ctx.account_id = principal, credential, principal.account_id
        # Bad input is refused as AWS would refuse it, even by an operation not implemented yet
        # (which then answers NotImplemented from invoke()).
        if request.body.size > MAX_DOCUMENT_BODY_BYTES and not operation.has_streaming_input:
            raise ServiceError(
                f"Request must be smaller than {MAX_DOCUMENT_BODY_BYTES} bytes for the {found.operation} operation",
                code="RequestEntityTooLarge",
                status=413,
            )
        params = parse_request(found.protocol, operation, request, found.uri_params)
        validate_input(found.protocol, operation, params)
        auth.authorize(ctx, params)
        output = await invoke(ctx, params)
        response = serialize_response(found.protocol, operation, output, request_id)
        status = response.status
    except ServiceError as error:
        status, error_code = error.status, error.code
        response = serialize_error(found.protocol, model, operation, error, request_id)
    except Exception:
        log.exception("%s.%s failed (request %s)", found.service, found.operation, request_id)
        error = InternalError("We encountered an internal error. Please try again.")
        status, error_code = error.status, error.code
        response = serialize_error(found.protocol, model, operation, error, request_id)
    if "origin" in request.headers:
        _add_cross_origin_headers(runtime, ctx, params, response)
    runtime.request_log.record(RequestRecord.of(ctx, status, error_code, started))
    return response


def _add_cross_origin_headers(
    runtime: Runtime, ctx: RequestContext, params: dict, response: HttpResponse
) -> None:
    provider = runtime.providers.get(ctx.service)
    if provider is None:
        return
    try:
        extra = provider.cross_origin_headers(ctx, params)
    except Exception:  # CORS headers never turn an answer into an error
        log.exception("CORS headers for %s.%s failed", ctx.service, ctx.operation)
        return
    response.headers.extend(extra.items())
