"""The resource-policy hook: a service's provider returns a resource's policy and the evaluator
applies it — cross-account grants, explicit denies, grants to a user without identity policies."""

from __future__ import annotations

import json
import os

import pytest
from botocore.exceptions import ClientError

from stratus.services import PROVIDERS
from stratus.services.base import Provider
from stratus.testing import post_json

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("STRATUS_ENDPOINT")), reason="installs a stand-in provider in the server's process"
)
OWNER, OTHER = "000000000000", "111111111111"
QUEUE_ARN = f"arn:aws:sqs:us-east-1:{OWNER}:orders"
QUEUE_POLICIES: dict[str, str] = {}  # queue ARN -> policy document
QUEUE_TAGS: dict[str, dict[str, str]] = {}  # queue ARN -> tags


class FakeQueueProvider(Provider):
    """A stand-in SQS provider with nothing but a queue policy, to test the hook before the real
    services plug into it."""

    service = "sqs"

    def resource_policy(self, ctx, resource_arn: str) -> str | None:
        return QUEUE_POLICIES.get(resource_arn)

    def resource_tags(self, ctx, resource_arn: str) -> dict[str, str] | None:
        return QUEUE_TAGS.get(resource_arn)

    def get_queue_attributes(self, ctx, req: dict) -> dict:
        name = req["QueueUrl"].rstrip("/").rsplit("/", 1)[-1]
        return {"Attributes": {"QueueArn": f"arn:aws:sqs:{ctx.region}:{ctx.account_id}:{name}"}}


@pytest.fixture
def queue(stratus_server, stratus_endpoint, monkeypatch):
    instances = stratus_server.runtime.providers._instances
    instances.pop("sqs", None)
    monkeypatch.setitem(PROVIDERS, "sqs", f"{__name__}:FakeQueueProvider")
    QUEUE_POLICIES.clear()
    QUEUE_TAGS.clear()
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})
    yield f"{stratus_endpoint}/{OWNER}/orders"
    QUEUE_POLICIES.clear()
    instances.pop("sqs", None)


def user_keys(aws_client, account: str, name: str, *statements: dict) -> dict:
    iam = aws_client("iam", aws_access_key_id=account, aws_secret_access_key="test")
    iam.create_user(UserName=name)
    if statements:
        document = json.dumps({"Version": "2012-10-17", "Statement": list(statements)})
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=document)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return {"aws_access_key_id": key["AccessKeyId"], "aws_secret_access_key": key["SecretAccessKey"]}


def queue_policy(effect: str, principal: object) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": effect, "Principal": principal, "Action": "sqs:*", "Resource": QUEUE_ARN}
            ],
        }
    )


ALLOW_ALL_SQS = {"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}


def attributes(aws_client, keys: dict, url: str) -> dict:
    return aws_client("sqs", **keys).get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])


def test_cross_account_needs_the_resource_policy(aws_client, queue):
    keys = user_keys(aws_client, OTHER, "reader", ALLOW_ALL_SQS)
    with pytest.raises(ClientError) as caught:
        attributes(aws_client, keys, queue)
    message = caught.value.response["Error"]["Message"]
    assert caught.value.response["Error"]["Code"] == "AccessDenied"
    assert message.endswith("because no resource-based policy allows the sqs:GetQueueAttributes action")
    QUEUE_POLICIES[QUEUE_ARN] = queue_policy("Allow", {"AWS": f"arn:aws:iam::{OTHER}:user/reader"})
    assert (
        attributes(aws_client, keys, queue)["Attributes"]["QueueArn"]
        == f"arn:aws:sqs:us-east-1:{OTHER}:orders"
    )


def test_cross_account_also_needs_the_callers_identity_policy(aws_client, queue):
    keys = user_keys(aws_client, OTHER, "reader")
    QUEUE_POLICIES[QUEUE_ARN] = queue_policy("Allow", {"AWS": OTHER})
    with pytest.raises(ClientError) as caught:
        attributes(aws_client, keys, queue)
    assert "no identity-based policy allows" in caught.value.response["Error"]["Message"]


def test_a_resource_policy_grants_a_user_of_the_same_account_without_identity_policies(aws_client, queue):
    keys = user_keys(aws_client, OWNER, "worker")
    with pytest.raises(ClientError):
        attributes(aws_client, keys, queue)
    QUEUE_POLICIES[QUEUE_ARN] = queue_policy("Allow", {"AWS": f"arn:aws:iam::{OWNER}:user/worker"})
    attributes(aws_client, keys, queue)


def test_an_explicit_deny_in_the_resource_policy_beats_an_admin(aws_client, queue):
    keys = user_keys(aws_client, OWNER, "admin", {"Effect": "Allow", "Action": "*", "Resource": "*"})
    attributes(aws_client, keys, queue)
    QUEUE_POLICIES[QUEUE_ARN] = queue_policy("Deny", "*")
    with pytest.raises(ClientError) as caught:
        attributes(aws_client, keys, queue)
    assert "with an explicit deny in a resource-based policy" in caught.value.response["Error"]["Message"]


def test_the_accounts_root_is_denied_only_by_an_explicit_deny(aws_client, queue):
    root = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
    attributes(aws_client, root, queue)
    QUEUE_POLICIES[QUEUE_ARN] = queue_policy("Deny", {"AWS": OWNER})
    with pytest.raises(ClientError) as caught:
        attributes(aws_client, root, queue)
    assert caught.value.response["Error"]["Code"] == "AccessDenied"


def test_the_resources_tags_come_from_its_service(aws_client, queue):
    by_tag = {
        "Effect": "Allow",
        "Action": "sqs:GetQueueAttributes",
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:ResourceTag/env": "dev"}},
    }
    keys = user_keys(aws_client, OWNER, "dev", by_tag)
    QUEUE_TAGS[QUEUE_ARN] = {"env": "prod"}
    with pytest.raises(ClientError):
        attributes(aws_client, keys, queue)
    QUEUE_TAGS[QUEUE_ARN] = {"env": "dev"}  # a change in the service, not in IAM: seen at once
    attributes(aws_client, keys, queue)
