"""The Lambda Runtime API (version 2018-06-01) for one execution environment.

One server per environment, on 127.0.0.1 and an ephemeral port, handed to the runtime as
AWS_LAMBDA_RUNTIME_API. The runtime long-polls `GET /runtime/invocation/next`, answers
with `POST /runtime/invocation/{id}/response` or `/error`, or reports a failed start with
`POST /runtime/init/error`. Status codes, error types and messages follow Lambda's own
Runtime API implementation (the "rapid" state machine published in
aws-lambda-runtime-interface-emulator): wrong state → 403 InvalidStateTransition, unknown
request id → 400 InvalidRequestID, oversized response → 413 RequestEntityTooLarge while
the invocation itself fails with Function.ResponseSizeTooLarge.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass
from enum import Enum

from stratus.lambda_runtime.http11 import BadRequest, Request, Response, read_request

# Lambda's buffered-response limit: 6 MiB plus 100 bytes of slack for the envelope.
MAX_RESPONSE_BYTES = 6 * 1024 * 1024 + 100

_PREFIX = "/2018-06-01/runtime"
_ERROR_TYPE_HEADER = "lambda-runtime-function-error-type"


class RuntimeState(Enum):
    """Rapid's runtime state names; they appear verbatim in InvalidStateTransition messages."""

    STARTED = "Started"
    READY = "Ready"  # an invocation has been handed to the runtime
    RESPONSE_SENT = "RuntimeResponseSentState"
    INIT_ERROR = "InitError"


@dataclass(frozen=True)
class InvocationEvent:
    request_id: str
    payload: bytes
    deadline_ms: int
    function_arn: str
    trace_id: str | None = None
    client_context: str | None = None
    cognito_identity: str | None = None
    content_type: str = "application/json"


@dataclass(frozen=True)
class RuntimeReply:
    """How the runtime finished one invocation."""

    body: bytes
    is_error: bool
    error_type: str | None = None  # Lambda-Runtime-Function-Error-Type, or ours
    content_type: str = "application/json"


@dataclass(frozen=True)
class InitFailure:
    body: bytes
    error_type: str | None


