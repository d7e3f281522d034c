"""FIFO topics: MessageGroupId, deduplication (explicit and content-based, 5-minute window and its
scope), sequence numbers, strict order within a group, and delivery to SQS queues.

Queues are read with long polls and every message is deleted once read, so a FIFO group is never
left blocked by a message in flight.
"""

import hashlib
import json
import uuid

import pytest
from botocore.exceptions import ClientError

from .support import assert_empty, error_of, fifo_topic, messages_of, queue_arn, receive, subscribe_queue

DEDUPLICATION_WINDOW = 300  # seconds
FIFO_ENVELOPE_FIELDS = {
    "Type",
    "MessageId",
    "SequenceNumber",
    "TopicArn",
    "Message",
    "Timestamp",
    "UnsubscribeURL",
}


# ---------------------------------------------------------------- publishing


def test_publish_returns_message_id_and_increasing_sequence_numbers(sns):
    topic_arn = fifo_topic(sns)
    responses = [
        sns.publish(TopicArn=topic_arn, Message=f"m{i}", MessageGroupId="g", MessageDeduplicationId=f"d{i}")
        for i in range(3)
    ]
    assert all(uuid.UUID(response["MessageId"]) for response in responses)
    numbers = [response["SequenceNumber"] for response in responses]
    assert all(number.isdigit() for number in numbers)
    assert [int(number) for number in numbers] == sorted({int(number) for number in numbers})


def test_message_group_id_is_required(sns):
    topic_arn = fifo_topic(sns)
    with pytest.raises(ClientError) as excinfo:
        sns.publish(TopicArn=topic_arn, Message="no group", MessageDeduplicationId="d")
    assert error_of(excinfo) == (
        "InvalidParameter",
        "Invalid parameter: The MessageGroupId parameter is required for FIFO topics",
    )


def test_deduplication_id_is_required_without_content_based_deduplication(sns):
    topic_arn = fifo_topic(sns)
    with pytest.raises(ClientError) as excinfo:
        sns.publish(TopicArn=topic_arn, Message="no dedup id", MessageGroupId="g")
    assert error_of(excinfo) == (
        "InvalidParameter",
        "Invalid parameter: The topic should either have ContentBasedDeduplication enabled "
        "or MessageDeduplicationId provided explicitly",
    )


def test_publish_batch_requires_group_ids_on_a_fifo_topic(sns):
    topic_arn = fifo_topic(sns)
    batch = [
        {"Id": "a", "Message": "one", "MessageGroupId": "g", "MessageDeduplicationId": "d1"},
        {"Id": "b", "Message": "two", "MessageDeduplicationId": "d2"},
    ]
    with pytest.raises(ClientError) as excinfo:
        sns.publish_batch(TopicArn=topic_arn, PublishBatchRequestEntries=batch)
    assert error_of(excinfo) == (
        "InvalidParameter",
        "Invalid parameter: The MessageGroupId parameter is required for FIFO topics",
    )


def test_publish_batch_requires_deduplication_ids_without_content_based_deduplication(sns):
    topic_arn = fifo_topic(sns)
    batch = [{"Id": "a", "Message": "one", "MessageGroupId": "g"}]
    with pytest.raises(ClientError) as excinfo:
        sns.publish_batch(TopicArn=topic_arn, PublishBatchRequestEntries=batch)
    assert error_of(excinfo) == (
        "InvalidParameter",
        "Invalid parameter: The topic should either have ContentBasedDeduplication enabled "
        "or MessageDeduplicationId provided explicitly",
    )


# ---------------------------------------------------------------- subscriptions


def test_a_fifo_queue_cannot_subscribe_to_a_standard_topic(sns, sqs, topic_arn):
    with pytest.raises(ClientError) as excinfo:
        sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn(sqs, "jobs.fifo"))
    assert error_of(excinfo) == (
        "InvalidParameter",
        "Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to "
        "standard SNS topics",
    )


