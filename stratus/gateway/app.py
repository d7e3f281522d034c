"""The ASGI application: HTTP framing in and out, nothing else.

Lambda function URLs (Host `<url-id>.lambda-url.<region>...` or path `/_stratus/lambda-url/<url-id>/...`)
go to services/lambda_/url_http.py; internal endpoints (`/_stratus/*`, `/_localstack/*`,
`/moto-api/reset`) to gateway/internal.py; everything else is an AWS API request for
gateway/dispatch.py.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from typing import TYPE_CHECKING, Any

from stratus.gateway import internal
from stratus.gateway.dispatch import MAX_HEADER_BYTES, handle_request, header_section_too_large
from stratus.protocol.http import HttpRequest, HttpResponse, RequestBody

if TYPE_CHECKING:
    from stratus.runtime import Runtime

log = logging.getLogger("stratus.gateway")

STREAM_CHUNK = 1024 * 1024
# ... and SNS's signing certificates, served where AWS serves them (`/SimpleNotificationService-<id>.pem`)
_INTERNAL_PREFIXES = ("/_stratus/", "/_localstack/", "/moto-api/", "/SimpleNotificationService-")
_FUNCTION_URL_HOST = ".lambda-url."
_FUNCTION_URL_PATH = "/_stratus/lambda-url/"


class StratusApp:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(receive, send)

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.runtime.start()
                except Exception as error:  # noqa: BLE001 - reported to the server, which exits
                    log.exception("start-up failed")
                    await send({"type": "lifespan.startup.failed", "message": str(error)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                try:
                    await self.runtime.stop()
                finally:
                    await send({"type": "lifespan.shutdown.complete"})
                return

    async def _http(self, scope: dict, receive: Any, send: Any) -> None:
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
        path = raw_path.decode("latin-1").split("?", 1)[0]
        headers: dict[str, str] = {}
        header_bytes = 0
        for raw_name, raw_value in scope["headers"]:
            header_bytes += len(raw_name) + len(raw_value)
            name = raw_name.decode("latin-1").lower()
            value = raw_value.decode("latin-1")
            headers[name] = f"{headers[name]},{value}" if name in headers else value
        method = scope["method"]

        writer = RequestBody.spooled()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client went away mid-body: nothing to answer
            writer.write(message.get("body", b""))
            if not message.get("more_body"):
                break
        request = HttpRequest(
            method=method,
            path=path,
            query_string=scope["query_string"].decode("latin-1"),
            headers=headers,
            body=writer.finish(),
        )
        client = scope.get("client")
        source_ip = client[0] if client else None
        if header_bytes > MAX_HEADER_BYTES:
            request.body.close()
            await _send_response(send, header_section_too_large(request), head=method == "HEAD")
            return
        try:
            response = None
            # Lambda function URLs (by Host, or by their /_stratus/lambda-url/ path form): one cheap
            # substring test on the Host keeps every other request on its usual way.
            if _FUNCTION_URL_HOST in headers.get("host", "") or path.startswith(_FUNCTION_URL_PATH):
                response = await _function_url(self.runtime, request, source_ip, scope["scheme"] == "https")
            if response is None and path.startswith(_INTERNAL_PREFIXES):
                response = await internal.handle(self.runtime, request)
            if response is None:
                response = await handle_request(self.runtime, request, source_ip, scope["scheme"] == "https")
        finally:
            request.body.close()
        await _send_response(send, response, head=method == "HEAD")


async def _function_url(
    runtime: Runtime, request: HttpRequest, source_ip: str | None, secure: bool
) -> HttpResponse | None:
    from stratus.services.lambda_ import url_http  # imported on the first function URL request

    return await url_http.handle(runtime, request, source_ip, secure)


BODILESS_STATUSES = (204, 304)  # HTTP forbids a body; a client would read it as the next response


async def _send_response(send: Any, response: HttpResponse, *, head: bool) -> None:
    body = response.body
    if response.status in BODILESS_STATUSES:
        _close(body)
        body = b""
    headers = [
        (name.encode("latin-1"), str(value).encode("latin-1", "replace")) for name, value in response.headers
    ]
    has_length = any(name.lower() == b"content-length" for name, _ in headers)
    if isinstance(body, bytes | bytearray | memoryview):
        if not has_length:
            headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": response.status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if head else bytes(body)})
        return
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    if head:
        _close(body)
        await send({"type": "http.response.body", "body": b""})
        return
    try:
        async for chunk in _chunks(body):
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
    finally:
        _close(body)
    await send({"type": "http.response.body", "body": b""})


async def _chunks(body: object) -> AsyncIterator[bytes]:
    if hasattr(body, "read"):
        while chunk := body.read(STREAM_CHUNK):  # type: ignore[attr-defined]
            yield chunk
    elif hasattr(body, "__aiter__"):
        async for chunk in body:  # type: ignore[attr-defined]
            if chunk:
                yield chunk
    elif isinstance(body, Iterable):
        for chunk in body:
            if chunk:
                yield chunk
    elif isinstance(body, str):
        yield body.encode()


def _close(body: object) -> None:
    close = getattr(body, "close", None)
    if callable(close):
        close()
