"""Invoke (RequestResponse, DryRun) on `$LATEST`: real Python functions run by the in-process server."""

import base64
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from .conftest import make_zip

PYTHON_RUNTIME = f"python{sys.version_info.major}.{sys.version_info.minor}"

HANDLER = """
import json, os, time

COUNT = 0

def handler(event, context):
    global COUNT
    COUNT += 1
    action = event.get("action")
    if action == "fail":
        raise ValueError("boom")
    if action == "sleep":
        time.sleep(5)
    if action == "nap":
        time.sleep(0.5)
    if action == "env":
        names = ["AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
                 "AWS_REGION", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN", "GREETING",
                 "_X_AMZN_TRACE_ID"]
        return {name: os.environ.get(name) for name in names} | {"request_id": context.aws_request_id}
    if action == "context":
        return context.client_context.custom
    if action == "sqs":
        import boto3
        boto3.client("sqs").send_message(QueueUrl=event["queue"], MessageBody="from the function")
        return "sent"
    print("hello from", context.function_name)
    return {"version": VERSION, "count": COUNT, "event": event, "pid": os.getpid()}

VERSION = 1
"""


def code(version: int = 1) -> bytes:
    return make_zip({"app.py": HANDLER.replace("VERSION = 1", f"VERSION = {version}")})


@pytest.fixture
def function(lambda_client, role_arn, stratus_server):
    def make(name="fn", **kwargs):
        params = {
            "FunctionName": name,
            "Runtime": PYTHON_RUNTIME,
            "Role": role_arn,
            "Handler": "app.handler",
            "Code": {"ZipFile": code()},
            "Timeout": 3,
        }
        params.update(kwargs)
        lambda_client.create_function(**params)
        return name

    yield make
    stratus_server.reset()  # no runtime process outlives its test


def call(lambda_client, name="fn", event=None, **kwargs):
    answer = lambda_client.invoke(FunctionName=name, Payload=json.dumps(event or {}), **kwargs)
    return answer, json.loads(answer["Payload"].read())


def test_invoke_returns_the_handlers_json(function, lambda_client):
    function()
    answer, body = call(lambda_client, event={"a": 1})
    assert answer["StatusCode"] == 200
    assert answer["ExecutedVersion"] == "$LATEST"
    assert "FunctionError" not in answer
    assert body["event"] == {"a": 1}
    assert body["version"] == 1


def test_invoke_without_payload_passes_an_empty_object(function, lambda_client):
    function()
    answer = lambda_client.invoke(FunctionName="fn")
    assert json.loads(answer["Payload"].read())["event"] == {}


