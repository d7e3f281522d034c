"""The json protocol parser, with botocore's serializer as the oracle, and its answers to bad bodies."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from stratus.protocol.errors import SerializationError, ServiceError
from stratus.protocol.http import HttpRequest, RequestBody
from stratus.protocol.loader import operation_model
from stratus.protocol.parsers import parse_request

from .strategies import check_roundtrips, operations_of

SERVICES = ["dynamodb", "kinesis", "logs", "kms", "ssm", "sqs", "secretsmanager", "events"]
RICH = [
    ("dynamodb", "TransactWriteItems"),
    ("dynamodb", "Query"),
    ("dynamodb", "CreateTable"),
    ("dynamodb", "BatchWriteItem"),
    ("kinesis", "PutRecords"),
    ("logs", "PutLogEvents"),
    ("kms", "Encrypt"),
    ("ssm", "SendCommand"),
    ("sqs", "SendMessageBatch"),
    ("events", "PutEvents"),
]


def _all(services):
    return [
        pytest.param(op, id=f"{service}.{op.name}") for service in services for op in operations_of(service)
    ]


@pytest.mark.parametrize("operation", _all(SERVICES))
def test_roundtrip_every_operation(operation):
    check_roundtrips("json", operation, 6, parse_request)


@pytest.mark.parametrize("service,name", RICH, ids=[f"{s}.{n}" for s, n in RICH])
def test_roundtrip_rich_operations(service, name):
    check_roundtrips("json", operation_model(service, name), 60, parse_request)


def _request(body: bytes, target: str = "DynamoDB_20120810.Query") -> HttpRequest:
    headers = {"x-amz-target": target, "content-type": "application/x-amz-json-1.0"}
    return HttpRequest("POST", "/", headers=headers, body=RequestBody(body))


def _parse(service: str, name: str, body: bytes | dict) -> dict:
    raw = json.dumps(body).encode() if isinstance(body, dict) else body
    return parse_request("json", operation_model(service, name), _request(raw), {})


def test_values_come_back_as_python_types():
    params = _parse(
        "kinesis",
        "GetShardIterator",
        {"StreamName": "s", "ShardId": "0", "ShardIteratorType": "AT_TIMESTAMP", "Timestamp": 1577836800.25},
    )
    assert params["Timestamp"] == datetime(2020, 1, 1, 0, 0, 0, 250000, tzinfo=UTC)
    params = _parse("kinesis", "PutRecord", {"StreamName": "s", "Data": "aGk=", "PartitionKey": "p"})
    assert params["Data"] == b"hi"
    params = _parse("dynamodb", "Scan", {"TableName": "t", "Limit": 5.0, "ConsistentRead": True})
    assert params == {"TableName": "t", "Limit": 5, "ConsistentRead": True}


def test_timestamps_accept_iso_strings_and_integers():
    for sent in ("2020-01-01T00:00:00Z", "2020-01-01T01:00:00+01:00", 1577836800, "1577836800"):
        params = _parse("kinesis", "GetShardIterator", {"StreamName": "s", "Timestamp": sent})
        assert params["Timestamp"] == datetime(2020, 1, 1, tzinfo=UTC), sent


def test_unknown_members_and_nulls_are_ignored():
    params = _parse(
        "sqs", "SendMessage", {"QueueUrl": "u", "MessageBody": "b", "Bogus": 1, "DelaySeconds": None}
    )
    assert params == {"QueueUrl": "u", "MessageBody": "b"}


def test_empty_body_is_no_params():
    assert _parse("sqs", "ListQueues", b"") == {}
    assert _parse("sqs", "ListQueues", b"  ") == {}


def test_document_members_are_passed_through():
    settings = {"a": [1, 2.5, None, {"b": "c"}], "d": True}
    params = _parse("cognito-idp", "UpdateManagedLoginBranding", {"Settings": settings})
    assert params == {"Settings": settings}


def test_special_floats_and_integral_numbers_for_doubles():
    operation = ("codebuild", "DescribeCodeCoverages")
    for sent, expected in (
        ("Infinity", float("inf")),
        ("-Infinity", float("-inf")),
        (50, 50.0),
        (12.5, 12.5),
    ):
        params = _parse(*operation, {"reportArn": "r", "minLineCoveragePercentage": sent})
        assert params["minLineCoveragePercentage"] == expected
        assert isinstance(params["minLineCoveragePercentage"], float)
    params = _parse(*operation, {"reportArn": "r", "minLineCoveragePercentage": "NaN"})
    assert params["minLineCoveragePercentage"] != params["minLineCoveragePercentage"]
    with pytest.raises(SerializationError):
        _parse(*operation, {"reportArn": "r", "minLineCoveragePercentage": "12"})


BROKEN_BODIES = {
    "truncated": b'{"TableName":',
    "array": b"[1, 2]",
    "string": b'"just a string"',
    "number": b"42",
    "not-utf8": b'{"TableName": "\xff\xfe"}',
    "deep-nesting": b"[" * 100_000,
    "deep-objects": b'{"a":' * 50_000,
    "raw-nul": b'{"TableName": "a\x00b"}',
    "garbage": b"\x00\x01\x02\x03",
}


@pytest.mark.parametrize("body", BROKEN_BODIES.values(), ids=BROKEN_BODIES.keys())
def test_broken_json_is_a_serialization_exception(body):
    with pytest.raises(SerializationError) as caught:
        _parse("dynamodb", "Query", body)
    assert caught.value.code == "SerializationException"
    assert caught.value.status == 400
    assert caught.value.message


WRONG_TYPES = {
    "string-for-list": {"TableName": "t", "AttributesToGet": "a"},
    "list-for-string": {"TableName": ["t"]},
    "string-for-int": {"TableName": "t", "Limit": "ten"},
    "bool-for-int": {"TableName": "t", "Limit": True},
    "fraction-for-int": {"TableName": "t", "Limit": 1.5},
    "huge-int": {"TableName": "t", "Limit": 10**30},
    "int-for-bool": {"TableName": "t", "ConsistentRead": 1},
    "string-for-map": {"TableName": "t", "ExpressionAttributeNames": "x"},
    "list-for-structure": {"TableName": "t", "ExclusiveStartKey": {"k": []}},
    "number-for-blob": {"TableName": "t", "ExclusiveStartKey": {"k": {"B": 5}}},
    "bad-base64": {"TableName": "t", "ExclusiveStartKey": {"k": {"B": "!!!"}}},
}


@pytest.mark.parametrize("body", WRONG_TYPES.values(), ids=WRONG_TYPES.keys())
def test_wrong_json_types_are_serialization_exceptions(body):
    with pytest.raises(SerializationError) as caught:
        _parse("dynamodb", "Query", body)
    assert caught.value.code == "SerializationException"


def test_bad_timestamp_is_a_serialization_exception():
    with pytest.raises(SerializationError):
        _parse("kinesis", "GetShardIterator", {"StreamName": "s", "Timestamp": "yesterday"})
    with pytest.raises(SerializationError):
        _parse("kinesis", "GetShardIterator", {"StreamName": "s", "Timestamp": 1e300})


@pytest.mark.parametrize("depth", [400, 900, 3000])
def test_deeply_nested_recursive_shape_is_refused_not_crashed(depth):
    value = '{"L":[' * depth + '{"S":"x"}' + "]}" * depth
    body = '{"TableName":"t","Item":{"k":' + value + "}}"
    try:
        params = _parse("dynamodb", "PutItem", body.encode())
    except ServiceError as error:
        assert error.code == "SerializationException"
    else:
        assert params["TableName"] == "t"
