"""Fixtures shared by the CloudWatch Logs tests: a client, and a group with one stream."""

import pytest

GROUP = "/aws/lambda/orders"
STREAM = "2026/01/01/[$LATEST]abc"


@pytest.fixture
def logs(aws_client):
    return aws_client("logs")


@pytest.fixture
def stream(logs):
    """(group, stream) names of a fresh log group holding one log stream."""
    logs.create_log_group(logGroupName=GROUP)
    logs.create_log_stream(logGroupName=GROUP, logStreamName=STREAM)
    return GROUP, STREAM