def test_function_sees_lambdas_environment(function, lambda_client, stratus_endpoint):
    function(Environment={"Variables": {"GREETING": "hi"}}, MemorySize=256)
    answer, body = call(lambda_client, event={"action": "env"})
    assert body["AWS_LAMBDA_FUNCTION_NAME"] == "fn"
    assert body["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert body["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
    assert body["AWS_REGION"] == "us-east-1"
    assert body["AWS_LAMBDA_LOG_GROUP_NAME"] == "/aws/lambda/fn"
    assert body["AWS_ENDPOINT_URL"] == stratus_endpoint
    assert body["AWS_SESSION_TOKEN"]  # the role's temporary credentials
    assert body["GREETING"] == "hi"
    assert body["_X_AMZN_TRACE_ID"].startswith("Root=1-")
    # The function's request id is the Invoke request's.
    assert body["request_id"] == answer["ResponseMetadata"]["RequestId"]


def test_unhandled_error(function, lambda_client):
    function()
    answer, body = call(lambda_client, event={"action": "fail"})
    assert answer["StatusCode"] == 200
    assert answer["FunctionError"] == "Unhandled"
    assert body["errorType"] == "ValueError"
    assert body["errorMessage"] == "boom"


def test_timeout(function, lambda_client):
    function(Timeout=1)
    started = time.monotonic()
    answer, body = call(lambda_client, event={"action": "sleep"})
    assert time.monotonic() - started < 4
    assert answer["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Sandbox.Timedout"
    assert body["errorMessage"].endswith("Task timed out after 1.00 seconds")
    # The killed environment is replaced by a fresh one.
    answer, body = call(lambda_client)
    assert "FunctionError" not in answer
    assert body["count"] == 1


def test_log_type_tail(function, lambda_client):
    function()
    answer, _ = call(lambda_client, LogType="Tail")
    tail = base64.b64decode(answer["LogResult"]).decode()
    request_id = answer["ResponseMetadata"]["RequestId"]
    assert f"START RequestId: {request_id} Version: $LATEST" in tail
    assert "hello from fn" in tail
    assert f"REPORT RequestId: {request_id}" in tail
    assert "LogResult" not in call(lambda_client)[0]


def test_logs_go_to_cloudwatch(function, lambda_client, aws_client):
    function()
    answer, _ = call(lambda_client)
    request_id = answer["ResponseMetadata"]["RequestId"]
    events = aws_client("logs").filter_log_events(logGroupName="/aws/lambda/fn")["events"]
    messages = [event["message"] for event in events]
    assert any(m.startswith(f"START RequestId: {request_id}") for m in messages)
    assert any("hello from fn" in m for m in messages)
    assert any(m.startswith(f"END RequestId: {request_id}") for m in messages)
    assert any(m.startswith(f"REPORT RequestId: {request_id}") for m in messages)
    assert "[$LATEST]" in events[0]["logStreamName"]


def test_log_times_follow_stratus_clock(function, lambda_client, aws_client, stratus_server):
    function()
    stratus_server.advance_clock(3 * 86400)  # PutLogEvents would refuse lines 3 days "old"
    call(lambda_client)
    events = aws_client("logs").filter_log_events(logGroupName="/aws/lambda/fn")["events"]
    assert any("hello from fn" in event["message"] for event in events)
    assert min(event["timestamp"] for event in events) > (time.time() + 2 * 86400) * 1000


def test_logs_go_to_the_configured_log_group(function, lambda_client, aws_client):
    function(LoggingConfig={"LogFormat": "Text", "LogGroup": "/custom/group"})
    call(lambda_client)
    events = aws_client("logs").filter_log_events(logGroupName="/custom/group")["events"]
    assert any("hello from fn" in event["message"] for event in events)


def test_warm_environment_is_reused(function, lambda_client):
    function()
    first = call(lambda_client)[1]
    second = call(lambda_client)[1]
    assert (first["count"], second["count"]) == (1, 2)
    assert first["pid"] == second["pid"]


def test_busy_environments_make_the_function_scale_out(function, lambda_client):
    function()
    call(lambda_client)  # one warm environment
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda _: call(lambda_client, event={"action": "nap"})[1], range(2)))
    assert len({answer["pid"] for answer in answers}) == 2


def test_reserved_concurrency_limits_parallel_invocations(function, lambda_client, aws_client):
    function()
    # boto3 retries throttling errors; this client must see the first answer.
    once = aws_client("lambda", config=Config(retries={"total_max_attempts": 1}))
    lambda_client.put_function_concurrency(FunctionName="fn", ReservedConcurrentExecutions=1)
    call(lambda_client)  # started and warm
    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(call, lambda_client, "fn", {"action": "nap"})
        time.sleep(0.2)
        with pytest.raises(ClientError) as info:
            call(once)
        assert running.result()[0]["StatusCode"] == 200
    assert info.value.response["Error"]["Code"] == "TooManyRequestsException"
    assert call(lambda_client)[0]["StatusCode"] == 200  # free again


def test_update_code_starts_fresh_environments(function, lambda_client):
    function()
    before = call(lambda_client)[1]
    lambda_client.update_function_code(FunctionName="fn", ZipFile=code(version=2))
    after = call(lambda_client)[1]
    assert (after["version"], after["count"]) == (2, 1)
    assert after["pid"] != before["pid"]
    assert _gone(before["pid"])


def test_update_configuration_starts_fresh_environments(function, lambda_client):
    function()
    call(lambda_client)
    lambda_client.update_function_configuration(
        FunctionName="fn", Environment={"Variables": {"GREETING": "yo"}}
    )
    assert call(lambda_client, event={"action": "env"})[1]["GREETING"] == "yo"


def test_delete_and_reset_stop_the_runtime_process(function, lambda_client, stratus_server):
    function()
    pid = call(lambda_client)[1]["pid"]
    lambda_client.delete_function(FunctionName="fn")
    assert _gone(pid)
    function()
    pid = call(lambda_client)[1]["pid"]
    stratus_server.reset()
    assert _gone(pid)


def test_function_calls_sqs_with_its_role(function, lambda_client, aws_client):
    sqs = aws_client("sqs")
    queue_url = sqs.create_queue(QueueName="from-lambda")["QueueUrl"]
    function()
    answer, body = call(lambda_client, event={"action": "sqs", "queue": queue_url})
    assert "FunctionError" not in answer, body
    assert body == "sent"
    messages = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=1)["Messages"]
    assert [m["Body"] for m in messages] == ["from the function"]


