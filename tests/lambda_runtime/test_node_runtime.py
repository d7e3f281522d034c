"""Node.js functions run by Stratus's own runtime client (stratus/lambda_runtime/nodejs).

The resolution tests use stand-in `node` scripts and run anywhere; the others start the
machine's real Node.js and are skipped without one (18 or later).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from stratus.lambda_runtime import ExecutionEnvironment, FunctionConfig, RuntimeResolver, RuntimeUnavailable
from stratus.lambda_runtime.node_image import BOOTSTRAP, RUNTIME_DIR

from .conftest import FUNCTION_ARN, Harness, lines_between, run, write_code


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
needs_node = pytest.mark.skipif(
    NODE_MAJOR is None or NODE_MAJOR < 18, reason="needs Node.js 18 or later on PATH as node"
)
# The callback-era runtime the installed node can run (with ALLOW_NEWER when it is newer).
CALLBACK_MAJOR = max((m for m in (18, 20, 22) if NODE_MAJOR and m <= NODE_MAJOR), default=20)
CALLBACK_RUNTIME = f"nodejs{CALLBACK_MAJOR}.x"
TIMESTAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"


# -- resolution, with stand-in node executables ----------------------------------------


def fake_node(
    directory: Path, name: str = "node", *, version: str = "20.11.1", flags=None, fail=None
) -> Path:
    """A script that answers Stratus's probe like a node of `version` (and counts the probes)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    if fail:
        path.write_text(f"#!/bin/sh\necho '{fail}' >&2\nexit 1\n")
    else:
        if flags is None:
            flags = ["--no-experimental-detect-module", "--no-experimental-require-module"]
        answer = json.dumps({"version": version, "flags": flags})
        path.write_text(f"#!/bin/sh\necho probed >> '{path}.calls'\necho '{answer}'\n")
    path.chmod(0o755)
    return path


def node_config(code: Path, runtime: str = "nodejs20.x", **overrides) -> FunctionConfig:
    values = {"function_name": "fn", "runtime": runtime, "handler": "index.handler", "code_dir": str(code)}
    values.update(overrides)
    return FunctionConfig(**values)


def test_node_on_path_of_the_runtimes_major_runs_the_bootstrap(tmp_path):
    node = fake_node(tmp_path / "bin")
    resolver = RuntimeResolver(support_dir=tmp_path / "s", environ={"PATH": str(tmp_path / "bin")})
    code = tmp_path / "code"
    spec = resolver.launch_spec(
        node_config(code, memory_size_mb=256, layer_dirs=(str(tmp_path / "l1"), str(tmp_path / "l2")))
    )
    # Lambda's bootstrap flags: heap sizes from the memory (a tenth young, half of it per
    # semi-space; the rest old), and require(esm) off on Node.js 20.
    assert spec.argv == (
        str(node),
        "--expose-gc",
        "--max-http-header-size=81920",
        "--no-experimental-require-module",
        "--max-semi-space-size=12",
        "--max-old-space-size=231",
        str(BOOTSTRAP),
    )
    assert spec.cwd == str(code) and spec.telemetry_log_fd
    assert spec.env["AWS_EXECUTION_ENV"] == "AWS_Lambda_nodejs20.x"
    assert spec.env["LAMBDA_RUNTIME_DIR"] == str(RUNTIME_DIR)
    assert spec.env["_HANDLER"] == "index.handler"
    assert spec.env["NODE_PATH"].split(os.pathsep) == [
        str(tmp_path / "l2" / "nodejs" / "node20" / "node_modules"),
        str(tmp_path / "l1" / "nodejs" / "node20" / "node_modules"),
        str(tmp_path / "l2" / "nodejs" / "node_modules"),
        str(tmp_path / "l1" / "nodejs" / "node_modules"),
        str(RUNTIME_DIR / "node_modules"),
        str(RUNTIME_DIR),
        str(code),
    ]


@pytest.mark.parametrize(
    ("runtime", "flags"),
    [
        ("nodejs18.x", []),
        ("nodejs20.x", ["--no-experimental-require-module"]),
        ("nodejs22.x", ["--no-experimental-require-module", "--no-experimental-detect-module"]),
        ("nodejs24.x", []),
    ],
)
def test_experimental_features_lambda_disables(tmp_path, runtime, flags):
    major = runtime.removeprefix("nodejs").removesuffix(".x")
    fake_node(tmp_path / "bin", version=f"{major}.1.0")
    resolver = RuntimeResolver(support_dir=tmp_path / "s", environ={"PATH": str(tmp_path / "bin")})
    argv = resolver.launch_spec(node_config(tmp_path, runtime)).argv
    assert [a for a in argv if a.startswith("--no-experimental")] == flags
    assert (
        resolver.launch_spec(node_config(tmp_path, runtime)).env["AWS_EXECUTION_ENV"]
        == f"AWS_Lambda_{runtime}"
    )


