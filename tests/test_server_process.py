"""`stratus serve` as a user runs it: flags, env vars, the Ready. line, clean shutdown, durable data dir."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

STRATUS = [sys.executable, "-m", "stratus.cli"]
# uvicorn re-raises the signal it stopped on after a clean shutdown, so SIGINT ends with -2.
CLEAN_EXIT = (0, -signal.SIGINT)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Running:
    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            STRATUS + args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
        )
        self.lines: list[str] = []

    def wait_ready(self, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            self.lines.append(line.rstrip("\n"))
            if line == "Ready.\n":
                return
        raise AssertionError("no Ready. line; output was:\n" + "\n".join(self.lines))

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        try:
            out, _ = self.process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise
        self.lines.extend(out.splitlines())
        return self.process.returncode


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STRATUS_")}
    env.update(extra)
    return env


def _get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def test_serve_ephemeral_announces_endpoint_and_data_dir_and_cleans_up():
    port = _free_port()
    server = Running(["serve", "--ephemeral", "--port", str(port)], _env())
    try:
        server.wait_ready()
        health = _get_json(f"http://127.0.0.1:{port}/_stratus/health")
        assert health["ephemeral"] is True
        data_dir = Path(health["data_dir"])
        assert data_dir.exists()
        output = "\n".join(server.lines)
        assert f"http://127.0.0.1:{port}" in output
        assert str(data_dir) in output
    finally:
        assert server.stop() in CLEAN_EXIT
    assert not data_dir.exists()


def test_env_vars_configure_the_server(tmp_path):
    port = _free_port()
    data_dir = tmp_path / "state"
    server = Running(
        ["serve"], _env(STRATUS_PORT=str(port), STRATUS_DATA_DIR=str(data_dir), STRATUS_LOG_LEVEL="warning")
    )
    try:
        server.wait_ready()
        health = _get_json(f"http://127.0.0.1:{port}/_stratus/health")
        assert Path(health["data_dir"]) == data_dir.resolve()
        assert health["ephemeral"] is False
    finally:
        assert server.stop() in CLEAN_EXIT
    assert data_dir.exists()  # a real data dir is kept


def test_one_log_line_per_request(tmp_path):
    import boto3

    port = _free_port()
    server = Running(["serve", "--ephemeral", "--port", str(port), "--log-level", "info"], _env())
    try:
        server.wait_ready()
        sts = boto3.client(
            "sts",
            endpoint_url=f"http://127.0.0.1:{port}",
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )
        sts.get_caller_identity()
    finally:
        server.stop()
    lines = [line for line in server.lines if "sts.GetCallerIdentity 200" in line]
    assert len(lines) == 1, server.lines
    assert lines[0].rstrip().endswith("ms")


def test_state_persists_across_restart_on_the_same_data_dir(tmp_path):
    import boto3

    data_dir = tmp_path / "state"
    port = _free_port()
    server = Running(["serve", "--data-dir", str(data_dir), "--port", str(port)], _env())
    try:
        server.wait_ready()
        sts = boto3.client(
            "sts",
            endpoint_url=f"http://127.0.0.1:{port}",
            region_name="us-east-1",
            aws_access_key_id="444455556666",
            aws_secret_access_key="test",
        )
        sts.get_caller_identity()
    finally:
        assert server.stop() in CLEAN_EXIT
    server = Running(["serve", "--data-dir", str(data_dir), "--port", str(port)], _env())
    try:
        server.wait_ready()
        entries = _get_json(f"http://127.0.0.1:{port}/_stratus/requests?source=table&limit=100")["requests"]
    finally:
        server.stop()
    assert any(e["account_id"] == "444455556666" and e["operation"] == "GetCallerIdentity" for e in entries)


def test_help_documents_flags_and_env_vars():
    result = subprocess.run(STRATUS + ["serve", "--help"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0
    for word in (
        "--host",
        "--port",
        "--data-dir",
        "--ephemeral",
        "--log-level",
        "STRATUS_HOST",
        "STRATUS_PORT",
        "STRATUS_DATA_DIR",
        "STRATUS_EPHEMERAL",
    ):
        assert word in result.stdout


@pytest.mark.parametrize("args", [["serve", "--port", "70000"], ["serve", "--log-level", "loud"]])
def test_bad_flags_are_refused(args):
    result = subprocess.run(STRATUS + args, capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "error" in result.stderr


def test_reset_command_refuses_a_foreign_directory(tmp_path):
    (tmp_path / "precious.txt").write_text("keep me")
    result = subprocess.run(
        STRATUS + ["reset", "--data-dir", str(tmp_path)], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 1
    assert (tmp_path / "precious.txt").exists()


def test_reset_command_wipes_a_stratus_data_directory(tmp_path):
    from stratus.config import Config
    from stratus.runtime import Runtime

    data_dir = tmp_path / "state"
    runtime = Runtime(Config(data_dir=data_dir, init_dirs=()))
    runtime.system_db.execute("SELECT 1")  # a database file now exists
    runtime.state.close()
    assert any(data_dir.iterdir())
    result = subprocess.run(
        STRATUS + ["reset", "--data-dir", str(data_dir)], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    assert not data_dir.exists()


@pytest.mark.parametrize("how", ["flag", "env"])
def test_iam_mode_from_the_flag_or_the_environment(tmp_path, how):
    import boto3
    from botocore.exceptions import ClientError

    port = _free_port()
    args = ["serve", "--ephemeral", "--port", str(port)] + (["--iam", "enforce"] if how == "flag" else [])
    server = Running(args, _env(STRATUS_IAM="enforce") if how == "env" else _env())
    try:
        server.wait_ready()
        endpoint = f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(f"{endpoint}/_stratus/iam", timeout=10) as response:
            assert json.loads(response.read()) == {"mode": "enforce"}

        def sts(secret: str):
            return boto3.client(
                "sts",
                endpoint_url=endpoint,
                region_name="us-east-1",
                aws_access_key_id="test",
                aws_secret_access_key=secret,
            )

        assert sts("test").get_caller_identity()["Arn"] == "arn:aws:iam::000000000000:root"
        with pytest.raises(ClientError) as caught:
            sts("wrong").get_caller_identity()
        assert caught.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    finally:
        assert server.stop() in CLEAN_EXIT


def test_a_bad_iam_mode_is_refused():
    result = subprocess.run(
        STRATUS + ["serve", "--ephemeral"],
        env=_env(STRATUS_IAM="strict"),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "STRATUS_IAM must be one of off, audit, enforce" in result.stderr
