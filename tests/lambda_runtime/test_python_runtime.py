"""Python functions run by the official awslambdaric against Stratus's Runtime API."""

from __future__ import annotations

import asyncio
import json
import os
import re
import uuid

from stratus.lambda_runtime import Credentials, EnvironmentBusyError, EnvironmentDeadError

from .conftest import (
    FUNCTION_ARN,
    PYTHON_RUNTIME,
    harness,
    lines_between,
    python_config,
    run,
    write_code,
)

HANDLERS = {
    "app.py": """
        import json, os, sys, time
        INIT_COUNT = 0
        INIT_COUNT += 1
        CALLS = 0

        def handler(event, context):
            global CALLS
            CALLS += 1
            print("hello from the handler")
            print("second line")
            return {
                "event": event,
                "init_count": INIT_COUNT,
                "calls": CALLS,
                "request_id": context.aws_request_id,
                "remaining_ms": context.get_remaining_time_in_millis(),
                "function_arn": context.invoked_function_arn,
                "function_name": context.function_name,
                "memory_limit": context.memory_limit_in_mb,
                "log_group": context.log_group_name,
                "log_stream": context.log_stream_name,
                "trace_id": os.environ.get("_X_AMZN_TRACE_ID"),
                "client_custom": context.client_context.custom if context.client_context else None,
                "cognito_id": context.identity.cognito_identity_id if context.identity else None,
                "env": {k: v for k, v in os.environ.items() if k.startswith(("AWS_", "LAMBDA_", "_", "TZ", "MY_"))},
                "cwd": os.getcwd(),
            }

        def boom(event, context):
            raise ValueError("something broke")

        def leave(event, context):
            print("exiting now")
            sys.exit(2)

        def slow(event, context):
            print("about to sleep")
            time.sleep(5)

        def huge(event, context):
            return "x" * (7 * 1024 * 1024)

        def imports(event, context):
            found = {}
            for name in ("boto3", "hypothesis", "pytest", "stratus"):
                try:
                    __import__(name)
                    found[name] = True
                except ImportError:
                    found[name] = False
            import boto3
            client = boto3.client("sqs")
            found["endpoint"] = client.meta.endpoint_url
            found["region"] = client.meta.region_name
            found["access_key"] = boto3.Session().get_credentials().access_key
            return found
    """,
}


