"""Redrive: after maxReceiveCount receives a message moves to the dead-letter queue."""

import json


def arn_of(sqs, url):
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def test_message_moves_after_max_receive_count(sqs, stratus_server):
    dlq = sqs.create_queue(QueueName="dead")["QueueUrl"]
    policy = json.dumps({"deadLetterTargetArn": arn_of(sqs, dlq), "maxReceiveCount": 2})
    source = sqs.create_queue(QueueName="source", Attributes={"RedrivePolicy": policy})["QueueUrl"]
    sent = sqs.send_message(QueueUrl=source, MessageBody="poison")
    for _ in range(2):
        assert len(sqs.receive_message(QueueUrl=source, VisibilityTimeout=0).get("Messages", [])) == 1
    # The third receive finds the message received twice: it goes to the DLQ instead.
    assert "Messages" not in sqs.receive_message(QueueUrl=source)
    moved = sqs.receive_message(QueueUrl=dlq, MessageSystemAttributeNames=["All"])["Messages"]
    assert [(m["MessageId"], m["Body"]) for m in moved] == [(sent["MessageId"], "poison")]
    attributes = moved[0]["Attributes"]
    assert attributes["DeadLetterQueueSourceArn"] == arn_of(sqs, source)
    assert attributes["ApproximateReceiveCount"] == "1"


def test_other_messages_still_delivered_while_one_moves(sqs):
    dlq = sqs.create_queue(QueueName="dead")["QueueUrl"]
    policy = json.dumps({"deadLetterTargetArn": arn_of(sqs, dlq), "maxReceiveCount": "1"})
    source = sqs.create_queue(QueueName="source", Attributes={"RedrivePolicy": policy})["QueueUrl"]
    sqs.send_message(QueueUrl=source, MessageBody="poison")
    sqs.receive_message(QueueUrl=source, VisibilityTimeout=0)
    sqs.send_message(QueueUrl=source, MessageBody="fine")
    received = sqs.receive_message(QueueUrl=source, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in received] == ["fine"]
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=dlq)["Messages"]] == ["poison"]


def test_standard_dlq_keeps_the_original_enqueue_time(sqs, stratus_server):
    dlq = sqs.create_queue(QueueName="dead", Attributes={"MessageRetentionPeriod": "120"})["QueueUrl"]
    policy = json.dumps({"deadLetterTargetArn": arn_of(sqs, dlq), "maxReceiveCount": 1})
    source = sqs.create_queue(QueueName="source", Attributes={"RedrivePolicy": policy})["QueueUrl"]
    sqs.send_message(QueueUrl=source, MessageBody="old")
    sqs.receive_message(QueueUrl=source, VisibilityTimeout=0)
    stratus_server.advance_clock(100)
    assert "Messages" not in sqs.receive_message(QueueUrl=source)  # moved now, 100 s after it was sent
    stratus_server.advance_clock(21)
    assert "Messages" not in sqs.receive_message(QueueUrl=dlq)


def test_fifo_dead_letter_queue(sqs):
    dlq = sqs.create_queue(QueueName="dead.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    policy = json.dumps({"deadLetterTargetArn": arn_of(sqs, dlq), "maxReceiveCount": 1})
    source = sqs.create_queue(
        QueueName="source.fifo", Attributes={"FifoQueue": "true", "RedrivePolicy": policy}
    )["QueueUrl"]
    sqs.send_message(QueueUrl=source, MessageBody="a", MessageGroupId="g", MessageDeduplicationId="a")
    sqs.send_message(QueueUrl=source, MessageBody="b", MessageGroupId="g", MessageDeduplicationId="b")
    first = sqs.receive_message(QueueUrl=source, VisibilityTimeout=0)["Messages"]
    assert [m["Body"] for m in first] == ["a"]
    # "a" was received once: it moves, and "b" (now the head of the group) is delivered.
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=source)["Messages"]] == ["b"]
    moved = sqs.receive_message(QueueUrl=dlq, MessageSystemAttributeNames=["All"])["Messages"]
    assert [m["Body"] for m in moved] == ["a"]
    assert moved[0]["Attributes"]["MessageGroupId"] == "g"
