"""The shipped AWS managed policies: well-formed documents, real ARNs, stable ids, UTC dates."""

from __future__ import annotations

import json
import re
from datetime import UTC

import pytest

from stratus.services.iam.managed_policies import (
    DATA_FILE,
    AwsManagedPolicy,
    aws_managed_policies,
    aws_managed_policy,
    derived_policy_id,
)

ALL_POLICIES = list(aws_managed_policies().values())
SERVICE_ROLE_POLICIES = {
    "AWSLambdaBasicExecutionRole",
    "AWSLambdaRole",
    "AWSLambdaVPCAccessExecutionRole",
    "AWSLambdaSQSQueueExecutionRole",
    "AWSLambdaDynamoDBExecutionRole",
    "AWSLambdaKinesisExecutionRole",
}


def test_policies_are_shipped_and_keyed_by_arn() -> None:
    policies = aws_managed_policies()
    assert len(policies) >= 20
    for arn, policy in policies.items():
        assert arn == policy.arn


@pytest.mark.parametrize("policy", ALL_POLICIES, ids=lambda policy: policy.name)
def test_every_document_parses_with_version_and_statement(policy: AwsManagedPolicy) -> None:
    document = json.loads(policy.document)
    assert document["Version"] == "2012-10-17"
    assert document["Statement"]
    statements = document["Statement"] if isinstance(document["Statement"], list) else [document["Statement"]]
    for statement in statements:
        assert statement["Effect"] in ("Allow", "Deny")
        assert "Action" in statement or "NotAction" in statement


def test_names_are_unique_in_the_data_file() -> None:
    names = [entry["name"] for entry in json.loads(DATA_FILE.read_text(encoding="utf-8"))]
    assert len(names) == len(set(names))
    assert len(names) == len(aws_managed_policies())


@pytest.mark.parametrize("policy", ALL_POLICIES, ids=lambda policy: policy.name)
def test_arn_is_formed_from_path_and_name(policy: AwsManagedPolicy) -> None:
    assert policy.path.startswith("/") and policy.path.endswith("/")
    assert policy.arn == f"arn:aws:iam::aws:policy{policy.path}{policy.name}"
    assert re.fullmatch(r"v\d+", policy.default_version_id)
    assert policy.description


def test_administrator_access_allows_everything() -> None:
    policy = aws_managed_policy("arn:aws:iam::aws:policy/AdministratorAccess")
    assert policy is not None
    assert policy.path == "/"
    assert json.loads(policy.document) == {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    }


def test_lambda_basic_execution_role_allows_writing_logs() -> None:
    policy = aws_managed_policy("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
    assert policy is not None
    actions = {
        action for statement in json.loads(policy.document)["Statement"] for action in statement["Action"]
    }
    assert {"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"} <= actions


def test_service_role_policies_live_under_the_service_role_path() -> None:
    by_name = {policy.name: policy for policy in ALL_POLICIES}
    shipped = SERVICE_ROLE_POLICIES & by_name.keys()
    assert "AWSLambdaBasicExecutionRole" in shipped
    for name in shipped:
        assert by_name[name].path == "/service-role/"
        assert by_name[name].arn == f"arn:aws:iam::aws:policy/service-role/{name}"


def test_unknown_arn_is_none() -> None:
    assert aws_managed_policy("arn:aws:iam::aws:policy/NoSuchPolicy") is None
    assert aws_managed_policy("arn:aws:iam::123456789012:policy/AdministratorAccess") is None


def test_policy_ids_are_stable_unique_and_shaped_like_aws() -> None:
    ids = [policy.policy_id for policy in ALL_POLICIES]
    assert len(ids) == len(set(ids))
    for policy in ALL_POLICIES:
        assert re.fullmatch(r"ANPA[A-Z0-9]{17}", policy.policy_id)
        assert len(policy.policy_id) == 21
        assert policy.policy_id == derived_policy_id(policy.name)
    # Fixed expectation: the id must not change between runs or releases.
    assert derived_policy_id("AdministratorAccess") == "ANPACV6EL2LZNJVZ5W400"


@pytest.mark.parametrize("policy", ALL_POLICIES, ids=lambda policy: policy.name)
def test_dates_are_utc_and_ordered(policy: AwsManagedPolicy) -> None:
    assert policy.create_date.tzinfo is not None
    assert policy.create_date.utcoffset() == UTC.utcoffset(None)
    assert policy.update_date.utcoffset() == UTC.utcoffset(None)
    assert policy.create_date <= policy.update_date
    if policy.default_version_id == "v1":
        assert policy.create_date == policy.update_date


def test_policies_are_loaded_once() -> None:
    assert aws_managed_policies() is aws_managed_policies()
