"""The AWS CLI against enforce mode: its own signer verifies, and a denial reads as AWS's."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from stratus.testing import post_json


def _aws_cli() -> str | None:
    beside_python = Path(sys.executable).with_name("aws")
    return str(beside_python) if beside_python.exists() else shutil.which("aws")


@pytest.fixture
def aws(stratus_endpoint, tmp_path):
    cli = _aws_cli()
    if cli is None:
        pytest.skip("the AWS CLI is not installed")

    def run(*args: str, key: str = "test", secret: str = "test") -> subprocess.CompletedProcess:
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(tmp_path),
            "AWS_ACCESS_KEY_ID": key,
            "AWS_SECRET_ACCESS_KEY": secret,
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_CONFIG_FILE": str(tmp_path / "config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        }
        return subprocess.run(
            [cli, "--endpoint-url", stratus_endpoint, *args, "--output", "json"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )

    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})
    return run


def test_the_cli_signs_verifiably_and_gets_awss_denial(aws):
    assert aws("iam", "create-user", "--user-name", "carol").returncode == 0
    key = json.loads(aws("iam", "create-access-key", "--user-name", "carol").stdout)["AccessKey"]
    as_carol = {"key": key["AccessKeyId"], "secret": key["SecretAccessKey"]}
    identity = aws("sts", "get-caller-identity", **as_carol)
    assert identity.returncode == 0, identity.stderr
    assert json.loads(identity.stdout)["Arn"] == "arn:aws:iam::000000000000:user/carol"
    denied = aws("iam", "list-users", **as_carol)
    assert denied.returncode != 0
    assert "(AccessDenied)" in denied.stderr
    assert (
        "User: arn:aws:iam::000000000000:user/carol is not authorized to perform: iam:ListUsers"
        in denied.stderr
    )
    wrong = aws("sts", "get-caller-identity", key=key["AccessKeyId"], secret="not-the-secret-at-all")
    assert "(SignatureDoesNotMatch)" in wrong.stderr
