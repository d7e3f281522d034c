"""STRATUS_IAM=audit: nothing is denied, every decision is recorded, and the least-privilege
policy of what a principal did can be printed (`stratus iam policy`)."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request

import pytest
from botocore.exceptions import ClientError

from stratus.testing import post_json

ACCOUNT = "000000000000"


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


@pytest.fixture
def audited_user(stratus_endpoint, aws_client):
    iam = aws_client("iam")
    iam.create_user(UserName="app")
    key = iam.create_access_key(UserName="app")["AccessKey"]
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "audit"})
    return {"aws_access_key_id": key["AccessKeyId"], "aws_secret_access_key": key["SecretAccessKey"]}


def test_the_mode_can_be_read_and_changed_and_reset_restores_it(stratus_endpoint):
    assert get_json(f"{stratus_endpoint}/_stratus/iam") == {"mode": "off"}
    assert post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "audit"}) == {"mode": "audit"}
    post_json(f"{stratus_endpoint}/_stratus/reset")
    assert get_json(f"{stratus_endpoint}/_stratus/iam") == {"mode": "off"}


def test_a_bad_mode_is_refused(stratus_endpoint):
    request = urllib.request.Request(
        f"{stratus_endpoint}/_stratus/iam", data=b'{"mode": "maybe"}', method="POST"
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=10)
    assert caught.value.code == 400
    assert get_json(f"{stratus_endpoint}/_stratus/iam") == {"mode": "off"}


def test_audit_allows_what_enforce_would_deny_and_records_it(stratus_endpoint, aws_client, audited_user):
    iam = aws_client("iam", **audited_user)
    iam.create_user(UserName="made-by-app")  # no policy allows it: still done in audit mode
    iam.list_users()
    decisions = get_json(
        f"{stratus_endpoint}/_stratus/iam/decisions?principal=arn:aws:iam::{ACCOUNT}:user/app"
    )["decisions"]
    assert [(d["action"], d["decision"]) for d in decisions] == [
        ("iam:CreateUser", "implicitDeny"),
        ("iam:ListUsers", "implicitDeny"),
    ]
    assert decisions[0]["resource"] == f"arn:aws:iam::{ACCOUNT}:user/made-by-app"
    assert all(d["principal"] == f"arn:aws:iam::{ACCOUNT}:user/app" for d in decisions)


def test_a_bad_signature_is_refused_even_in_audit_mode(aws_client, audited_user):
    audited_user["aws_secret_access_key"] = "y" * 40
    with pytest.raises(ClientError) as caught:
        aws_client("iam", **audited_user).list_users()
    assert caught.value.response["Error"]["Code"] == "SignatureDoesNotMatch"


def test_the_least_privilege_policy_allows_exactly_what_was_done(stratus_endpoint, aws_client, audited_user):
    iam = aws_client("iam", **audited_user)
    iam.create_user(UserName="u1")
    iam.get_user(UserName="u1")
    iam.list_users()
    principal = f"arn:aws:iam::{ACCOUNT}:user/app"
    policy = get_json(f"{stratus_endpoint}/_stratus/iam/policy?principal={principal}")
    allowed = {
        (action, resource)
        for statement in policy["Statement"]
        for action in ([statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"])
        for resource in (
            [statement["Resource"]] if isinstance(statement["Resource"], str) else statement["Resource"]
        )
    }
    user_arn = f"arn:aws:iam::{ACCOUNT}:user/u1"
    assert ("iam:CreateUser", user_arn) in allowed
    assert ("iam:GetUser", user_arn) in allowed
    assert {action for action, _ in allowed} == {"iam:CreateUser", "iam:GetUser", "iam:ListUsers"}
    # The policy is one IAM accepts, and it really allows those calls once enforced.
    admin = aws_client("iam")
    admin.put_user_policy(UserName="app", PolicyName="least", PolicyDocument=json.dumps(policy))
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})
    iam.get_user(UserName="u1")
    iam.list_users()
    with pytest.raises(ClientError):
        iam.delete_user(UserName="u1")

    printed = subprocess.run(
        [
            sys.executable,
            "-m",
            "stratus.cli",
            "iam",
            "policy",
            "--principal",
            principal,
            "--endpoint",
            stratus_endpoint,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert printed.returncode == 0, printed.stderr
    assert {s["Sid"] for s in json.loads(printed.stdout)["Statement"]} == {
        s["Sid"] for s in policy["Statement"]
    }


def test_the_cli_says_when_nothing_was_recorded(stratus_endpoint):
    printed = subprocess.run(
        [
            sys.executable,
            "-m",
            "stratus.cli",
            "iam",
            "policy",
            "--principal",
            "arn:aws:iam::1:user/x",
            "--endpoint",
            stratus_endpoint,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert printed.returncode == 1
    assert "no decisions recorded" in printed.stderr


def test_enforce_mode_records_its_denials(stratus_endpoint, aws_client, audited_user):
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})
    iam = aws_client("iam", **audited_user)
    with pytest.raises(ClientError):
        iam.list_users()
    aws_client("sts", **audited_user).get_caller_identity()  # needs no permission: no decision
    decisions = get_json(f"{stratus_endpoint}/_stratus/iam/decisions")["decisions"]
    assert [(d["action"], d["decision"]) for d in decisions] == [("iam:ListUsers", "implicitDeny")]
