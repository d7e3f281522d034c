"""json protocol answers, checked against botocore's JSON parser."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from output_strategies import (
    SETTINGS,
    assert_round_trip,
    botocore_parse,
    client_answered_by,
    output_strategy,
    rich_operations,
)

from stratus.protocol.loader import operation_model, service_model
from stratus.protocol.serializers import serialize_response

SERVICES = [
    "dynamodb",
    "kinesis",
    "logs",
    "kms",
    "ssm",
    "sqs",
    "cloudwatch",
    "secretsmanager",
    "stepfunctions",
    "events",
]
CASES = [(service, name) for service in SERVICES for name in rich_operations(service_model(service), 5)]
CASES += [
    ("dynamodb", "Query"),
    ("dynamodb", "TransactGetItems"),
    ("kinesis", "GetRecords"),
    ("sqs", "ReceiveMessage"),
]


@pytest.mark.parametrize(("service", "operation_name"), CASES)
@SETTINGS
@given(data=st.data())
def test_json_round_trip(service: str, operation_name: str, data: st.DataObject) -> None:
    operation = operation_model(service, operation_name)
    output = data.draw(output_strategy(operation, "json"))
    assert_round_trip("json", operation, output)


@pytest.mark.parametrize(("service", "version"), [("dynamodb", "1.0"), ("kinesis", "1.1"), ("sqs", "1.0")])
def test_content_type_follows_json_version(service: str, version: str) -> None:
    name = service_model(service).operation_names[0]
    response = serialize_response("json", operation_model(service, name), {}, "req-1")
    assert response.header("Content-Type") == f"application/x-amz-json-{version}"
    assert response.header("x-amzn-RequestId") == "req-1"


def test_timestamps_blobs_and_numbers() -> None:
    operation = operation_model("kinesis", "GetRecords")
    arrival = datetime(2025, 1, 1, 0, 0, 1, 250000, tzinfo=UTC)
    output = {
        "Records": [
            {
                "SequenceNumber": "1",
                "ApproximateArrivalTimestamp": arrival,
                "Data": b"\x00\xff",
                "PartitionKey": "p",
            }
        ],
        "MillisBehindLatest": 0,
    }
    document = json.loads(serialize_response("json", operation, output, "r").body)
    record = document["Records"][0]
    assert record["ApproximateArrivalTimestamp"] == 1735689601.25
    assert record["Data"] == "AP8="
    assert document["MillisBehindLatest"] == 0


def test_members_outside_the_shape_and_none_values_are_left_out() -> None:
    operation = operation_model("sqs", "GetQueueUrl")
    response = serialize_response("json", operation, {"QueueUrl": "u", "Bogus": 1, "Other": None}, "r")
    assert json.loads(response.body) == {"QueueUrl": "u"}


def test_non_finite_doubles_travel_as_strings() -> None:
    operation = operation_model("cloudwatch", "GetMetricData")
    output = {"MetricDataResults": [{"Id": "a", "Values": [float("nan"), float("inf"), -float("inf"), 1.5]}]}
    document = json.loads(serialize_response("json", operation, output, "r").body)
    assert document["MetricDataResults"][0]["Values"] == ["NaN", "Infinity", "-Infinity", 1.5]


def test_operation_without_output_has_an_empty_body() -> None:
    response = serialize_response("json", operation_model("sqs", "DeleteMessage"), {}, "r")
    assert response.status == 200 and response.body == b""
    assert botocore_parse("json", None, response) == {}


def test_empty_output_is_an_empty_object() -> None:
    operation = operation_model("dynamodb", "DescribeTable")
    response = serialize_response("json", operation, {}, "r")
    assert response.body == b"{}"
    assert botocore_parse("json", operation.output_shape, response) == {}


def test_through_a_real_dynamodb_client() -> None:
    operation = operation_model("dynamodb", "GetItem")
    output = {"Item": {"pk": {"S": "a"}, "data": {"B": b"\x01\x02"}, "tags": {"SS": ["x", "y"]}}}
    client = client_answered_by(
        "dynamodb", lambda request: serialize_response("json", operation, output, "req-9")
    )
    answer = client.get_item(TableName="t", Key={"pk": {"S": "a"}})
    assert answer["ResponseMetadata"]["RequestId"] == "req-9"
    assert answer["Item"] == output["Item"]
