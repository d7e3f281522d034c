"""The AWS CLI (query protocol, its own serializer and shorthand syntax) against SNS."""

from __future__ import annotations

import json


def _json(completed) -> dict:
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout) if completed.stdout.strip() else {}


def test_topic_subscription_and_publish_with_attributes(aws_cli):
    topic_arn = _json(aws_cli("sns", "create-topic", "--name", "cli-topic"))["TopicArn"]
    queue_url = _json(aws_cli("sqs", "create-queue", "--queue-name", "cli-inbox"))["QueueUrl"]
    queue_arn = _json(
        aws_cli("sqs", "get-queue-attributes", "--queue-url", queue_url, "--attribute-names", "QueueArn")
    )["Attributes"]["QueueArn"]
    subscription = _json(
        aws_cli(
            "sns",
            "subscribe",
            "--topic-arn",
            topic_arn,
            "--protocol",
            "sqs",
            "--notification-endpoint",
            queue_arn,
            "--attributes",
            '{"FilterPolicy": "{\\"kind\\": [\\"order\\"]}"}',
        )
    )["SubscriptionArn"]
    assert subscription.startswith(topic_arn + ":")
    published = _json(
        aws_cli(
            "sns",
            "publish",
            "--topic-arn",
            topic_arn,
            "--message",
            "from the cli",
            "--message-attributes",
            '{"kind": {"DataType": "String", "StringValue": "order"}}',
        )
    )
    received = _json(aws_cli("sqs", "receive-message", "--queue-url", queue_url, "--wait-time-seconds", "5"))
    envelope = json.loads(received["Messages"][0]["Body"])
    assert envelope["MessageId"] == published["MessageId"]
    assert envelope["MessageAttributes"] == {"kind": {"Type": "String", "Value": "order"}}
    listed = _json(aws_cli("sns", "list-subscriptions-by-topic", "--topic-arn", topic_arn))["Subscriptions"]
    assert [entry["SubscriptionArn"] for entry in listed] == [subscription]


def test_errors_reach_the_cli(aws_cli):
    completed = aws_cli(
        "sns", "get-topic-attributes", "--topic-arn", "arn:aws:sns:us-east-1:000000000000:missing"
    )
    assert completed.returncode != 0
    assert "NotFound" in completed.stderr and "Topic does not exist" in completed.stderr
