"""smithy-rpc-v2-cbor answers, checked against botocore's CBOR parser."""

from __future__ import annotations

import struct
from datetime import UTC, datetime

import cbor2
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

from stratus.protocol.loader import catalog, operation_model, service_model
from stratus.protocol.serializers import serialize_response

CBOR_SERVICES = sorted(name for name, meta in catalog().items() if "smithy-rpc-v2-cbor" in meta.protocols)
CASES = [("cloudwatch", name) for name in rich_operations(service_model("cloudwatch"), 8)]
CASES += [
    (service, name)
    for service in CBOR_SERVICES
    if service != "cloudwatch"
    for name in rich_operations(service_model(service), 2)
]


def test_every_cbor_service_is_covered() -> None:
    assert "cloudwatch" in CBOR_SERVICES and len(CBOR_SERVICES) >= 10
    assert {service for service, _ in CASES} == set(CBOR_SERVICES)


@pytest.mark.parametrize(("service", "operation_name"), CASES)
@SETTINGS
@given(data=st.data())
def test_cbor_round_trip(service: str, operation_name: str, data: st.DataObject) -> None:
    operation = operation_model(service, operation_name)
    output = data.draw(output_strategy(operation, "smithy-rpc-v2-cbor"))
    assert_round_trip("smithy-rpc-v2-cbor", operation, output)


def test_headers_and_timestamp_tags() -> None:
    operation = operation_model("cloudwatch", "GetMetricData")
    moment = datetime(2025, 1, 1, 0, 0, 0, 500000, tzinfo=UTC)
    output = {"MetricDataResults": [{"Id": "m", "Timestamps": [moment], "Values": [2.0]}]}
    response = serialize_response("smithy-rpc-v2-cbor", operation, output, "req-1")
    assert response.header("smithy-protocol") == "rpc-v2-cbor"
    assert response.header("Content-Type") == "application/cbor"
    assert response.header("x-amzn-RequestId") == "req-1"
    # Tag 1 (0xc1) around a double (0xfb) of epoch seconds.
    assert b"\xc1\xfb" + struct.pack(">d", 1735689600.5) in response.body
    assert cbor2.loads(response.body)["MetricDataResults"][0]["Timestamps"] == [moment]


def test_operation_without_output_has_no_body() -> None:
    response = serialize_response(
        "smithy-rpc-v2-cbor", operation_model("cloudwatch", "DeleteDashboards"), {}, "r"
    )
    assert response.body == b"{}" or response.body == b"\xa0"
    no_output = operation_model("cloudwatch", "PutMetricData")
    assert no_output.output_shape is None
    response = serialize_response("smithy-rpc-v2-cbor", no_output, {}, "r")
    assert response.body == b"" and response.header("Content-Type") is None
    assert botocore_parse("smithy-rpc-v2-cbor", None, response) == {}


def test_through_a_real_cloudwatch_client() -> None:
    operation = operation_model("cloudwatch", "ListMetrics")
    output = {
        "Metrics": [
            {"Namespace": "AWS/EC2", "MetricName": "CPU", "Dimensions": [{"Name": "a", "Value": "b"}]}
        ]
    }
    response = serialize_response("smithy-rpc-v2-cbor", operation, output, "r")
    client = client_answered_by("cloudwatch", lambda request: response, protocol="smithy-rpc-v2-cbor")
    assert client.list_metrics()["Metrics"] == output["Metrics"]
