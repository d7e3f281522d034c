"""ec2 protocol answers, checked against botocore's EC2 parser."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
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

CASES = rich_operations(service_model("ec2"), 20) + [
    "DescribeInstances",
    "RunInstances",
    "DescribeSecurityGroups",
    "DescribeVpcs",
    "DescribeImages",
    "CreateKeyPair",
    "DeleteKeyPair",
    "DescribeTags",
]


@pytest.mark.parametrize("operation_name", sorted(set(CASES)))
@SETTINGS
@given(data=st.data())
def test_ec2_round_trip(operation_name: str, data: st.DataObject) -> None:
    operation = operation_model("ec2", operation_name)
    output = data.draw(output_strategy(operation, "ec2"))
    assert_round_trip("ec2", operation, output)


def test_ec2_answer_layout() -> None:
    operation = operation_model("ec2", "DescribeInstances")
    launched = datetime(2025, 1, 1, 0, 0, 0, 5000, tzinfo=UTC)
    output = {
        "Reservations": [
            {
                "ReservationId": "r-1",
                "Instances": [
                    {"InstanceId": "i-1", "LaunchTime": launched, "Tags": [{"Key": "k", "Value": "v"}]}
                ],
            }
        ]
    }
    response = serialize_response("ec2", operation, output, "req-9")
    root = ElementTree.fromstring(response.body)
    namespace = "{http://ec2.amazonaws.com/doc/2016-11-15/}"
    assert root.tag == f"{namespace}DescribeInstancesResponse"
    assert root[0].tag == f"{namespace}requestId" and root[0].text == "req-9"
    items = root.findall(f"{namespace}reservationSet/{namespace}item/{namespace}instancesSet/{namespace}item")
    assert len(items) == 1
    assert items[0].find(f"{namespace}launchTime").text == "2025-01-01T00:00:00.005Z"
    assert items[0].find(f"{namespace}tagSet/{namespace}item/{namespace}key").text == "k"
    parsed = botocore_parse("ec2", operation.output_shape, response)
    assert parsed["Reservations"][0]["Instances"][0]["InstanceId"] == "i-1"


def test_boolean_return_members() -> None:
    operation = operation_model("ec2", "DeleteSecurityGroup")
    response = serialize_response("ec2", operation, {"Return": True, "GroupId": "sg-1"}, "r")
    assert b"<return>true</return>" in response.body
    assert botocore_parse("ec2", operation.output_shape, response) == {"Return": True, "GroupId": "sg-1"}


def test_through_a_real_ec2_client() -> None:
    operation = operation_model("ec2", "DescribeVpcs")
    output = {
        "Vpcs": [
            {
                "VpcId": "vpc-1",
                "CidrBlock": "10.0.0.0/16",
                "IsDefault": True,
                "Tags": [{"Key": "a", "Value": "b"}],
            }
        ]
    }
    client = client_answered_by("ec2", lambda request: serialize_response("ec2", operation, output, "req-8"))
    answer = client.describe_vpcs()
    assert answer["ResponseMetadata"]["RequestId"] == "req-8"
    assert answer["Vpcs"] == output["Vpcs"]
