"""rest-json answers (status code, headers, payloads, JSON bodies), checked against botocore."""

from __future__ import annotations

import base64
import io
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

SERVICES = ["lambda", "apigateway", "apigatewayv2", "appsync"]
CASES = [(service, name) for service in SERVICES for name in rich_operations(service_model(service), 6)]
CASES += [
    ("lambda", "Invoke"),
    ("lambda", "DeleteFunction"),
    ("lambda", "GetFunction"),
    ("apigateway", "GetExport"),
    ("appsync", "GetIntrospectionSchema"),
    ("lex-runtime", "PostContent"),
    ("lex-runtime", "PutSession"),
    ("glacier", "GetJobOutput"),
    ("accessanalyzer", "GetFindingV2"),
    ("amp", "DescribeScraper"),
    ("ebs", "GetSnapshotBlock"),
]


@pytest.mark.parametrize(("service", "operation_name"), CASES)
@SETTINGS
@given(data=st.data())
def test_rest_json_round_trip(service: str, operation_name: str, data: st.DataObject) -> None:
    operation = operation_model(service, operation_name)
    output = data.draw(output_strategy(operation, "rest-json"))
    assert_round_trip("rest-json", operation, output)


def test_status_code_headers_and_blob_payload() -> None:
    operation = operation_model("lambda", "Invoke")
    output = {
        "StatusCode": 202,
        "Payload": b'{"ok":true}',
        "FunctionError": "Unhandled",
        "ExecutedVersion": "$LATEST",
    }
    response = serialize_response("rest-json", operation, output, "req-1")
    assert response.status == 202
    assert response.body == b'{"ok":true}'
    assert response.header("X-Amz-Function-Error") == "Unhandled"
    assert response.header("x-amzn-RequestId") == "req-1"


def test_default_status_is_the_modelled_response_code() -> None:
    response = serialize_response(
        "rest-json", operation_model("lambda", "CreateFunction"), {"FunctionName": "f"}, "r"
    )
    assert response.status == 201
    assert response.header("Content-Type") == "application/json"
    assert json.loads(response.body) == {"FunctionName": "f"}


def test_operation_without_output_has_an_empty_body() -> None:
    response = serialize_response("rest-json", operation_model("lambda", "DeleteAlias"), {}, "r")
    assert response.status == 204 and response.body == b""
    status_only = serialize_response(
        "rest-json", operation_model("lambda", "DeleteFunction"), {"StatusCode": 204}, "r"
    )
    assert status_only.status == 204 and status_only.body == b""


def test_streaming_payloads_pass_through_untouched() -> None:
    operation = operation_model("lambda", "Invoke")
    stream = io.BytesIO(b"abc")
    assert serialize_response("rest-json", operation, {"Payload": stream}, "r").body is stream
    chunks = iter([b"a", b"b"])
    assert serialize_response("rest-json", operation, {"Payload": chunks}, "r").body is chunks


def test_json_value_headers_are_base64_json() -> None:
    operation = operation_model("lex-runtime", "PostContent")
    response = serialize_response(
        "rest-json", operation, {"slots": {"size": "large"}, "audioStream": b""}, "r"
    )
    assert json.loads(base64.b64decode(response.header("x-amz-lex-slots"))) == {"size": "large"}
    assert botocore_parse("rest-json", operation.output_shape, response)["slots"] == {"size": "large"}


def test_header_timestamps_are_http_dates() -> None:
    operation = operation_model("apigateway", "GetExport")
    when = datetime(2025, 1, 1, tzinfo=UTC)
    shape = operation.output_shape
    assert "body" in shape.members  # a blob payload with header members
    response = serialize_response(
        "rest-json", operation, {"contentType": "application/yaml", "body": b"x: 1"}, "r"
    )
    assert response.header("Content-Type") == "application/yaml"
    assert response.body == b"x: 1"
    from stratus.protocol.serializers.rest import header_renderer

    assert header_renderer(operation_model("s3", "GetObject").output_shape.members["LastModified"])(when) == (
        "Wed, 01 Jan 2025 00:00:00 GMT"
    )


def test_header_values_cannot_split_the_response() -> None:
    operation = operation_model("lambda", "Invoke")
    response = serialize_response(
        "rest-json", operation, {"FunctionError": "a\r\nX-Evil: 1", "LogResult": "é"}, "r"
    )
    assert response.header("X-Amz-Function-Error") == "aX-Evil: 1"
    assert response.header("X-Amz-Log-Result") == "=?UTF-8?B?w6k=?="


@pytest.mark.parametrize(
    ("protocol", "service", "operation_name", "member"),
    [
        ("rest-json", "lambda", "InvokeWithResponseStream", "EventStream"),
        ("json", "kinesis", "SubscribeToShard", "EventStream"),
        ("rest-xml", "s3", "SelectObjectContent", "Payload"),
    ],
)
def test_event_streams_encoded_by_the_provider_pass_through(
    protocol: str, service: str, operation_name: str, member: str
) -> None:
    frames = iter([b"frame-1", b"frame-2"])
    response = serialize_response(protocol, operation_model(service, operation_name), {member: frames}, "r")
    assert response.body is frames
    assert response.header("Content-Type") == "application/vnd.amazon.eventstream"


def test_through_a_real_lambda_client() -> None:
    operation = operation_model("lambda", "Invoke")
    output = {"StatusCode": 200, "Payload": b'{"answer": 42}', "ExecutedVersion": "$LATEST"}
    client = client_answered_by(
        "lambda", lambda request: serialize_response("rest-json", operation, output, "req-10")
    )
    answer = client.invoke(FunctionName="f")
    assert answer["StatusCode"] == 200
    assert answer["Payload"].read() == b'{"answer": 42}'
    assert answer["ExecutedVersion"] == "$LATEST"
    assert answer["ResponseMetadata"]["RequestId"] == "req-10"
