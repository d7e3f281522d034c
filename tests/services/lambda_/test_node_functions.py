"""Node.js functions end to end: CreateFunction with a nodejsNN.x runtime, Invoke, CloudWatch Logs.

The runtime is the one matching the machine's `node`; without a Node.js that Stratus runs
(18, 20, 22 or 24) these tests are skipped.
"""

import base64
import json
import os
import re
import shutil
import subprocess

import pytest
from botocore.exceptions import ClientError

from .conftest import make_zip


def _installed_node_major() -> int | None:
    node = shutil.which("node")
    if node is None:
        return None
    try:
        done = subprocess.run(
            [node, "-p", "process.versions.node"], capture_output=True, text=True, timeout=30
        )
        return int(done.stdout.strip().split(".")[0])
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return None


NODE_MAJOR = _installed_node_major()
NODE_RUNTIME = f"nodejs{NODE_MAJOR}.x"
pytestmark = pytest.mark.skipif(
    NODE_MAJOR not in (18, 20, 22, 24), reason="needs Node.js 18, 20, 22 or 24 on PATH as node"
)

HANDLER = """
let count = 0;
export const handler = async (event, context) => {
  count += 1;
  if (event.action === 'fail') {
    const error = new RangeError('out of range');
    error.code = 'E_RANGE';
    throw error;
  }
  if (event.action === 'env') {
    const names = ['AWS_LAMBDA_FUNCTION_NAME', 'AWS_REGION', 'AWS_EXECUTION_ENV', 'AWS_ENDPOINT_URL',
      'AWS_SESSION_TOKEN', 'GREETING', 'NODE_PATH'];
    return Object.fromEntries(names.map((name) => [name, process.env[name] ?? null]));
  }
  console.log('hello from', context.functionName);
  console.warn('count is', count);
  return { count, event, requestId: context.awsRequestId, memory: context.memoryLimitInMB };
};
"""


@pytest.fixture
def node_function(lambda_client, role_arn, stratus_server):
    def make(name="node-fn", files=None, **kwargs):
        params = {
            "FunctionName": name,
            "Runtime": NODE_RUNTIME,
            "Role": role_arn,
            "Handler": "index.handler",
            "Code": {"ZipFile": make_zip(files or {"index.mjs": HANDLER})},
            "Timeout": 3,
        }
        params.update(kwargs)
        return lambda_client.create_function(**params)

    yield make
    stratus_server.reset()  # no runtime process outlives its test


def call(lambda_client, name="node-fn", event=None, **kwargs):
    answer = lambda_client.invoke(FunctionName=name, Payload=json.dumps(event or {}), **kwargs)
    return answer, json.loads(answer["Payload"].read())


def test_create_and_invoke_a_node_function(node_function, lambda_client):
    created = node_function(MemorySize=256)
    assert created["Runtime"] == NODE_RUNTIME and created["Handler"] == "index.handler"
    answer, body = call(lambda_client, event={"a": 1})
    assert answer["StatusCode"] == 200 and "FunctionError" not in answer
    assert body == {
        "count": 1,
        "event": {"a": 1},
        "requestId": answer["ResponseMetadata"]["RequestId"],
        "memory": "256",
    }
    assert call(lambda_client)[1]["count"] == 2  # the same warm environment


def test_node_function_sees_lambdas_environment(node_function, lambda_client, stratus_endpoint):
    node_function(Environment={"Variables": {"GREETING": "hi"}})
    _, body = call(lambda_client, event={"action": "env"})
    assert body["AWS_LAMBDA_FUNCTION_NAME"] == "node-fn"
    assert body["AWS_REGION"] == "us-east-1"
    assert body["AWS_EXECUTION_ENV"] == f"AWS_Lambda_{NODE_RUNTIME}"
    assert body["AWS_ENDPOINT_URL"] == stratus_endpoint
    assert body["AWS_SESSION_TOKEN"]  # the role's temporary credentials
    assert body["GREETING"] == "hi"
    assert body["NODE_PATH"]


