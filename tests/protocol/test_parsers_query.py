"""The query and ec2 protocol parsers, with botocore's serializer as the oracle."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from stratus.protocol.errors import ServiceError
from stratus.protocol.http import HttpRequest, RequestBody
from stratus.protocol.loader import operation_model
from stratus.protocol.parsers import parse_request

from .strategies import check_roundtrips, operations_of

QUERY_SERVICES = ["sqs", "sns", "iam", "cloudformation", "sts", "cloudwatch", "elbv2", "ses"]
QUERY_RICH = [
    ("sqs", "SendMessageBatch"),
    ("sqs", "CreateQueue"),
    ("sns", "Publish"),
    ("sns", "PublishBatch"),
    ("iam", "CreateRole"),
    ("cloudformation", "CreateStack"),
    ("cloudwatch", "PutMetricData"),
    ("cloudwatch", "PutMetricAlarm"),
    ("sts", "AssumeRole"),
]
EC2_RICH = [
    ("ec2", "RunInstances"),
    ("ec2", "AuthorizeSecurityGroupIngress"),
    ("ec2", "DescribeInstances"),
    ("ec2", "CreateLaunchTemplate"),
    ("ec2", "ModifyInstanceAttribute"),
]


def _all(services):
    return [
        pytest.param(op, id=f"{service}.{op.name}") for service in services for op in operations_of(service)
    ]


@pytest.mark.parametrize("operation", _all(QUERY_SERVICES))
def test_query_roundtrip_every_operation(operation):
    check_roundtrips("query", operation, 5, parse_request)


@pytest.mark.parametrize("service,name", QUERY_RICH, ids=[f"{s}.{n}" for s, n in QUERY_RICH])
def test_query_roundtrip_rich_operations(service, name):
    check_roundtrips("query", operation_model(service, name), 60, parse_request)


@pytest.mark.parametrize("operation", _all(["ec2"])[::3])
def test_ec2_roundtrip_operations(operation):
    check_roundtrips("ec2", operation, 3, parse_request)


@pytest.mark.parametrize("service,name", EC2_RICH, ids=[f"{s}.{n}" for s, n in EC2_RICH])
def test_ec2_roundtrip_rich_operations(service, name):
    check_roundtrips("ec2", operation_model(service, name), 40, parse_request)


def _form(body: str, content_type: str = "application/x-www-form-urlencoded; charset=utf-8") -> HttpRequest:
    return HttpRequest("POST", "/", headers={"content-type": content_type}, body=RequestBody(body.encode()))


def _parse(service: str, name: str, request: HttpRequest, protocol: str = "query") -> dict:
    return parse_request(protocol, operation_model(service, name), request, {})


def test_action_and_version_are_not_params():
    params = _parse("sqs", "ListQueues", _form("Action=ListQueues&Version=2012-11-05&QueueNamePrefix=a"))
    assert params == {"QueueNamePrefix": "a"}


def test_parameters_in_the_query_string_of_a_get():
    request = HttpRequest(
        "GET", "/", query_string="Action=GetQueueUrl&QueueName=my%20queue&Version=2012-11-05"
    )
    assert _parse("sqs", "GetQueueUrl", request) == {"QueueName": "my queue"}


def test_query_string_and_body_are_merged():
    request = HttpRequest(
        "POST",
        "/",
        query_string="Action=SendMessage&QueueUrl=u",
        headers={"content-type": "application/x-www-form-urlencoded"},
        body=RequestBody(b"MessageBody=hello+world"),
    )
    assert _parse("sqs", "SendMessage", request) == {"QueueUrl": "u", "MessageBody": "hello world"}


def test_sqs_legacy_query_names():
    body = (
        "Action=CreateQueue&QueueName=q&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=30"
        "&Attribute.2.Name=DelaySeconds&Attribute.2.Value=5&Tag.1.Key=team&Tag.1.Value=core"
    )
    params = _parse("sqs", "CreateQueue", _form(body))
    assert params == {
        "QueueName": "q",
        "Attributes": {"VisibilityTimeout": "30", "DelaySeconds": "5"},
        "tags": {"team": "core"},
    }
    body = (
        "Action=ReceiveMessage&QueueUrl=u&AttributeName.1=All&MessageAttributeName.1=a&MaxNumberOfMessages=10"
    )
    assert _parse("sqs", "ReceiveMessage", _form(body)) == {
        "QueueUrl": "u",
        "AttributeNames": ["All"],
        "MessageAttributeNames": ["a"],
        "MaxNumberOfMessages": 10,
    }
    body = (
        "Action=SendMessage&QueueUrl=u&MessageBody=b&MessageAttribute.1.Name=n"
        "&MessageAttribute.1.Value.DataType=String.List&MessageAttribute.1.Value.StringListValue.1=x"
        "&MessageAttribute.1.Value.BinaryValue=aGk%3D"
    )
    assert _parse("sqs", "SendMessage", _form(body))["MessageAttributes"] == {
        "n": {"DataType": "String.List", "StringListValues": ["x"], "BinaryValue": b"hi"}
    }
    body = "Action=DeleteMessageBatch&QueueUrl=u&DeleteMessageBatchRequestEntry.1.Id=a&DeleteMessageBatchRequestEntry.1.ReceiptHandle=r"
    assert _parse("sqs", "DeleteMessageBatch", _form(body))["Entries"] == [{"Id": "a", "ReceiptHandle": "r"}]
    body = "Action=UntagQueue&QueueUrl=u&TagKey.1=a&TagKey.2=b"
    assert _parse("sqs", "UntagQueue", _form(body))["TagKeys"] == ["a", "b"]


def test_list_items_are_ordered_numerically_and_gaps_tolerated():
    body = "Action=UntagQueue&QueueUrl=u&TagKey.10=c&TagKey.2=b&TagKey.1=a&TagKey.x=ignored"
    assert _parse("sqs", "UntagQueue", _form(body))["TagKeys"] == ["a", "b", "c"]


def test_empty_list_marker():
    body = "Action=ListMetrics&Dimensions="
    assert _parse("cloudwatch", "ListMetrics", _form(body)) == {"Dimensions": []}


def test_member_lists_maps_and_nested_structures():
    body = (
        "Action=CreateStack&StackName=s&Parameters.member.1.ParameterKey=k&Parameters.member.1.ParameterValue=v"
        "&Capabilities.member.1=CAPABILITY_IAM&Tags.member.1.Key=a&Tags.member.1.Value=b&TimeoutInMinutes=5"
        "&DisableRollback=true"
    )
    assert _parse("cloudformation", "CreateStack", _form(body)) == {
        "StackName": "s",
        "Parameters": [{"ParameterKey": "k", "ParameterValue": "v"}],
        "Capabilities": ["CAPABILITY_IAM"],
        "Tags": [{"Key": "a", "Value": "b"}],
        "TimeoutInMinutes": 5,
        "DisableRollback": True,
    }
    body = "Action=Publish&Message=m&MessageAttributes.entry.1.Name=a&MessageAttributes.entry.1.Value.DataType=String"
    params = _parse("sns", "Publish", _form(body))
    assert params["MessageAttributes"] == {"a": {"DataType": "String"}}


def test_timestamps_in_every_format():
    for sent in (
        "2020-01-01T00:00:00Z",
        "2020-01-01T00:00:00.000Z",
        "2020-01-01T00:00:00+00:00",
        "1577836800",
    ):
        body = f"Action=GetMetricStatistics&Namespace=n&MetricName=m&StartTime={sent}&EndTime=2020-01-02T00:00:00.5Z"
        params = _parse("cloudwatch", "GetMetricStatistics", _form(body.replace("+", "%2B")))
        assert params["StartTime"] == datetime(2020, 1, 1, tzinfo=UTC), sent
        assert params["EndTime"] == datetime(2020, 1, 2, 0, 0, 0, 500000, tzinfo=UTC)


def test_microsecond_timestamps_roundtrip():
    from urllib.parse import urlencode

    from botocore.serialize import create_serializer

    operation = operation_model("cloudwatch", "GetMetricStatistics")
    moment = datetime(2021, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
    params = {"Namespace": "n", "MetricName": "m", "StartTime": moment, "EndTime": moment, "Period": 60}
    body = create_serializer("query").serialize_to_request(params, operation)["body"]
    parsed = parse_request("query", operation, _form(urlencode(body)), {})
    assert parsed["StartTime"] == moment


def test_ec2_names_and_lists():
    body = (
        "Action=RunInstances&ImageId=ami-1&MinCount=1&MaxCount=2&SecurityGroupId.1=sg-1&SecurityGroupId.2=sg-2"
        "&TagSpecification.1.ResourceType=instance&TagSpecification.1.Tag.1.Key=k&TagSpecification.1.Tag.1.Value=v"
        "&Version=2016-11-15"
    )
    assert _parse("ec2", "RunInstances", _form(body), "ec2") == {
        "ImageId": "ami-1",
        "MinCount": 1,
        "MaxCount": 2,
        "SecurityGroupIds": ["sg-1", "sg-2"],
        "TagSpecifications": [{"ResourceType": "instance", "Tags": [{"Key": "k", "Value": "v"}]}],
    }


@pytest.mark.parametrize(
    "body,code,status",
    [
        (b"Action=ListQueues&QueueNamePrefix=%FF%FE", "MalformedQueryString", 404),
        (b"Action=ListQueues&QueueNamePrefix=\xff", "MalformedQueryString", 404),
        (b"Action=ReceiveMessage&QueueUrl=u&MaxNumberOfMessages=ten", "InvalidParameterValue", 400),
        (
            b"Action=ReceiveMessage&QueueUrl=u&MaxNumberOfMessages=99999999999999999999999999999999999999999999",
            "InvalidParameterValue",
            400,
        ),
    ],
    ids=["percent-encoded-non-utf8", "raw-non-utf8", "bad-integer", "absurd-integer"],
)
def test_malformed_query_input(body, code, status):
    operation = "ListQueues" if b"ListQueues" in body else "ReceiveMessage"
    request = HttpRequest(
        "POST", "/", headers={"content-type": "application/x-www-form-urlencoded"}, body=RequestBody(body)
    )
    with pytest.raises(ServiceError) as caught:
        _parse("sqs", operation, request)
    assert (caught.value.code, caught.value.status) == (code, status)


@pytest.mark.parametrize(
    "name,body",
    [
        ("GetMetricStatistics", "Namespace=n&MetricName=m&StartTime=yesterday&EndTime=2020-01-01T00:00:00Z"),
        ("PutMetricAlarm", "AlarmName=a&ActionsEnabled=maybe"),
        ("PutMetricData", "Namespace=n&MetricData.member.1.MetricName=m&MetricData.member.1.Value=abc"),
    ],
)
def test_bad_values_are_invalid_parameter_value(name, body):
    with pytest.raises(ServiceError) as caught:
        _parse("cloudwatch", name, _form(f"Action={name}&{body}"))
    assert caught.value.code == "InvalidParameterValue"


def test_bad_base64_blob():
    body = "Action=SendMessage&QueueUrl=u&MessageBody=b&MessageAttribute.1.Name=n&MessageAttribute.1.Value.BinaryValue=%21%21"
    with pytest.raises(ServiceError) as caught:
        _parse("sqs", "SendMessage", _form(body))
    assert caught.value.code == "InvalidParameterValue"


def test_non_form_bodies_are_not_read_as_parameters():
    request = HttpRequest(
        "POST",
        "/",
        query_string="Action=ListQueues",
        headers={"content-type": "application/json"},
        body=RequestBody(b"QueueNamePrefix=x"),
    )
    assert _parse("sqs", "ListQueues", request) == {}
