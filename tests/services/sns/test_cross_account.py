"""Subscribing another account's queue: pending until the queue's owner confirms with the token SNS
sent to the queue; the queue's owner subscribing it itself needs no confirmation."""

from __future__ import annotations

import json

from .support import OTHER_ACCOUNT as OTHER
from .support import create_queue


def _other_queue(aws_client, name: str) -> tuple[object, str, str]:
    sqs = aws_client("sqs", aws_access_key_id=OTHER, aws_secret_access_key="test")
    return sqs, *create_queue(sqs, name)


def test_the_topic_owner_subscribing_another_accounts_queue_waits_for_confirmation(
    sns, aws_client, topic_arn
):
    sqs, url, queue_arn = _other_queue(aws_client, "partner-inbox")
    assert queue_arn.split(":")[4] == OTHER
    answer = sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
    assert answer["SubscriptionArn"] == "pending confirmation"

    [message] = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5)["Messages"]
    confirmation = json.loads(message["Body"])
    assert confirmation["Type"] == "SubscriptionConfirmation" and confirmation["TopicArn"] == topic_arn
    partner_sns = aws_client("sns", aws_access_key_id=OTHER, aws_secret_access_key="test")
    arn = partner_sns.confirm_subscription(TopicArn=topic_arn, Token=confirmation["Token"])["SubscriptionArn"]

    sns.publish(TopicArn=topic_arn, Message="for the partner")
    [delivered] = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5)["Messages"]
    notification = json.loads(delivered["Body"])
    assert notification["Message"] == "for the partner"
    assert notification["UnsubscribeURL"].endswith(arn)


def test_the_queue_owner_subscribing_its_own_queue_is_confirmed_at_once(aws_client, topic_arn):
    _, _, queue_arn = _other_queue(aws_client, "own-inbox")
    partner_sns = aws_client("sns", aws_access_key_id=OTHER, aws_secret_access_key="test")
    arn = partner_sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)["SubscriptionArn"]
    assert arn.startswith(topic_arn + ":")
    attributes = partner_sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
    assert attributes["Owner"] == OTHER and attributes["PendingConfirmation"] == "false"
