"""The Runtime API server, spoken to over raw HTTP/1.1 like a runtime would.

Status codes, error types and messages follow Lambda's Runtime API implementation
(rapid, in aws-lambda-runtime-interface-emulator).
"""

from __future__ import annotations

import asyncio
import json

from stratus.lambda_runtime.runtime_api import InvocationEvent, RuntimeApiServer, RuntimeState

from .conftest import run

BASE = "/2018-06-01/runtime"


class Connection:
    """A keep-alive HTTP/1.1 client connection."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, server: RuntimeApiServer) -> Connection:
        host, port = server.address.split(":")
        return cls(*await asyncio.open_connection(host, int(port)))

    async def send(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None):
        head = [f"{method} {path} HTTP/1.1", "Host: runtime"]
        headers = dict(headers or {})
        if "Transfer-Encoding" not in headers and (body or method == "POST"):
            headers["Content-Length"] = str(len(body))
        head += [f"{k}: {v}" for k, v in headers.items()]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        await self.writer.drain()
        return await self.read_response()

    async def read_response(self):
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode().split("\r\n")[:-2]
        status = int(status_line.split(" ")[1])
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.lower()] = value.strip()
        body = await self.reader.readexactly(int(headers.get("content-length", "0")))
        return status, headers, body

    async def close(self) -> None:
        self.writer.close()


def event(request_id: str = "req-1", payload: bytes = b'{"k": 1}') -> InvocationEvent:
    return InvocationEvent(
        request_id=request_id,
        payload=payload,
        deadline_ms=1_700_000_003_000,
        function_arn="arn:aws:lambda:us-east-1:000000000000:function:f",
        trace_id="Root=1-abc;Parent=def;Sampled=0",
        client_context='{"custom":{}}',
    )


def with_server(scenario, **options):
    async def wrapper():
        server = RuntimeApiServer(**options)
        await server.start()
        try:
            return await scenario(server)
        finally:
            await server.close()

    return run(wrapper())


def test_next_long_polls_then_answers_with_the_event_and_headers():
    async def scenario(server):
        conn = await Connection.open(server)
        poll = asyncio.ensure_future(conn.send("GET", f"{BASE}/invocation/next"))
        await asyncio.sleep(0.05)
        assert not poll.done()  # nothing to do yet: the request waits
        assert server.init_outcome.done() and server.init_outcome.result() is None
        server.dispatch(event())
        status, headers, body = await poll
        await conn.close()
        return status, headers, body, server.state

    status, headers, body, state = with_server(scenario)
    assert status == 200 and body == b'{"k": 1}'
    assert headers["lambda-runtime-aws-request-id"] == "req-1"
    assert headers["lambda-runtime-deadline-ms"] == "1700000003000"
    assert (
        headers["lambda-runtime-invoked-function-arn"] == "arn:aws:lambda:us-east-1:000000000000:function:f"
    )
    assert headers["lambda-runtime-trace-id"] == "Root=1-abc;Parent=def;Sampled=0"
    assert headers["lambda-runtime-client-context"] == '{"custom":{}}'
    assert "lambda-runtime-cognito-identity" not in headers  # only when given
    assert headers["content-type"] == "application/json"
    assert state is RuntimeState.READY


def test_response_error_and_state_errors_on_one_keep_alive_connection():
    async def scenario(server):
        conn = await Connection.open(server)
        early = await conn.send("POST", f"{BASE}/invocation/req-1/response", b"{}")
        reply = server.dispatch(event())
        await conn.send("GET", f"{BASE}/invocation/next")
        wrong_id = await conn.send("POST", f"{BASE}/invocation/other/response", b"{}")
        accepted = await conn.send(
            "POST",
            f"{BASE}/invocation/req-1/error",
            b'{"errorMessage": "no", "errorType": "MyError"}',
            {"Lambda-Runtime-Function-Error-Type": "Unhandled.MyError"},
        )
        twice = await conn.send("POST", f"{BASE}/invocation/req-1/response", b"{}")
        late_init_error = await conn.send("POST", f"{BASE}/init/error", b"{}")
        await conn.close()
        return early, wrong_id, accepted, twice, late_init_error, reply.result()

    early, wrong_id, accepted, twice, late_init_error, reply = with_server(scenario)
    assert early[0] == 403
    assert json.loads(early[2]) == {
        "errorMessage": "State transition from Started to InvocationResponse failed for runtime. "
        "Error: State transition is not allowed",
        "errorType": "InvalidStateTransition",
    }
    assert wrong_id[0] == 400
    assert json.loads(wrong_id[2]) == {"errorMessage": "Invalid request ID", "errorType": "InvalidRequestID"}
    assert accepted[0] == 202 and json.loads(accepted[2]) == {"status": "OK"}
    assert reply.is_error and reply.error_type == "Unhandled.MyError"
    assert json.loads(reply.body) == {"errorMessage": "no", "errorType": "MyError"}
    assert twice[0] == 403
    assert json.loads(twice[2])["errorMessage"].startswith(
        "State transition from RuntimeResponseSentState to InvocationResponse failed"
    )
    assert late_init_error[0] == 403
    assert "to InitError failed for runtime" in json.loads(late_init_error[2])["errorMessage"]


def test_chunked_response_body_and_expect_continue():
    async def scenario(server):
        conn = await Connection.open(server)
        reply = server.dispatch(event())
        await conn.send("GET", f"{BASE}/invocation/next")
        chunked = b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
        conn.writer.write(
            (
                f"POST {BASE}/invocation/req-1/response HTTP/1.1\r\nHost: x\r\n"
                "Transfer-Encoding: chunked\r\nExpect: 100-continue\r\nContent-Type: text/plain\r\n\r\n"
            ).encode()
        )
        await conn.writer.drain()
        interim = await conn.reader.readuntil(b"\r\n\r\n")  # sent before we send the body
        conn.writer.write(chunked)
        status = (await conn.read_response())[0]
        await conn.close()
        return interim, status, reply.result()

    interim, status, reply = with_server(scenario)
    assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
    assert status == 202
    assert reply.body == b"hello world" and not reply.is_error and reply.content_type == "text/plain"


def test_oversized_response_is_413_and_the_invocation_fails():
    async def scenario(server):
        conn = await Connection.open(server)
        reply = server.dispatch(event())
        await conn.send("GET", f"{BASE}/invocation/next")
        answer = await conn.send("POST", f"{BASE}/invocation/req-1/response", b"x" * 1500)
        # the connection stays usable: the oversized body was drained
        again = await conn.send("POST", f"{BASE}/invocation/req-1/response", b"{}")
        await conn.close()
        return answer, again, reply.result()

    answer, again, reply = with_server(scenario, max_response_bytes=1000)
    assert answer[0] == 413
    assert json.loads(answer[2]) == {
        "errorMessage": "Exceeded maximum allowed payload size (1000 bytes).",
        "errorType": "RequestEntityTooLarge",
    }
    assert reply.is_error and reply.error_type == "Function.ResponseSizeTooLarge"
    assert json.loads(reply.body) == {
        "errorMessage": "Response payload size (1500 bytes) exceeded maximum allowed payload size (1000 bytes).",
        "errorType": "Function.ResponseSizeTooLarge",
    }
    assert again[0] == 403


def test_init_error_is_reported_once():
    async def scenario(server):
        conn = await Connection.open(server)
        body = b'{"errorMessage": "boom", "errorType": "Runtime.ImportModuleError"}'
        first = await conn.send(
            "POST",
            f"{BASE}/init/error",
            body,
            {"Lambda-Runtime-Function-Error-Type": "Runtime.ImportModuleError"},
        )
        second = await conn.send("POST", f"{BASE}/init/error", body)
        next_after = await conn.send("GET", f"{BASE}/invocation/next")
        await conn.close()
        return first, second, next_after, server.init_outcome.result()

    first, second, next_after, failure = with_server(scenario)
    assert first[0] == 202
    assert failure.error_type == "Runtime.ImportModuleError" and b"boom" in failure.body
    assert second[0] == 403
    assert json.loads(second[2])["errorMessage"] == (
        "State transition from InitError to InitError failed for runtime. Error: State transition is not allowed"
    )
    assert next_after[0] == 403


def test_unknown_paths_and_methods():
    async def scenario(server):
        conn = await Connection.open(server)
        answers = [
            await conn.send("GET", "/2018-06-01/runtime/unknown"),
            await conn.send("GET", "/nothing"),
            await conn.send("POST", f"{BASE}/invocation/next", b""),
            await conn.send("GET", f"{BASE}/invocation/req-1/response"),
        ]
        await conn.close()
        return answers

    not_found, elsewhere, post_next, get_response = with_server(scenario)
    assert not_found[0] == 404 and not_found[2] == b"404 page not found\n"
    assert elsewhere[0] == 404
    assert post_next[0] == 405 and get_response[0] == 405
