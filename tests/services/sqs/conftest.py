"""Fixtures shared by the SQS tests: a client, and a fresh standard queue."""

import pytest


@pytest.fixture
def sqs(aws_client):
    return aws_client("sqs")


@pytest.fixture
def queue_url(sqs):
    return sqs.create_queue(QueueName="work")["QueueUrl"]
