"""validate_input: which constraints are checked, and how each service words the answer."""

from __future__ import annotations

import pytest
from hypothesis import given

from stratus.protocol.errors import ServiceError, ValidationError
from stratus.protocol.loader import operation_model
from stratus.protocol.parsers import parse_request
from stratus.protocol.parsers.failures import S3_MALFORMED_XML
from stratus.protocol.validate import (
    CORAL,
    ValidationPolicy,
    policy_for,
    register_validation_policy,
    validate_input,
)

from .strategies import input_strategy, roundtrip_settings, to_http_request


def _error(protocol: str, service: str, name: str, params: dict) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        validate_input(protocol, operation_model(service, name), params)
    return caught.value


def test_missing_required_member_coral_style():
    error = _error("json", "dynamodb", "Query", {})
    assert isinstance(error, ValidationError)
    assert error.code == "ValidationException"
    assert error.status == 400
    assert error.message == (
        "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: "
        "Member must not be null"
    )


def test_every_violation_is_collected():
    error = _error(
        "json",
        "dynamodb",
        "Scan",
        {"TableName": "t", "Limit": 0, "Select": "EVERYTHING", "TotalSegments": 1_000_001},
    )
    assert error.message == (
        "3 validation errors detected: "
        "Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1; "
        "Value 'EVERYTHING' at 'select' failed to satisfy constraint: Member must satisfy enum value set: "
        "[ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES, SPECIFIC_ATTRIBUTES, COUNT]; "
        "Value '1000001' at 'totalSegments' failed to satisfy constraint: "
        "Member must have value less than or equal to 1000000"
    )


def test_lengths_lists_and_nested_paths():
    error = _error(
        "json", "dynamodb", "CreateTable", {"TableName": "", "KeySchema": [{"AttributeName": "k"}]}
    )
    assert error.message == (
        "2 validation errors detected: "
        "Value '' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 1; "
        "Value null at 'keySchema.1.member.keyType' failed to satisfy constraint: Member must not be null"
    )
    error = _error("json", "dynamodb", "BatchGetItem", {"RequestItems": {}})
    assert "Value '{}' at 'requestItems' failed to satisfy constraint: " in error.message
    assert "Member must have length greater than or equal to 1" in error.message


def test_list_of_enums_names_each_item():
    error = _error(
        "json",
        "kinesis",
        "EnableEnhancedMonitoring",
        {"StreamName": "s", "ShardLevelMetrics": ["IncomingBytes", "Nope", "Never"]},
    )
    assert error.message.startswith(
        "2 validation errors detected: Value 'Nope' at 'shardLevelMetrics.2.member'"
    )
    assert "Value 'Never' at 'shardLevelMetrics.3.member' failed to satisfy constraint: " in error.message
    assert "Member must satisfy enum value set: [IncomingBytes, " in error.message


def test_null_list_items():
    error = _error(
        "json", "kinesis", "EnableEnhancedMonitoring", {"StreamName": "s", "ShardLevelMetrics": [None]}
    )
    assert (
        "Value null at 'shardLevelMetrics.1.member' failed to satisfy constraint: Member must not be null"
        in (error.message)
    )


def test_map_keys_and_values():
    error = _error("json", "logs", "TagResource", {"resourceArn": "arn", "tags": {"k" * 200: "v" * 300}})
    assert error.code == "InvalidParameterException"
    assert "at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: [" in error.message
    assert "Member must have length less than or equal to 128" in error.message
    assert "Map value must satisfy constraint: [Member must have length less than or equal to 256]" in (
        error.message
    )


def test_sensitive_values_are_not_echoed():
    error = _error("json", "kms", "Encrypt", {"KeyId": "k", "Plaintext": b""})
    assert error.message == (
        "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1"
    )


def test_blob_lengths_render_like_coral():
    error = _error("json", "kms", "Decrypt", {"CiphertextBlob": b"x" * 6145})
    assert error.message == (
        "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=6145 cap=6145]' at "
        "'ciphertextBlob' failed to satisfy constraint: Member must have length less than or equal to 6144"
    )


def test_query_services_answer_validation_error():
    error = _error("query", "iam", "CreateUser", {})
    assert error.code == "ValidationError"
    assert error.message == (
        "1 validation error detected: Value null at 'userName' failed to satisfy constraint: "
        "Member must not be null"
    )
    error = _error(
        "query",
        "sts",
        "AssumeRole",
        {"RoleArn": "arn:aws:iam::1:role/r", "RoleSessionName": "s", "DurationSeconds": 60},
    )
    assert "Member must have value greater than or equal to 900" in error.message


