"""Fixtures shared by the DynamoDB tests: a client, and ready-made tables."""

import pytest


@pytest.fixture
def ddb(aws_client):
    return aws_client("dynamodb")


@pytest.fixture
def table(ddb):
    """A table keyed by (pk S, sk N), on demand."""
    ddb.create_table(
        TableName="items",
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
        ],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return "items"


@pytest.fixture
def simple_table(ddb):
    """A table keyed by `id` (S) alone."""
    ddb.create_table(
        TableName="simple",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return "simple"


@pytest.fixture
def ddb_resource(stratus_endpoint):
    """boto3's DynamoDB resource (Table objects, batch_writer, boto3.dynamodb.conditions)."""
    import boto3

    return boto3.resource(
        "dynamodb",
        endpoint_url=stratus_endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
