"""SNS under IAM enforcement: a topic delivers to a queue only when the queue's policy lets the
topic send (aws:SourceArn), a refused delivery is a FAILURE in the delivery log, and the topic's
own policy decides what other accounts may do with it."""

from __future__ import annotations

import json
import os
import time
import urllib.request

import pytest
from botocore.exceptions import ClientError

from stratus.testing import post_json

OWNER, OTHER = "000000000000", "111111111111"

pytestmark = pytest.mark.skipif(bool(os.environ.get("STRATUS_ENDPOINT")), reason="switches the IAM mode")


@pytest.fixture
def enforced(stratus_endpoint):
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})


def _queue(sqs, name: str) -> tuple[str, str]:
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    return url, sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def _allow_topic(sqs, url: str, queue_arn: str, topic_arn: str) -> None:
    statement = {
        "Effect": "Allow",
        "Principal": {"Service": "sns.amazonaws.com"},
        "Action": "sqs:SendMessage",
        "Resource": queue_arn,
        "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}},
    }
    policy = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy})


def _failures(endpoint: str, topic_arn: str) -> list[dict]:
    deadline = time.time() + 5
    while time.time() < deadline:
        with urllib.request.urlopen(f"{endpoint}/_stratus/sns/deliveries?status=FAILURE&topic_arn={topic_arn}") as answer:
            found = json.loads(answer.read())["deliveries"]
        if found:
            return found
        time.sleep(0.05)
    return []


def test_delivery_needs_the_queue_policy(sns, sqs, topic_arn, enforced, stratus_endpoint):
    url, queue_arn = _queue(sqs, "guarded")
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
    refused = sns.publish(TopicArn=topic_arn, Message="without permission")["MessageId"]
    [failure] = _failures(stratus_endpoint, topic_arn)
    assert failure["message_id"] == refused and failure["detail"].startswith("AccessDenied")
    assert "Messages" not in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0)

    _allow_topic(sqs, url, queue_arn, topic_arn)
    sns.publish(TopicArn=topic_arn, Message="with permission")
    [message] = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5)["Messages"]
    assert json.loads(message["Body"])["Message"] == "with permission"


def test_the_policy_must_name_this_topic(sns, sqs, topic_arn, enforced, stratus_endpoint):
    url, queue_arn = _queue(sqs, "other-topic-only")
    _allow_topic(sqs, url, queue_arn, topic_arn + "-other")
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
    sns.publish(TopicArn=topic_arn, Message="refused")
    assert _failures(stratus_endpoint, topic_arn)


def test_another_account_publishes_once_the_topic_policy_allows(sns, aws_client, topic_arn, enforced):
    other = aws_client("sns", aws_access_key_id=OTHER, aws_secret_access_key="test")
    with pytest.raises(ClientError) as refused:
        other.publish(TopicArn=topic_arn, Message="from outside")
    assert refused.value.response["Error"]["Code"] == "AuthorizationError"
    sns.add_permission(TopicArn=topic_arn, Label="partner", AWSAccountId=[OTHER], ActionName=["Publish"])
    assert other.publish(TopicArn=topic_arn, Message="from a partner")["MessageId"]
    with pytest.raises(ClientError) as still_refused:
        other.set_topic_attributes(TopicArn=topic_arn, AttributeName="DisplayName", AttributeValue="x")
    assert still_refused.value.response["Error"]["Code"] == "AuthorizationError"
