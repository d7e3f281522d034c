"""AddPermission / RemovePermission edit the queue's Policy as AWS does; the IAM hooks read it."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from .support import error_of

ACCOUNT = "000000000000"


def policy_of(sqs, url: str) -> dict | None:
    text = (
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"]).get("Attributes", {}).get("Policy")
    )
    return json.loads(text) if text else None


def test_add_permission_writes_a_statement_per_label(sqs):
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:q"
    sqs.add_permission(QueueUrl=url, Label="one", AWSAccountIds=["111122223333"], Actions=["SendMessage"])
    sqs.add_permission(
        QueueUrl=url,
        Label="two",
        AWSAccountIds=["111122223333", "444455556666"],
        Actions=["ReceiveMessage", "DeleteMessage"],
    )
    assert policy_of(sqs, url) == {
        "Version": "2012-10-17",
        "Id": f"{arn}/SQSDefaultPolicy",
        "Statement": [
            {
                "Sid": "one",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                "Action": "SQS:SendMessage",
                "Resource": arn,
            },
            {
                "Sid": "two",
                "Effect": "Allow",
                "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"]},
                "Action": ["SQS:ReceiveMessage", "SQS:DeleteMessage"],
                "Resource": arn,
            },
        ],
    }


def test_duplicate_label_is_refused(sqs):
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    sqs.add_permission(QueueUrl=url, Label="l", AWSAccountIds=["111122223333"], Actions=["*"])
    with pytest.raises(ClientError) as excinfo:
        sqs.add_permission(QueueUrl=url, Label="l", AWSAccountIds=["111122223333"], Actions=["SendMessage"])
    assert error_of(excinfo) == (
        "InvalidParameterValue",
        "Value l for parameter Label is invalid. Reason: Already exists.",
    )


def test_invalid_actions_are_refused(sqs):
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    with pytest.raises(ClientError) as excinfo:
        sqs.add_permission(QueueUrl=url, Label="l", AWSAccountIds=["111122223333"], Actions=["Fly"])
    code, message = error_of(excinfo)
    assert code == "InvalidParameterValue" and message.startswith(
        "Value SQS:Fly for parameter ActionName is invalid."
    )
    with pytest.raises(ClientError) as excinfo:
        sqs.add_permission(QueueUrl=url, Label="l", AWSAccountIds=["111122223333"], Actions=["DeleteQueue"])
    assert "Only the queue owner is allowed to invoke this action." in error_of(excinfo)[1]
    assert policy_of(sqs, url) is None


def test_remove_permission(sqs):
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    sqs.add_permission(QueueUrl=url, Label="a", AWSAccountIds=["111122223333"], Actions=["SendMessage"])
    sqs.add_permission(QueueUrl=url, Label="b", AWSAccountIds=["111122223333"], Actions=["SendMessage"])
    sqs.remove_permission(QueueUrl=url, Label="a")
    assert [s["Sid"] for s in policy_of(sqs, url)["Statement"]] == ["b"]
    with pytest.raises(ClientError) as excinfo:
        sqs.remove_permission(QueueUrl=url, Label="a")
    assert error_of(excinfo) == (
        "InvalidParameterValue",
        "Value a for parameter Label is invalid. Reason: can't find label on existing policy.",
    )
    sqs.remove_permission(QueueUrl=url, Label="b")
    assert policy_of(sqs, url) is None


def test_permissions_on_a_missing_queue(sqs, stratus_endpoint):
    url = f"{stratus_endpoint}/{ACCOUNT}/missing"
    with pytest.raises(ClientError) as excinfo:
        sqs.add_permission(QueueUrl=url, Label="l", AWSAccountIds=["111122223333"], Actions=["SendMessage"])
    assert error_of(excinfo)[0] == "AWS.SimpleQueueService.NonExistentQueue"
    with pytest.raises(ClientError) as excinfo:
        sqs.remove_permission(QueueUrl=url, Label="l")
    assert error_of(excinfo)[0] == "AWS.SimpleQueueService.NonExistentQueue"


def test_provider_hooks_return_policy_and_tags(sqs, stratus_server):
    """The IAM engine's hooks (resource policy, resource tags) see what the API wrote."""
    url = sqs.create_queue(QueueName="q", tags={"team": "core"})["QueueUrl"]
    sqs.add_permission(QueueUrl=url, Label="l", AWSAccountIds=["111122223333"], Actions=["SendMessage"])
    runtime = getattr(stratus_server, "runtime", None)
    if runtime is None:
        pytest.skip("needs the in-process server")
    arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:q"

    async def hooks(resource_arn: str):
        # On the server's loop, where the provider's database is used.
        provider = runtime.providers.get("sqs")
        return provider.resource_policy(None, resource_arn), provider.resource_tags(None, resource_arn)

    policy, tags = stratus_server.call_on_loop(hooks(arn))
    assert json.loads(policy)["Statement"][0]["Sid"] == "l"
    assert tags == {"team": "core"}
    assert stratus_server.call_on_loop(hooks(arn + "-nope")) == (None, None)
