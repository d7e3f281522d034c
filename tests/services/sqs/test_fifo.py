"""FIFO queues: group order, group blocking, deduplication, sequence numbers, their errors."""

import pytest
from botocore.exceptions import ClientError

from .support import error_of


@pytest.fixture
def fifo_url(sqs):
    return sqs.create_queue(QueueName="jobs.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]


def send(sqs, url, body, group="g", dedup=None):
    return sqs.send_message(
        QueueUrl=url, MessageBody=body, MessageGroupId=group, MessageDeduplicationId=dedup or body
    )


def bodies(sqs, url, **kwargs):
    return [
        m["Body"]
        for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, **kwargs).get("Messages", [])
    ]


def test_order_within_a_group_and_sequence_numbers(sqs, fifo_url):
    numbers = [send(sqs, fifo_url, f"m{i}")["SequenceNumber"] for i in range(5)]
    assert all(len(number) == 20 and number.isdigit() for number in numbers)
    assert numbers == sorted(numbers) and len(set(numbers)) == 5
    messages = sqs.receive_message(
        QueueUrl=fifo_url, MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"]
    )["Messages"]
    assert [m["Body"] for m in messages] == [f"m{i}" for i in range(5)]
    attributes = messages[0]["Attributes"]
    assert attributes["MessageGroupId"] == "g"
    assert attributes["MessageDeduplicationId"] == "m0"
    assert attributes["SequenceNumber"] == numbers[0]


def test_a_group_with_a_message_in_flight_is_blocked(sqs, fifo_url, stratus_server):
    send(sqs, fifo_url, "a1", group="a")
    send(sqs, fifo_url, "a2", group="a")
    send(sqs, fifo_url, "b1", group="b")
    first = sqs.receive_message(QueueUrl=fifo_url)["Messages"]
    assert [m["Body"] for m in first] == ["a1"]
    # a2 waits behind a1 while it is in flight; group b is free.
    assert bodies(sqs, fifo_url) == ["b1"]
    assert bodies(sqs, fifo_url) == []
    stratus_server.advance_clock(31)
    # a1 is visible again and comes first, with a2 behind it.
    assert bodies(sqs, fifo_url)[:2] == ["a1", "a2"]


def test_deleting_the_head_releases_the_group(sqs, fifo_url):
    send(sqs, fifo_url, "a1")
    send(sqs, fifo_url, "a2")
    handle = sqs.receive_message(QueueUrl=fifo_url)["Messages"][0]["ReceiptHandle"]
    assert bodies(sqs, fifo_url) == []
    sqs.delete_message(QueueUrl=fifo_url, ReceiptHandle=handle)
    assert bodies(sqs, fifo_url) == ["a2"]


def test_explicit_deduplication(sqs, fifo_url, stratus_server):
    first = send(sqs, fifo_url, "one", dedup="d1")
    again = send(sqs, fifo_url, "one again", dedup="d1")
    assert again["MessageId"] == first["MessageId"]
    assert again["SequenceNumber"] == first["SequenceNumber"]
    assert bodies(sqs, fifo_url) == ["one"]
    stratus_server.advance_clock(301)
    send(sqs, fifo_url, "after the window", dedup="d1")
    assert "after the window" in bodies(sqs, fifo_url)


def test_content_based_deduplication(sqs):
    url = sqs.create_queue(
        QueueName="cbd.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"}
    )["QueueUrl"]
    first = sqs.send_message(QueueUrl=url, MessageBody="same", MessageGroupId="g")
    second = sqs.send_message(QueueUrl=url, MessageBody="same", MessageGroupId="g")
    sqs.send_message(QueueUrl=url, MessageBody="different", MessageGroupId="g")
    assert first["MessageId"] == second["MessageId"]
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"])[
        "Messages"
    ]
    assert [m["Body"] for m in messages] == ["same", "different"]
    import hashlib

    assert messages[0]["Attributes"]["MessageDeduplicationId"] == hashlib.sha256(b"same").hexdigest()


def test_deduplication_scope_message_group(sqs):
    url = sqs.create_queue(
        QueueName="scoped.fifo",
        Attributes={
            "FifoQueue": "true",
            "DeduplicationScope": "messageGroup",
            "FifoThroughputLimit": "perMessageGroupId",
        },
    )["QueueUrl"]
    send(sqs, url, "x", group="a", dedup="d")
    send(sqs, url, "y", group="b", dedup="d")
    send(sqs, url, "z", group="a", dedup="d")
    assert sorted(bodies(sqs, url)) == ["x", "y"]


def test_group_id_is_required(sqs, fifo_url):
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message(QueueUrl=fifo_url, MessageBody="x", MessageDeduplicationId="d")
    assert error_of(excinfo) == ("MissingParameter", "The request must contain the parameter MessageGroupId.")


def test_deduplication_id_is_required_without_content_based_deduplication(sqs, fifo_url):
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message(QueueUrl=fifo_url, MessageBody="x", MessageGroupId="g")
    assert error_of(excinfo) == (
        "InvalidParameterValue",
        "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
    )


def test_per_message_delay_is_refused(sqs, fifo_url):
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message(
            QueueUrl=fifo_url, MessageBody="x", MessageGroupId="g", MessageDeduplicationId="d", DelaySeconds=5
        )
    assert error_of(excinfo) == (
        "InvalidParameterValue",
        "Value 5 for parameter DelaySeconds is invalid. "
        "Reason: The request include parameter that is not valid for this queue type.",
    )


def test_stale_receipt_handle_has_expired(sqs, fifo_url, stratus_server):
    send(sqs, fifo_url, "x")
    handle = sqs.receive_message(QueueUrl=fifo_url)["Messages"][0]["ReceiptHandle"]
    stratus_server.advance_clock(31)
    with pytest.raises(ClientError) as excinfo:
        sqs.delete_message(QueueUrl=fifo_url, ReceiptHandle=handle)
    assert error_of(excinfo) == (
        "InvalidParameterValue",
        f"Value {handle} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.",
    )


def test_batch_send_keeps_order(sqs, fifo_url):
    result = sqs.send_message_batch(
        QueueUrl=fifo_url,
        Entries=[
            {"Id": f"e{i}", "MessageBody": f"m{i}", "MessageGroupId": "g", "MessageDeduplicationId": f"d{i}"}
            for i in range(3)
        ],
    )
    numbers = [entry["SequenceNumber"] for entry in result["Successful"]]
    assert numbers == sorted(numbers)
    assert bodies(sqs, fifo_url) == ["m0", "m1", "m2"]
