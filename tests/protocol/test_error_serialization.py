"""Errors in every protocol, through real botocore clients: the whole error path must run
and raise the modelled exception with the right code, message, status and fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from botocore.exceptions import ClientError
from output_strategies import client_answered_by

from stratus.protocol.errors import NotImplementedOperation, ServiceError
from stratus.protocol.loader import operation_model, service_model
from stratus.protocol.serializers import serialize_error

REQUEST_ID = "7c5e2f1a-0b1c-4d2e-8f3a-123456789abc"


@dataclass
class Case:
    protocol: str
    service: str
    call: str  # client method name
    params: dict
    code: str  # what the provider raises
    expected_code: str  # Error.Code as boto3 reports it
    exception: str | None  # client.exceptions.<name>, None for a plain ClientError
    status: int = 400
    fields: dict = field(default_factory=dict)
    expected_fields: dict = field(default_factory=dict)  # top-level keys of the error response
    expected_error_fields: dict = field(default_factory=dict)  # extra keys of response["Error"]
    parse_as: str | None = None  # force the client's protocol (multi-protocol services)
    id: str = ""


CASES = [
    Case(
        "query", "iam", "get_user", {}, "NoSuchEntity", "NoSuchEntity", "NoSuchEntityException", 404, id="iam"
    ),
    Case(
        "query",
        "sns",
        "get_topic_attributes",
        {"TopicArn": "arn"},
        "NotFound",
        "NotFound",
        "NotFoundException",
        404,
        id="sns",
    ),
    Case(
        "query",
        "sts",
        "get_caller_identity",
        {},
        "ExpiredTokenException",
        "ExpiredTokenException",
        "ExpiredTokenException",
        id="sts",
    ),
    Case(
        "query",
        "cloudwatch",
        "describe_alarms",
        {},
        "InvalidParameterValueException",
        "InvalidParameterValue",
        "InvalidParameterValueException",
        parse_as="query",
        id="cloudwatch-query",
    ),
    Case(
        "query",
        "sqs",
        "get_queue_url",
        {"QueueName": "q"},
        "QueueDoesNotExist",
        "AWS.SimpleQueueService.NonExistentQueue",
        None,
        parse_as="query",
        id="sqs-query",
    ),
    Case(
        "query",
        "elbv2",
        "describe_load_balancers",
        {},
        "LoadBalancerNotFound",
        "LoadBalancerNotFound",
        "LoadBalancerNotFoundException",
        fields={"Detail": "x"},
        expected_error_fields={"Detail": "x"},
        id="elbv2-fields",
    ),
    Case(
        "ec2",
        "ec2",
        "describe_instances",
        {},
        "InvalidInstanceID.NotFound",
        "InvalidInstanceID.NotFound",
        None,
        id="ec2",
    ),
    Case(
        "ec2",
        "ec2",
        "describe_vpcs",
        {},
        "InvalidVpcID.NotFound",
        "InvalidVpcID.NotFound",
        None,
        fields={"Hint": "h"},
        expected_error_fields={"Hint": "h"},
        id="ec2-fields",
    ),
    Case(
        "json",
        "dynamodb",
        "describe_table",
        {"TableName": "t"},
        "ResourceNotFoundException",
        "ResourceNotFoundException",
        "ResourceNotFoundException",
        id="dynamodb",
    ),
    Case(
        "json",
        "dynamodb",
        "put_item",
        {"TableName": "t", "Item": {"a": {"S": "x"}}},
        "ConditionalCheckFailedException",
        "ConditionalCheckFailedException",
        "ConditionalCheckFailedException",
        fields={"Item": {"a": {"S": "old"}, "n": {"N": "1"}}},
        expected_fields={"Item": {"a": {"S": "old"}, "n": {"N": "1"}}},
        id="dynamodb-item",
    ),
    Case(
        "json",
        "dynamodb",
        "transact_write_items",
        {
            "TransactItems": [
                {
                    "ConditionCheck": {
                        "TableName": "t",
                        "Key": {"a": {"S": "x"}},
                        "ConditionExpression": "attribute_exists(a)",
                    }
                }
            ]
        },
        "TransactionCanceledException",
        "TransactionCanceledException",
        "TransactionCanceledException",
        fields={
            "CancellationReasons": [{"Code": "ConditionalCheckFailed", "Message": "m"}, {"Code": "None"}]
        },
        expected_fields={
            "CancellationReasons": [{"Code": "ConditionalCheckFailed", "Message": "m"}, {"Code": "None"}]
        },
        id="dynamodb-cancellation",
    ),
    Case(
        "json",
        "sqs",
        "get_queue_url",
        {"QueueName": "q"},
        "QueueDoesNotExist",
        "AWS.SimpleQueueService.NonExistentQueue",
        "QueueDoesNotExist",
        id="sqs-json",
    ),
    Case(
        "json",
        "sqs",
        "get_queue_url",
        {"QueueName": "q"},
        "AWS.SimpleQueueService.NonExistentQueue",
        "AWS.SimpleQueueService.NonExistentQueue",
        "QueueDoesNotExist",
        id="sqs-json-by-query-code",
    ),
    Case(
        "json",
        "sqs",
        "list_queues",
        {},
        "KmsThrottled",
        "KMS.ThrottlingException",
        "KmsThrottled",
        id="sqs-json-kms",
    ),
    Case(
        "json",
        "kinesis",
        "describe_stream",
        {"StreamName": "s"},
        "ResourceNotFoundException",
        "ResourceNotFoundException",
        "ResourceNotFoundException",
        id="kinesis",
    ),
    Case(
        "json",
        "kms",
        "describe_key",
        {"KeyId": "k"},
        "NotFoundException",
        "NotFoundException",
        "NotFoundException",
        id="kms",
    ),
    Case(
        "json",
        "ssm",
        "get_parameter",
        {"Name": "p"},
        "ParameterNotFound",
        "ParameterNotFound",
        "ParameterNotFound",
        id="ssm",
    ),
    Case(
        "json",
        "cloudwatch",
        "describe_alarms",
        {},
        "InvalidParameterValue",
        "InvalidParameterValue",
        "InvalidParameterValueException",
        id="cloudwatch-json",
    ),
    Case(
        "rest-json",
        "lambda",
        "get_function",
        {"FunctionName": "f"},
        "ResourceNotFoundException",
        "ResourceNotFoundException",
        "ResourceNotFoundException",
        404,
        fields={"Type": "User"},
        expected_fields={"Type": "User"},
        id="lambda",
    ),
    Case(
        "rest-json",
        "lambda",
        "invoke",
        {"FunctionName": "f"},
        "TooManyRequestsException",
        "TooManyRequestsException",
        "TooManyRequestsException",
        429,
        fields={"retryAfterSeconds": "7", "Reason": "ReservedFunctionConcurrentInvocationLimitExceeded"},
        expected_fields={
            "retryAfterSeconds": "7",
            "Reason": "ReservedFunctionConcurrentInvocationLimitExceeded",
        },
        id="lambda-header-field",
    ),
    Case(
        "rest-json",
        "apigateway",
        "get_rest_api",
        {"restApiId": "a"},
        "NotFoundException",
        "NotFoundException",
        "NotFoundException",
        404,
        id="apigateway",
    ),
    Case(
        "rest-json",
        "apigatewayv2",
        "get_api",
        {"ApiId": "a"},
        "NotFoundException",
        "NotFoundException",
        "NotFoundException",
        404,
        id="apigatewayv2",
    ),
    Case(
        "rest-json",
        "appsync",
        "get_graphql_api",
        {"apiId": "a"},
        "NotFoundException",
        "NotFoundException",
        "NotFoundException",
        404,
        id="appsync",
    ),
    Case(
        "rest-xml",
        "s3",
        "get_bucket_acl",
        {"Bucket": "b"},
        "NoSuchBucket",
        "NoSuchBucket",
        "NoSuchBucket",
        404,
        fields={"BucketName": "b"},
        expected_error_fields={"BucketName": "b"},
        id="s3",
    ),
    Case(
        "rest-xml",
        "s3",
        "get_object",
        {"Bucket": "b", "Key": "k"},
        "NoSuchKey",
        "NoSuchKey",
        "NoSuchKey",
        404,
        fields={"Key": "k"},
        expected_error_fields={"Key": "k"},
        id="s3-get-object",
    ),
    Case(
        "rest-xml",
        "route53",
        "get_hosted_zone",
        {"Id": "Z1"},
        "NoSuchHostedZone",
        "NoSuchHostedZone",
        "NoSuchHostedZone",
        404,
        id="route53",
    ),
    Case(
        "rest-xml",
        "cloudfront",
        "get_distribution",
        {"Id": "D1"},
        "NoSuchDistribution",
        "NoSuchDistribution",
        "NoSuchDistribution",
        404,
        id="cloudfront",
    ),
    Case(
        "rest-xml",
        "s3control",
        "get_public_access_block",
        {"AccountId": "000000000000"},
        "NoSuchPublicAccessBlockConfiguration",
        "NoSuchPublicAccessBlockConfiguration",
        "NoSuchPublicAccessBlockConfiguration",
        404,
        id="s3control",
    ),
    Case(
        "smithy-rpc-v2-cbor",
        "cloudwatch",
        "describe_alarms",
        {},
        "InvalidParameterValueException",
        "InvalidParameterValue",
        "InvalidParameterValueException",
        parse_as="smithy-rpc-v2-cbor",
        id="cloudwatch-cbor",
    ),
    Case(
        "smithy-rpc-v2-cbor",
        "cloudwatch",
        "get_dashboard",
        {"DashboardName": "d"},
        "ResourceNotFound",
        "ResourceNotFound",
        "ResourceNotFound",
        404,
        parse_as="smithy-rpc-v2-cbor",
        id="cloudwatch-cbor-404",
    ),
    Case(
        "smithy-rpc-v2-cbor",
        "compute-optimizer",
        "get_enrollment_status",
        {},
        "AccessDeniedException",
        "AccessDeniedException",
        "AccessDeniedException",
        403,
        parse_as="smithy-rpc-v2-cbor",
        id="compute-optimizer-cbor",
    ),
]


def _raise_through_client(case: Case, error: ServiceError, service_known: bool = True) -> ClientError:
    service = service_model(case.service)
    client = client_answered_by(
        case.service,
        lambda request: serialize_error(
            case.protocol, service if service_known else None, None, error, REQUEST_ID
        ),
        protocol=case.parse_as,
    )
    with pytest.raises(ClientError) as raised:
        getattr(client, case.call)(**case.params)
    return raised.value, client


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_modelled_error_reaches_the_client(case: Case) -> None:
    error = ServiceError("it went wrong <&>", code=case.code, status=case.status, **case.fields)
    raised, client = _raise_through_client(case, error)
    assert raised.response["Error"]["Code"] == case.expected_code
    assert raised.response["Error"]["Message"] == "it went wrong <&>"
    assert raised.response["ResponseMetadata"]["HTTPStatusCode"] == case.status
    assert raised.response["ResponseMetadata"]["RequestId"] == REQUEST_ID
    if case.exception is not None:
        assert isinstance(raised, getattr(client.exceptions, case.exception))
    for name, value in case.expected_fields.items():
        assert raised.response[name] == value
    for name, value in case.expected_error_fields.items():
        assert raised.response["Error"][name] == value


PROTOCOL_CASES = {case.protocol + "/" + case.service: case for case in CASES}.values()


@pytest.mark.parametrize("case", PROTOCOL_CASES, ids=lambda case: f"{case.protocol}-{case.service}")
def test_not_implemented_is_a_plain_client_error(case: Case) -> None:
    error = NotImplementedOperation(case.service, "Whatever")
    raised, _ = _raise_through_client(case, error)
    assert raised.response["Error"]["Code"] == "NotImplemented"
    assert raised.response["Error"]["Message"] == f"Stratus does not implement {case.service}.Whatever yet"
    assert raised.response["ResponseMetadata"]["HTTPStatusCode"] == 501


@pytest.mark.parametrize("case", PROTOCOL_CASES, ids=lambda case: f"{case.protocol}-{case.service}")
def test_errors_before_routing_use_the_generic_form(case: Case) -> None:
    error = ServiceError("bad signature", code="InvalidSignatureException", status=403)
    raised, _ = _raise_through_client(case, error, service_known=False)
    assert raised.response["Error"]["Code"] == "InvalidSignatureException"
    assert raised.response["Error"]["Message"] == "bad signature"
    assert raised.response["ResponseMetadata"]["HTTPStatusCode"] == 403


@pytest.mark.parametrize("protocol", ["query", "ec2", "json", "rest-json", "rest-xml", "smithy-rpc-v2-cbor"])
def test_unmodelled_fields_of_every_type_serialize(protocol: str) -> None:
    error = ServiceError(
        "m",
        code="Odd",
        when=datetime(2025, 1, 1, tzinfo=UTC),
        raw=b"\x00",
        nested={"a": [1, 2]},
        flag=True,
        ratio=0.5,
    )
    response = serialize_error(protocol, None, None, error, REQUEST_ID)
    assert response.status == 400 and response.body


def test_extra_headers_are_sent() -> None:
    error = ServiceError("slow down", code="Throttling", status=429, headers={"Retry-After": "3"})
    for protocol in ("query", "json", "rest-json", "rest-xml", "smithy-rpc-v2-cbor", "ec2"):
        assert serialize_error(protocol, None, None, error, REQUEST_ID).header("Retry-After") == "3"


def test_wire_forms() -> None:
    error = ServiceError("gone", code="ResourceNotFoundException")
    dynamodb = serialize_error("json", service_model("dynamodb"), None, error, "r")
    assert dynamodb.body == (
        b'{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"gone"}'
    )
    sqs = serialize_error(
        "json", service_model("sqs"), None, ServiceError("no", code="QueueDoesNotExist"), "r"
    )
    assert sqs.header("x-amzn-query-error") == "AWS.SimpleQueueService.NonExistentQueue;Sender"
    assert sqs.body == b'{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"no"}'
    ec2 = serialize_error("ec2", service_model("ec2"), None, ServiceError("x", code="Bad"), "r")
    assert ec2.body.endswith(
        b"<Response><Errors><Error><Code>Bad</Code><Message>x</Message></Error></Errors><RequestID>r</RequestID></Response>"
    )
    query = serialize_error(
        "query", service_model("sns"), None, ServiceError("x", code="NotFound", sender_fault=False), "r"
    )
    assert query.body == (
        b'<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Receiver</Type>'
        b"<Code>NotFound</Code><Message>x</Message></Error><RequestId>r</RequestId></ErrorResponse>"
    )
    lambda_error = serialize_error(
        "rest-json", service_model("lambda"), None, ServiceError("x", code="ResourceNotFoundException"), "r"
    )
    assert lambda_error.header("x-amzn-ErrorType") == "ResourceNotFoundException"
    assert lambda_error.body == b'{"Message":"x"}'


def test_error_with_operation_only() -> None:
    operation = operation_model("dynamodb", "GetItem")
    response = serialize_error(
        "json", None, operation, ServiceError("x", code="ResourceNotFoundException"), "r"
    )
    assert b"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException" in response.body


def test_status_and_fault_default_to_the_model() -> None:
    s3 = service_model("s3")
    assert serialize_error("rest-xml", s3, None, ServiceError("x", code="NoSuchBucket"), "r").status == 404
    assert (
        serialize_error("rest-xml", s3, None, ServiceError("x", code="NoSuchBucket", status=410), "r").status
        == 410
    )
    cloudwatch = service_model("cloudwatch")
    missing = serialize_error("query", cloudwatch, None, ServiceError("x", code="ResourceNotFound"), "r")
    assert missing.status == 404
    not_implemented = serialize_error("rest-xml", s3, None, NotImplementedOperation("s3", "X"), "r")
    assert not_implemented.status == 501


def test_sender_fault_shows_in_query_and_query_compatible_errors() -> None:
    sqs = service_model("sqs")
    error = ServiceError("x", code="QueueDoesNotExist", sender_fault=False)
    assert b"<Type>Receiver</Type>" in serialize_error("query", sqs, None, error, "r").body
    assert serialize_error("json", sqs, None, error, "r").header("x-amzn-query-error").endswith(";Receiver")
