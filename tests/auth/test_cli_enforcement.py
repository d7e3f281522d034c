"""The AWS CLI against enforce mode: its own signer verifies, and a denial reads as AWS's."""

from __future__ import annotations

import json

import pytest

from stratus.testing import post_json


@pytest.fixture
def aws(aws_cli, stratus_endpoint):
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})
    return aws_cli


def test_the_cli_signs_verifiably_and_gets_awss_denial(aws):
    assert aws("iam", "create-user", "--user-name", "carol").returncode == 0
    key = json.loads(aws("iam", "create-access-key", "--user-name", "carol").stdout)["AccessKey"]
    as_carol = {"access_key": key["AccessKeyId"], "secret": key["SecretAccessKey"]}
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
    wrong = aws("sts", "get-caller-identity", access_key=key["AccessKeyId"], secret="not-the-secret-at-all")
    assert "(SignatureDoesNotMatch)" in wrong.stderr