class RuntimeApiServer:
    """Serves the Runtime API to exactly one runtime process."""

    def __init__(self, *, max_response_bytes: int = MAX_RESPONSE_BYTES) -> None:
        self._max_response_bytes = max_response_bytes
        self._server: asyncio.Server | None = None
        self._port = 0
        self._state = RuntimeState.STARTED
        self._current: InvocationEvent | None = None
        self._reply: asyncio.Future[RuntimeReply] | None = None
        self._queued: InvocationEvent | None = None
        self._next_waiter: asyncio.Future[InvocationEvent] | None = None
        self._connections: set[asyncio.Task] = set()
        # Resolved with None when the runtime first asks for work (its init is done), or
        # with the InitFailure it posted to /init/error.
        self.init_outcome: asyncio.Future[InitFailure | None] = asyncio.get_running_loop().create_future()

    @property
    def address(self) -> str:
        """host:port, the value of AWS_LAMBDA_RUNTIME_API."""
        return f"127.0.0.1:{self._port}"

    @property
    def state(self) -> RuntimeState:
        return self._state

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve_connection, "127.0.0.1", 0, limit=1 << 20)
        self._port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._connections):
            task.cancel()
        if self._connections:
            await asyncio.gather(*self._connections, return_exceptions=True)
        if self._server is not None:
            with contextlib.suppress(Exception):
                await self._server.wait_closed()
        self._abandon_reply()

    def dispatch(self, event: InvocationEvent) -> asyncio.Future[RuntimeReply]:
        """Hand an invocation to the runtime; the future resolves when it has answered."""
        if self._reply is not None and not self._reply.done():
            raise RuntimeError("an invocation is already in progress in this environment")
        self._reply = asyncio.get_running_loop().create_future()
        waiter = self._next_waiter
        if waiter is not None and not waiter.done():
            self._next_waiter = None
            waiter.set_result(event)
        else:
            self._queued = event
        return self._reply

    # -- connection handling -------------------------------------------------------

    async def _serve_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        self._connections.add(task)
        try:
            while True:
                try:
                    request = await read_request(reader, writer, max_body=self._max_response_bytes)
                except BadRequest:
                    writer.write(
                        _json(400, "TruncatedHTTPRequest", "HTTP request detected as truncated").encode(
                            keep_alive=False
                        )
                    )
                    await writer.drain()
                    return
                if request is None:
                    return
                response = await self._route(request)
                writer.write(response.encode(keep_alive=request.keep_alive))
                await writer.drain()
                if not request.keep_alive:
                    return
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self._connections.discard(task)
            writer.close()

    async def _route(self, request: Request) -> Response:
        path = request.path
        if not path.startswith(_PREFIX + "/"):
            return _not_found()
        parts = path[len(_PREFIX) + 1 :].split("/")
        if parts == ["invocation", "next"]:
            if request.method != "GET":
                return Response(405)
            return await self._next()
        if parts == ["init", "error"]:
            if request.method != "POST":
                return Response(405)
            return self._init_error(request)
        if len(parts) == 3 and parts[0] == "invocation" and parts[1] and parts[2] in ("response", "error"):
            if request.method != "POST":
                return Response(405)
            return self._finish(parts[1], request, is_error=parts[2] == "error")
        return _not_found()

    async def _next(self) -> Response:
        if self._state is RuntimeState.INIT_ERROR:
            return _state_transition_error(self._state, RuntimeState.READY.value)
        if not self.init_outcome.done():
            self.init_outcome.set_result(None)
        if self._state is RuntimeState.READY and self._current is not None:
            # Rapid answers a repeated /next with the invocation still in progress.
            return _event_response(self._current)
        event = self._queued
        self._queued = None
        if event is None:
            if self._next_waiter is not None and not self._next_waiter.done():
                self._next_waiter.cancel()  # a newer poll replaces an abandoned one
            self._next_waiter = asyncio.get_running_loop().create_future()
            event = await self._next_waiter
        self._state = RuntimeState.READY
        self._current = event
        return _event_response(event)

    def _finish(self, request_id: str, request: Request, *, is_error: bool) -> Response:
        target = "InvocationErrorResponse" if is_error else "InvocationResponse"
        if self._state is not RuntimeState.READY or self._current is None:
            return _state_transition_error(self._state, target)
        if request_id != self._current.request_id:
            return _json(400, "InvalidRequestID", "Invalid request ID")
        content_type = request.header("content-type") or "application/json"
        if request.body_truncated:
            message = (
                f"Response payload size ({request.body_size} bytes) exceeded maximum allowed payload "
                f"size ({self._max_response_bytes} bytes)."
            )
            body = json.dumps({"errorMessage": message, "errorType": "Function.ResponseSizeTooLarge"})
            self._complete(RuntimeReply(body.encode(), True, "Function.ResponseSizeTooLarge"))
            return _json(
                413,
                "RequestEntityTooLarge",
                f"Exceeded maximum allowed payload size ({self._max_response_bytes} bytes).",
            )
        error_type = request.header(_ERROR_TYPE_HEADER) if is_error else None
        self._complete(RuntimeReply(request.body, is_error, error_type, content_type))
        return _accepted()

    def _init_error(self, request: Request) -> Response:
        if self._state is not RuntimeState.STARTED:
            return _state_transition_error(self._state, RuntimeState.INIT_ERROR.value)
        self._state = RuntimeState.INIT_ERROR
        if not self.init_outcome.done():
            self.init_outcome.set_result(InitFailure(request.body, request.header(_ERROR_TYPE_HEADER)))
        return _accepted()

    def _complete(self, reply: RuntimeReply) -> None:
        self._state = RuntimeState.RESPONSE_SENT
        self._current = None
        if self._reply is not None and not self._reply.done():
            self._reply.set_result(reply)

    def _abandon_reply(self) -> None:
        if self._reply is not None and not self._reply.done():
            self._reply.cancel()
        if not self.init_outcome.done():
            self.init_outcome.cancel()


def _event_response(event: InvocationEvent) -> Response:
    headers = [
        ("Content-Type", event.content_type),
        ("Lambda-Runtime-Aws-Request-Id", event.request_id),
        ("Lambda-Runtime-Deadline-Ms", str(event.deadline_ms)),
        ("Lambda-Runtime-Invoked-Function-Arn", event.function_arn),
    ]
    optional = (
        ("Lambda-Runtime-Trace-Id", event.trace_id),
        ("Lambda-Runtime-Client-Context", event.client_context),
        ("Lambda-Runtime-Cognito-Identity", event.cognito_identity),
    )
    headers.extend((name, value) for name, value in optional if value)
    return Response(200, event.payload, headers)


def _json(status: int, error_type: str, message: str) -> Response:
    body = json.dumps({"errorMessage": message, "errorType": error_type}) + "\n"
    return Response(status, body.encode(), [("Content-Type", "application/json")])


def _accepted() -> Response:
    return Response(202, b'{"status":"OK"}\n', [("Content-Type", "application/json")])


def _state_transition_error(state: RuntimeState, target: str) -> Response:
    message = (
        f"State transition from {state.value} to {target} failed for runtime. "
        "Error: State transition is not allowed"
    )
    return _json(403, "InvalidStateTransition", message)


def _not_found() -> Response:
    return Response(404, b"404 page not found\n", [("Content-Type", "text/plain; charset=utf-8")])
