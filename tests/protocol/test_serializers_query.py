"""query protocol answers, checked against botocore's own query parser."""

from __future__ import annotations

import copy
import time
import xml.etree.ElementTree as ElementTree
from datetime import UTC, datetime

import pytest
from botocore.model import ServiceModel
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
from stratus.protocol.serializers.legacy_query import SQS

SERVICES = ["sts", "sns", "iam", "cloudformation", "elbv2", "autoscaling", "cloudwatch", "rds"]
CASES = [(service, name) for service in SERVICES for name in rich_operations(service_model(service), 5)]
CASES += [("sts", "GetCallerIdentity"), ("sts", "AssumeRole"), ("sns", "ListTopics"), ("iam", "GetUser")]


@pytest.mark.parametrize(("service", "operation_name"), CASES)
@SETTINGS
@given(data=st.data())
def test_query_round_trip(service: str, operation_name: str, data: st.DataObject) -> None:
    operation = operation_model(service, operation_name)
    output = data.draw(output_strategy(operation, "query"))
    assert_round_trip("query", operation, output)


def test_get_caller_identity_is_what_sts_sends() -> None:
    operation = operation_model("sts", "GetCallerIdentity")
    output = {"UserId": "AIDAEXAMPLE", "Account": "000000000000", "Arn": "arn:aws:iam::000000000000:user/a&b"}
    response = serialize_response("query", operation, output, "req-1")
    assert response.status == 200
    assert response.header("Content-Type") == "text/xml"
    assert response.body == (
        b'<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        b"<GetCallerIdentityResult><UserId>AIDAEXAMPLE</UserId><Account>000000000000</Account>"
        b"<Arn>arn:aws:iam::000000000000:user/a&amp;b</Arn></GetCallerIdentityResult>"
        b"<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
    )


def test_operation_without_output_still_carries_the_request_id() -> None:
    operation = operation_model("sns", "DeleteTopic")
    response = serialize_response("query", operation, {}, "req-2")
    assert response.body == (
        b'<DeleteTopicResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">'
        b"<ResponseMetadata><RequestId>req-2</RequestId></ResponseMetadata></DeleteTopicResponse>"
    )
    parsed = botocore_parse("query", None, response)
    assert parsed == {}


def test_timestamps_are_iso8601_with_milliseconds() -> None:
    operation = operation_model("sts", "GetSessionToken")
    expiration = datetime(2025, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)
    output = {
        "Credentials": {
            "AccessKeyId": "A",
            "SecretAccessKey": "S",
            "SessionToken": "T",
            "Expiration": expiration,
        }
    }
    body = serialize_response("query", operation, output, "r").body
    assert b"<Expiration>2025-01-02T03:04:05.678Z</Expiration>" in body


def test_text_is_escaped_and_illegal_characters_dropped() -> None:
    operation = operation_model("sts", "GetCallerIdentity")
    output = {"UserId": "a<b>&c\r\nd\x00e\x1ff\ud800g", "Account": "1"}
    response = serialize_response("query", operation, output, "r")
    ElementTree.fromstring(response.body)  # always parses
    parsed = botocore_parse("query", operation.output_shape, response)
    assert parsed["UserId"] == "a<b>&c\r\ndefg"


# -- SQS spoken in query, as SDKs built on the old query model do --------------------------------


def _sqs_query_model() -> ServiceModel:
    """SQS's JSON model turned back into its query form, for botocore to parse with."""
    description = copy.deepcopy(service_model("sqs")._service_description)
    description["metadata"].update(protocol="query", protocols=["query"], xmlNamespace=SQS.namespace)
    for name, operation in description["operations"].items():
        if "output" in operation:
            operation["output"]["resultWrapper"] = f"{name}Result"
    shapes = description["shapes"]
    for (structure, member), element in SQS.members.items():
        shapes[structure]["members"][member]["locationName"] = element
    for list_shape, element in SQS.list_items.items():
        shapes[list_shape]["member"]["locationName"] = element
    for map_shape, (key, value) in SQS.map_entries.items():
        shapes[map_shape]["key"]["locationName"] = key
        shapes[map_shape]["value"]["locationName"] = value
    return ServiceModel(description, service_name="sqs")