def test_handler_returns_json_with_context_and_environment(resolver, tmp_path):
    code = write_code(tmp_path / "code", HANDLERS)
    config = python_config(
        code,
        memory_size_mb=256,
        region="eu-west-1",
        credentials=Credentials("ASIAEXAMPLE", "secret", "token"),
        endpoint_url="http://127.0.0.1:4566",
        variables={"MY_SETTING": "on", "AWS_REGION": "us-west-2", "TZ": "Europe/Paris"},
    )

    async def scenario():
        h = harness(resolver, config)
        try:
            result = await h.invoke(
                b'{"name": "stratus"}',
                timeout=3,
                request_id="11111111-2222-3333-4444-555555555555",
                trace_id="Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
                client_context=json.dumps({"custom": {"tenant": "a"}, "env": {}, "client": {}}),
                cognito_identity=json.dumps({"cognitoIdentityId": "id-1", "cognitoIdentityPoolId": "pool-1"}),
            )
            return h, result
        finally:
            await h.environment.shutdown()

    h, result = run(scenario())
    assert result.function_error is None and result.status == "success"
    body = json.loads(result.payload)
    assert body["event"] == {"name": "stratus"}
    assert body["request_id"] == "11111111-2222-3333-4444-555555555555"
    assert 2000 < body["remaining_ms"] <= 3000
    assert body["function_arn"] == FUNCTION_ARN
    assert body["function_name"] == "probe"
    assert body["memory_limit"] == "256"
    assert body["log_group"] == "/aws/lambda/probe"
    assert re.fullmatch(r"\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}", body["log_stream"])
    assert body["trace_id"].startswith("Root=1-5759e988")
    assert body["client_custom"] == {"tenant": "a"}
    assert body["cognito_id"] == "id-1"
    assert body["cwd"] == str(code)
    env = body["env"]
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == "probe"
    assert env["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "eu-west-1"  # reserved: not overridable
    assert env["TZ"] == ":UTC"
    assert env["MY_SETTING"] == "on"
    assert env["_HANDLER"] == "app.handler"
    assert env["LAMBDA_TASK_ROOT"] == str(code)
    assert env["AWS_EXECUTION_ENV"] == f"AWS_Lambda_{PYTHON_RUNTIME}"
    assert env["AWS_LAMBDA_RUNTIME_API"].startswith("127.0.0.1:")
    assert env["AWS_ACCESS_KEY_ID"] == "ASIAEXAMPLE"
    assert env["AWS_SECRET_ACCESS_KEY"] == "secret"
    assert env["AWS_SESSION_TOKEN"] == "token"
    assert env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:4566"
    assert env["AWS_LAMBDA_LOG_STREAM_NAME"] == body["log_stream"]
    assert "_LAMBDA_TELEMETRY_LOG_FD" not in env  # awslambdaric consumes it


def test_logs_are_framed_by_start_end_report(resolver, tmp_path):
    code = write_code(tmp_path / "code", HANDLERS)

    async def scenario():
        h = harness(resolver, python_config(code))
        try:
            first = await h.invoke(request_id="req-1")
            second = await h.invoke(request_id="req-2")
            return h, first, second
        finally:
            await h.environment.shutdown()

    h, first, second = run(scenario())
    log = lines_between(h.messages, "req-1")
    assert log[0] == "START RequestId: req-1 Version: $LATEST\n"
    assert log[1:3] == ["hello from the handler\n", "second line\n"]
    assert log[3] == "END RequestId: req-1\n"
    report = re.fullmatch(
        r"REPORT RequestId: req-1\tDuration: (\d+\.\d\d) ms\tBilled Duration: (\d+) ms\t"
        r"Memory Size: 128 MB\tMax Memory Used: (\d+) MB\tInit Duration: (\d+\.\d\d) ms\t\n",
        log[4],
    )
    assert report, log[4]
    duration, billed, used, init = float(report[1]), int(report[2]), int(report[3]), float(report[4])
    assert billed == first.billed_duration_ms >= duration + init  # init is billed since Aug 2025
    assert used == first.max_memory_used_mb > 0
    assert init == round(first.init_duration_ms, 2)
    # warm: no Init Duration, billed per millisecond rounded up
    warm = lines_between(h.messages, "req-2")[-1]
    assert "Init Duration" not in warm and second.init_duration_ms is None
    assert second.billed_duration_ms == max(1, -(-second.duration_ms // 1))
    assert first.log_tail.startswith("START RequestId: req-1") and first.log_tail.endswith("\t\n")


def test_warm_environment_is_reused_and_initialised_once(resolver, tmp_path):
    code = write_code(tmp_path / "code", HANDLERS)

    async def scenario():
        h = harness(resolver, python_config(code))
        try:
            results = [await h.invoke() for _ in range(3)]
            return h, results
        finally:
            await h.environment.shutdown()

    h, results = run(scenario())
    bodies = [json.loads(r.payload) for r in results]
    assert [b["calls"] for b in bodies] == [1, 2, 3]
    assert {b["init_count"] for b in bodies} == {1}
    assert results[0].init_duration_ms is not None
    assert results[1].init_duration_ms is None and results[2].init_duration_ms is None


def test_unhandled_exception(resolver, tmp_path):
    code = write_code(tmp_path / "code", HANDLERS)

    async def scenario():
        h = harness(resolver, python_config(code, handler="app.boom"))
        try:
            result = await h.invoke(request_id="req-boom")
            again = await h.invoke()  # an exception does not end the environment
            return h, result, (again, h.environment.alive)
        finally:
            await h.environment.shutdown()

    h, result, again = run(scenario())
    assert result.function_error == "Unhandled"
    assert result.error_type == "ValueError"
    document = json.loads(result.payload)
    assert document["errorType"] == "ValueError"
    assert document["errorMessage"] == "something broke"
    assert document["requestId"] == "req-boom"
    assert any('raise ValueError("something broke")' in frame for frame in document["stackTrace"])
    log = lines_between(h.messages, "req-boom")
    assert log[1].startswith("[ERROR] ValueError: something broke\nTraceback (most recent call last):")
    assert "Status:" not in log[-1]  # a handled-by-the-runtime error is not a platform failure
    assert again[0].error_type == "ValueError" and again[1]


def test_timeout_kills_the_environment(resolver, tmp_path):
    code = write_code(tmp_path / "code", HANDLERS)

    async def scenario():
        h = harness(resolver, python_config(code, handler="app.slow"))
        result = await h.invoke(request_id="req-slow", timeout=1)
        pid = h.environment.pid
        try:
            await h.invoke()
        except EnvironmentDeadError:
            dead = True
        else:
            dead = False
        return h, result, pid, dead

    h, result, pid, dead = run(scenario())
    assert result.status == "timeout" and result.function_error == "Unhandled"
    assert json.loads(result.payload) == {
        "errorMessage": "RequestId: req-slow Error: Task timed out after 1.00 seconds",
        "errorType": "Sandbox.Timedout",
    }
    assert 1000 <= result.duration_ms < 1500
    assert dead and not h.environment.alive
    try:
        os.kill(pid, 0)
        still_running = True
    except ProcessLookupError:
        still_running = False
    assert not still_running
    log = lines_between(h.messages, "req-slow")
    assert log[1] == "about to sleep\n"
    assert log[-2] == "END RequestId: req-slow\n"
    assert log[-1].endswith("\tStatus: timeout\t\n")


def test_exit_during_invocation_is_runtime_exit_error(resolver, tmp_path):
    code = write_code(tmp_path / "code", HANDLERS)

    async def scenario():
        h = harness(resolver, python_config(code, handler="app.leave"))
        result = await h.invoke(request_id="req-exit")
        return h, result

    h, result = run(scenario())
    assert result.function_error == "Unhandled" and result.error_type == "Runtime.ExitError"
    assert json.loads(result.payload) == {
        "errorMessage": "RequestId: req-exit Error: Runtime exited with error: exit status 2",
        "errorType": "Runtime.ExitError",
    }
    assert not h.environment.alive
    log = lines_between(h.messages, "req-exit")
    assert log[1] == "exiting now\n"
    assert log[-1].endswith("\tStatus: error\tError Type: Runtime.ExitError\t\n")


def test_import_error_at_init(resolver, tmp_path):
    code = write_code(tmp_path / "code", {"app.py": "import module_that_does_not_exist\n"})

    async def scenario():
        h = harness(resolver, python_config(code))
        result = await h.invoke(request_id="req-init")
        return h, result

    h, result = run(scenario())
    assert result.function_error == "Unhandled"
    assert result.error_type == "Runtime.ImportModuleError"
    document = json.loads(result.payload)
    assert document["errorType"] == "Runtime.ImportModuleError"
    assert document["errorMessage"] == (
        "Unable to import module 'app': No module named 'module_that_does_not_exist'"
    )
    assert not h.environment.alive
    init_report = next(m for m in h.messages if m.startswith("INIT_REPORT"))
    assert re.fullmatch(
        r"INIT_REPORT Init Duration: \d+\.\d\d ms\tPhase: init\tStatus: error\t"
        r"Error Type: Runtime.ImportModuleError\n",
        init_report,
    )
    assert h.messages.index(init_report) < h.messages.index("START RequestId: req-init Version: $LATEST\n")
    assert lines_between(h.messages, "req-init")[-1].endswith("Error Type: Runtime.ImportModuleError\t\n")


def test_slow_init_times_out(resolver, tmp_path):
    code = write_code(
        tmp_path / "code", {"app.py": "import time\ntime.sleep(5)\ndef handler(e, c):\n    return 1\n"}
    )

    async def scenario():
        h = harness(resolver, python_config(code), init_timeout=0.5)
        result = await h.invoke(request_id="req-init-slow", timeout=2)
        return h, result

    h, result = run(scenario())
    assert result.status == "timeout" and result.error_type == "Sandbox.Timedout"
    assert json.loads(result.payload)["errorMessage"] == (
        "RequestId: req-init-slow Error: Task timed out after 2.00 seconds"
    )
    assert any(
        re.fullmatch(r"INIT_REPORT Init Duration: \d+\.\d\d ms\tPhase: init\tStatus: timeout\n", m)
        for m in h.messages
    )
    assert not h.environment.alive


def test_response_over_6mb_is_function_response_size_too_large(resolver, tmp_path):
    code = write_code(tmp_path / "code", HANDLERS)

    async def scenario():
        h = harness(resolver, python_config(code, handler="app.huge"))
        try:
            result = await h.invoke()
            # awslambdaric raises on the 413 its post received and the runtime exits, as it
            # would in Lambda: the environment is gone once the process has.
            for _ in range(100):
                if not h.environment.alive:
                    break
                await asyncio.sleep(0.01)
            return result, h.environment.alive
        finally:
            await h.environment.shutdown()

    result, alive = run(scenario())
    assert not alive
    assert result.function_error == "Unhandled"
    assert result.error_type == "Function.ResponseSizeTooLarge"
    # json.dumps of the 7 MiB string adds its two quotes
    assert json.loads(result.payload) == {
        "errorMessage": "Response payload size (7340034 bytes) exceeded maximum allowed payload size (6291556 bytes).",
        "errorType": "Function.ResponseSizeTooLarge",
    }


def test_function_sees_boto3_but_not_stratus_site_packages(resolver, tmp_path):
    code = write_code(tmp_path / "code", HANDLERS)

    async def scenario():
        config = python_config(
            code,
            handler="app.imports",
            region="ap-southeast-2",
            credentials=Credentials("AKIDFUNCTION", "secret"),
            endpoint_url="http://127.0.0.1:4566",
        )
        h = harness(resolver, config)
        try:
            return await h.invoke()
        finally:
            await h.environment.shutdown()

    found = json.loads(run(scenario()).payload)
    assert found == {
        "boto3": True,
        "hypothesis": False,
        "pytest": False,
        "stratus": False,
        # the SDK inside the function talks to Stratus with the function's credentials
        "endpoint": "http://127.0.0.1:4566",
        "region": "ap-southeast-2",
        "access_key": "AKIDFUNCTION",
    }


def test_layers_and_code_on_the_path(resolver, tmp_path):
    version = PYTHON_RUNTIME.removeprefix("python")
    code = write_code(
        tmp_path / "code",
        {
            "app.py": "import shared, pkg_in_site\ndef handler(e, c):\n    return [shared.WHO, pkg_in_site.WHO]\n"
        },
    )
    first = write_code(tmp_path / "layer1", {"python/shared.py": "WHO = 'layer1'\n"})
    second = write_code(
        tmp_path / "layer2",
        {
            "python/shared.py": "WHO = 'layer2'\n",
            f"python/lib/python{version}/site-packages/pkg_in_site.py": "WHO = 'site'\n",
        },
    )

    async def scenario():
        h = harness(resolver, python_config(code, layer_dirs=(str(first), str(second))))
        try:
            return await h.invoke()
        finally:
            await h.environment.shutdown()

    # the later layer wins, as when Lambda extracts layers in order into /opt
    assert json.loads(run(scenario()).payload) == ["layer2", "site"]


def test_one_invocation_at_a_time(resolver, tmp_path):
    code = write_code(tmp_path / "code", HANDLERS)

    async def scenario():
        h = harness(resolver, python_config(code, handler="app.slow"))
        first = asyncio.ensure_future(h.invoke(timeout=1))
        await asyncio.sleep(0.05)
        try:
            await h.invoke()
        except EnvironmentBusyError:
            busy = True
        else:
            busy = False
        await first
        return busy

    assert run(scenario())


def test_log_sink_receives_timestamps(resolver, tmp_path):
    code = write_code(tmp_path / "code", HANDLERS)

    async def scenario():
        import time

        h = harness(resolver, python_config(code))
        before = time.time() * 1000
        try:
            await h.invoke(request_id=str(uuid.uuid4()))
        finally:
            await h.environment.shutdown()
        return h, before, time.time() * 1000

    h, before, after = run(scenario())
    assert h.events and all(before - 1 <= e.timestamp_ms <= after + 1 for e in h.events)


def test_cancelled_invocation_destroys_the_environment(resolver, tmp_path):
    code = write_code(tmp_path / "code", HANDLERS)

    async def scenario():
        h = harness(resolver, python_config(code, handler="app.slow"))
        task = asyncio.ensure_future(h.invoke(timeout=3))
        await asyncio.sleep(0.2)
        pid = h.environment.pid
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        for _ in range(100):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return h.environment.alive, True
            await asyncio.sleep(0.01)
        return h.environment.alive, False

    alive, process_gone = run(scenario())
    assert not alive and process_gone
