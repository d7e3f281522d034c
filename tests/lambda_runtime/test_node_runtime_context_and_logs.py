"""Node.js functions run by Stratus's own runtime client: the context object, environment and trace
id a handler sees, and its console lines in Lambda's text and JSON log formats.

These tests start the machine's real Node.js and are skipped without one (18 or later).
"""

from __future__ import annotations

import dataclasses
import json
import os
import re

from stratus.lambda_runtime import ExecutionEnvironment

from .conftest import FUNCTION_ARN, Harness, lines_between, write_code
from .node_runtime_support import (
    CALLBACK_RUNTIME,
    TIMESTAMP,
    invoke_many,
    invoke_once,
    needs_node,
    node_resolver_fixture,  # noqa: F401
    start,
)

# -- execution, with the machine's node ------------------------------------------------

CONTEXT_CODE = {
    "index.js": """
        let calls = 0;
        globalThis.inits = (globalThis.inits || 0) + 1;
        const pick = (prefixes) => Object.fromEntries(
          Object.entries(process.env).filter(([k]) => prefixes.some((p) => k.startsWith(p))));
        exports.handler = async (event, context) => {
          calls += 1;
          return {
            event, calls, inits: globalThis.inits,
            requestId: context.awsRequestId, functionName: context.functionName,
            functionVersion: context.functionVersion, memoryLimitInMB: context.memoryLimitInMB,
            invokedFunctionArn: context.invokedFunctionArn, logGroupName: context.logGroupName,
            logStreamName: context.logStreamName, remaining: context.getRemainingTimeInMillis(),
            clientContext: context.clientContext ?? null, identity: context.identity ?? null,
            waits: context.callbackWaitsForEmptyEventLoop ?? null,
            legacyMethods: ['succeed', 'fail', 'done'].filter((m) => typeof context[m] === 'function'),
            trace: process.env._X_AMZN_TRACE_ID ?? null,
            env: pick(['AWS_', 'LAMBDA_', '_', 'NODE_', 'TZ', 'MY_']),
            cwd: process.cwd(), execArgv: process.execArgv, gc: typeof gc,
            awslambda: typeof awslambda?.streamifyResponse,
          };
        };
    """,
}


@needs_node
def test_context_environment_and_trace_id(node_resolver, tmp_path):
    code = write_code(tmp_path / "code", CONTEXT_CODE)
    h = start(node_resolver, code, "index.handler", memory_size_mb=256, variables={"MY_SETTING": "on"})
    first, second = invoke_many(
        h,
        [
            {
                "payload": b'{"name": "stratus"}',
                "request_id": "11111111-2222-3333-4444-555555555555",
                "timeout": 3,
                "trace_id": "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1",
                "client_context": json.dumps({"custom": {"tenant": "a"}, "env": {}, "client": {}}),
                "cognito_identity": json.dumps({"cognitoIdentityId": "id-1", "cognitoIdentityPoolId": "p"}),
            },
            {"request_id": "req-2"},
        ],
    )
    assert first.status == "success" and first.function_error is None
    body = json.loads(first.payload)
    assert body["event"] == {"name": "stratus"}
    assert (body["calls"], body["inits"]) == (1, 1)
    assert body["requestId"] == "11111111-2222-3333-4444-555555555555"
    assert body["functionName"] == "probe" and body["functionVersion"] == "$LATEST"
    assert body["memoryLimitInMB"] == "256"  # a string, as in Lambda
    assert body["invokedFunctionArn"] == FUNCTION_ARN
    assert body["logGroupName"] == "/aws/lambda/probe"
    assert re.fullmatch(r"\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}", body["logStreamName"])
    assert 2000 < body["remaining"] <= 3000
    assert body["clientContext"] == {"custom": {"tenant": "a"}, "env": {}, "client": {}}
    assert body["identity"] == {"cognitoIdentityId": "id-1", "cognitoIdentityPoolId": "p"}
    assert body["waits"] is True and body["legacyMethods"] == ["succeed", "fail", "done"]
    assert body["trace"] == "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"
    assert body["cwd"] == str(code)
    assert "--expose-gc" in body["execArgv"] and body["gc"] == "function"
    assert body["awslambda"] == "function"
    env = body["env"]
    assert env["AWS_EXECUTION_ENV"] == f"AWS_Lambda_{CALLBACK_RUNTIME}"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256" and env["MY_SETTING"] == "on"
    assert env["LAMBDA_TASK_ROOT"] == str(code) and env["_HANDLER"] == "index.handler"
    assert env["NODE_PATH"].endswith(os.pathsep + str(code))
    assert "_LAMBDA_TELEMETRY_LOG_FD" not in env  # the runtime consumes it
    again = json.loads(second.payload)
    assert (again["calls"], again["inits"], again["requestId"]) == (2, 1, "req-2")
    assert again["trace"] is None  # each invocation's own trace id, or none
    assert again["clientContext"] is None and again["identity"] is None


