"""Which runtimes run, with which interpreter, and the environment they get."""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from stratus.lambda_runtime import (
    Credentials,
    FunctionConfig,
    RuntimeResolver,
    RuntimeUnavailable,
    new_log_stream_name,
    reserved_keys_in,
)
from stratus.lambda_runtime.function_env import RESERVED_KEYS_MESSAGE, aws_environment
from stratus.lambda_runtime.platform_lines import billed_duration, exit_reason, report_line

from .conftest import PYTHON_RUNTIME

RUNNING = f"{sys.version_info.major}.{sys.version_info.minor}"


def fake_python(
    directory: Path,
    name: str,
    *,
    version: str,
    awslambdaric: str = "",
    boto3: bool = True,
    prefix: str = "/opt/fake",
    base: str | None = None,
    fail: str | None = None,
) -> Path:
    """A stand-in interpreter that answers Stratus's probe (and counts how often it is asked)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    if fail:
        path.write_text(f"#!/bin/sh\necho '{fail}' >&2\nexit 127\n")
    else:
        answer = json.dumps(
            {
                "version": version,
                "executable": str(path),
                "base": base or str(path),
                "prefix": prefix,
                "awslambdaric": awslambdaric,
                "boto3": boto3,
            }
        )
        path.write_text(f"#!/bin/sh\necho probed >> '{path}.calls'\necho '{answer}'\n")
    path.chmod(0o755)
    return path


def config(code: Path, runtime: str = "python3.12", **overrides) -> FunctionConfig:
    return FunctionConfig(
        function_name="fn", runtime=runtime, handler="app.handler", code_dir=str(code), **overrides
    )


@pytest.mark.parametrize(
    ("runtime", "reason"),
    [
        ("nodejs16.x", "The nodejs16.x runtime is not supported by Stratus."),
        ("nodejs26.x", "The nodejs26.x runtime is not supported by Stratus."),
        ("java21", "The java21 runtime is not supported by Stratus."),
        ("python3.8", "The python3.8 runtime is not supported by Stratus."),
        ("ruby3.3", "The ruby3.3 runtime is not supported by Stratus."),
    ],
)
def test_runtimes_that_cannot_run(tmp_path, runtime, reason):
    resolver = RuntimeResolver(support_dir=tmp_path, environ={"PATH": ""})
    assert resolver.unavailable_reason(runtime) == reason
    with pytest.raises(RuntimeUnavailable, match=reason.replace(".", r"\.")):
        resolver.launch_spec(config(tmp_path, runtime))


@pytest.mark.parametrize("runtime", ["provided", "provided.al2", "provided.al2023"])
def test_custom_runtimes_need_no_interpreter(tmp_path, runtime):
    resolver = RuntimeResolver(support_dir=tmp_path, environ={"PATH": ""})
    spec = resolver.launch_spec(config(tmp_path, runtime))
    assert spec.argv == (str(tmp_path / "bootstrap"),)
    assert "AWS_EXECUTION_ENV" not in spec.env and not spec.telemetry_log_fd


def test_explicit_interpreter_variable_is_used_without_fallback(tmp_path):
    good = fake_python(tmp_path / "good", "python3.12", version="3.12", awslambdaric="/opt/ric")
    resolver = RuntimeResolver(
        support_dir=tmp_path / "support",
        environ={"PATH": str(tmp_path / "good"), "STRATUS_LAMBDA_PYTHON3_12": str(tmp_path / "missing")},
    )
    reason = resolver.unavailable_reason("python3.12")
    assert reason.startswith(f"python3.12: STRATUS_LAMBDA_PYTHON3_12={tmp_path / 'missing'} is not usable:")
    assert not Path(f"{good}.calls").exists()  # the PATH one was not even tried


def test_explicit_interpreter_with_its_own_awslambdaric(tmp_path):
    chosen = fake_python(tmp_path / "a", "py", version="3.12", awslambdaric="/opt/py312/site-packages")
    fake_python(tmp_path / "path", "python3.12", version="3.12", fail="not me")
    resolver = RuntimeResolver(
        support_dir=tmp_path / "support",
        environ={"PATH": str(tmp_path / "path"), "STRATUS_LAMBDA_PYTHON3_12": str(chosen)},
    )
    code = tmp_path / "code"
    spec = resolver.launch_spec(config(code))
    assert spec.argv == (str(chosen), "-m", "awslambdaric", "app.handler")
    assert spec.env["PYTHONPATH"] == str(code)  # it has boto3 itself: nothing added
    assert spec.env["LAMBDA_RUNTIME_DIR"] == "/opt/py312/site-packages"
    assert spec.env["AWS_EXECUTION_ENV"] == "AWS_Lambda_python3.12"
    assert spec.telemetry_log_fd


def test_interpreter_without_boto3_gets_stratus_sdk_last_on_the_path(tmp_path):
    fake_python(tmp_path / "bin", "python3.12", version="3.12", awslambdaric="/opt/ric", boto3=False)
    resolver = RuntimeResolver(support_dir=tmp_path / "support", environ={"PATH": str(tmp_path / "bin")})
    code, layer = tmp_path / "code", tmp_path / "layer"
    spec = resolver.launch_spec(config(code, layer_dirs=(str(layer),), variables={"PYTHONPATH": "/extra"}))
    parts = spec.env["PYTHONPATH"].split(os.pathsep)
    assert parts[:4] == [
        str(code),
        "/extra",
        str(layer / "python" / "lib" / "python3.12" / "site-packages"),
        str(layer / "python"),
    ]
    sdk = Path(parts[4])
    assert sdk.parent == tmp_path / "support" and (sdk / "boto3").is_symlink() and (sdk / "botocore").exists()
    assert not (sdk / "pytest").exists()


def test_interpreter_on_path_without_awslambdaric_is_explained(tmp_path):
    fake = fake_python(tmp_path / "bin", "python3.12", version="3.12")
    resolver = RuntimeResolver(support_dir=tmp_path / "support", environ={"PATH": str(tmp_path / "bin")})
    reason = resolver.unavailable_reason("python3.12")
    assert (
        f"{fake} (Python 3.12) cannot import awslambdaric; install it with `{fake} -m pip install awslambdaric`"
        in reason
    )
    assert reason.endswith(
        "Set STRATUS_LAMBDA_PYTHON3_12 to a Python 3.12 interpreter that has awslambdaric installed."
    )


def test_interpreter_of_the_wrong_version(tmp_path):
    fake = fake_python(tmp_path / "bin", "python3.13", version="3.10", awslambdaric="/opt/ric")
    resolver = RuntimeResolver(support_dir=tmp_path / "support", environ={"PATH": str(tmp_path / "bin")})
    assert f"{fake} is Python 3.10, not 3.13" in resolver.unavailable_reason("python3.13")


def test_broken_interpreter_on_path(tmp_path):
    # e.g. a pyenv shim for a version that is not selected
    fake_python(tmp_path / "bin", "python3.12", version="3.12", fail="pyenv: python3.12: command not found")
    resolver = RuntimeResolver(support_dir=tmp_path / "support", environ={"PATH": str(tmp_path / "bin")})
    assert "pyenv: python3.12: command not found" in resolver.unavailable_reason("python3.12")


def test_probe_runs_once_per_runtime(tmp_path):
    fake = fake_python(tmp_path / "bin", "python3.12", version="3.12", awslambdaric="/opt/ric")
    resolver = RuntimeResolver(support_dir=tmp_path / "support", environ={"PATH": str(tmp_path / "bin")})
    first = resolver.resolve("python3.12")
    assert resolver.resolve("python3.12") is first
    resolver.launch_spec(config(tmp_path))
    assert Path(f"{fake}.calls").read_text().count("probed") == 1


def test_running_interpreter_gets_an_isolated_environment(tmp_path):
    resolver = RuntimeResolver(support_dir=tmp_path / "support", environ={"PATH": ""})
    spec = resolver.launch_spec(config(tmp_path, PYTHON_RUNTIME))
    interpreter = Path(spec.argv[0])
    assert interpreter.parent.parent.parent == tmp_path / "support"  # <support>/pythonX.Y-<hash>/bin/python
    site_packages = interpreter.parent.parent / "lib" / f"python{RUNNING}" / "site-packages"
    assert (site_packages / "awslambdaric").is_symlink() and (site_packages / "boto3").is_symlink()
    assert not (site_packages / "pytest").exists() and not (site_packages / "stratus").exists()
    assert spec.env["LAMBDA_RUNTIME_DIR"] == str(site_packages)
    assert spec.env["PYTHONPATH"] == str(tmp_path)


def test_stratus_own_environment_found_on_path_is_still_isolated(tmp_path):
    # An activated Stratus virtualenv puts its python first on PATH.
    fake_python(
        tmp_path / "bin",
        f"python{RUNNING}",
        version=RUNNING,
        awslambdaric="/somewhere",
        prefix=sys.prefix,
        base=getattr(sys, "_base_executable", sys.executable),
    )
    resolver = RuntimeResolver(support_dir=tmp_path / "support", environ={"PATH": str(tmp_path / "bin")})
    spec = resolver.launch_spec(config(tmp_path, PYTHON_RUNTIME))
    assert Path(spec.argv[0]).is_relative_to(tmp_path / "support")


def test_reserved_keys():
    assert reserved_keys_in(
        {"AWS_REGION": "x", "MY_VAR": "1", "TZ": "UTC", "_HANDLER": "h", "PATH": "/x"}
    ) == [
        "AWS_REGION",
        "TZ",
        "_HANDLER",
    ]
    assert RESERVED_KEYS_MESSAGE.format(keys="AWS_REGION").endswith(
        "Reserved keys used in this request: AWS_REGION"
    )


def test_aws_environment_keeps_stratus_variables_out(tmp_path):
    cfg = config(
        tmp_path,
        layer_dirs=("/layers/one", "/layers/two"),
        log_format="JSON",
        application_log_level="debug",
        credentials=Credentials("AKID", "SECRET"),
        variables={"LANG": "C.UTF-8", "AWS_LAMBDA_FUNCTION_NAME": "spoof"},
    )
    env = aws_environment(
        cfg,
        log_stream_name="2024/01/02/[$LATEST]abc",
        runtime_dir="/rt",
        execution_env=None,
        host_environ={"PATH": "/usr/bin", "STRATUS_SECRET": "x", "AWS_PROFILE": "mine"},
    )
    assert "STRATUS_SECRET" not in env and "AWS_PROFILE" not in env
    assert env["PATH"] == os.pathsep.join(["/usr/bin", "/layers/two/bin", "/layers/one/bin"])
    assert env["LD_LIBRARY_PATH"].split(os.pathsep)[:2] == [str(tmp_path), str(tmp_path / "lib")]
    assert env["LANG"] == "C.UTF-8"  # unreserved: the function may override it
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == "fn"
    assert env["AWS_LAMBDA_LOG_FORMAT"] == "JSON" and env["AWS_LAMBDA_LOG_LEVEL"] == "DEBUG"
    assert env["AWS_ACCESS_KEY_ID"] == "AKID" and "AWS_SESSION_TOKEN" not in env
    assert env["AWS_LAMBDA_INITIALIZATION_TYPE"] == "on-demand"
    assert env["AWS_LAMBDA_LOG_GROUP_NAME"] == "/aws/lambda/fn"
    assert "AWS_ENDPOINT_URL" not in env
    # the host user's ~/.aws must not reach the function
    assert env["AWS_CONFIG_FILE"] == env["AWS_SHARED_CREDENTIALS_FILE"] == os.devnull


def test_log_stream_names():
    name = new_log_stream_name("7", datetime(2024, 5, 1, tzinfo=UTC))
    assert name.startswith("2024/05/01/[7]") and len(name) == len("2024/05/01/[7]") + 32


def test_platform_line_formats():
    assert (
        report_line(
            "r1",
            duration_ms=12.344,
            billed_duration_ms=13,
            memory_size_mb=128,
            max_memory_used_mb=38,
            init_duration_ms=123.456,
        )
        == "REPORT RequestId: r1\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 38 MB\tInit Duration: 123.46 ms\t\n"
    )
    assert billed_duration(12.0, None) == 12
    assert billed_duration(12.01, None) == 13
    assert billed_duration(0.2, None) == 1
    assert billed_duration(2.5, 100.25) == 103
    assert exit_reason(0) == "Runtime exited without providing a reason"
    assert exit_reason(1) == "Runtime exited with error: exit status 1"
    assert exit_reason(-9) == "Runtime exited with error: signal: killed"
    assert exit_reason(-6) == "Runtime exited with error: signal: aborted"
