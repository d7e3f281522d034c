"""FIFO ReceiveRequestAttemptId: a retried receive returns the same messages and receipt handles."""

import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def fifo_url(sqs):
    url = sqs.create_queue(QueueName="attempts.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    for i in range(3):
        sqs.send_message(
            QueueUrl=url, MessageBody=f"m{i}", MessageGroupId=f"g{i}", MessageDeduplicationId=f"d{i}"
        )
    return url


def receive(sqs, url, attempt=None, **kwargs):
    if attempt is not None:
        kwargs["ReceiveRequestAttemptId"] = attempt
    return sqs.receive_message(QueueUrl=url, **kwargs).get("Messages", [])


def handles(messages):
    return [(m["MessageId"], m["ReceiptHandle"]) for m in messages]


def test_a_retry_returns_the_same_messages_and_receipt_handles(sqs, fifo_url):
    first = receive(sqs, fifo_url, "attempt-1", MaxNumberOfMessages=2)
    assert [m["Body"] for m in first] == ["m0", "m1"]
    again = receive(sqs, fifo_url, "attempt-1", MaxNumberOfMessages=2)
    assert handles(again) == handles(first)
    assert again == first
    # Another attempt id is a new receive: only what is left.
    assert [m["Body"] for m in receive(sqs, fifo_url, "attempt-2", MaxNumberOfMessages=10)] == ["m2"]
    # The replayed handles are the live ones.
    for message in again:
        sqs.delete_message(QueueUrl=fifo_url, ReceiptHandle=message["ReceiptHandle"])


def test_without_an_attempt_id_each_receive_is_new(sqs, fifo_url):
    assert [m["Body"] for m in receive(sqs, fifo_url)] == ["m0"]
    assert [m["Body"] for m in receive(sqs, fifo_url)] == ["m1"]


def test_the_attempt_id_belongs_to_its_queue(sqs, fifo_url):
    other = sqs.create_queue(QueueName="other.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    sqs.send_message(QueueUrl=other, MessageBody="x", MessageGroupId="g", MessageDeduplicationId="x")
    first = receive(sqs, fifo_url, "shared")
    on_other = receive(sqs, other, "shared")
    assert [m["Body"] for m in on_other] == ["x"]
    assert handles(receive(sqs, fifo_url, "shared")) == handles(first)


def test_a_deleted_message_ends_the_replay(sqs, fifo_url):
    first = receive(sqs, fifo_url, "a", MaxNumberOfMessages=2)
    sqs.delete_message(QueueUrl=fifo_url, ReceiptHandle=first[0]["ReceiptHandle"])
    retry = receive(sqs, fifo_url, "a", MaxNumberOfMessages=10)
    # An ordinary receive: m1 is still in flight, so only m2 comes.
    assert [m["Body"] for m in retry] == ["m2"]
    # ... and it is the one remembered from now on.
    assert handles(receive(sqs, fifo_url, "a", MaxNumberOfMessages=10)) == handles(retry)


def test_a_visibility_change_ends_the_replay(sqs, fifo_url):
    first = receive(sqs, fifo_url, "a")
    sqs.change_message_visibility(
        QueueUrl=fifo_url, ReceiptHandle=first[0]["ReceiptHandle"], VisibilityTimeout=0
    )
    retry = receive(sqs, fifo_url, "a")
    assert [m["Body"] for m in retry] == ["m0"]
    assert retry[0]["ReceiptHandle"] != first[0]["ReceiptHandle"]


def test_the_attempt_expires_after_five_minutes(sqs, fifo_url, stratus_server):
    first = receive(sqs, fifo_url, "a", VisibilityTimeout=600)
    stratus_server.advance_clock(299)
    assert handles(receive(sqs, fifo_url, "a", VisibilityTimeout=600)) == handles(first)
    stratus_server.advance_clock(2)
    # Past the 5 minutes: a new receive (m0 is still in flight, its group blocked).
    assert [m["Body"] for m in receive(sqs, fifo_url, "a", VisibilityTimeout=600)] == ["m1"]


def test_a_retry_restarts_the_visibility_timeout(sqs, fifo_url, stratus_server):
    first = receive(sqs, fifo_url, "a", VisibilityTimeout=60)
    stratus_server.advance_clock(50)
    assert handles(receive(sqs, fifo_url, "a", VisibilityTimeout=60)) == handles(first)
    stratus_server.advance_clock(30)  # 80 s after the receive, 30 s after the retry: still in flight
    assert [m["Body"] for m in receive(sqs, fifo_url, MaxNumberOfMessages=10)] == ["m1", "m2"]


def test_a_receive_received_again_by_another_consumer_is_not_replayed(sqs, fifo_url, stratus_server):
    first = receive(sqs, fifo_url, "a", VisibilityTimeout=10)
    stratus_server.advance_clock(11)
    taken = receive(sqs, fifo_url, MaxNumberOfMessages=1)
    assert [m["Body"] for m in taken] == ["m0"]
    retry = receive(sqs, fifo_url, "a")
    assert [m["Body"] for m in retry] == ["m1"]
    assert handles(retry) != handles(first)


def test_an_empty_receive_is_not_remembered(sqs):
    url = sqs.create_queue(QueueName="empty.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    assert receive(sqs, url, "a") == []
    sqs.send_message(QueueUrl=url, MessageBody="late", MessageGroupId="g", MessageDeduplicationId="late")
    assert [m["Body"] for m in receive(sqs, url, "a")] == ["late"]


def test_standard_queues_ignore_the_attempt_id(sqs):
    url = sqs.create_queue(QueueName="standard")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="one")
    sqs.send_message(QueueUrl=url, MessageBody="two")
    bodies = [m["Body"] for m in receive(sqs, url, "a")] + [m["Body"] for m in receive(sqs, url, "a")]
    assert sorted(bodies) == ["one", "two"]


def test_an_invalid_attempt_id_is_refused(sqs, fifo_url):
    with pytest.raises(ClientError) as raised:
        receive(sqs, fifo_url, "x" * 129)
    assert raised.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert "ReceiveRequestAttemptId" in raised.value.response["Error"]["Message"]
