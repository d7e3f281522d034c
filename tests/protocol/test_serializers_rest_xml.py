"""rest-xml answers (S3, S3 Control, Route 53, CloudFront), checked against botocore."""

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

SERVICES = ["s3", "route53", "cloudfront", "s3control"]
CASES = [(service, name) for service in SERVICES for name in rich_operations(service_model(service), 6)]
CASES += [
    ("s3", name)
    for name in (
        "GetObject",
        "HeadObject",
        "GetBucketAcl",
        "ListObjectsV2",
        "ListObjectVersions",
        "ListBuckets",
        "GetObjectRetention",
        "GetObjectLegalHold",
        "GetBucketLifecycleConfiguration",
        "CopyObject",
        "CompleteMultipartUpload",
        "DeleteObjects",
        "GetBucketPolicy",
    )
]
CASES += [
    ("s3control", "DescribeJob"),
    ("cloudfront", "GetDistribution"),
    ("route53", "ListResourceRecordSets"),
]


@pytest.mark.parametrize(("service", "operation_name"), sorted(set(CASES)))
@SETTINGS
@given(data=st.data())
def test_rest_xml_round_trip(service: str, operation_name: str, data: st.DataObject) -> None:
    operation = operation_model(service, operation_name)
    output = data.draw(output_strategy(operation, "rest-xml"))
    assert_round_trip("rest-xml", operation, output)


S3_NAMESPACE = "{http://s3.amazonaws.com/doc/2006-03-01/}"


def test_s3_documents_have_s3_root_names_and_namespace() -> None:
    operation = operation_model("s3", "ListObjectsV2")
    output = {"Name": "b", "Contents": [{"Key": "a"}, {"Key": "b"}], "KeyCount": 2, "IsTruncated": False}
    response = serialize_response("rest-xml", operation, output, "req-1")
    assert response.body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ElementTree.fromstring(response.body)
    assert root.tag == f"{S3_NAMESPACE}ListBucketResult"
    assert [node.text for node in root.findall(f"{S3_NAMESPACE}Contents/{S3_NAMESPACE}Key")] == ["a", "b"]
    assert response.header("Content-Type") == "application/xml"
    assert response.header("x-amz-request-id") == "req-1"
    assert response.header("x-amz-id-2")


def test_structure_payload_is_the_root_element() -> None:
    operation = operation_model("s3", "GetObjectRetention")
    until = datetime(2030, 1, 1, tzinfo=UTC)
    response = serialize_response(
        "rest-xml", operation, {"Retention": {"Mode": "GOVERNANCE", "RetainUntilDate": until}}, "r"
    )
    root = ElementTree.fromstring(response.body)
    assert root.tag == f"{S3_NAMESPACE}Retention"
    assert root.find(f"{S3_NAMESPACE}RetainUntilDate").text == "2030-01-01T00:00:00.000Z"


def test_grantee_type_is_an_xsi_attribute() -> None:
    operation = operation_model("s3", "GetBucketAcl")
    output = {
        "Grants": [
            {
                "Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"},
                "Permission": "READ",
            }
        ]
    }
    response = serialize_response("rest-xml", operation, output, "r")
    assert (
        b'<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group">' in response.body
    )
    assert botocore_parse("rest-xml", operation.output_shape, response) == output


def test_route53_answers_in_its_namespace() -> None:
    operation = operation_model("route53", "GetHostedZone")
    response = serialize_response(
        "rest-xml",
        operation,
        {"HostedZone": {"Id": "/hostedzone/Z1", "Name": "a.", "CallerReference": "c"}},
        "r",
    )
    root = ElementTree.fromstring(response.body)
    assert root.tag == "{https://route53.amazonaws.com/doc/2013-04-01/}GetHostedZoneResponse"
    assert response.header("x-amzn-RequestId") == "r"


def test_get_bucket_location_is_a_bare_element_through_the_client() -> None:
    operation = operation_model("s3", "GetBucketLocation")
    for region, expected in (("eu-west-1", "eu-west-1"), (None, None)):
        output = {"LocationConstraint": region} if region else {}
        response = serialize_response("rest-xml", operation, output, "r")
        client = client_answered_by("s3", lambda request, response=response: response)
        assert client.get_bucket_location(Bucket="b")["LocationConstraint"] == expected


def test_get_object_streams_through_the_client() -> None:
    operation = operation_model("s3", "GetObject")
    modified = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
    output = {
        "Body": iter([b"hello ", b"world"]),
        "ContentLength": 11,
        "ContentType": "text/plain",
        "ETag": '"abc"',
        "LastModified": modified,
        "Metadata": {"colour": "blue"},
    }
    response = serialize_response("rest-xml", operation, output, "r")
    assert response.body is output["Body"]  # never read here
    client = client_answered_by("s3", lambda request: response)
    answer = client.get_object(Bucket="b", Key="k")
    assert answer["Body"].read() == b"hello world"
    assert answer["Metadata"] == {"colour": "blue"}
    assert answer["LastModified"] == modified
    assert answer["ContentType"] == "text/plain"
    assert answer["ETag"] == '"abc"'


def test_operations_with_only_headers_have_no_body() -> None:
    operation = operation_model("s3", "PutObject")
    response = serialize_response("rest-xml", operation, {"ETag": '"e"', "VersionId": "v1"}, "r")
    assert response.body == b""
    assert response.header("ETag") == '"e"'
    assert response.header("x-amz-version-id") == "v1"
