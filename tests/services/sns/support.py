"""Helpers shared by the SNS tests: reading a ClientError, creating topics and queues, reading what a
subscribed queue received, and reading Stratus's own log of what SNS sent and how deliveries ended."""

from __future__ import annotations

import json
import os
import time
import urllib.parse
import urllib.request

import pytest

ACCOUNT = "000000000000"
OTHER_ACCOUNT = "111111111111"
REGION = "us-east-1"

# Against an external server (STRATUS_ENDPOINT) the test cannot reach into the server's state.
in_process = pytest.mark.skipif(
    bool(os.environ.get("STRATUS_ENDPOINT")), reason="reads the server's state in-process"
)

# The healthyRetryPolicy AWS reports when no DeliveryPolicy was set (recorded from AWS, certain).
DEFAULT_HEALTHY_RETRY_POLICY = {
    "minDelayTarget": 20,
    "maxDelayTarget": 20,
    "numRetries": 3,
    "numMaxDelayRetries": 0,
    "numNoDelayRetries": 0,
    "numMinDelayRetries": 0,
    "backoffFunction": "linear",
}


# ---------------------------------------------------------------- errors


def error_of(excinfo: pytest.ExceptionInfo) -> tuple[str, str]:
    """(code, message) of a ClientError caught by pytest.raises."""
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def status_of(excinfo: pytest.ExceptionInfo) -> int:
    return excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"]


def error_and_status_of(excinfo: pytest.ExceptionInfo) -> tuple[str, str, int]:
    """(code, message, HTTP status) of a ClientError caught by pytest.raises."""
    return (*error_of(excinfo), status_of(excinfo))


# ---------------------------------------------------------------- topics, subscriptions, attributes


def fifo_topic(sns, name: str = "orders.fifo", **attributes: str) -> str:
    return sns.create_topic(Name=name, Attributes={"FifoTopic": "true", **attributes})["TopicArn"]


def topic_attributes(sns, topic_arn: str) -> dict[str, str]:
    return sns.get_topic_attributes(TopicArn=topic_arn)["Attributes"]


def subscription_attributes(sns, subscription_arn: str) -> dict[str, str]:
    return sns.get_subscription_attributes(SubscriptionArn=subscription_arn)["Attributes"]


def string_value(value: str, data_type: str = "String") -> dict:
    """A message attribute carried as a StringValue (String, Number, String.Array and their subtypes)."""
    return {"DataType": data_type, "StringValue": value}


# ---------------------------------------------------------------- SQS queues as subscribers


def create_queue(sqs, name: str, **attributes: str) -> tuple[str, str]:
    """Create a queue (FIFO when its name ends in .fifo); (queue URL, queue ARN)."""
    if name.endswith(".fifo"):
        attributes["FifoQueue"] = "true"
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def queue_arn(sqs, name: str) -> str:
    """The ARN of a new queue (FIFO when its name ends in .fifo)."""
    return create_queue(sqs, name)[1]


def subscribe_queue(
    sns, sqs, topic_arn: str, name: str, queue_attributes: dict[str, str] | None = None, **attributes: str
) -> tuple[str, str]:
    """Create a queue (FIFO when its name ends in .fifo), subscribe it to the topic with these
    subscription attributes; (queue URL, subscription ARN)."""
    url, arn = create_queue(sqs, name, **(queue_attributes or {}))
    subscription_arn = sns.subscribe(
        TopicArn=topic_arn,
        Protocol="sqs",
        Endpoint=arn,
        Attributes=attributes,
        ReturnSubscriptionArn=True,
    )["SubscriptionArn"]
    return url, subscription_arn


def receive(sqs, url: str, count: int, timeout: float = 15.0) -> list[dict]:
    """Long-poll until `count` messages have arrived, in arrival order, or the timeout. Each is deleted
    once read, so a FIFO group is never left blocked by a message in flight."""
    messages: list[dict] = []
    deadline = time.monotonic() + timeout
    while len(messages) < count and time.monotonic() < deadline:
        batch = sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=5,
            MessageAttributeNames=["All"],
            MessageSystemAttributeNames=["All"],
        ).get("Messages", [])
        for message in batch:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        messages.extend(batch)
    assert len(messages) == count, f"expected {count} messages, got {[m['Body'] for m in messages]}"
    return messages


def envelopes(sqs, url: str, count: int) -> list[dict]:
    """The JSON envelopes of `count` messages delivered without raw delivery."""
    return [json.loads(message["Body"]) for message in receive(sqs, url, count)]


def messages_of(sqs, url: str, count: int) -> list[str]:
    """The Message of each of `count` envelopes, in arrival order."""
    return [envelope["Message"] for envelope in envelopes(sqs, url, count)]


def assert_empty(sqs, url: str) -> None:
    """Nothing more arrives (call only after a later message has been received from the same topic)."""
    late = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
    assert late == [], f"unexpected messages: {[m['Body'] for m in late]}"


# ---------------------------------------------------------------- Stratus's own SNS endpoints

POLL_SECONDS = 5.0


def stratus_json(stratus_endpoint: str, path: str, **query: str) -> dict:
    """GET one of Stratus's own JSON endpoints, e.g. /_stratus/sns/messages?endpoint=..."""
    url = f"{stratus_endpoint}{path}?{urllib.parse.urlencode(query)}"
    with urllib.request.urlopen(url, timeout=POLL_SECONDS) as answer:
        return json.loads(answer.read())


def captured_messages(stratus_endpoint: str, count: int, **query: str) -> list[dict]:
    """What SNS "sent" by email, SMS or push (GET /_stratus/sns/messages), oldest first: polled until
    `count` are there; after a few seconds, whatever there is."""
    deadline = time.monotonic() + POLL_SECONDS
    while True:
        found = stratus_json(stratus_endpoint, "/_stratus/sns/messages", **query)["messages"]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def failed_deliveries(stratus_endpoint: str, **query: str) -> list[dict]:
    """The FAILURE entries of the delivery log (GET /_stratus/sns/deliveries): polled until there is
    one, since deliveries are asynchronous; after a few seconds, []."""
    deadline = time.monotonic() + POLL_SECONDS
    while True:
        found = stratus_json(stratus_endpoint, "/_stratus/sns/deliveries", status="FAILURE", **query)[
            "deliveries"
        ]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)