SQS_QUERY_MODEL = _sqs_query_model()


@pytest.mark.parametrize(
    "operation_name", [n for n in SQS_QUERY_MODEL.operation_names if n != "AddPermission"]
)
@SETTINGS
@given(data=st.data())
def test_sqs_over_query_round_trip(operation_name: str, data: st.DataObject) -> None:
    operation = operation_model("sqs", operation_name)  # the JSON model, as the gateway has it
    query_operation = SQS_QUERY_MODEL.operation_model(operation_name)
    output = data.draw(output_strategy(query_operation, "query"))
    assert_round_trip("query", operation, output, parse_shape=query_operation.output_shape)


def test_sqs_over_query_uses_the_old_element_names() -> None:
    operation = operation_model("sqs", "ReceiveMessage")
    output = {
        "Messages": [
            {
                "MessageId": "m-1",
                "Body": "hello",
                "Attributes": {"SenderId": "A"},
                "MessageAttributes": {"colour": {"DataType": "String", "StringValue": "red"}},
            }
        ]
    }
    body = serialize_response("query", operation, output, "r").body.decode()
    assert body.startswith('<ReceiveMessageResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/">')
    assert "<ReceiveMessageResult><Message><MessageId>m-1</MessageId>" in body
    assert "<Attribute><Name>SenderId</Name><Value>A</Value></Attribute>" in body
    assert "<MessageAttribute><Name>colour</Name><Value><StringValue>red</StringValue>" in body

    listing = serialize_response(
        "query", operation_model("sqs", "ListQueues"), {"QueueUrls": ["u1", "u2"]}, "r"
    )
    assert (
        b"<ListQueuesResult><QueueUrl>u1</QueueUrl><QueueUrl>u2</QueueUrl></ListQueuesResult>" in listing.body
    )


def test_get_caller_identity_serializes_in_well_under_50_microseconds() -> None:
    operation = operation_model("sts", "GetCallerIdentity")
    output = {"UserId": "AIDAEXAMPLE", "Account": "000000000000", "Arn": "arn:aws:iam::000000000000:root"}
    serialize_response("query", operation, output, "warm-up")
    rounds = 2000
    started = time.perf_counter()
    for _ in range(rounds):
        serialize_response("query", operation, output, "5b7a1f7e-7e2c-4a51-9c43-1d7c2a1f0e11")
    per_call = (time.perf_counter() - started) / rounds
    assert per_call < 50e-6, f"{per_call * 1e6:.1f} µs per GetCallerIdentity"


def test_through_a_real_sts_client() -> None:
    operation = operation_model("sts", "GetCallerIdentity")
    output = {"UserId": "AIDAEXAMPLE", "Account": "000000000000", "Arn": "arn:aws:iam::000000000000:root"}
    client = client_answered_by(
        "sts", lambda request: serialize_response("query", operation, output, "req-7")
    )
    answer = client.get_caller_identity()
    assert answer["ResponseMetadata"]["RequestId"] == "req-7"
    assert {key: answer[key] for key in output} == output


def test_first_use_from_many_threads_gives_one_answer() -> None:
    from concurrent.futures import ThreadPoolExecutor

    fresh = ServiceModel(service_model("cloudformation")._service_description, service_name="cloudformation")
    operation = fresh.operation_model("DescribeStacks")
    created = datetime(2025, 1, 1, tzinfo=UTC)
    stack = {
        "StackName": "s",
        "CreationTime": created,
        "StackStatus": "CREATE_COMPLETE",
        "Outputs": [{"OutputKey": "k"}],
    }
    output = {"Stacks": [stack] * 3}
    with ThreadPoolExecutor(8) as pool:
        bodies = set(pool.map(lambda _: serialize_response("query", operation, output, "r").body, range(32)))
    assert len(bodies) == 1
    assert botocore_parse(
        "query", operation.output_shape, serialize_response("query", operation, output, "r")
    ) == {"Stacks": [stack] * 3}
