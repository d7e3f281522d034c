"""pytest plugin: `stratus_endpoint` and `aws_client` fixtures (registered via the pytest11 entry point).

Set STRATUS_ENDPOINT to run the same tests against a server you started yourself; otherwise one
in-process server is started for the session and its state is wiped before every test.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest

TEST_REGION = "us-east-1"
TEST_ACCESS_KEY = "test"
TEST_SECRET_KEY = "test"


@pytest.fixture(scope="session")
def stratus_server() -> Iterator[object]:
    external = os.environ.get("STRATUS_ENDPOINT")
    if external:
        yield _ExternalServer(external.rstrip("/"))
        return
    from stratus.testing import StratusServer

    with StratusServer() as server:
        yield server


class _ExternalServer:
    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint

    def reset(self) -> None:
        from stratus.testing import post_json

        post_json(f"{self.endpoint}/_stratus/reset")

    def advance_clock(self, seconds: float) -> None:
        from stratus.testing import post_json

        post_json(f"{self.endpoint}/_stratus/clock", {"advance_seconds": seconds})


@pytest.fixture
def stratus_endpoint(stratus_server) -> str:
    """The endpoint URL of a Stratus with clean state."""
    stratus_server.reset()
    return stratus_server.endpoint


@pytest.fixture(scope="session")
def _boto3_session():
    import boto3

    return boto3.session.Session(
        aws_access_key_id=TEST_ACCESS_KEY, aws_secret_access_key=TEST_SECRET_KEY, region_name=TEST_REGION
    )


@pytest.fixture
def aws_client(stratus_endpoint, _boto3_session) -> Callable[..., object]:
    """`aws_client("sqs")` → a boto3 client bound to the test endpoint (test credentials, us-east-1)."""
    from botocore.config import Config

    def make(service: str, **kwargs: object):
        kwargs.setdefault("endpoint_url", stratus_endpoint)
        kwargs.setdefault("config", Config(retries={"max_attempts": 1, "mode": "standard"}))
        return _boto3_session.client(service, **kwargs)

    return make


@pytest.fixture
def aws_cli(stratus_endpoint, tmp_path):
    """`aws_cli("sqs", "list-queues")` → the AWS CLI's CompletedProcess, run against the test endpoint
    with test credentials, us-east-1 and JSON output, in an empty HOME (no user config leaks in).
    Pass `access_key=`/`secret=` to act as someone else. Skips the test if the CLI is not installed."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    beside_python = Path(sys.executable).with_name("aws")
    cli = str(beside_python) if beside_python.exists() else shutil.which("aws")
    if cli is None:
        pytest.skip("the AWS CLI is not installed")

    def run(
        *args: str, access_key: str = TEST_ACCESS_KEY, secret: str = TEST_SECRET_KEY
    ) -> subprocess.CompletedProcess:
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(tmp_path),
            "AWS_ACCESS_KEY_ID": access_key,
            "AWS_SECRET_ACCESS_KEY": secret,
            "AWS_DEFAULT_REGION": TEST_REGION,
            "AWS_CONFIG_FILE": str(tmp_path / "config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        }
        command = [cli, "--endpoint-url", stratus_endpoint, "--output", "json", *args]
        return subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)

    return run
