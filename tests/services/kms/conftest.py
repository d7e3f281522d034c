"""Fixtures shared by the KMS tests: a client, and a symmetric encryption key."""

import pytest


@pytest.fixture
def kms(aws_client):
    return aws_client("kms")


@pytest.fixture
def key_id(kms) -> str:
    """The id of a fresh symmetric encryption key."""
    return kms.create_key(Description="test key")["KeyMetadata"]["KeyId"]


@pytest.fixture
def unchecked_kms(aws_client):
    """A client that sends what it is given (botocore checks minimums itself otherwise)."""
    from botocore.config import Config

    return aws_client("kms", config=Config(parameter_validation=False, retries={"max_attempts": 1}))
