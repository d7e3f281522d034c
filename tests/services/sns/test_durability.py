"""An acknowledged publish is delivered even when the server is killed with SIGKILL before it
delivered it: the deliveries are outbox rows written with the publish (the issue's durability test)."""

from __future__ import annotations

import json
import os
import signal
import threading
import time

import pytest

from stratus.testing.process import client as new_client
from stratus.testing.process import free_port, kill_during, start_server

from .support import subscribe_queue

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(os.environ.get("STRATUS_ENDPOINT")), reason="starts and kills its own servers"),
]


def test_kill_9_loses_no_acknowledged_publish(tmp_path):
    port = free_port()
    server = start_server(tmp_path, port)
    sns, sqs = new_client("sns", port), new_client("sqs", port)
    topic_arn = sns.create_topic(Name="durable")["TopicArn"]
    queues = [subscribe_queue(sns, sqs, topic_arn, name)[0] for name in ("first", "second")]
    acknowledged: set[str] = set()
    stop, lock = threading.Event(), threading.Lock()

    def publisher(worker: int) -> None:
        client, n = new_client("sns", port), 0
        while not stop.is_set():
            try:
                message_id = client.publish(TopicArn=topic_arn, Message=f"{worker}-{n}")["MessageId"]
            except Exception:
                return  # the server is gone: not acknowledged
            n += 1
            with lock:
                acknowledged.add(message_id)

    kill_during(server, [lambda i=i: publisher(i) for i in range(3)], stop)
    assert len(acknowledged) > 50, len(acknowledged)

    server = start_server(tmp_path, port)
    try:
        sqs = new_client("sqs", port)
        for url in queues:
            delivered: set[str] = set()
            deadline = time.time() + 30
            while not acknowledged <= delivered and time.time() < deadline:
                messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get(
                    "Messages", []
                )
                for message in messages:
                    delivered.add(json.loads(message["Body"])["MessageId"])
                    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            missing = acknowledged - delivered
            assert not missing, f"{len(missing)} acknowledged publishes never reached {url}"
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=15)
