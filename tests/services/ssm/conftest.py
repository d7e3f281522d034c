"""Fixtures shared by the Parameter Store tests: a client."""

import pytest


@pytest.fixture
def ssm(aws_client):
    return aws_client("ssm")
