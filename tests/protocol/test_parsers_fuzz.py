"""Whatever arrives, a parser answers with params or a ServiceError: never another exception."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stratus.protocol.errors import ServiceError
from stratus.protocol.http import HttpRequest, RequestBody
from stratus.protocol.loader import operation_model
from stratus.protocol.parsers import parse_request
from stratus.protocol.validate import validate_input

from .strategies import input_strategy, roundtrip_settings, to_http_request

TARGETS = [
    ("query", "sqs", "SendMessageBatch"),
    ("query", "cloudformation", "CreateStack"),
    ("ec2", "ec2", "RunInstances"),
    ("json", "dynamodb", "TransactWriteItems"),
    ("json", "logs", "PutLogEvents"),
    ("rest-json", "lambda", "CreateFunction"),
    ("rest-json", "apigateway", "GetExport"),
    ("rest-xml", "s3", "PutBucketLifecycleConfiguration"),
    ("rest-xml", "s3", "PutObject"),
    ("rest-xml", "route53", "ChangeResourceRecordSets"),
    ("smithy-rpc-v2-cbor", "cloudwatch", "PutMetricData"),
]
IDS = [f"{protocol}:{service}.{name}" for protocol, service, name in TARGETS]

_TEXT = st.text(max_size=30)
_HEADERS = st.dictionaries(
    st.sampled_from(
        [
            "content-type",
            "x-amz-meta-a",
            "expires",
            "x-amz-object-lock-retain-until-date",
            "content-length",
            "x-amz-invocation-type",
            "if-modified-since",
            "x-amz-tagging-count",
            "x-amz-lex-session-attributes",
        ]
    ),
    _TEXT,
    max_size=4,
)


def _survive(protocol: str, operation, request: HttpRequest, labels: dict) -> None:
    try:
        params = parse_request(protocol, operation, request, labels)
    except ServiceError:
        return
    assert isinstance(params, dict)
    try:
        validate_input(protocol, operation, params)
    except ServiceError:
        pass


@pytest.mark.parametrize("protocol,service,name", TARGETS, ids=IDS)
@roundtrip_settings(60)
@given(body=st.binary(max_size=200), query=_TEXT, headers=_HEADERS, label=_TEXT)
def test_random_requests(protocol, service, name, body, query, headers, label):
    operation = operation_model(service, name)
    request = HttpRequest("POST", "/", query_string=query, headers=headers, body=RequestBody(body))
    labels = {"Bucket": label, "Key": label, "FunctionName": label, "Id": label}
    _survive(protocol, operation, request, labels)


@pytest.mark.parametrize("protocol,service,name", TARGETS, ids=IDS)
@roundtrip_settings(40)
@given(data=st.data())
def test_corrupted_valid_requests(protocol, service, name, data):
    operation = operation_model(service, name)
    params = data.draw(input_strategy(operation, protocol))
    request, labels = to_http_request(protocol, operation, params)
    raw = bytearray(request.body.read())
    if raw:
        for _ in range(data.draw(st.integers(1, 4))):
            position = data.draw(st.integers(0, len(raw) - 1))
            raw[position] = data.draw(st.integers(0, 255))
        cut = data.draw(st.integers(0, len(raw)))
        raw = raw[:cut] + raw[cut + data.draw(st.integers(0, 3)) :]
    request.body = RequestBody(bytes(raw))
    _survive(protocol, operation, request, labels)


def test_an_unexpected_failure_inside_a_parser_becomes_a_service_error(monkeypatch):
    import stratus.protocol.parsers as parsers

    def explode(operation, request, uri_params):
        raise KeyError("boom")

    monkeypatch.setitem(parsers.PARSERS, "json", explode)
    operation = operation_model("dynamodb", "Query")
    with pytest.raises(ServiceError) as caught:
        parse_request("json", operation, HttpRequest("POST", "/"), {})
    assert caught.value.code == "SerializationException"
    assert "boom" not in caught.value.message


def test_unknown_protocol_is_an_internal_failure():
    with pytest.raises(ServiceError) as caught:
        parse_request("soap", operation_model("dynamodb", "Query"), HttpRequest("POST", "/"), {})
    assert caught.value.status == 500
