"""Message attributes: AWS's MD5 digest (known values), selection on receive, validation."""

import pytest
from botocore.exceptions import ClientError

from stratus.services.sqs.messages import md5_of_attributes

from .support import error_of

# Published digests of the algorithm (npm aws-md5-of-message-attributes, matching AWS's answers).
STRING = {"attribName1": {"DataType": "String", "StringValue": "attribValue 1"}}
NUMBER = {
    "customNumberTypeAttrib": {
        "DataType": "Number.float",
        "StringValue": "4563442423554324324264524243.32543234",
    }
}
BINARY = {"binaryAttribute": {"DataType": "Binary", "BinaryValue": b"Hello binary world!"}}


@pytest.mark.parametrize(
    ("attributes", "digest"),
    [
        (STRING, "19e27d4e946b072f3f58da80d94fd778"),
        (NUMBER, "9fe1b90bbd9965bdf77bac517c7d2495"),
        (BINARY, "31a92b15d92f8db860eda32aceb656c3"),
        ({**STRING, **NUMBER, **BINARY}, "c932db14a896c663f83c260297d594ff"),
    ],
)
def test_md5_of_known_attributes(attributes, digest):
    assert md5_of_attributes(attributes) == digest


def test_send_and_receive_attributes_with_digests(sqs, queue_url):
    attributes = {**STRING, **NUMBER, **BINARY}
    sent = sqs.send_message(QueueUrl=queue_url, MessageBody="x", MessageAttributes=attributes)
    assert sent["MD5OfMessageAttributes"] == "c932db14a896c663f83c260297d594ff"
    message = sqs.receive_message(QueueUrl=queue_url, MessageAttributeNames=["All"])["Messages"][0]
    assert message["MessageAttributes"] == attributes
    assert message["MD5OfMessageAttributes"] == "c932db14a896c663f83c260297d594ff"


def test_receive_selects_attributes_by_name_and_prefix(sqs, queue_url):
    attributes = {
        "order.id": {"DataType": "String", "StringValue": "1"},
        "order.total": {"DataType": "Number", "StringValue": "9.5"},
        "other": {"DataType": "String", "StringValue": "o"},
    }
    sqs.send_message(QueueUrl=queue_url, MessageBody="x", MessageAttributes=attributes)
    message = sqs.receive_message(QueueUrl=queue_url, VisibilityTimeout=0, MessageAttributeNames=["order.*"])[
        "Messages"
    ][0]
    assert set(message["MessageAttributes"]) == {"order.id", "order.total"}
    assert message["MD5OfMessageAttributes"] == md5_of_attributes(
        {name: attributes[name] for name in ("order.id", "order.total")}
    )
    exact = sqs.receive_message(QueueUrl=queue_url, VisibilityTimeout=0, MessageAttributeNames=["other"])
    assert set(exact["Messages"][0]["MessageAttributes"]) == {"other"}
    none = sqs.receive_message(QueueUrl=queue_url)["Messages"][0]
    assert "MessageAttributes" not in none and "MD5OfMessageAttributes" not in none


def test_trace_header_system_attribute(sqs, queue_url):
    trace = {
        "AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1-5759e988-bd862e3fe1be46a994272793"}
    }
    sent = sqs.send_message(QueueUrl=queue_url, MessageBody="x", MessageSystemAttributes=trace)
    assert sent["MD5OfMessageSystemAttributes"] == md5_of_attributes(trace)
    message = sqs.receive_message(QueueUrl=queue_url, MessageSystemAttributeNames=["AWSTraceHeader"])[
        "Messages"
    ][0]
    assert message["Attributes"] == {"AWSTraceHeader": "Root=1-5759e988-bd862e3fe1be46a994272793"}


@pytest.mark.parametrize(
    "name", ["AWS.reserved", "amazon.x", ".lead", "trail.", "two..dots", "sp ace", "x" * 257]
)
def test_invalid_attribute_names(sqs, queue_url, name):
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message(
            QueueUrl=queue_url,
            MessageBody="x",
            MessageAttributes={name: {"DataType": "String", "StringValue": "v"}},
        )
    assert error_of(excinfo)[0] == "InvalidParameterValue"


def test_too_many_attributes(sqs, queue_url):
    attributes = {f"a{i}": {"DataType": "String", "StringValue": "v"} for i in range(11)}
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message(QueueUrl=queue_url, MessageBody="x", MessageAttributes=attributes)
    assert error_of(excinfo) == (
        "InvalidParameterValue",
        "Number of message attributes [11] exceeds the allowed maximum [10].",
    )


@pytest.mark.parametrize(
    "value",
    [
        {"DataType": "Strung", "StringValue": "v"},
        {"DataType": "String", "StringValue": ""},
        {"DataType": "Binary", "StringValue": "v"},
        {"DataType": "Number", "StringValue": "twelve"},
    ],
)
def test_invalid_attribute_values(sqs, queue_url, value):
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message(QueueUrl=queue_url, MessageBody="x", MessageAttributes={"a": value})
    assert error_of(excinfo)[0] == "InvalidParameterValue"


def test_custom_type_suffix(sqs, queue_url):
    attributes = {"a": {"DataType": "String.json", "StringValue": "{}"}}
    sqs.send_message(QueueUrl=queue_url, MessageBody="x", MessageAttributes=attributes)
    message = sqs.receive_message(QueueUrl=queue_url, MessageAttributeNames=["All"])["Messages"][0]
    assert message["MessageAttributes"] == attributes
