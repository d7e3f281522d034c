"""SimulatePrincipalPolicy, SimulateCustomPolicy and GetContextKeysFor*: the enforcing engine's answers."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "000000000000"


def document(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


@pytest.fixture
def iam(aws_client):
    return aws_client("iam")


def results(answer: dict) -> list[tuple[str, str, str]]:
    return [
        (r["EvalActionName"], r["EvalResourceName"], r["EvalDecision"]) for r in answer["EvaluationResults"]
    ]


def test_custom_policy_per_action_and_resource(iam):
    policy = document(
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/public/*"}
    )
    answer = iam.simulate_custom_policy(
        PolicyInputList=[policy],
        ActionNames=["s3:GetObject", "s3:PutObject"],
        ResourceArns=["arn:aws:s3:::bucket/public/a", "arn:aws:s3:::bucket/private/a"],
    )
    assert results(answer) == [
        ("s3:GetObject", "arn:aws:s3:::bucket/public/a", "allowed"),
        ("s3:GetObject", "arn:aws:s3:::bucket/private/a", "implicitDeny"),
        ("s3:PutObject", "arn:aws:s3:::bucket/public/a", "implicitDeny"),
        ("s3:PutObject", "arn:aws:s3:::bucket/private/a", "implicitDeny"),
    ]
    matched = answer["EvaluationResults"][0]["MatchedStatements"]
    assert matched == [{"SourcePolicyId": "PolicyInputList.1", "SourcePolicyType": "none"}]


def test_explicit_deny_and_context_entries(iam):
    policies = [
        document({"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}),
        document(
            {
                "Effect": "Deny",
                "Action": "ec2:TerminateInstances",
                "Resource": "*",
                "Condition": {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
            }
        ),
    ]
    inside = iam.simulate_custom_policy(
        PolicyInputList=policies,
        ActionNames=["ec2:TerminateInstances"],
        ContextEntries=[
            {"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["10.1.2.3"], "ContextKeyType": "ip"}
        ],
    )
    outside = iam.simulate_custom_policy(
        PolicyInputList=policies,
        ActionNames=["ec2:TerminateInstances"],
        ContextEntries=[
            {"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["8.8.8.8"], "ContextKeyType": "ip"}
        ],
    )
    assert results(inside)[0][2] == "allowed"
    assert results(outside)[0][2] == "explicitDeny"


def test_missing_context_values_are_reported(iam):
    policy = document(
        {
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": "*",
            "Condition": {"StringLike": {"s3:prefix": "home/*"}},
        }
    )
    answer = iam.simulate_custom_policy(PolicyInputList=[policy], ActionNames=["s3:ListBucket"])
    result = answer["EvaluationResults"][0]
    assert result["EvalDecision"] == "implicitDeny"
    assert result["MissingContextValues"] == ["s3:prefix"]


def test_a_permissions_boundary_input_caps_the_result(iam):
    answer = iam.simulate_custom_policy(
        PolicyInputList=[document({"Effect": "Allow", "Action": "*", "Resource": "*"})],
        PermissionsBoundaryPolicyInputList=[
            document({"Effect": "Allow", "Action": "sqs:*", "Resource": "*"})
        ],
        ActionNames=["sqs:SendMessage", "sns:Publish"],
    )
    assert [r["EvalDecision"] for r in answer["EvaluationResults"]] == ["allowed", "implicitDeny"]
    assert answer["EvaluationResults"][1]["PermissionsBoundaryDecisionDetail"] == {
        "AllowedByPermissionsBoundary": False
    }


def test_principal_policy_of_a_user_includes_its_groups_and_managed_policies(iam):
    iam.create_user(UserName="alice")
    iam.create_group(GroupName="readers")
    iam.add_user_to_group(GroupName="readers", UserName="alice")
    iam.attach_group_policy(GroupName="readers", PolicyArn="arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess")
    iam.put_user_policy(
        UserName="alice",
        PolicyName="send",
        PolicyDocument=document({"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}),
    )
    answer = iam.simulate_principal_policy(
        PolicySourceArn=f"arn:aws:iam::{ACCOUNT}:user/alice",
        ActionNames=["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:DeleteQueue"],
    )
    decisions = {r["EvalActionName"]: r for r in answer["EvaluationResults"]}
    assert decisions["sqs:SendMessage"]["EvalDecision"] == "allowed"
    assert decisions["sqs:SendMessage"]["MatchedStatements"][0]["SourcePolicyType"] == "user"
    assert decisions["sqs:GetQueueAttributes"]["EvalDecision"] == "allowed"
    assert decisions["sqs:GetQueueAttributes"]["MatchedStatements"][0]["SourcePolicyType"] == "aws-managed"
    assert decisions["sqs:DeleteQueue"]["EvalDecision"] == "implicitDeny"


def test_principal_policy_with_a_resource_policy_for_a_cross_account_caller(iam):
    iam.create_role(
        RoleName="r",
        AssumeRolePolicyDocument=document(
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ),
    )
    iam.put_role_policy(
        RoleName="r",
        PolicyName="p",
        PolicyDocument=document({"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}),
    )
    queue = "arn:aws:sqs:us-east-1:111111111111:q"
    role_arn = f"arn:aws:iam::{ACCOUNT}:role/r"
    kwargs = {"PolicySourceArn": role_arn, "ActionNames": ["sqs:SendMessage"], "ResourceArns": [queue]}
    kwargs["ResourceOwner"] = "arn:aws:iam::111111111111:root"
    without = iam.simulate_principal_policy(**kwargs)
    grant = document(
        {"Effect": "Allow", "Principal": {"AWS": role_arn}, "Action": "sqs:SendMessage", "Resource": queue}
    )
    with_policy = iam.simulate_principal_policy(ResourcePolicy=grant, **kwargs)
    assert results(without)[0][2] == "implicitDeny"
    assert results(with_policy)[0][2] == "allowed"


def test_simulation_errors(iam):
    with pytest.raises(ClientError) as missing:
        iam.simulate_principal_policy(
            PolicySourceArn=f"arn:aws:iam::{ACCOUNT}:user/nobody", ActionNames=["s3:GetObject"]
        )
    assert missing.value.response["Error"]["Code"] == "NoSuchEntity"
    with pytest.raises(ClientError) as malformed:
        iam.simulate_custom_policy(PolicyInputList=['{"Statement": 1}'], ActionNames=["s3:GetObject"])
    assert malformed.value.response["Error"]["Code"] == "MalformedPolicyDocument"


def test_context_keys_of_policies(iam):
    policy = document(
        {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::b/${aws:username}/*",
            "Condition": {
                "Bool": {"aws:SecureTransport": "true"},
                "IpAddress": {"aws:SourceIp": "10.0.0.0/8"},
            },
        }
    )
    keys = iam.get_context_keys_for_custom_policy(PolicyInputList=[policy])["ContextKeyNames"]
    assert keys == ["aws:SecureTransport", "aws:SourceIp", "aws:username"]
    iam.create_user(UserName="alice")
    iam.put_user_policy(UserName="alice", PolicyName="p", PolicyDocument=policy)
    principal_keys = iam.get_context_keys_for_principal_policy(
        PolicySourceArn=f"arn:aws:iam::{ACCOUNT}:user/alice"
    )
    assert principal_keys["ContextKeyNames"] == keys
