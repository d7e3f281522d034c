"""SendMessageBatch, DeleteMessageBatch, ChangeMessageVisibilityBatch: entries, partial failures, errors."""

import hashlib

import pytest
from botocore.exceptions import ClientError

from .support import error_of, receive_all


def test_send_batch_with_a_failing_entry(sqs, queue_url):
    result = sqs.send_message_batch(
        QueueUrl=queue_url,
        Entries=[
            {"Id": "a", "MessageBody": "one"},
            {"Id": "b", "MessageBody": "bad\x00"},
            {"Id": "c", "MessageBody": "three", "DelaySeconds": 0},
        ],
    )
    assert [entry["Id"] for entry in result["Successful"]] == ["a", "c"]
    assert result["Successful"][0]["MD5OfMessageBody"] == hashlib.md5(b"one").hexdigest()
    assert [(f["Id"], f["Code"], f["SenderFault"]) for f in result["Failed"]] == [
        ("b", "InvalidMessageContents", True)
    ]
    assert sorted(m["Body"] for m in receive_all(sqs, queue_url)) == ["one", "three"]


def test_delete_batch_and_change_visibility_batch(sqs, queue_url, stratus_server):
    sqs.send_message_batch(
        QueueUrl=queue_url, Entries=[{"Id": str(i), "MessageBody": f"m{i}"} for i in range(4)]
    )
    messages = receive_all(sqs, queue_url)
    assert len(messages) == 4
    deleted = sqs.delete_message_batch(
        QueueUrl=queue_url,
        Entries=[
            {"Id": "d0", "ReceiptHandle": messages[0]["ReceiptHandle"]},
            {"Id": "bad", "ReceiptHandle": "nope"},
        ],
    )
    assert [entry["Id"] for entry in deleted["Successful"]] == ["d0"]
    assert [(f["Id"], f["Code"]) for f in deleted["Failed"]] == [("bad", "ReceiptHandleIsInvalid")]
    changed = sqs.change_message_visibility_batch(
        QueueUrl=queue_url,
        Entries=[
            {"Id": "c1", "ReceiptHandle": messages[1]["ReceiptHandle"], "VisibilityTimeout": 0},
            {"Id": "c2", "ReceiptHandle": messages[2]["ReceiptHandle"], "VisibilityTimeout": 600},
            {"Id": "c0", "ReceiptHandle": messages[0]["ReceiptHandle"], "VisibilityTimeout": 0},
        ],
    )
    assert [entry["Id"] for entry in changed["Successful"]] == ["c1", "c2"]
    assert [f["Id"] for f in changed["Failed"]] == ["c0"]
    assert [m["Body"] for m in receive_all(sqs, queue_url)] == [messages[1]["Body"]]
    stratus_server.advance_clock(31)
    assert sorted(m["Body"] for m in receive_all(sqs, queue_url)) == sorted(
        [messages[1]["Body"], messages[3]["Body"]]
    )


def test_empty_batch(sqs, queue_url):
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message_batch(QueueUrl=queue_url, Entries=[])
    code, message = error_of(excinfo)
    assert "EmptyBatchRequest" in code
    assert message == "There should be at least one SendMessageBatchRequestEntry in the request."


def test_too_many_entries(sqs, queue_url):
    with pytest.raises(ClientError) as excinfo:
        sqs.delete_message_batch(
            QueueUrl=queue_url, Entries=[{"Id": str(i), "ReceiptHandle": "x"} for i in range(11)]
        )
    code, message = error_of(excinfo)
    assert "TooManyEntriesInBatchRequest" in code
    assert message == "Maximum number of entries per request are 10. You have sent 11."


def test_entry_ids_must_be_distinct(sqs, queue_url):
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message_batch(
            QueueUrl=queue_url,
            Entries=[{"Id": "same", "MessageBody": "a"}, {"Id": "same", "MessageBody": "b"}],
        )
    code, message = error_of(excinfo)
    assert "BatchEntryIdsNotDistinct" in code and message == "Id same repeated."


@pytest.mark.parametrize("entry_id", ["has space", "x" * 81, "dot.ted"])
def test_invalid_entry_id(sqs, queue_url, entry_id):
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message_batch(QueueUrl=queue_url, Entries=[{"Id": entry_id, "MessageBody": "a"}])
    assert "InvalidBatchEntryId" in error_of(excinfo)[0]


def test_batch_too_long(sqs, queue_url):
    entries = [{"Id": str(i), "MessageBody": "x" * 200_000} for i in range(6)]
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message_batch(QueueUrl=queue_url, Entries=entries)
    code, message = error_of(excinfo)
    assert "BatchRequestTooLong" in code
    assert message == "Batch requests cannot be longer than 1048576 bytes. You have sent 1200000 bytes."
    assert receive_all(sqs, queue_url) == []
