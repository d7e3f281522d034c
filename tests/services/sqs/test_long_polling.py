"""Long polling: a waiting receive returns as soon as a message arrives or becomes visible."""

import threading
import time


def receive_in_thread(sqs, url, **kwargs):
    outcome: dict = {}

    def run():
        started = time.monotonic()
        outcome["response"] = sqs.receive_message(QueueUrl=url, **kwargs)
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def test_a_send_wakes_a_waiting_receive(aws_client, queue_url):
    receiver, sender = aws_client("sqs"), aws_client("sqs")
    thread, outcome = receive_in_thread(receiver, queue_url, WaitTimeSeconds=5)
    time.sleep(0.3)
    sender.send_message(QueueUrl=queue_url, MessageBody="wake up")
    thread.join(10)
    assert [m["Body"] for m in outcome["response"]["Messages"]] == ["wake up"]
    assert outcome["seconds"] < 3


def test_empty_queue_waits_then_returns_nothing(sqs, queue_url):
    started = time.monotonic()
    response = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=1)
    assert "Messages" not in response
    assert time.monotonic() - started >= 0.9


def test_clock_advance_ends_the_wait(aws_client, queue_url, stratus_server):
    thread, outcome = receive_in_thread(aws_client("sqs"), queue_url, WaitTimeSeconds=20)
    time.sleep(0.3)
    stratus_server.advance_clock(21)
    thread.join(10)
    assert "Messages" not in outcome["response"]
    assert outcome["seconds"] < 5


def test_visibility_ending_during_the_wait_delivers(aws_client, queue_url, stratus_server):
    sqs = aws_client("sqs")
    sqs.send_message(QueueUrl=queue_url, MessageBody="again")
    sqs.receive_message(QueueUrl=queue_url, VisibilityTimeout=60)
    thread, outcome = receive_in_thread(aws_client("sqs"), queue_url, WaitTimeSeconds=20)
    time.sleep(0.3)
    stratus_server.advance_clock(61)
    thread.join(10)
    assert [m["Body"] for m in outcome["response"]["Messages"]] == ["again"]
    assert outcome["seconds"] < 5


def test_delayed_message_sent_during_the_wait(aws_client, queue_url, stratus_server):
    thread, outcome = receive_in_thread(aws_client("sqs"), queue_url, WaitTimeSeconds=20)
    time.sleep(0.3)
    aws_client("sqs").send_message(QueueUrl=queue_url, MessageBody="soon", DelaySeconds=10)
    time.sleep(0.3)
    stratus_server.advance_clock(11)
    thread.join(10)
    assert [m["Body"] for m in outcome["response"]["Messages"]] == ["soon"]
    assert outcome["seconds"] < 5


def test_queue_default_wait_time(sqs, stratus_server):
    url = sqs.create_queue(QueueName="patient", Attributes={"ReceiveMessageWaitTimeSeconds": "1"})["QueueUrl"]
    started = time.monotonic()
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    assert time.monotonic() - started >= 0.9
