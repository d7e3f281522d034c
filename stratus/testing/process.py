"""`stratus serve` as a separate process on a data directory, for tests that kill and restart it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def client(service: str, port: int, *, read_timeout: float = 5):
    """A boto3 client for the server on `port` that fails fast (no retries) once it is gone."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        service,
        endpoint_url=f"http://127.0.0.1:{port}",
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=read_timeout),
    )


def start_server(data_dir: Path, port: int, environ: dict[str, str] | None = None) -> subprocess.Popen:
    """Start `stratus serve` on `data_dir` (with `environ` added to its environment) and return once
    it printed `Ready.`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STRATUS_")} | (environ or {})
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "stratus.cli",
            "serve",
            "--data-dir",
            str(data_dir),
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line == "Ready.\n":
            return process
    raise AssertionError("the server did not start")


def kill_during(server: subprocess.Popen, workers: list, stop, seconds: float = 1.5) -> None:
    """Run `workers` (callables, each in a thread, looping until `stop` is set) against `server`,
    SIGKILL the server after `seconds`, then stop and join the workers."""
    import signal
    import threading
    import time

    threads = [threading.Thread(target=worker) for worker in workers]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    server.send_signal(signal.SIGKILL)
    server.wait(timeout=10)
    stop.set()
    for thread in threads:
        thread.join(timeout=10)