def test_a_node_that_lacks_the_flags_does_not_get_them(tmp_path):
    fake_node(tmp_path / "bin", version="22.1.0", flags=[])
    resolver = RuntimeResolver(support_dir=tmp_path / "s", environ={"PATH": str(tmp_path / "bin")})
    argv = resolver.launch_spec(node_config(tmp_path, "nodejs22.x")).argv
    assert argv[3:5] == ("--max-semi-space-size=6", "--max-old-space-size=116")


def test_function_node_options_override_the_bootstraps_choices(tmp_path):
    fake_node(tmp_path / "bin", version="22.3.0")
    resolver = RuntimeResolver(support_dir=tmp_path / "s", environ={"PATH": str(tmp_path / "bin")})
    options = "--experimental-require-module --max-old-space-size=64"
    spec = resolver.launch_spec(
        node_config(tmp_path, "nodejs22.x", variables={"NODE_OPTIONS": options, "NODE_PATH": "/mine"})
    )
    # the re-enabled feature loses its disabling flag; heap options left to the function
    assert spec.argv[3:] == ("--no-experimental-detect-module", str(BOOTSTRAP))
    assert spec.env["NODE_OPTIONS"] == options
    assert spec.env["NODE_PATH"] == "/mine"  # Lambda's bootstrap keeps a NODE_PATH the function sets


def test_explicit_node_variable_is_used_without_fallback(tmp_path):
    on_path = fake_node(tmp_path / "bin")
    chosen = fake_node(tmp_path / "elsewhere", "node20", version="20.5.0")
    resolver = RuntimeResolver(
        support_dir=tmp_path / "s",
        environ={"PATH": str(tmp_path / "bin"), "STRATUS_LAMBDA_NODEJS20_X": str(chosen)},
    )
    assert resolver.launch_spec(node_config(tmp_path)).argv[0] == str(chosen)
    missing = RuntimeResolver(
        support_dir=tmp_path / "s",
        environ={"PATH": str(tmp_path / "bin"), "STRATUS_LAMBDA_NODEJS20_X": str(tmp_path / "nope")},
    )
    reason = missing.unavailable_reason("nodejs20.x")
    assert reason.startswith(f"nodejs20.x: STRATUS_LAMBDA_NODEJS20_X={tmp_path / 'nope'} is not usable:")
    assert not Path(f"{on_path}.calls").exists()


def test_node_of_another_major_is_refused_with_the_reason(tmp_path):
    fake_node(tmp_path / "bin", version="22.3.0")
    node = tmp_path / "bin" / "node"
    resolver = RuntimeResolver(support_dir=tmp_path / "s", environ={"PATH": str(tmp_path / "bin")})
    assert resolver.unavailable_reason("nodejs20.x") == (
        f"No usable Node.js 20 for the nodejs20.x runtime ({node} is Node.js 22.3.0, not 20; set "
        "STRATUS_LAMBDA_NODEJS_ALLOW_NEWER=1 to run nodejs20.x functions on a newer Node.js). "
        "Put Node.js 20 on PATH as node, or set STRATUS_LAMBDA_NODEJS20_X to a Node.js 20 executable."
    )
    # an older node is never offered as a way out
    assert f"({node} is Node.js 22.3.0, not 24)." in resolver.unavailable_reason("nodejs24.x")
    with pytest.raises(RuntimeUnavailable):
        resolver.launch_spec(node_config(tmp_path, "nodejs24.x"))


def test_newer_node_allowed_on_request_keeps_the_runtimes_identity(tmp_path):
    node = fake_node(tmp_path / "bin", version="22.3.0")
    resolver = RuntimeResolver(
        support_dir=tmp_path / "s",
        environ={"PATH": str(tmp_path / "bin"), "STRATUS_LAMBDA_NODEJS_ALLOW_NEWER": "1"},
    )
    spec = resolver.launch_spec(node_config(tmp_path, "nodejs18.x", layer_dirs=(str(tmp_path / "l"),)))
    assert spec.argv[0] == str(node)
    assert spec.env["AWS_EXECUTION_ENV"] == "AWS_Lambda_nodejs18.x"
    assert spec.env["NODE_PATH"].split(os.pathsep)[0] == str(
        tmp_path / "l" / "nodejs" / "node18" / "node_modules"
    )
    # an older node never runs a newer runtime
    assert "is Node.js 22.3.0, not 24)" in resolver.unavailable_reason("nodejs24.x")


