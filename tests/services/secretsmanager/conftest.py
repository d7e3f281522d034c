"""Fixtures shared by the Secrets Manager tests: a client, and a secret with a value."""

import pytest


@pytest.fixture
def sm(aws_client):
    return aws_client("secretsmanager")


@pytest.fixture
def secret(sm):
    """A secret named "app/db" whose value is "s3cr3t": the create_secret answer."""
    return sm.create_secret(Name="app/db", SecretString="s3cr3t")
