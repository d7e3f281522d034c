"""Custom runtimes: the function's own `bootstrap`, here a shell script using curl."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest

from stratus.lambda_runtime import FunctionConfig

from .conftest import harness, lines_between, run, write_code

BOOTSTRAP = """\
#!/bin/sh
set -eu
API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
echo "bootstrap started for $_HANDLER"
COUNT=0
while true; do
  HEADERS="$(mktemp)"
  EVENT="$(curl -sS -D "$HEADERS" "$API/invocation/next")"
  REQUEST_ID="$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$HEADERS" | cut -d: -f2 | tr -d '[:space:]')"
  DEADLINE="$(grep -i '^Lambda-Runtime-Deadline-Ms:' "$HEADERS" | cut -d: -f2 | tr -d '[:space:]')"
  rm -f "$HEADERS"
  COUNT=$((COUNT + 1))
  echo "handling $REQUEST_ID"
  if [ "$EVENT" = '"fail"' ]; then
    curl -sS -o /dev/null -H "Lambda-Runtime-Function-Error-Type: Custom.Failure" \\
      --data-binary '{"errorMessage": "asked to fail", "errorType": "Custom.Failure"}' \\
      "$API/invocation/$REQUEST_ID/error"
  elif [ "$EVENT" = '"exit"' ]; then
    exit 3
  else
    # a chunked body, as streaming clients send it
    printf '{"event": %s, "count": %d, "deadline": %s, "task_root": "%s"}' \\
      "$EVENT" "$COUNT" "$DEADLINE" "$LAMBDA_TASK_ROOT" \\
      | curl -sS -o /dev/null -H "Transfer-Encoding: chunked" --data-binary @- "$API/invocation/$REQUEST_ID/response"
  fi
done
"""

needs_curl = pytest.mark.skipif(
    shutil.which("curl") is None, reason="the shell bootstrap talks HTTP with curl"
)


def provided(code: Path, runtime: str = "provided.al2023", **overrides) -> FunctionConfig:
    return FunctionConfig(
        function_name="custom", runtime=runtime, handler="function.handler", code_dir=str(code), **overrides
    )


def executable(path: Path) -> Path:
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


@needs_curl
def test_shell_bootstrap_serves_invocations_and_stays_warm(resolver, tmp_path):
    code = write_code(tmp_path / "code", {"bootstrap": BOOTSTRAP})
    executable(code / "bootstrap")

    async def scenario():
        h = harness(resolver, provided(code))
        try:
            first = await h.invoke(b'{"n": 1}', request_id="c-1")
            second = await h.invoke(b'{"n": 2}', request_id="c-2")
            failed = await h.invoke(b'"fail"', request_id="c-3")
            return h, first, second, failed, h.environment.alive
        finally:
            await h.environment.shutdown()

    h, first, second, failed, alive = run(scenario())
    one, two = json.loads(first.payload), json.loads(second.payload)
    assert one["event"] == {"n": 1} and two["event"] == {"n": 2}
    assert (one["count"], two["count"]) == (1, 2)  # same process: warm
    assert one["task_root"] == str(code)
    assert one["deadline"] > 1_600_000_000_000
    assert first.init_duration_ms is not None and second.init_duration_ms is None
    assert failed.function_error == "Unhandled" and failed.error_type == "Custom.Failure"
    assert json.loads(failed.payload) == {"errorMessage": "asked to fail", "errorType": "Custom.Failure"}
    assert alive
    assert h.messages[0] == "bootstrap started for function.handler\n"  # init output precedes START
    assert lines_between(h.messages, "c-1")[1] == "handling c-1\n"


@needs_curl
def test_bootstrap_exit_is_runtime_exit_error(resolver, tmp_path):
    code = write_code(tmp_path / "code", {"bootstrap": BOOTSTRAP})
    executable(code / "bootstrap")

    async def scenario():
        h = harness(resolver, provided(code, runtime="provided.al2"))
        return await h.invoke(b'"exit"', request_id="c-exit"), h.environment.alive

    result, alive = run(scenario())
    assert json.loads(result.payload) == {
        "errorMessage": "RequestId: c-exit Error: Runtime exited with error: exit status 3",
        "errorType": "Runtime.ExitError",
    }
    assert not alive


def test_bootstrap_killed_by_a_signal(resolver, tmp_path):
    code = write_code(tmp_path / "code", {"bootstrap": "#!/bin/sh\nkill -SEGV $$\n"})
    executable(code / "bootstrap")

    async def scenario():
        h = harness(resolver, provided(code))
        return await h.invoke(request_id="c-sig")

    result = run(scenario())
    # exits before asking for work: the invocation fails with the init phase
    assert json.loads(result.payload) == {
        "errorMessage": "RequestId: c-sig Error: Runtime exited with error: signal: segmentation fault",
        "errorType": "Runtime.ExitError",
    }


def test_bootstrap_from_a_layer(resolver, tmp_path):
    code = write_code(tmp_path / "code", {"readme.txt": "no bootstrap here\n"})
    layer = write_code(tmp_path / "layer", {"bootstrap": "#!/bin/sh\necho from the layer\nexit 0\n"})
    executable(layer / "bootstrap")

    async def scenario():
        h = harness(resolver, provided(code, layer_dirs=(str(layer),)))
        return h, await h.invoke(request_id="c-layer")

    h, result = run(scenario())
    assert "from the layer\n" in h.messages
    assert json.loads(result.payload)["errorMessage"] == (
        "RequestId: c-layer Error: Runtime exited without providing a reason"
    )


def test_missing_bootstrap_is_invalid_entrypoint(resolver, tmp_path):
    code = write_code(tmp_path / "code", {"main.py": "print('hi')\n"})
    layer = write_code(tmp_path / "layer", {"lib/readme": "x\n"})

    async def scenario():
        h = harness(resolver, provided(code, layer_dirs=(str(layer),)))
        return h, await h.invoke(request_id="c-none")

    h, result = run(scenario())
    assert result.function_error == "Unhandled" and result.error_type == "Runtime.InvalidEntrypoint"
    assert json.loads(result.payload) == {
        "errorMessage": f"RequestId: c-none Error: Couldn't find valid bootstrap(s): "
        f"[{code}/bootstrap {layer}/bootstrap]",
        "errorType": "Runtime.InvalidEntrypoint",
    }
    assert not h.environment.alive
    assert any(
        m.startswith("INIT_REPORT") and "Error Type: Runtime.InvalidEntrypoint" in m for m in h.messages
    )


def test_bootstrap_not_executable_is_invalid_entrypoint(resolver, tmp_path):
    code = write_code(tmp_path / "code", {"bootstrap": "#!/bin/sh\necho never\n"})
    (code / "bootstrap").chmod(0o644)

    async def scenario():
        h = harness(resolver, provided(code))
        return await h.invoke(request_id="c-perm")

    result = run(scenario())
    # Lambda's supervisor is Go: os/exec's wording, lower case
    assert json.loads(result.payload) == {
        "errorMessage": f"RequestId: c-perm Error: fork/exec {code}/bootstrap: permission denied",
        "errorType": "Runtime.InvalidEntrypoint",
    }