def test_no_node_at_all(tmp_path):
    resolver = RuntimeResolver(support_dir=tmp_path / "s", environ={"PATH": str(tmp_path)})
    assert resolver.unavailable_reason("nodejs22.x") == (
        "No usable Node.js 22 for the nodejs22.x runtime (no node on PATH). "
        "Put Node.js 22 on PATH as node, or set STRATUS_LAMBDA_NODEJS22_X to a Node.js 22 executable."
    )


def test_broken_node_on_path(tmp_path):
    fake_node(tmp_path / "bin", fail="nvm: node: version not installed")
    resolver = RuntimeResolver(support_dir=tmp_path / "s", environ={"PATH": str(tmp_path / "bin")})
    assert "nvm: node: version not installed" in resolver.unavailable_reason("nodejs20.x")


@pytest.mark.parametrize("runtime", ["nodejs16.x", "nodejs26.x", "nodejs20", "nodejs"])
def test_node_runtimes_stratus_does_not_run(tmp_path, runtime):
    fake_node(tmp_path / "bin")
    resolver = RuntimeResolver(support_dir=tmp_path / "s", environ={"PATH": str(tmp_path / "bin")})
    assert resolver.unavailable_reason(runtime) == f"The {runtime} runtime is not supported by Stratus."


def test_node_is_probed_once_per_executable(tmp_path):
    node = fake_node(tmp_path / "bin")
    resolver = RuntimeResolver(support_dir=tmp_path / "s", environ={"PATH": str(tmp_path / "bin")})
    resolver.launch_spec(node_config(tmp_path))
    resolver.launch_spec(node_config(tmp_path))
    resolver.unavailable_reason("nodejs22.x")  # same node, another runtime: no second probe
    assert Path(f"{node}.calls").read_text().count("probed") == 1


# -- execution, with the machine's node ------------------------------------------------


@pytest.fixture(scope="module")
def node_resolver(tmp_path_factory) -> RuntimeResolver:
    environ = dict(os.environ, STRATUS_LAMBDA_NODEJS_ALLOW_NEWER="1")
    environ = {k: v for k, v in environ.items() if not re.fullmatch(r"STRATUS_LAMBDA_NODEJS\d+_X", k)}
    return RuntimeResolver(support_dir=tmp_path_factory.mktemp("node-support"), environ=environ)


def start(resolver, code: Path, handler: str, *, promise_era: bool = False, **overrides) -> Harness:
    """An environment for `handler`; promise_era runs the bootstrap as nodejs24.x does."""
    runtime = "nodejs24.x" if promise_era and NODE_MAJOR >= 24 else CALLBACK_RUNTIME
    config = FunctionConfig(
        function_name="probe", runtime=runtime, handler=handler, code_dir=str(code), **overrides
    )
    spec = resolver.launch_spec(config)
    if promise_era and runtime != "nodejs24.x":
        # The programming model follows AWS_EXECUTION_ENV, as in Lambda's own client.
        spec = dataclasses.replace(spec, env={**spec.env, "AWS_EXECUTION_ENV": "AWS_Lambda_nodejs24.x"})
    events: list = []
    return Harness(ExecutionEnvironment(spec, on_log=events.append), events)


def invoke_once(h: Harness, payload: bytes = b"{}", **kwargs):
    async def scenario():
        try:
            return await h.invoke(payload, **kwargs)
        finally:
            await h.environment.shutdown()

    return run(scenario())


def invoke_many(h: Harness, calls: list[dict], *, settle: float = 0.0):
    async def scenario():
        results = []
        try:
            for call in calls:
                results.append(await h.invoke(call.pop("payload", b"{}"), **call))
            await asyncio.sleep(settle)
            return results
        finally:
            await h.environment.shutdown()

    return run(scenario())


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