def test_unhandled_error_is_the_node_error_document(node_function, lambda_client):
    node_function()
    answer, body = call(lambda_client, event={"action": "fail"})
    assert answer["StatusCode"] == 200 and answer["FunctionError"] == "Unhandled"
    assert body["errorType"] == "RangeError" and body["errorMessage"] == "out of range"
    assert body["trace"][0] == "RangeError: out of range"
    assert re.match(r"    at .*index\.mjs:\d+:\d+", body["trace"][1])


def test_logs_reach_cloudwatch_in_lambdas_text_format(node_function, lambda_client, aws_client):
    node_function()
    answer, _ = call(lambda_client)
    request_id = answer["ResponseMetadata"]["RequestId"]
    events = aws_client("logs").filter_log_events(logGroupName="/aws/lambda/node-fn")["events"]
    messages = [event["message"] for event in events]
    assert any(m.startswith(f"START RequestId: {request_id}") for m in messages)
    stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"
    assert any(re.fullmatch(stamp + rf"\t{request_id}\tINFO\thello from node-fn\n", m) for m in messages)
    assert any(re.fullmatch(stamp + rf"\t{request_id}\tWARN\tcount is 1\n", m) for m in messages)
    assert any(m.startswith(f"REPORT RequestId: {request_id}") for m in messages)


def test_log_type_tail(node_function, lambda_client):
    node_function()
    answer, _ = call(lambda_client, LogType="Tail")
    tail = base64.b64decode(answer["LogResult"]).decode()
    request_id = answer["ResponseMetadata"]["RequestId"]
    assert f"\t{request_id}\tINFO\thello from node-fn\n" in tail
    assert f"END RequestId: {request_id}" in tail


def test_json_log_format(node_function, lambda_client, aws_client):
    node_function(LoggingConfig={"LogFormat": "JSON", "ApplicationLogLevel": "WARN"})
    answer, _ = call(lambda_client)
    request_id = answer["ResponseMetadata"]["RequestId"]
    events = aws_client("logs").filter_log_events(logGroupName="/aws/lambda/node-fn")["events"]
    records = [json.loads(e["message"]) for e in events if e["message"].startswith('{"timestamp"')]
    # INFO is below the function's application log level: only the warning is written
    assert [(r["level"], r["requestId"], r["message"]) for r in records] == [
        ("WARN", request_id, "count is 1")
    ]


def test_callback_handler_in_commonjs(node_function, lambda_client):
    if NODE_MAJOR >= 24:
        pytest.skip("nodejs24.x has no callback handlers")
    code = {
        "app.js": "exports.handler = (event, context, callback) => "
        "setTimeout(() => callback(null, { doubled: event.n * 2 }), 10);"
    }
    node_function(files=code, Handler="app.handler")
    answer, body = call(lambda_client, event={"n": 21})
    assert "FunctionError" not in answer and body == {"doubled": 42}


def test_missing_handler_fails_each_invoke_with_the_init_error(node_function, lambda_client):
    node_function(Handler="index.nothere")
    for _ in range(2):  # every new environment fails its init again
        answer, body = call(lambda_client)
        assert answer["FunctionError"] == "Unhandled"
        assert body["errorType"] == "Runtime.HandlerNotFound"
        assert body["errorMessage"] == "index.nothere is undefined or not exported"


def test_node_runtime_without_its_node_is_refused_at_create(lambda_client, role_arn):
    if any(re.fullmatch(r"STRATUS_LAMBDA_NODEJS(\d+_X|_ALLOW_NEWER)", name) for name in os.environ):
        pytest.skip("this machine configures which node runs the nodejs runtimes")
    other = 20 if NODE_MAJOR != 20 else 22
    with pytest.raises(ClientError) as info:
        lambda_client.create_function(
            FunctionName="other-node",
            Runtime=f"nodejs{other}.x",
            Role=role_arn,
            Handler="index.handler",
            Code={"ZipFile": make_zip({"index.mjs": HANDLER})},
        )
    error = info.value.response["Error"]
    assert error["Code"] == "InvalidParameterValueException"
    # Stratus's own reason (AWS runs every supported runtime).
    assert error["Message"].startswith(f"No usable Node.js {other} for the nodejs{other}.x runtime")