@pytest.mark.parametrize("protocol", ["query", "json"])
def test_sqs_missing_parameter(protocol):
    error = _error(protocol, "sqs", "SendMessage", {"MessageBody": "b"})
    assert error.code == "MissingParameter"
    assert error.message == "The request must contain the parameter QueueUrl."
    error = _error(protocol, "sqs", "DeleteMessageBatch", {"QueueUrl": "u", "Entries": [{"Id": "a"}]})
    assert error.message == "The request must contain the parameter Entries.1.ReceiptHandle."


def test_sqs_leaves_attribute_names_to_the_service():
    validate_input(
        "json", operation_model("sqs", "GetQueueAttributes"), {"QueueUrl": "u", "AttributeNames": ["Bogus"]}
    )


def test_ec2_missing_parameter():
    error = _error("ec2", "ec2", "RunInstances", {"MaxCount": 1})
    assert error.code == "MissingParameter"
    assert error.message == "The request must contain the parameter MinCount"
    validate_input(
        "ec2",
        operation_model("ec2", "RunInstances"),
        {"MinCount": 1, "MaxCount": 1, "InstanceType": "brand-new.type"},
    )


def test_s3_checks_only_what_s3_checks():
    operation = operation_model("s3", "PutBucketAcl")
    validate_input("rest-xml", operation, {"Bucket": "b", "ACL": "not-an-acl"})
    error = _error("rest-xml", "s3", "PutBucketTagging", {"Bucket": "b"})
    assert (error.code, error.message) == ("MalformedXML", S3_MALFORMED_XML)
    error = _error(
        "rest-xml", "s3", "PutBucketTagging", {"Bucket": "b", "Tagging": {"TagSet": [{"Key": "k"}]}}
    )
    assert error.code == "MalformedXML"
    error = _error("rest-xml", "s3", "CopyObject", {"Bucket": "b", "Key": "k"})
    assert error.code == "InvalidRequest"
    assert error.message == "Missing required header for this request: x-amz-copy-source"


def test_other_rest_xml_services():
    error = _error("rest-xml", "route53", "GetHostedZone", {"Id": "x" * 40})
    assert error.code == "InvalidInput"
    assert "Value '" + "x" * 40 + "' at 'id' failed to satisfy constraint: " in error.message
    error = _error("rest-xml", "cloudfront", "CreateDistribution", {})
    assert error.code == "InvalidArgument"


def test_rest_json_and_cbor_codes():
    assert _error("rest-json", "lambda", "CreateFunction", {}).code == "ValidationException"
    assert _error("rest-json", "apigateway", "CreateRestApi", {}).code == "BadRequestException"
    assert (
        _error("smithy-rpc-v2-cbor", "gamelift", "CreateScript", {"Name": ""}).code == "ValidationException"
    )
    error = _error("smithy-rpc-v2-cbor", "cloudwatch", "PutMetricData", {})
    assert error.code == "MissingParameter"
    assert "Value null at 'namespace'" in error.message
    error = _error("smithy-rpc-v2-cbor", "cloudwatch", "DescribeAlarms", {"MaxRecords": 0})
    assert error.code == "InvalidParameterValue"


def test_valid_input_passes_and_unknown_members_are_ignored():
    validate_input("json", operation_model("dynamodb", "Query"), {"TableName": "table", "Bogus": object()})
    validate_input("json", operation_model("sqs", "ListQueues"), {})


def test_values_of_the_wrong_type_are_left_alone():
    # the internal client may pass loosely typed values; validation must not crash on them
    validate_input("json", operation_model("dynamodb", "Scan"), {"TableName": 5, "Limit": "x", "Select": 3})


def test_policy_can_be_registered():
    policy = policy_for("json", "dynamodb")
    try:
        register_validation_policy("dynamodb", ValidationPolicy(CORAL, "InvalidParameterException"))
        assert _error("json", "dynamodb", "Query", {}).code == "InvalidParameterException"
    finally:
        register_validation_policy("dynamodb", policy)
    assert _error("json", "dynamodb", "Query", {}).code == "ValidationException"


def test_recursive_shapes_are_walked():
    value: dict = {"S": "x"}
    for _ in range(20):
        value = {"L": [value]}
    validate_input(
        "json", operation_model("dynamodb", "PutItem"), {"TableName": "table", "Item": {"k": value}}
    )


@roundtrip_settings(40)
@given(input_strategy(operation_model("sqs", "SendMessageBatch"), "query"))
def test_parsed_input_of_a_valid_request_validates(params):
    operation = operation_model("sqs", "SendMessageBatch")
    request, labels = to_http_request("query", operation, params)
    validate_input("query", operation, parse_request("query", operation, request, labels))
