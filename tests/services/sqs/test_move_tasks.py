"""Dead-letter queue redrive: StartMessageMoveTask, ListMessageMoveTasks, CancelMessageMoveTask."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from .support import error_of

ACCOUNT = "000000000000"


def arn_of(sqs, url: str) -> str:
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def count(sqs, url: str) -> int:
    values = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])[
        "Attributes"
    ]
    return int(values["ApproximateNumberOfMessages"])


def dead_lettered(sqs) -> tuple[str, str]:
    """A source queue and its dead-letter queue holding two messages that failed there."""
    dlq = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    redrive = json.dumps({"deadLetterTargetArn": arn_of(sqs, dlq), "maxReceiveCount": 1})
    source = sqs.create_queue(
        QueueName="src", Attributes={"RedrivePolicy": redrive, "VisibilityTimeout": "0"}
    )["QueueUrl"]
    for body in ("one", "two"):
        sqs.send_message(QueueUrl=source, MessageBody=body)
    for _ in range(3):
        sqs.receive_message(QueueUrl=source, MaxNumberOfMessages=10)
    if count(sqs, dlq) != 2:
        pytest.skip("messages did not reach the dead-letter queue")
    return source, dlq


def test_redrive_back_to_the_source_queue(sqs):
    source, dlq = dead_lettered(sqs)
    dlq_arn = arn_of(sqs, dlq)
    handle = sqs.start_message_move_task(SourceArn=dlq_arn)["TaskHandle"]
    assert handle
    assert count(sqs, dlq) == 0 and count(sqs, source) == 2
    [task] = sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"]
    assert task["Status"] == "COMPLETED"
    assert task["SourceArn"] == dlq_arn
    assert task["ApproximateNumberOfMessagesMoved"] == 2
    assert task["ApproximateNumberOfMessagesToMove"] == 2
    assert "TaskHandle" not in task
    bodies = sorted(
        m["Body"] for m in sqs.receive_message(QueueUrl=source, MaxNumberOfMessages=10)["Messages"]
    )
    assert bodies == ["one", "two"]


def test_redrive_to_another_destination(sqs):
    _, dlq = dead_lettered(sqs)
    other = sqs.create_queue(QueueName="other")["QueueUrl"]
    sqs.start_message_move_task(
        SourceArn=arn_of(sqs, dlq), DestinationArn=arn_of(sqs, other), MaxNumberOfMessagesPerSecond=10
    )
    assert count(sqs, other) == 2
    [task] = sqs.list_message_move_tasks(SourceArn=arn_of(sqs, dlq), MaxResults=10)["Results"]
    assert task["DestinationArn"] == arn_of(sqs, other) and task["MaxNumberOfMessagesPerSecond"] == 10


def test_source_must_be_a_dead_letter_queue(sqs):
    plain = sqs.create_queue(QueueName="plain")["QueueUrl"]
    with pytest.raises(ClientError) as excinfo:
        sqs.start_message_move_task(SourceArn=arn_of(sqs, plain))
    assert error_of(excinfo) == (
        "InvalidParameterValue",
        "Source queue must be configured as a Dead Letter Queue.",
    )
    with pytest.raises(ClientError) as excinfo:
        sqs.start_message_move_task(SourceArn=f"arn:aws:sqs:us-east-1:{ACCOUNT}:missing")
    assert error_of(excinfo)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as excinfo:
        sqs.list_message_move_tasks(SourceArn=f"arn:aws:sqs:us-east-1:{ACCOUNT}:missing")
    assert error_of(excinfo)[0] == "ResourceNotFoundException"


def test_cancel_unknown_or_finished_task(sqs):
    with pytest.raises(ClientError) as excinfo:
        sqs.cancel_message_move_task(TaskHandle="bm9wZQ==")
    assert error_of(excinfo)[0] == "ResourceNotFoundException"
    _, dlq = dead_lettered(sqs)
    handle = sqs.start_message_move_task(SourceArn=arn_of(sqs, dlq))["TaskHandle"]
    with pytest.raises(ClientError) as excinfo:
        sqs.cancel_message_move_task(TaskHandle=handle)
    assert error_of(excinfo)[0] in ("UnsupportedOperation", "AWS.SimpleQueueService.UnsupportedOperation")
