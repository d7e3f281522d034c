"""The rest-json parser, with botocore's serializer as the oracle."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest

from stratus.protocol.errors import ServiceError
from stratus.protocol.http import HttpRequest, RequestBody
from stratus.protocol.loader import operation_model
from stratus.protocol.parsers import parse_request

from .strategies import check_roundtrips, operations_of

SERVICES = ["lambda", "apigateway", "apigatewayv2", "appsync", "iot-data", "mediastore-data", "scheduler"]
RICH = [
    ("lambda", "CreateFunction"),
    ("lambda", "Invoke"),
    ("lambda", "UpdateFunctionConfiguration"),
    ("apigateway", "PutIntegration"),
    ("apigateway", "GetExport"),
    ("apigatewayv2", "CreateRoute"),
    ("appsync", "CreateResolver"),
    ("lex-runtime", "PostContent"),
    ("iot-data", "Publish"),
    ("amp", "ListScrapers"),
    ("greengrassv2", "GetComponentVersionArtifact"),
    ("connect", "CreateTestCase"),
]


def _all(services):
    return [
        pytest.param(op, id=f"{service}.{op.name}") for service in services for op in operations_of(service)
    ]


@pytest.mark.parametrize("operation", _all(SERVICES))
def test_roundtrip_every_operation(operation):
    check_roundtrips("rest-json", operation, 8, parse_request)


@pytest.mark.parametrize("service,name", RICH, ids=[f"{s}.{n}" for s, n in RICH])
def test_roundtrip_rich_operations(service, name):
    check_roundtrips("rest-json", operation_model(service, name), 50, parse_request)


def _parse(service, name, labels, *, body=b"", headers=None, query="", method="POST"):
    request = HttpRequest(method, "/", query_string=query, headers=headers or {}, body=RequestBody(body))
    return parse_request("rest-json", operation_model(service, name), request, labels)


def test_lambda_invoke():
    params = _parse(
        "lambda",
        "Invoke",
        {"FunctionName": "my-fn"},
        body=b'{"hello": 1}',
        headers={"x-amz-invocation-type": "Event", "x-amz-client-context": "e30="},
        query="Qualifier=%24LATEST",
    )
    assert params == {
        "FunctionName": "my-fn",
        "Payload": b'{"hello": 1}',
        "InvocationType": "Event",
        "ClientContext": "e30=",
        "Qualifier": "$LATEST",
    }


def test_jsonvalue_headers_are_decoded():
    attributes = {"a": "b", "n": [1, 2]}
    encoded = base64.b64encode(json.dumps(attributes).encode()).decode()
    params = _parse(
        "lex-runtime",
        "PostContent",
        {"botName": "b", "botAlias": "a", "userId": "u"},
        body=b"audio",
        headers={"x-amz-lex-session-attributes": encoded, "content-type": "audio/l16"},
    )
    assert params["sessionAttributes"] == attributes
    assert params["inputStream"].read() == b"audio"
    assert params["contentType"] == "audio/l16"


def test_querystring_maps_take_the_unclaimed_parameters():
    params = _parse(
        "apigateway",
        "GetExport",
        {"restapi_id": "r", "stage_name": "s", "export_type": "oas30"},
        query="extensions=postman&extensions=x&a=1&b=",
        method="GET",
    )
    assert params["parameters"] == {"extensions": "postman", "a": "1", "b": ""}
    params = _parse(
        "amp", "ListScrapers", {}, query="status=ACTIVE&status=CREATING&nextToken=t", method="GET"
    )
    assert params["filters"] == {"status": ["ACTIVE", "CREATING"]}
    assert params["nextToken"] == "t"


def test_querystring_lists_and_greedy_labels():
    params = _parse(
        "lambda", "UntagResource", {"Resource": "arn:x"}, query="tagKeys=a&tagKeys=b%20c", method="DELETE"
    )
    assert params == {"Resource": "arn:x", "TagKeys": ["a", "b c"]}
    params = _parse("mediastore-data", "GetObject", {"Path": "a/b/c.txt"}, method="GET")
    assert params == {"Path": "a/b/c.txt"}


def test_body_timestamps_and_header_timestamps():
    body = json.dumps({"ScheduleExpression": "rate(1 minute)", "StartDate": 1577836800.5}).encode()
    params = _parse("scheduler", "CreateSchedule", {"Name": "n"}, body=body)
    assert params["StartDate"] == datetime(2020, 1, 1, 0, 0, 0, 500000, tzinfo=UTC)
    for sent in ("Wed, 01 Jan 2020 00:00:00 GMT", "2020-01-01T00:00:00Z", "1577836800"):
        headers = {"x-amz-last-modified-time": sent}
        labels = {"InstanceId": "i", "TestCaseId": "t"}
        params = _parse("connect", "UpdateTestCase", labels, headers=headers, body=b"{}")
        assert params["LastModifiedTime"] == datetime(2020, 1, 1, tzinfo=UTC), sent


def test_empty_body_means_no_body_members():
    params = _parse("lambda", "PublishVersion", {"FunctionName": "f"})
    assert params == {"FunctionName": "f"}


@pytest.mark.parametrize(
    "service,name,labels,code",
    [
        ("lambda", "CreateFunction", {}, "InvalidRequestContentException"),
        ("apigateway", "CreateRestApi", {}, "SerializationException"),
        ("appsync", "CreateGraphqlApi", {}, "SerializationException"),
    ],
)
@pytest.mark.parametrize("body", [b'{"FunctionName": ', b"[1]", b"\xff\xfe", b'{"Timeout": "ten"}'])
def test_broken_bodies(service, name, labels, code, body):
    if body == b'{"Timeout": "ten"}' and service != "lambda":
        body = b'{"name": 5}'
    with pytest.raises(ServiceError) as caught:
        _parse(service, name, labels, body=body)
    assert caught.value.code == code
    assert caught.value.status == 400


def test_bad_uri_and_header_values():
    with pytest.raises(ServiceError) as caught:
        _parse("lambda", "ListFunctions", {}, query="MaxItems=lots", method="GET")
    assert caught.value.code == "SerializationException"
    with pytest.raises(ServiceError) as caught:
        _parse(
            "lex-runtime",
            "PostContent",
            {"botName": "b", "botAlias": "a", "userId": "u"},
            headers={"x-amz-lex-session-attributes": "not base64 json"},
        )
    assert caught.value.code == "SerializationException"
