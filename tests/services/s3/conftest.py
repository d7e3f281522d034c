"""Fixtures shared by the S3 tests: a client (us-east-1, path-style through the endpoint) and a
fresh bucket in us-east-1."""

import pytest


@pytest.fixture
def s3(aws_client):
    return aws_client("s3")


@pytest.fixture
def bucket(s3) -> str:
    name = "stratus-test-bucket"
    s3.create_bucket(Bucket=name)
    return name
