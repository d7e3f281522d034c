"""Standard queues through boto3: send, receive, delete, delays, retention, the errors of bad input."""

import hashlib

import pytest
from botocore.exceptions import ClientError

from .support import error_of


def test_send_receive_delete(sqs, queue_url):
    sent = sqs.send_message(QueueUrl=queue_url, MessageBody="hello")
    assert sent["MD5OfMessageBody"] == hashlib.md5(b"hello").hexdigest()
    assert len(sent["MessageId"]) == 36
    received = sqs.receive_message(QueueUrl=queue_url)["Messages"]
    assert [(m["MessageId"], m["Body"], m["MD5OfBody"]) for m in received] == [
        (sent["MessageId"], "hello", sent["MD5OfMessageBody"])
    ]
    sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=received[0]["ReceiptHandle"])
    assert "Messages" not in sqs.receive_message(QueueUrl=queue_url)
    # Deleting again with the same (valid) handle succeeds, as in AWS.
    sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=received[0]["ReceiptHandle"])


def test_unicode_body_and_its_md5(sqs, queue_url):
    body = "żółw 🐢\ttab\nnewline"
    sent = sqs.send_message(QueueUrl=queue_url, MessageBody=body)
    assert sent["MD5OfMessageBody"] == hashlib.md5(body.encode()).hexdigest()
    assert sqs.receive_message(QueueUrl=queue_url)["Messages"][0]["Body"] == body


def test_receive_returns_up_to_max_number_of_messages(sqs, queue_url):
    for index in range(15):
        sqs.send_message(QueueUrl=queue_url, MessageBody=f"m{index}")
    first = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
    assert len(first) == 10
    second = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
    assert len(second) == 5
    assert {m["Body"] for m in first + second} == {f"m{i}" for i in range(15)}


def test_system_attributes(sqs, queue_url):
    sqs.send_message(QueueUrl=queue_url, MessageBody="x")
    message = sqs.receive_message(QueueUrl=queue_url, MessageSystemAttributeNames=["All"])["Messages"][0]
    attributes = message["Attributes"]
    assert attributes["SenderId"] == "000000000000"
    assert attributes["ApproximateReceiveCount"] == "1"
    assert int(attributes["ApproximateFirstReceiveTimestamp"]) >= int(attributes["SentTimestamp"])
    assert "SequenceNumber" not in attributes


def test_receive_count_grows_with_each_receive(sqs, queue_url):
    sqs.send_message(QueueUrl=queue_url, MessageBody="x")
    counts = []
    for _ in range(3):
        message = sqs.receive_message(
            QueueUrl=queue_url, VisibilityTimeout=0, MessageSystemAttributeNames=["ApproximateReceiveCount"]
        )["Messages"][0]
        counts.append(message["Attributes"]["ApproximateReceiveCount"])
        assert list(message["Attributes"]) == ["ApproximateReceiveCount"]
    assert counts == ["1", "2", "3"]


def test_queue_delay(sqs, stratus_server):
    url = sqs.create_queue(QueueName="slow", Attributes={"DelaySeconds": "60"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="later")
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    stratus_server.advance_clock(61)
    assert sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "later"


def test_message_delay_overrides_the_queue(sqs, queue_url, stratus_server):
    sqs.send_message(QueueUrl=queue_url, MessageBody="later", DelaySeconds=120)
    sqs.send_message(QueueUrl=queue_url, MessageBody="now")
    now = sqs.receive_message(QueueUrl=queue_url)["Messages"]
    assert [m["Body"] for m in now] == ["now"]
    sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=now[0]["ReceiptHandle"])
    stratus_server.advance_clock(121)
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=queue_url)["Messages"]] == ["later"]


def test_delay_out_of_range(sqs, queue_url):
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message(QueueUrl=queue_url, MessageBody="x", DelaySeconds=901)
    assert error_of(excinfo) == (
        "InvalidParameterValue",
        "Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.",
    )


def test_retention_expires_messages(sqs, stratus_server):
    url = sqs.create_queue(QueueName="short", Attributes={"MessageRetentionPeriod": "60"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="old")
    stratus_server.advance_clock(61)
    sqs.send_message(QueueUrl=url, MessageBody="new")
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]] == [
        "new"
    ]


def test_invalid_characters_are_refused(sqs, queue_url):
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message(QueueUrl=queue_url, MessageBody="bell\x07")
    assert error_of(excinfo) == (
        "InvalidMessageContents",
        "Invalid binary character '#x7' was found in the message body, the set of allowed characters is "
        "#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].",
    )


def test_empty_body_is_refused(sqs, queue_url):
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message(QueueUrl=queue_url, MessageBody="")
    assert error_of(excinfo)[1] == "The request must contain the parameter MessageBody."


def test_message_size_limit_of_the_queue(sqs):
    url = sqs.create_queue(QueueName="small", Attributes={"MaximumMessageSize": "1024"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="x" * 1024)
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message(QueueUrl=url, MessageBody="x" * 1025)
    assert error_of(excinfo) == (
        "InvalidParameterValue",
        "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.",
    )
    # Attributes count too: name, type and value.
    with pytest.raises(ClientError):
        sqs.send_message(
            QueueUrl=url,
            MessageBody="x" * 1000,
            MessageAttributes={"n": {"DataType": "String", "StringValue": "y" * 20}},
        )


def test_max_number_of_messages_out_of_range(sqs, queue_url):
    with pytest.raises(ClientError) as excinfo:
        sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=11)
    assert error_of(excinfo) == (
        "InvalidParameterValue",
        "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.",
    )


def test_wait_time_out_of_range(sqs, queue_url):
    with pytest.raises(ClientError) as excinfo:
        sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=21)
    assert error_of(excinfo)[0] == "InvalidParameterValue"


def test_missing_queue(sqs, queue_url):
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message(QueueUrl=queue_url + "-nope", MessageBody="x")
    assert "NonExistentQueue" in error_of(excinfo)[0] or error_of(excinfo)[0] == "QueueDoesNotExist"


def test_malformed_receipt_handle(sqs, queue_url):
    with pytest.raises(ClientError) as excinfo:
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle="garbage")
    assert error_of(excinfo) == (
        "ReceiptHandleIsInvalid",
        'The input receipt handle "garbage" is not a valid receipt handle.',
    )


def test_receipt_handle_of_another_queue(sqs, queue_url):
    other = sqs.create_queue(QueueName="other")["QueueUrl"]
    sqs.send_message(QueueUrl=other, MessageBody="x")
    handle = sqs.receive_message(QueueUrl=other)["Messages"][0]["ReceiptHandle"]
    with pytest.raises(ClientError) as excinfo:
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=handle)
    assert error_of(excinfo)[0] == "ReceiptHandleIsInvalid"


def test_stale_handle_still_deletes_on_standard_queues(sqs, queue_url):
    sqs.send_message(QueueUrl=queue_url, MessageBody="x")
    old = sqs.receive_message(QueueUrl=queue_url, VisibilityTimeout=0)["Messages"][0]["ReceiptHandle"]
    new = sqs.receive_message(QueueUrl=queue_url, VisibilityTimeout=0)["Messages"][0]["ReceiptHandle"]
    assert old != new
    sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=old)
    assert "Messages" not in sqs.receive_message(QueueUrl=queue_url)