def test_a_standard_queue_receives_from_a_fifo_topic_without_the_group(sns, sqs):
    topic_arn = fifo_topic(sns)
    url, _ = subscribe_queue(sns, sqs, topic_arn, "standard-listener")
    published = sns.publish(
        TopicArn=topic_arn, Message="hello", MessageGroupId="g", MessageDeduplicationId="d"
    )
    (message,) = receive(sqs, url, 1)
    envelope = json.loads(message["Body"])
    assert (envelope["MessageId"], envelope["Message"]) == (published["MessageId"], "hello")
    assert envelope["SequenceNumber"] == published["SequenceNumber"]
    # the group ID is passed only to FIFO queues
    assert "MessageGroupId" not in message["Attributes"]


# ---------------------------------------------------------------- what a FIFO queue receives


def test_sqs_message_carries_the_group_deduplication_id_and_envelope(sns, sqs):
    topic_arn = fifo_topic(sns)
    url, _ = subscribe_queue(sns, sqs, topic_arn, "listener.fifo")
    published = sns.publish(
        TopicArn=topic_arn, Message="order 1", MessageGroupId="customer-7", MessageDeduplicationId="order-1"
    )
    (message,) = receive(sqs, url, 1)
    assert message["Attributes"]["MessageGroupId"] == "customer-7"
    assert message["Attributes"]["MessageDeduplicationId"] == "order-1"
    envelope = json.loads(message["Body"])
    # FIFO notifications are not signed: no Signature, SignatureVersion or SigningCertURL
    assert set(envelope) == FIFO_ENVELOPE_FIELDS
    assert envelope["Type"] == "Notification"
    assert envelope["MessageId"] == published["MessageId"]
    assert envelope["SequenceNumber"] == published["SequenceNumber"]
    assert envelope["TopicArn"] == topic_arn
    assert envelope["Message"] == "order 1"
    assert "?Action=Unsubscribe&SubscriptionArn=" + topic_arn + ":" in envelope["UnsubscribeURL"]


def test_fifo_envelope_with_subject_and_attributes(sns, sqs):
    topic_arn = fifo_topic(sns)
    url, _ = subscribe_queue(sns, sqs, topic_arn, "detailed.fifo")
    sns.publish(
        TopicArn=topic_arn,
        Message="order 2",
        Subject="New order",
        MessageAttributes={"total": {"DataType": "Number", "StringValue": "19.5"}},
        MessageGroupId="g",
        MessageDeduplicationId="order-2",
    )
    envelope = json.loads(receive(sqs, url, 1)[0]["Body"])
    assert set(envelope) == FIFO_ENVELOPE_FIELDS | {"Subject", "MessageAttributes"}
    assert envelope["Subject"] == "New order"
    assert envelope["MessageAttributes"] == {"total": {"Type": "Number", "Value": "19.5"}}


def test_raw_delivery_to_a_fifo_queue(sns, sqs):
    topic_arn = fifo_topic(sns)
    url, _ = subscribe_queue(sns, sqs, topic_arn, "raw.fifo", RawMessageDelivery="true")
    sns.publish(
        TopicArn=topic_arn,
        Message='{"order": 3}',
        MessageAttributes={"kind": {"DataType": "String", "StringValue": "order"}},
        MessageGroupId="g-raw",
        MessageDeduplicationId="order-3",
    )
    (message,) = receive(sqs, url, 1)
    assert message["Body"] == '{"order": 3}'
    assert message["MessageAttributes"] == {"kind": {"DataType": "String", "StringValue": "order"}}
    assert message["Attributes"]["MessageGroupId"] == "g-raw"
    assert message["Attributes"]["MessageDeduplicationId"] == "order-3"