def test_client_context_reaches_the_function(function, lambda_client):
    function()
    context = base64.b64encode(json.dumps({"custom": {"k": "v"}}).encode()).decode()
    answer, body = call(lambda_client, event={"action": "context"}, ClientContext=context)
    assert body == {"k": "v"}
    with pytest.raises(ClientError) as info:
        call(lambda_client, ClientContext="not base64!")
    assert info.value.response["Error"]["Code"] == "InvalidRequestContentException"
    assert (
        info.value.response["Error"]["Message"]
        == "Client context must be a valid Base64-encoded JSON object."
    )


def test_dry_run(function, lambda_client):
    function()
    answer = lambda_client.invoke(FunctionName="fn", InvocationType="DryRun")
    assert answer["StatusCode"] == 204
    assert answer["Payload"].read() == b""


def test_reserved_concurrency_zero_throttles(function, lambda_client):
    function()
    lambda_client.put_function_concurrency(FunctionName="fn", ReservedConcurrentExecutions=0)
    with pytest.raises(ClientError) as info:
        call(lambda_client)
    response = info.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert response["Error"]["Code"] == "TooManyRequestsException"
    assert response["Error"]["Message"] == "Rate Exceeded."
    assert response["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
    lambda_client.delete_function_concurrency(FunctionName="fn")
    assert call(lambda_client)[0]["StatusCode"] == 200


def test_payload_too_large(function, lambda_client):
    function()
    with pytest.raises(ClientError) as info:
        lambda_client.invoke(FunctionName="fn", Payload=b'"' + b"x" * 6_291_456 + b'"')
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413
    assert info.value.response["Error"]["Code"] == "RequestTooLargeException"
    assert info.value.response["Error"]["Message"] == (
        "Request must be smaller than 6291456 bytes for the InvokeFunction operation"
    )


def test_payload_must_be_json(function, lambda_client):
    function()
    with pytest.raises(ClientError) as info:
        lambda_client.invoke(FunctionName="fn", Payload=b"not json")
    assert info.value.response["Error"]["Code"] == "InvalidRequestContentException"
    # Guessed detail after AWS's prefix (AWS quotes its JSON parser's complaint).
    assert info.value.response["Error"]["Message"].startswith("Could not parse request body into json")


def test_unknown_function_and_qualifier(function, lambda_client):
    arn = "arn:aws:lambda:us-east-1:000000000000:function:"
    with pytest.raises(ClientError) as info:
        lambda_client.invoke(FunctionName="nope")
    assert info.value.response["Error"]["Message"] == f"Function not found: {arn}nope"
    function()
    with pytest.raises(ClientError) as info:
        lambda_client.invoke(FunctionName="fn", Qualifier="1")
    assert info.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert info.value.response["Error"]["Message"] == f"Function not found: {arn}fn:1"
    assert lambda_client.invoke(FunctionName="fn", Qualifier="$LATEST")["StatusCode"] == 200


def _gone(pid: int, within: float = 3.0) -> bool:
    """Whether the process has exited (and been reaped) within `within` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_invoke_answers_json_content_type(function, lambda_client):
    function()
    answer = lambda_client.invoke(FunctionName="fn", Payload=b"{}")
    assert answer["ResponseMetadata"]["HTTPHeaders"]["content-type"] == "application/json"


def test_invoke_with_response_stream(function, lambda_client):
    function()
    answer = lambda_client.invoke_with_response_stream(
        FunctionName="fn", Payload=json.dumps({"a": 2}), LogType="Tail"
    )
    assert answer["StatusCode"] == 200
    assert answer["ExecutedVersion"] == "$LATEST"
    assert answer["ResponseStreamContentType"] == "application/vnd.amazon.eventstream"
    chunks, complete = [], None
    for event in answer["EventStream"]:
        if "PayloadChunk" in event:
            chunks.append(event["PayloadChunk"]["Payload"])
        else:
            complete = event["InvokeComplete"]
    assert json.loads(b"".join(chunks))["event"] == {"a": 2}
    assert "ErrorCode" not in complete
    assert "START RequestId:" in base64.b64decode(complete["LogResult"]).decode()


def test_invoke_with_response_stream_reports_errors(function, lambda_client):
    function()
    answer = lambda_client.invoke_with_response_stream(
        FunctionName="fn", Payload=json.dumps({"action": "fail"})
    )
    events = list(answer["EventStream"])
    assert [list(event) for event in events] == [["InvokeComplete"]]
    complete = events[0]["InvokeComplete"]
    assert complete["ErrorCode"] == "Unhandled"  # guessed: AWS's ErrorCode/ErrorDetails contents
    assert json.loads(complete["ErrorDetails"])["errorMessage"] == "boom"
