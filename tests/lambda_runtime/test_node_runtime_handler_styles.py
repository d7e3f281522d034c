"""Node.js functions run by Stratus's own runtime client: the callback-era programming model
(callbacks and the event loop), response-streaming handlers, and the promise-era model of
nodejs24.x.

These tests start the machine's real Node.js and are skipped without one (18 or later).
"""

from __future__ import annotations

import json

import pytest

from .conftest import lines_between, write_code
from .node_runtime_support import (
    invoke_many,
    invoke_once,
    needs_node,
    node_resolver_fixture,  # noqa: F401
    start,
)

CALLBACK_CODE = {
    "index.js": """
        exports.waits = (event, context, callback) => {
          setTimeout(() => console.log('timer fired'), 300);
          callback(null, { answer: 'after the loop emptied' });
        };
        exports.doesNotWait = (event, context, callback) => {
          context.callbackWaitsForEmptyEventLoop = false;
          setTimeout(() => console.log('late timer'), 300);
          callback(null, 'right away');
        };
        exports.twice = (event, context, callback) => { callback(null, 'first'); callback(null, 'second'); };
        exports.succeed = (event, context) => context.succeed({ via: 'succeed' });
        exports.done = (event, context) => context.done(null, 'via done');
        exports.syncReturn = () => 'ignored before nodejs24.x';
        exports.never = async () => new Promise(() => {});
    """,
}


@needs_node
def test_callback_waits_for_the_event_loop_to_empty(node_resolver, tmp_path):
    code = write_code(tmp_path / "code", CALLBACK_CODE)
    h = start(node_resolver, code, "index.waits")
    result = invoke_once(h, request_id="req-wait")
    assert json.loads(result.payload) == {"answer": "after the loop emptied"}
    assert result.duration_ms >= 300
    assert any(m.endswith("\treq-wait\tINFO\ttimer fired\n") for m in lines_between(h.messages, "req-wait"))


@needs_node
def test_callback_without_waiting_answers_at_once(node_resolver, tmp_path):
    code = write_code(tmp_path / "code", CALLBACK_CODE)
    h = start(node_resolver, code, "index.doesNotWait")
    (result,) = invoke_many(h, [{"request_id": "req-fast"}], settle=0.45)
    assert json.loads(result.payload) == "right away"
    assert result.duration_ms < 250
    assert not any("late timer" in m for m in lines_between(h.messages, "req-fast"))
    assert any("late timer" in m for m in h.messages)  # it ran after the invocation


@pytest.mark.parametrize(
    ("handler", "expected"),
    [
        ("index.twice", "first"),
        ("index.succeed", {"via": "succeed"}),
        ("index.done", "via done"),
        ("index.syncReturn", None),  # no callback, no promise: null once the loop empties
    ],
)
@needs_node
def test_callback_era_answers(node_resolver, tmp_path, handler, expected):
    code = write_code(tmp_path / "code", CALLBACK_CODE)
    result = invoke_once(start(node_resolver, code, handler))
    assert result.status == "success" and json.loads(result.payload) == expected


@needs_node
def test_async_handler_that_never_settles_is_runtime_nodejs_exit(node_resolver, tmp_path):
    code = write_code(tmp_path / "code", CALLBACK_CODE)
    result = invoke_once(start(node_resolver, code, "index.never"))
    assert result.error_type == "Runtime.NodeJsExit"
    document = json.loads(result.payload)
    # Guessed wording (AWS's runtime client message, not in the developer guide).
    assert document["errorMessage"].startswith(
        "The Lambda runtime client detected an unexpected Node.js exit code."
    )


STREAM_CODE = {
    "index.mjs": """
        export const text = awslambda.streamifyResponse(async (event, responseStream, context) => {
          responseStream.setContentType('text/plain');
          responseStream.write('hello ');
          responseStream.write(context.awsRequestId);
          responseStream.end();
        });
        export const http = awslambda.streamifyResponse(async (event, responseStream) => {
          const stream = awslambda.HttpResponseStream.from(responseStream, { statusCode: 201 });
          stream.end('body');
        });
        export const unfinished = awslambda.streamifyResponse(async (event, responseStream) => {
          responseStream.write('partial');
        });
    """,
}


@pytest.mark.parametrize(
    ("handler", "body", "content_type"),
    [
        ("index.text", b"hello req-stream", "text/plain"),
        (
            "index.http",
            b'{"statusCode":201}' + b"\0" * 8 + b"body",
            "application/vnd.awslambda.http-integration-response",
        ),
    ],
)
@needs_node
def test_streaming_handlers_answer_a_buffered_invoke(node_resolver, tmp_path, handler, body, content_type):
    code = write_code(tmp_path / "code", STREAM_CODE)
    result = invoke_once(start(node_resolver, code, handler), request_id="req-stream")
    assert result.status == "success"
    assert (result.payload, result.content_type) == (body, content_type)


@needs_node
def test_streaming_handler_must_end_its_stream(node_resolver, tmp_path):
    code = write_code(tmp_path / "code", STREAM_CODE)
    result = invoke_once(start(node_resolver, code, "index.unfinished"))
    assert result.error_type == "Runtime.InvalidStreamingOperation"
    assert json.loads(result.payload)["errorMessage"] == "Response stream is not finished."


PROMISE_ERA_CODE = {
    "index.mjs": """
        export const sync = (event, context) => ({
          sync: true,
          waits: context.callbackWaitsForEmptyEventLoop ?? null,
          legacyMethods: ['succeed', 'fail', 'done'].filter((m) => typeof context[m] === 'function'),
          requestId: context.awsRequestId,
        });
        export const callback = (event, context, callback) => callback(null, 'no');
        export const never = async () => new Promise(() => {});
        export default { fromDefault: async () => 'default export' };
    """,
}


@needs_node
def test_promise_era_returns_plain_values_and_has_no_callback_context(node_resolver, tmp_path):
    code = write_code(tmp_path / "code", PROMISE_ERA_CODE)
    result = invoke_once(start(node_resolver, code, "index.sync", promise_era=True), request_id="req-24")
    assert json.loads(result.payload) == {
        "sync": True,
        "waits": None,
        "legacyMethods": [],
        "requestId": "req-24",
    }


@needs_node
def test_promise_era_finds_handlers_on_the_default_export(node_resolver, tmp_path):
    code = write_code(tmp_path / "code", PROMISE_ERA_CODE)
    result = invoke_once(start(node_resolver, code, "index.fromDefault", promise_era=True))
    assert json.loads(result.payload) == "default export"


@needs_node
def test_promise_era_refuses_callback_handlers_at_init(node_resolver, tmp_path):
    code = write_code(tmp_path / "code", PROMISE_ERA_CODE)
    h = start(node_resolver, code, "index.callback", promise_era=True)
    result = invoke_once(h)
    assert result.error_type == "Runtime.CallbackHandlerDeprecated"
    assert json.loads(result.payload)["errorMessage"].startswith(
        "ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24."
    )
    assert any("\tundefined\tERROR\tInit Error \t" in m for m in h.messages)


@needs_node
def test_promise_era_does_not_wait_for_an_unsettled_promise(node_resolver, tmp_path):
    code = write_code(tmp_path / "code", PROMISE_ERA_CODE)
    result = invoke_once(start(node_resolver, code, "index.never", promise_era=True), request_id="req-never")
    # Nothing keeps the process alive: it exits, as the nodejs24.x client has no beforeExit hook.
    assert result.error_type == "Runtime.ExitError"
    assert json.loads(result.payload)["errorMessage"] == (
        "RequestId: req-never Error: Runtime exited without providing a reason"
    )