def test_order_within_each_group_is_preserved(sns, sqs):
    topic_arn = fifo_topic(sns)
    url, _ = subscribe_queue(sns, sqs, topic_arn, "ordered.fifo")
    sequence_numbers: dict[str, int] = {}
    for i in range(30):
        group = f"group-{i % 3}"
        response = sns.publish(
            TopicArn=topic_arn, Message=f"{group}:{i}", MessageGroupId=group, MessageDeduplicationId=f"d-{i}"
        )
        sequence_numbers[response["MessageId"]] = int(response["SequenceNumber"])
    assert list(sequence_numbers.values()) == sorted(set(sequence_numbers.values()))

    received: dict[str, list[str]] = {f"group-{g}": [] for g in range(3)}
    for message in receive(sqs, url, 30):
        group = message["Attributes"]["MessageGroupId"]
        envelope = json.loads(message["Body"])
        assert envelope["Message"].startswith(f"{group}:")
        assert int(envelope["SequenceNumber"]) == sequence_numbers[envelope["MessageId"]]
        received[group].append(envelope["Message"])
    for g in range(3):
        assert received[f"group-{g}"] == [f"group-{g}:{i}" for i in range(g, 30, 3)]
    assert_empty(sqs, url)


def test_publish_batch_on_a_fifo_topic(sns, sqs):
    topic_arn = fifo_topic(sns)
    url, _ = subscribe_queue(sns, sqs, topic_arn, "batched.fifo", RawMessageDelivery="true")
    batch = [
        {
            "Id": f"e{i}",
            "Message": f"step {i}",
            "MessageGroupId": "job",
            "MessageDeduplicationId": f"step-{i}",
        }
        for i in range(5)
    ]
    response = sns.publish_batch(TopicArn=topic_arn, PublishBatchRequestEntries=batch)
    assert response["Failed"] == []
    assert [entry["Id"] for entry in response["Successful"]] == [f"e{i}" for i in range(5)]
    numbers = [int(entry["SequenceNumber"]) for entry in response["Successful"]]
    assert numbers == sorted(set(numbers))
    # entries of a batch are published in the order they are sent
    assert [message["Body"] for message in receive(sqs, url, 5)] == [f"step {i}" for i in range(5)]

    # the same batch again within 5 minutes: accepted with the same results, not delivered again
    again = sns.publish_batch(TopicArn=topic_arn, PublishBatchRequestEntries=batch)
    assert again["Successful"] == response["Successful"]
    sns.publish(TopicArn=topic_arn, Message="step 5", MessageGroupId="job", MessageDeduplicationId="step-5")
    assert [message["Body"] for message in receive(sqs, url, 1)] == ["step 5"]
    assert_empty(sqs, url)


# ---------------------------------------------------------------- deduplication


def test_a_duplicate_within_five_minutes_is_accepted_but_delivered_once(sns, sqs):
    topic_arn = fifo_topic(sns)
    url, _ = subscribe_queue(sns, sqs, topic_arn, "dedup.fifo")
    first = sns.publish(
        TopicArn=topic_arn, Message="charge", MessageGroupId="g", MessageDeduplicationId="pay-1"
    )
    duplicate = sns.publish(
        TopicArn=topic_arn, Message="charge again", MessageGroupId="g", MessageDeduplicationId="pay-1"
    )
    # the duplicate is acknowledged with the original's identifiers
    assert duplicate["MessageId"] == first["MessageId"]
    assert duplicate["SequenceNumber"] == first["SequenceNumber"]
    sns.publish(TopicArn=topic_arn, Message="refund", MessageGroupId="g", MessageDeduplicationId="pay-2")
    assert messages_of(sqs, url, 2) == ["charge", "refund"]
    assert_empty(sqs, url)


def test_the_same_deduplication_id_is_delivered_again_after_the_window(sns, sqs, stratus_server):
    topic_arn = fifo_topic(sns)
    url, _ = subscribe_queue(sns, sqs, topic_arn, "window.fifo")
    first = sns.publish(
        TopicArn=topic_arn, Message="first", MessageGroupId="g", MessageDeduplicationId="daily"
    )
    assert messages_of(sqs, url, 1) == ["first"]
    stratus_server.advance_clock(DEDUPLICATION_WINDOW + 60)
    later = sns.publish(
        TopicArn=topic_arn, Message="next day", MessageGroupId="g", MessageDeduplicationId="daily"
    )
    assert later["MessageId"] != first["MessageId"]
    assert int(later["SequenceNumber"]) > int(first["SequenceNumber"])
    assert messages_of(sqs, url, 1) == ["next day"]