@pytest.mark.parametrize(
    ("files", "handler", "expected"),
    [
        ({"app.js": "exports.handler = async () => 'cjs:' + typeof require;"}, "app.handler", "cjs:function"),
        (
            {"app.mjs": "export const handler = async () => 'esm:' + typeof require;"},
            "app.handler",
            "esm:undefined",
        ),
        ({"app.cjs": "exports.handler = async () => 'cjs-ext';"}, "app.handler", "cjs-ext"),
        (
            {
                "package.json": '{"type": "module"}',
                "app.js": "export const handler = async () => 'module-js:' + typeof require;",
            },
            "app.handler",
            "module-js:undefined",
        ),
        (
            {
                "src/package.json": '{"type": "module"}',
                "src/deep/app.js": "export const api = { v1: { get: async () => 'nested esm' } };",
            },
            "src/deep/app.api.v1.get",
            "nested esm",
        ),
        (
            {
                "package.json": '{"type": "commonjs"}',
                "lib/app.js": "module.exports = { handler: async () => 'dir' };",
            },
            "lib/app.handler",
            "dir",
        ),
        (
            {"node_modules/mylib/index.js": "exports.handler = async () => 'from node_modules';"},
            "mylib.handler",
            "from node_modules",
        ),
    ],
    ids=[
        "js-commonjs",
        "mjs",
        "cjs",
        "js-type-module",
        "nested-dir-and-export",
        "subdirectory",
        "node-modules",
    ],
)
@needs_node
def test_module_resolution(node_resolver, tmp_path, files, handler, expected):
    code = write_code(tmp_path / "code", files)
    result = invoke_once(start(node_resolver, code, handler))
    assert result.status == "success", result.payload
    assert json.loads(result.payload) == expected


INIT_FAILURES = [
    (
        {},
        "nope.handler",
        "Runtime.ImportModuleError",
        f"Error: Cannot find module 'nope'\nRequire stack:\n- {BOOTSTRAP}",
    ),
    (
        {"index.js": "require('left-pad');\nexports.handler = async () => 1;"},
        "index.handler",
        "Runtime.ImportModuleError",
        "Error: Cannot find module 'left-pad'\nRequire stack:\n- {code}/index.js\n- " + str(BOOTSTRAP),
    ),
    (
        {"index.js": "exports.other = async () => 1;"},
        "index.handler",
        "Runtime.HandlerNotFound",
        "index.handler is undefined or not exported",
    ),
    (
        {"index.js": "exports.handler = 42;"},
        "index.handler",
        "Runtime.HandlerNotFound",
        "index.handler is not a function",
    ),
    ({"index.js": "exports.handler = 1;"}, "index", "Runtime.MalformedHandlerName", "Bad handler"),
    (
        {},
        "../outside.handler",
        "Runtime.MalformedHandlerName",
        "'../outside.handler' is not a valid handler name. Use absolute paths when specifying root directories "
        "in handler names.",
    ),
    (
        {"index.js": "exports.handler = async () => { return 1 +; };"},
        "index.handler",
        "Runtime.UserCodeSyntaxError",
        "SyntaxError: Unexpected token ';'",
    ),
    ({"index.js": "throw new RangeError('bad config');"}, "index.handler", "RangeError", "bad config"),
]


@pytest.mark.parametrize(("files", "handler", "error_type", "message"), INIT_FAILURES)
@needs_node
def test_init_failures_are_reported_through_init_error(
    node_resolver, tmp_path, files, handler, error_type, message
):
    code = write_code(tmp_path / "code", files)
    h = start(node_resolver, code, handler)
    result = invoke_once(h, request_id="req-init")
    message = message.replace("{code}", str(code))
    assert result.function_error == "Unhandled" and result.error_type == error_type
    document = json.loads(result.payload)
    assert (document["errorType"], document["errorMessage"]) == (error_type, message)
    assert document["trace"][0] == f"{error_type}: {message.splitlines()[0]}"
    assert not h.environment.alive
    logged = next(m for m in h.messages if "\tERROR\tUncaught Exception \t" in m)
    prefix = re.match(TIMESTAMP + r"\tundefined\tERROR\tUncaught Exception \t", logged)
    assert prefix, logged
    detail = json.loads(logged[prefix.end() :])
    assert (detail["errorType"], detail["errorMessage"]) == (error_type, message)
    init_report = next(m for m in h.messages if m.startswith("INIT_REPORT"))
    assert init_report.endswith(f"\tPhase: init\tStatus: error\tError Type: {error_type}\n")


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


@needs_node
def test_layers_node_modules_on_node_path(node_resolver, tmp_path):
    code = write_code(
        tmp_path / "code",
        {"index.js": "exports.handler = async () => [require('shared').who, require('versioned').who];"},
    )
    first = write_code(
        tmp_path / "layer1",
        {
            "nodejs/node_modules/shared/index.js": "exports.who = 'layer1';",
            f"nodejs/node{CALLBACK_MAJOR}/node_modules/versioned/index.js": "exports.who = 'node-specific';",
        },
    )
    second = write_code(
        tmp_path / "layer2", {"nodejs/node_modules/shared/index.js": "exports.who = 'layer2';"}
    )
    h = start(node_resolver, code, "index.handler", layer_dirs=(str(first), str(second)))
    # the later layer wins, as when Lambda extracts layers in order into /opt
    assert json.loads(invoke_once(h).payload) == ["layer2", "node-specific"]
