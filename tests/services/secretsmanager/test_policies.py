"""Resource policies: Put/Get/Delete/ValidateResourcePolicy, BlockPublicPolicy, and the policy
applied by IAM when STRATUS_IAM=enforce (cross-account access, explicit denies)."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from stratus.testing import post_json

from .support import error_of

OWNER, OTHER = "000000000000", "111111111111"


def document(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def grant(principal: object, action: str = "secretsmanager:*", effect: str = "Allow", **extra) -> dict:
    return {"Effect": effect, "Principal": principal, "Action": action, "Resource": "*", **extra}


def test_policy_round_trip(sm, secret):
    text = document(grant({"AWS": f"arn:aws:iam::{OTHER}:root"}, "secretsmanager:GetSecretValue"))
    answer = sm.put_resource_policy(SecretId="app/db", ResourcePolicy=text)
    assert answer["ARN"] == secret["ARN"] and answer["Name"] == "app/db"
    got = sm.get_resource_policy(SecretId="app/db")
    assert json.loads(got["ResourcePolicy"]) == json.loads(text)
    sm.delete_resource_policy(SecretId="app/db")
    assert "ResourcePolicy" not in sm.get_resource_policy(SecretId="app/db")


def test_block_public_policy_refuses_broad_access(sm, secret):
    public = document(grant("*", "secretsmanager:GetSecretValue"))
    with pytest.raises(ClientError) as caught:
        sm.put_resource_policy(SecretId="app/db", ResourcePolicy=public, BlockPublicPolicy=True)
    assert error_of(caught) == (
        "PublicPolicyException",
        "The BlockPublicPolicy parameter is set to true, and the resource policy did not prevent broad access "
        "to the secret.",
    )
    pinned = document(
        grant(
            "*", "secretsmanager:GetSecretValue", Condition={"StringEquals": {"aws:PrincipalAccount": OTHER}}
        )
    )
    sm.put_resource_policy(SecretId="app/db", ResourcePolicy=pinned, BlockPublicPolicy=True)
    # Without the flag a public policy is stored as it is.
    sm.put_resource_policy(SecretId="app/db", ResourcePolicy=public)


def test_malformed_policies_are_refused(sm, secret):
    for text in ("{not json", json.dumps({"Statement": [{"Effect": "Allow", "Action": "x:y"}]})):
        with pytest.raises(ClientError) as caught:
            sm.put_resource_policy(SecretId="app/db", ResourcePolicy=text)
        assert error_of(caught)[0] == "MalformedPolicyDocumentException"


def test_validate_resource_policy(sm, secret):
    good = sm.validate_resource_policy(
        SecretId="app/db", ResourcePolicy=document(grant({"AWS": f"arn:aws:iam::{OTHER}:root"}))
    )
    assert good["PolicyValidationPassed"] is True and good["ValidationErrors"] == []
    broad = sm.validate_resource_policy(ResourcePolicy=document(grant("*")))
    assert broad["PolicyValidationPassed"] is False
    assert len(broad["ValidationErrors"]) == 1  # check names and wording guessed
    with pytest.raises(ClientError) as caught:
        sm.validate_resource_policy(ResourcePolicy="{oops")
    assert error_of(caught)[0] == "MalformedPolicyDocumentException"


# -- enforcement -----------------------------------------------------------------------------


@pytest.fixture
def enforce(stratus_endpoint):
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})
    yield
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "off"})


def user_client(aws_client, account: str, name: str, *statements: dict):
    iam = aws_client("iam", aws_access_key_id=account, aws_secret_access_key="test")
    iam.create_user(UserName=name)
    if statements:
        iam.put_user_policy(
            UserName=name,
            PolicyName="p",
            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": list(statements)}),
        )
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return aws_client(
        "secretsmanager", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"]
    )


ALLOW_SECRETS = {"Effect": "Allow", "Action": "secretsmanager:*", "Resource": "*"}


def test_another_account_needs_the_resource_policy(sm, secret, aws_client, enforce):
    reader = user_client(aws_client, OTHER, "reader", ALLOW_SECRETS)
    with pytest.raises(ClientError) as caught:
        reader.describe_secret(SecretId=secret["ARN"])
    assert error_of(caught)[0] == "AccessDeniedException"
    sm.put_resource_policy(
        SecretId="app/db",
        ResourcePolicy=document(grant({"AWS": f"arn:aws:iam::{OTHER}:user/reader"})),
    )
    assert reader.describe_secret(SecretId=secret["ARN"])["Name"] == "app/db"
    # Its value stays out of reach: it is encrypted with the default aws/secretsmanager key.
    with pytest.raises(ClientError) as caught:
        reader.get_secret_value(SecretId=secret["ARN"])
    assert error_of(caught) == (
        "InvalidRequestException",
        "You can't access a secret from a different AWS account if you encrypt the secret with the default "
        "KMS service key.",
    )


def test_the_policy_grants_a_user_of_the_same_account(sm, secret, aws_client, enforce):
    worker = user_client(aws_client, OWNER, "worker")
    with pytest.raises(ClientError):
        worker.describe_secret(SecretId="app/db")
    sm.put_resource_policy(
        SecretId="app/db",
        ResourcePolicy=document(
            grant({"AWS": f"arn:aws:iam::{OWNER}:user/worker"}, "secretsmanager:DescribeSecret")
        ),
    )
    assert worker.describe_secret(SecretId="app/db")["Name"] == "app/db"


def test_an_explicit_deny_in_the_policy_beats_an_admin(sm, secret, aws_client, enforce):
    admin = user_client(aws_client, OWNER, "admin", {"Effect": "Allow", "Action": "*", "Resource": "*"})
    assert admin.get_secret_value(SecretId="app/db")["SecretString"] == "s3cr3t"
    sm.put_resource_policy(
        SecretId="app/db",
        ResourcePolicy=document(
            grant({"AWS": f"arn:aws:iam::{OWNER}:user/admin"}, "secretsmanager:GetSecretValue", effect="Deny")
        ),
    )
    with pytest.raises(ClientError) as caught:
        admin.get_secret_value(SecretId="app/db")
    assert error_of(caught)[0] == "AccessDeniedException"
    assert admin.describe_secret(SecretId="app/db")["Name"] == "app/db"


def test_resource_tags_reach_iam_conditions(sm, secret, aws_client, enforce):
    by_tag = {
        "Effect": "Allow",
        "Action": "secretsmanager:DescribeSecret",
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:ResourceTag/env": "dev"}},
    }
    dev = user_client(aws_client, OWNER, "dev", by_tag)
    with pytest.raises(ClientError):
        dev.describe_secret(SecretId="app/db")
    sm.tag_resource(SecretId="app/db", Tags=[{"Key": "env", "Value": "dev"}])
    assert dev.describe_secret(SecretId="app/db")["Name"] == "app/db"


def test_a_policy_naming_the_full_arn_matches_requests_by_name(sm, secret, aws_client, enforce):
    # AWS judges a request that names the secret by name against the secret's real ARN (with its
    # random suffix), so an identity policy scoped to that ARN lets the name through.
    reader = user_client(
        aws_client,
        OWNER,
        "scoped",
        {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": secret["ARN"]},
    )
    assert reader.get_secret_value(SecretId="app/db")["Name"] == "app/db"
    assert reader.get_secret_value(SecretId=secret["ARN"])["Name"] == "app/db"
    with pytest.raises(ClientError) as caught:
        reader.describe_secret(SecretId="app/db")
    assert error_of(caught)[0] == "AccessDeniedException"


def test_batch_get_checks_each_secret_and_filters_need_list_secrets(sm, secret, aws_client, enforce):
    other = sm.create_secret(Name="app/other", SecretString="hidden")
    reader = user_client(
        aws_client,
        OWNER,
        "batch",
        {"Effect": "Allow", "Action": "secretsmanager:BatchGetSecretValue", "Resource": "*"},
        {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": secret["ARN"]},
    )
    answer = reader.batch_get_secret_value(SecretIdList=[secret["ARN"], other["ARN"]])
    assert [v["ARN"] for v in answer["SecretValues"]] == [secret["ARN"]]
    assert [(e["SecretId"], e["ErrorCode"]) for e in answer["Errors"]] == [
        (other["ARN"], "AccessDeniedException")
    ]
    with pytest.raises(ClientError) as caught:  # Filters list secrets: that needs ListSecrets
        reader.batch_get_secret_value(Filters=[{"Key": "name", "Values": ["app"]}])
    assert error_of(caught)[0] == "AccessDeniedException"