def test_content_based_deduplication_uses_the_sha256_of_the_body(sns, sqs):
    topic_arn = fifo_topic(sns, ContentBasedDeduplication="true")
    url, _ = subscribe_queue(sns, sqs, topic_arn, "content.fifo")
    first = sns.publish(TopicArn=topic_arn, Message="Test", MessageGroupId="g")
    # same body: a duplicate, even with different attributes (they are not part of the hash)
    duplicate = sns.publish(
        TopicArn=topic_arn,
        Message="Test",
        MessageGroupId="g",
        MessageAttributes={"extra": {"DataType": "String", "StringValue": "x"}},
    )
    assert duplicate["MessageId"] == first["MessageId"]
    sns.publish(TopicArn=topic_arn, Message="Other", MessageGroupId="g")
    messages = receive(sqs, url, 2)
    assert [json.loads(m["Body"])["Message"] for m in messages] == ["Test", "Other"]
    assert messages[0]["Attributes"]["MessageDeduplicationId"] == hashlib.sha256(b"Test").hexdigest()
    assert messages[1]["Attributes"]["MessageDeduplicationId"] == hashlib.sha256(b"Other").hexdigest()
    assert_empty(sqs, url)


def test_an_explicit_deduplication_id_overrides_content_based_deduplication(sns, sqs):
    topic_arn = fifo_topic(sns, ContentBasedDeduplication="true")
    url, _ = subscribe_queue(sns, sqs, topic_arn, "explicit.fifo")
    sns.publish(TopicArn=topic_arn, Message="same body", MessageGroupId="g", MessageDeduplicationId="one")
    sns.publish(TopicArn=topic_arn, Message="same body", MessageGroupId="g", MessageDeduplicationId="two")
    messages = receive(sqs, url, 2)
    assert [m["Attributes"]["MessageDeduplicationId"] for m in messages] == ["one", "two"]


def test_deduplication_is_topic_wide_by_default(sns, sqs):
    topic_arn = fifo_topic(sns)
    # a queue that deduplicates per group, so that only the topic can drop the second message
    url, _ = subscribe_queue(
        sns, sqs, topic_arn, "topic-scope.fifo", queue_attributes={"DeduplicationScope": "messageGroup"}
    )
    first = sns.publish(TopicArn=topic_arn, Message="in a", MessageGroupId="a", MessageDeduplicationId="same")
    second = sns.publish(
        TopicArn=topic_arn, Message="in b", MessageGroupId="b", MessageDeduplicationId="same"
    )
    assert second["MessageId"] == first["MessageId"]
    sns.publish(TopicArn=topic_arn, Message="control", MessageGroupId="b", MessageDeduplicationId="other")
    assert sorted(messages_of(sqs, url, 2)) == ["control", "in a"]
    assert_empty(sqs, url)


def test_message_group_throughput_scope_deduplicates_within_each_group(sns, sqs):
    topic_arn = fifo_topic(sns, FifoThroughputScope="MessageGroup")
    # the queue must also deduplicate per group, or it would drop the second message itself
    url, _ = subscribe_queue(
        sns,
        sqs,
        topic_arn,
        "group-scope.fifo",
        queue_attributes={"DeduplicationScope": "messageGroup", "FifoThroughputLimit": "perMessageGroupId"},
    )
    sns.publish(TopicArn=topic_arn, Message="in a", MessageGroupId="a", MessageDeduplicationId="same")
    sns.publish(TopicArn=topic_arn, Message="in b", MessageGroupId="b", MessageDeduplicationId="same")
    sns.publish(TopicArn=topic_arn, Message="again in a", MessageGroupId="a", MessageDeduplicationId="same")
    sns.publish(TopicArn=topic_arn, Message="control", MessageGroupId="a", MessageDeduplicationId="other")
    assert sorted(messages_of(sqs, url, 3)) == ["control", "in a", "in b"]
    assert_empty(sqs, url)
