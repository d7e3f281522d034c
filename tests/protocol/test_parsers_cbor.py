"""The smithy-rpc-v2-cbor parser, with botocore's serializer as the oracle."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import cbor2
import pytest

from stratus.protocol.errors import SerializationError
from stratus.protocol.http import HttpRequest, RequestBody
from stratus.protocol.loader import catalog, operation_model
from stratus.protocol.parsers import parse_request

from .strategies import check_roundtrips, operations_of

CBOR = "smithy-rpc-v2-cbor"
SERVICES = sorted(name for name, meta in catalog().items() if CBOR in meta.protocols)
RICH = [
    ("cloudwatch", "PutMetricData"),
    ("cloudwatch", "GetMetricData"),
    ("cloudwatch", "PutMetricAlarm"),
    ("cloudwatch", "PutDashboard"),
    ("gamelift", "CreateFleet"),
    ("snowball", "CreateJob"),
]


def _all(services):
    return [
        pytest.param(op, id=f"{service}.{op.name}") for service in services for op in operations_of(service)
    ]


def test_cloudwatch_speaks_cbor():
    assert "cloudwatch" in SERVICES


@pytest.mark.parametrize("operation", _all(SERVICES))
def test_roundtrip_every_operation(operation):
    check_roundtrips(CBOR, operation, 4, parse_request)


@pytest.mark.parametrize("service,name", RICH, ids=[f"{s}.{n}" for s, n in RICH])
def test_roundtrip_rich_operations(service, name):
    check_roundtrips(CBOR, operation_model(service, name), 50, parse_request)


def _parse(name: str, body: bytes, service: str = "cloudwatch") -> dict:
    request = HttpRequest(
        "POST",
        f"/service/GraniteServiceVersion20100801/operation/{name}",
        headers={"smithy-protocol": "rpc-v2-cbor", "content-type": "application/cbor"},
        body=RequestBody(body),
    )
    return parse_request(CBOR, operation_model(service, name), request, {})


def test_timestamps_tagged_untagged_and_fractional():
    for sent in (
        cbor2.CBORTag(1, 1577836800),
        cbor2.CBORTag(1, 1577836800.25),
        1577836800.25,
        datetime(2020, 1, 1, 0, 0, 0, 250000, tzinfo=UTC),
    ):
        body = cbor2.dumps(
            {"Namespace": "n", "MetricName": "m", "StartTime": sent, "EndTime": sent, "Period": 60}
        )
        params = _parse("GetMetricStatistics", body)
        assert params["StartTime"].tzinfo is not None
        assert params["StartTime"].replace(microsecond=0) == datetime(2020, 1, 1, tzinfo=UTC), sent


def test_indefinite_length_containers_and_special_floats():
    # 0xbf ... 0xff: an indefinite-length map, as some encoders send
    body = (
        b"\xbf"
        + cbor2.dumps("Namespace")
        + cbor2.dumps("n")
        + cbor2.dumps("MetricData")
        + b"\x9f"
        + cbor2.dumps({"MetricName": "m", "Value": float("nan"), "Values": [float("inf"), 1.5]})
        + b"\xff\xff"
    )
    params = _parse("PutMetricData", body)
    datum = params["MetricData"][0]
    assert math.isnan(datum["Value"])
    assert datum["Values"] == [float("inf"), 1.5]


def test_unknown_members_and_nulls_are_ignored():
    params = _parse("ListMetrics", cbor2.dumps({"Namespace": "n", "Bogus": [1, 2], "NextToken": None}))
    assert params == {"Namespace": "n"}


def test_empty_body_is_no_params():
    assert _parse("ListDashboards", b"") == {}


BROKEN = {
    "truncated": cbor2.dumps({"Namespace": "n"})[:-1],
    "array": cbor2.dumps(["Namespace", "n"]),
    "text": cbor2.dumps("hello"),
    "bad-utf8": b"\xa1\x69Namespace\x62\xff\xfe",
    "trailing-garbage-break": b"\xa1\x69Namespace\x61n\xff",
    "deep-nesting": b"\x81" * 5000 + b"\x01",
    "shared-value": b"\xa1\x69Namespace\xd8\x1c\x61n",
    "shared-reference": b"\xa1\x69Namespace\xd8\x1d\x00",
    "wrong-type-blob": cbor2.dumps({"DashboardName": "d", "DashboardBody": 5}),
    "text-for-number": cbor2.dumps({"Namespace": "n", "MetricData": [{"MetricName": "m", "Value": "1"}]}),
    "map-for-list": cbor2.dumps({"Namespace": "n", "MetricData": {"MetricName": "m"}}),
    "garbage": b"\xff\xff\xff",
}


@pytest.mark.parametrize("body", BROKEN.values(), ids=BROKEN.keys())
def test_broken_cbor_is_a_serialization_exception(body):
    name = "PutDashboard" if b"Dashboard" in body else "PutMetricData"
    with pytest.raises(SerializationError) as caught:
        _parse(name, body)
    assert caught.value.code == "SerializationException"
    assert caught.value.status == 400


def test_blobs_must_be_byte_strings():
    operation = operation_model("gamelift", "CreateScript")
    request = HttpRequest("POST", "/", body=RequestBody(cbor2.dumps({"Name": "s", "ZipFile": b"PK\x03\x04"})))
    assert parse_request(CBOR, operation, request, {}) == {"Name": "s", "ZipFile": b"PK\x03\x04"}
    request = HttpRequest("POST", "/", body=RequestBody(cbor2.dumps({"Name": "s", "ZipFile": "UEsDBA=="})))
    with pytest.raises(SerializationError):
        parse_request(CBOR, operation, request, {})
