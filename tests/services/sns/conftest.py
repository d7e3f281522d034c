"""Fixtures shared by the SNS tests: clients, a fresh standard topic, a GCM platform application."""

import pytest


@pytest.fixture
def sns(aws_client):
    return aws_client("sns")


@pytest.fixture
def sqs(aws_client):
    return aws_client("sqs")


@pytest.fixture
def topic_arn(sns):
    return sns.create_topic(Name="events")["TopicArn"]


@pytest.fixture
def gcm_app(sns) -> str:
    return sns.create_platform_application(
        Name="mobile", Platform="GCM", Attributes={"PlatformCredential": "server-key"}
    )["PlatformApplicationArn"]