LOG_CODE = {
    "index.js": """
        console.log('loading');
        exports.text = async () => {
          console.log('plain %s', 'formatted');
          console.info({ nested: { a: 1 } });
          console.warn('careful');
          console.error('two\\nlines');
          console.debug('debugging');
          console.trace('tracing');
          console.fatal('the end');
          console.log();
          process.stdout.write('raw stdout\\n');
          return 'logged';
        };
        exports.json = async () => {
          console.log('plain %s', 'formatted');
          console.info({ nested: { a: 1 } });
          console.debug('not shown at INFO');
          console.error('failed', new TypeError('wrong type'));
          return 'logged';
        };
    """,
}


@needs_node
def test_console_lines_in_lambdas_text_format(node_resolver, tmp_path):
    code = write_code(tmp_path / "code", LOG_CODE)
    h = start(node_resolver, code, "index.text")
    result = invoke_once(h, request_id="req-log")
    assert json.loads(result.payload) == "logged"
    # init output has no request id yet
    assert any(re.fullmatch(TIMESTAMP + r"\tundefined\tINFO\tloading\n", m) for m in h.messages)
    log = lines_between(h.messages, "req-log")
    records = [m for m in log if re.match(TIMESTAMP + "\t", m)]
    stripped = [re.sub("^" + TIMESTAMP, "<t>", m) for m in records]
    assert stripped == [
        "<t>\treq-log\tINFO\tplain formatted\n",
        "<t>\treq-log\tINFO\t{ nested: { a: 1 } }\n",
        "<t>\treq-log\tWARN\tcareful\n",
        "<t>\treq-log\tERROR\ttwo\nlines\n",  # one event, as the telemetry frame keeps it whole
        "<t>\treq-log\tDEBUG\tdebugging\n",
        "<t>\treq-log\tTRACE\ttracing\n",
        "<t>\treq-log\tFATAL\tthe end\n",
        "<t>\treq-log\tINFO\tundefined\n",  # Lambda formats console.log() as its undefined message
    ]
    assert "raw stdout\n" in log  # direct stdout writes stay plain lines


@needs_node
def test_console_lines_in_json_format_with_level_filter(node_resolver, tmp_path):
    code = write_code(tmp_path / "code", LOG_CODE)
    h = start(node_resolver, code, "index.json", log_format="JSON", application_log_level="INFO")
    invoke_once(h, request_id="req-json")
    records = [json.loads(m) for m in lines_between(h.messages, "req-json") if m.startswith("{")]
    assert [r["level"] for r in records] == ["INFO", "INFO", "ERROR"]
    assert all(re.fullmatch(TIMESTAMP, r["timestamp"]) and r["requestId"] == "req-json" for r in records)
    assert records[0]["message"] == "plain formatted"
    assert records[1]["message"] == {"nested": {"a": 1}}  # a lone object stays structured
    assert records[2]["message"].startswith("failed TypeError: wrong type")
    assert records[2]["errorType"] == "TypeError" and records[2]["errorMessage"] == "wrong type"
    assert records[2]["stackTrace"][0] == "TypeError: wrong type"
    init = next(json.loads(m) for m in h.messages if m.startswith('{"timestamp"') and "loading" in m)
    assert "requestId" not in init and init["message"] == "loading"


@needs_node
def test_without_the_telemetry_descriptor_records_are_stdout_lines(node_resolver, tmp_path):
    code = write_code(tmp_path / "code", LOG_CODE)
    h = start(node_resolver, code, "index.text")
    launch = dataclasses.replace(h.environment._launch, telemetry_log_fd=False)
    h = Harness(ExecutionEnvironment(launch, on_log=h.events.append), h.events)
    invoke_once(h, request_id="req-plain")
    log = lines_between(h.messages, "req-plain")
    assert any(re.fullmatch(TIMESTAMP + r"\treq-plain\tERROR\ttwo\rlines\n", m) for m in log)
