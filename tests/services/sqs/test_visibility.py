"""Visibility timeouts: expiry on the clock, per-receive override, ChangeMessageVisibility rules."""

import pytest
from botocore.exceptions import ClientError

from .support import error_of


def receive(sqs, url, **kwargs):
    return sqs.receive_message(QueueUrl=url, **kwargs).get("Messages", [])


def test_message_comes_back_after_the_queue_visibility_timeout(sqs, queue_url, stratus_server):
    sqs.send_message(QueueUrl=queue_url, MessageBody="x")
    assert len(receive(sqs, queue_url)) == 1
    assert receive(sqs, queue_url) == []
    stratus_server.advance_clock(29)
    assert receive(sqs, queue_url) == []
    stratus_server.advance_clock(2)
    again = receive(sqs, queue_url, MessageSystemAttributeNames=["ApproximateReceiveCount"])
    assert again[0]["Attributes"]["ApproximateReceiveCount"] == "2"


def test_queue_visibility_timeout_attribute(sqs, stratus_server):
    url = sqs.create_queue(QueueName="long", Attributes={"VisibilityTimeout": "300"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="x")
    receive(sqs, url)
    stratus_server.advance_clock(200)
    assert receive(sqs, url) == []
    stratus_server.advance_clock(101)
    assert len(receive(sqs, url)) == 1


def test_per_receive_visibility_timeout(sqs, queue_url, stratus_server):
    sqs.send_message(QueueUrl=queue_url, MessageBody="x")
    receive(sqs, queue_url, VisibilityTimeout=5)
    stratus_server.advance_clock(6)
    assert len(receive(sqs, queue_url)) == 1


def test_receive_visibility_out_of_range(sqs, queue_url):
    with pytest.raises(ClientError) as excinfo:
        receive(sqs, queue_url, VisibilityTimeout=43201)
    assert error_of(excinfo)[0] == "InvalidParameterValue"


def test_change_visibility_extends_and_zero_releases(sqs, queue_url, stratus_server):
    sqs.send_message(QueueUrl=queue_url, MessageBody="x")
    handle = receive(sqs, queue_url)[0]["ReceiptHandle"]
    sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=handle, VisibilityTimeout=100)
    stratus_server.advance_clock(50)
    assert receive(sqs, queue_url) == []
    sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=handle, VisibilityTimeout=0)
    assert len(receive(sqs, queue_url)) == 1


def test_change_visibility_cannot_pass_twelve_hours_from_the_receive(sqs, queue_url, stratus_server):
    sqs.send_message(QueueUrl=queue_url, MessageBody="x")
    handle = receive(sqs, queue_url, VisibilityTimeout=43200)[0]["ReceiptHandle"]
    sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=handle, VisibilityTimeout=43200)
    stratus_server.advance_clock(3600)
    with pytest.raises(ClientError) as excinfo:
        sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=handle, VisibilityTimeout=43200)
    assert error_of(excinfo) == (
        "InvalidParameterValue",
        "Value 43200 for parameter VisibilityTimeout is invalid. "
        "Reason: Total VisibilityTimeout for the message is beyond the limit [43200 seconds]",
    )
    sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=handle, VisibilityTimeout=39600)


def test_change_visibility_out_of_range(sqs, queue_url):
    sqs.send_message(QueueUrl=queue_url, MessageBody="x")
    handle = receive(sqs, queue_url)[0]["ReceiptHandle"]
    with pytest.raises(ClientError) as excinfo:
        sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=handle, VisibilityTimeout=43201)
    assert error_of(excinfo)[0] == "InvalidParameterValue"


def test_change_visibility_of_a_message_not_in_flight(sqs, queue_url, stratus_server):
    sqs.send_message(QueueUrl=queue_url, MessageBody="x")
    handle = receive(sqs, queue_url)[0]["ReceiptHandle"]
    stratus_server.advance_clock(31)
    with pytest.raises(ClientError) as excinfo:
        sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=handle, VisibilityTimeout=10)
    code, message = error_of(excinfo)
    assert "MessageNotInflight" in code
    assert message == "Message does not exist or is not available for visibility timeout change."


def test_change_visibility_of_a_deleted_message(sqs, queue_url):
    sqs.send_message(QueueUrl=queue_url, MessageBody="x")
    handle = receive(sqs, queue_url)[0]["ReceiptHandle"]
    sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=handle)
    with pytest.raises(ClientError) as excinfo:
        sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=handle, VisibilityTimeout=10)
    assert "MessageNotInflight" in error_of(excinfo)[0]
