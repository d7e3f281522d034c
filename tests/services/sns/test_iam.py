"""SNS under IAM enforcement: a topic delivers to a queue only when the queue's policy lets the
topic send (aws:SourceArn), a refused delivery is a FAILURE in the delivery log, and the topic's
own policy decides what other accounts may do with it."""

from __future__ import annotations

import json
import os
import urllib.request

import pytest
from botocore.exceptions import ClientError

from stratus.testing import post_json

from .support import OTHER_ACCOUNT, create_queue, failed_deliveries

pytestmark = pytest.mark.skipif(bool(os.environ.get("STRATUS_ENDPOINT")), reason="switches the IAM mode")


@pytest.fixture
def enforced(stratus_endpoint):
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})


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


def test_delivery_needs_the_queue_policy(sns, sqs, topic_arn, enforced, stratus_endpoint):
    url, queue_arn = create_queue(sqs, "guarded")
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
    refused = sns.publish(TopicArn=topic_arn, Message="without permission")["MessageId"]
    [failure] = failed_deliveries(stratus_endpoint, topic_arn=topic_arn)
    assert failure["message_id"] == refused and failure["detail"].startswith("AccessDenied")
    assert "Messages" not in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0)

    _allow_topic(sqs, url, queue_arn, topic_arn)
    sns.publish(TopicArn=topic_arn, Message="with permission")
    [message] = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5)["Messages"]
    assert json.loads(message["Body"])["Message"] == "with permission"


def test_the_policy_must_name_this_topic(sns, sqs, topic_arn, enforced, stratus_endpoint):
    url, queue_arn = create_queue(sqs, "other-topic-only")
    _allow_topic(sqs, url, queue_arn, topic_arn + "-other")
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
    sns.publish(TopicArn=topic_arn, Message="refused")
    assert failed_deliveries(stratus_endpoint, topic_arn=topic_arn)


def test_another_account_publishes_once_the_topic_policy_allows(sns, aws_client, topic_arn, enforced):
    other = aws_client("sns", aws_access_key_id=OTHER_ACCOUNT, aws_secret_access_key="test")
    with pytest.raises(ClientError) as refused:
        other.publish(TopicArn=topic_arn, Message="from outside")
    assert refused.value.response["Error"]["Code"] == "AuthorizationError"
    sns.add_permission(
        TopicArn=topic_arn, Label="partner", AWSAccountId=[OTHER_ACCOUNT], ActionName=["Publish"]
    )
    assert other.publish(TopicArn=topic_arn, Message="from a partner")["MessageId"]
    with pytest.raises(ClientError) as still_refused:
        other.set_topic_attributes(TopicArn=topic_arn, AttributeName="DisplayName", AttributeValue="x")
    assert still_refused.value.response["Error"]["Code"] == "AuthorizationError"


def test_the_mailed_links_work_unsigned_under_enforcement(sns, topic_arn, enforced):
    from .http_endpoint import RecordingEndpoint

    with RecordingEndpoint() as endpoint:
        sns.subscribe(TopicArn=topic_arn, Protocol="http", Endpoint=endpoint.url)
        _, confirmation = endpoint.next_json()
        with urllib.request.urlopen(confirmation["SubscribeURL"]) as answer:  # no signature at all
            assert answer.status == 200
        sns.publish(TopicArn=topic_arn, Message="hello")
        _, notification = endpoint.next_json()
        with urllib.request.urlopen(notification["UnsubscribeURL"]) as answer:
            assert answer.status == 200
    assert sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"] == []


def test_unsigned_calls_of_other_operations_are_refused(stratus_endpoint, topic_arn, enforced):
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{stratus_endpoint}/?Action=ListTopics")
    assert refused.value.code == 403
