"""Node.js functions run by Stratus's own runtime client: handler errors turned into Lambda's error
document and log, oversized responses, and uncaught errors that end the runtime.

These tests start the machine's real Node.js and are skipped without one (18 or later).
"""

from __future__ import annotations

import asyncio
import json
import re

import pytest

from .conftest import lines_between, run, write_code
from .node_runtime_support import (
    TIMESTAMP,
    invoke_once,
    needs_node,
    node_resolver_fixture,  # noqa: F401
    start,
)

ERROR_CODE = {
    "index.js": """
        class QuotaError extends Error {
          constructor() { super('over quota'); this.name = 'QuotaError'; this.code = 'E42'; this.limit = 5; }
        }
        exports.throws = async () => { throw new TypeError('bad thing'); };
        exports.syncThrows = () => { throw new QuotaError(); };
        exports.callbackError = (event, context, callback) => callback(new QuotaError());
        exports.callbackString = (event, context, callback) => callback('just a string');
        exports.failEmpty = (event, context) => context.fail();
        exports.rejectsObject = async () => { throw { reason: 'not an Error' }; };
        exports.unserializable = async () => { const a = {}; a.self = a; return a; };
        exports.huge = async () => 'x'.repeat(7 * 1024 * 1024);
    """,
}


@pytest.mark.parametrize(
    ("handler", "error_type", "message", "first_frame"),
    [
        ("index.throws", "TypeError", "bad thing", "TypeError: bad thing"),
        ("index.syncThrows", "QuotaError", "over quota", "QuotaError: over quota"),
        ("index.callbackError", "QuotaError", "over quota", "QuotaError: over quota"),
        ("index.callbackString", "string", "just a string", None),
        ("index.failEmpty", "string", "handled", None),
        ("index.rejectsObject", "object", "[object Object]", None),
        (
            "index.unserializable",
            "Error",
            "Unable to stringify response body",
            "Error: Unable to stringify response body",
        ),
    ],
)
@needs_node
def test_unhandled_errors_become_lambdas_error_document(
    node_resolver, tmp_path, handler, error_type, message, first_frame
):
    code = write_code(tmp_path / "code", ERROR_CODE)
    h = start(node_resolver, code, handler)

    async def scenario():
        try:
            result = await h.invoke(request_id="req-err")
            again = await h.invoke(request_id="req-again")  # the environment survives the error
            return result, again, h.environment.alive
        finally:
            await h.environment.shutdown()

    result, again, alive = run(scenario())
    assert result.status == "error" and result.function_error == "Unhandled"
    assert result.error_type == error_type  # Lambda-Runtime-Function-Error-Type
    document = json.loads(result.payload)
    assert list(document) == ["errorType", "errorMessage", "trace"]
    assert (document["errorType"], document["errorMessage"]) == (error_type, message)
    if first_frame is None:
        assert document["trace"] == []
    else:
        assert document["trace"][0] == first_frame and document["trace"][1].startswith("    at ")
    assert "Status:" not in lines_between(h.messages, "req-err")[-1]
    logged = next(m for m in lines_between(h.messages, "req-err") if "\tERROR\tInvoke Error \t" in m)
    assert re.match(TIMESTAMP + r"\treq-err\tERROR\tInvoke Error \t\{", logged)
    assert alive and again.error_type == error_type


@needs_node
def test_error_log_keeps_the_errors_own_fields(node_resolver, tmp_path):
    code = write_code(tmp_path / "code", ERROR_CODE)
    h = start(node_resolver, code, "index.syncThrows")
    invoke_once(h, request_id="req-fields")
    logged = next(m for m in h.messages if "\tInvoke Error \t" in m)
    detail = json.loads(logged.split("\tInvoke Error \t", 1)[1])
    assert detail["errorType"] == "QuotaError" and detail["code"] == "E42" and detail["limit"] == 5
    assert detail["stack"][0] == "QuotaError: over quota"


@needs_node
def test_response_over_6mb_fails_but_the_node_runtime_carries_on(node_resolver, tmp_path):
    code = write_code(tmp_path / "code", ERROR_CODE)
    h = start(node_resolver, code, "index.huge")

    async def scenario():
        try:
            result = await h.invoke()
            await asyncio.sleep(0.1)
            return result, h.environment.alive
        finally:
            await h.environment.shutdown()

    result, alive = run(scenario())
    assert result.error_type == "Function.ResponseSizeTooLarge"
    assert json.loads(result.payload)["errorMessage"] == (
        "Response payload size (7340034 bytes) exceeded maximum allowed payload size (6291556 bytes)."
    )
    assert alive  # unlike awslambdaric, Node's client ignores the 413 and polls again


CRASH_CODE = {
    "index.js": """
        exports.rejects = async () => {
          Promise.reject(new Error('nobody catches me'));
          await new Promise((resolve) => setTimeout(resolve, 100));
          return 'too late';
        };
        exports.throwsLater = () => { setTimeout(() => { throw new Error('kaboom'); }, 10); };
    """,
}


@pytest.mark.parametrize(
    ("handler", "error_type", "message", "label", "exit_status"),
    [
        (
            "index.rejects",
            "Runtime.UnhandledPromiseRejection",
            "Error: nobody catches me",
            "Unhandled Promise Rejection",
            128,
        ),
        ("index.throwsLater", "Error", "kaboom", "Uncaught Exception", 129),
    ],
)
@needs_node
def test_uncaught_errors_fail_the_invocation_and_end_the_runtime(
    node_resolver, tmp_path, handler, error_type, message, label, exit_status
):
    code = write_code(tmp_path / "code", CRASH_CODE)
    h = start(node_resolver, code, handler)

    async def scenario():
        try:
            result = await h.invoke(request_id="req-crash")
            for _ in range(100):
                if not h.environment.alive:
                    break
                await asyncio.sleep(0.01)
            return result, h.environment.alive, h.environment._process.returncode
        finally:
            await h.environment.shutdown()

    result, alive, returncode = run(scenario())
    assert result.error_type == error_type
    assert json.loads(result.payload)["errorMessage"] == message
    assert any(f"\treq-crash\tERROR\t{label} \t" in m for m in h.messages)
    assert not alive and returncode == exit_status
