"""A stream mapping keeps its checkpoint across a server restart: the new server's poller continues
after the last record the old one processed (and its SQS pollers start again)."""

import json
import os

import boto3
import pytest
from botocore.config import Config

from stratus.testing import StratusServer

from .conftest import TRUST_LAMBDA, make_zip
from .test_esm_support import PYTHON_RUNTIME, RECORDER, records_in, wait_for

pytestmark = pytest.mark.skipif(bool(os.environ.get("STRATUS_ENDPOINT")), reason="starts its own servers")


def clients(endpoint):
    session = boto3.session.Session(
        aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
    )
    config = Config(retries={"max_attempts": 1})
    return {
        name: session.client(name, endpoint_url=endpoint, config=config)
        for name in ("lambda", "dynamodb", "sqs", "iam")
    }


def test_pollers_resume_after_a_restart(tmp_path):
    data_dir, output = tmp_path / "data", tmp_path / "records.jsonl"
    with StratusServer(data_dir=data_dir) as server:
        aws = clients(server.endpoint)
        role = aws["iam"].create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(TRUST_LAMBDA))[
            "Role"
        ]["Arn"]
        aws["lambda"].create_function(
            FunctionName="recorder",
            Runtime=PYTHON_RUNTIME,
            Role=role,
            Handler="app.handler",
            Code={"ZipFile": make_zip({"app.py": RECORDER})},
            Environment={"Variables": {"RECORD_FILE": str(output)}},
        )
        stream = aws["dynamodb"].create_table(
            TableName="items",
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
        )["TableDescription"]["LatestStreamArn"]
        aws["sqs"].create_queue(QueueName="q")
        aws["lambda"].create_event_source_mapping(
            FunctionName="recorder", EventSourceArn=stream, StartingPosition="TRIM_HORIZON"
        )
        aws["lambda"].create_event_source_mapping(
            FunctionName="recorder", EventSourceArn="arn:aws:sqs:us-east-1:000000000000:q"
        )
        aws["dynamodb"].put_item(TableName="items", Item={"id": {"S": "before"}})
        wait_for(lambda: len(records_in(output)) == 1)

    with StratusServer(data_dir=data_dir) as server:
        aws = clients(server.endpoint)
        # No Lambda request first: the service (and its pollers) start with the server when its data exists.
        aws["dynamodb"].put_item(TableName="items", Item={"id": {"S": "after"}})
        aws["sqs"].send_message(QueueUrl=f"{server.endpoint}/000000000000/q", MessageBody="hi")
        wait_for(lambda: len(records_in(output)) == 3, timeout=10)
        keys = [r["dynamodb"]["Keys"]["id"]["S"] for r in records_in(output) if "dynamodb" in r]
        assert keys == ["before", "after"]  # not "before" twice
        assert [r["body"] for r in records_in(output) if "body" in r] == ["hi"]
