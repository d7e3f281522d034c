"""SQS queue attributes: defaults, validation ranges, computed values, redrive and FIFO rules."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from .support import error_of

ACCOUNT = "000000000000"


def attributes(sqs, url: str, *names: str) -> dict:
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=list(names or ["All"])).get("Attributes", {})


def arn_of(sqs, url: str) -> str:
    return attributes(sqs, url, "QueueArn")["QueueArn"]


def test_a_new_standard_queue_has_aws_defaults(sqs):
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    values = attributes(sqs, url)
    created = values.pop("CreatedTimestamp")
    assert values.pop("LastModifiedTimestamp") == created and created.isdigit()
    assert values == {
        "QueueArn": f"arn:aws:sqs:us-east-1:{ACCOUNT}:q",
        "ApproximateNumberOfMessages": "0",
        "ApproximateNumberOfMessagesNotVisible": "0",
        "ApproximateNumberOfMessagesDelayed": "0",
        "VisibilityTimeout": "30",
        "MaximumMessageSize": "1048576",
        "MessageRetentionPeriod": "345600",
        "DelaySeconds": "0",
        "ReceiveMessageWaitTimeSeconds": "0",
        "SqsManagedSseEnabled": "true",
    }


def test_a_new_fifo_queue_has_fifo_defaults(sqs):
    url = sqs.create_queue(QueueName="f.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    values = attributes(sqs, url)
    assert values["FifoQueue"] == "true"
    assert values["ContentBasedDeduplication"] == "false"
    assert values["DeduplicationScope"] == "queue"
    assert values["FifoThroughputLimit"] == "perQueue"


def test_get_only_the_named_attributes(sqs):
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    assert attributes(sqs, url, "VisibilityTimeout", "QueueArn") == {
        "VisibilityTimeout": "30",
        "QueueArn": f"arn:aws:sqs:us-east-1:{ACCOUNT}:q",
    }
    assert "Attributes" not in sqs.get_queue_attributes(QueueUrl=url)
    with pytest.raises(ClientError) as excinfo:
        attributes(sqs, url, "Colour")
    assert error_of(excinfo) == ("InvalidAttributeName", "Unknown Attribute Colour.")


@pytest.mark.parametrize(
    ("name", "good", "bad"),
    [
        ("DelaySeconds", ["0", "900"], ["-1", "901", "abc"]),
        ("MaximumMessageSize", ["1024", "1048576"], ["1023", "1048577"]),
        ("MessageRetentionPeriod", ["60", "1209600"], ["59", "1209601"]),
        ("ReceiveMessageWaitTimeSeconds", ["0", "20"], ["21"]),
        ("VisibilityTimeout", ["0", "43200"], ["43201", "1.5"]),
        ("KmsDataKeyReusePeriodSeconds", ["60", "86400"], ["59", "86401"]),
        ("SqsManagedSseEnabled", ["false", "true"], ["yes"]),
    ],
)
def test_value_ranges(sqs, name, good, bad):
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    for value in good:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={name: value})
        assert attributes(sqs, url, name)[name] == value
    for value in bad:
        for call in (
            lambda value=value: sqs.set_queue_attributes(QueueUrl=url, Attributes={name: value}),
            lambda value=value: sqs.create_queue(QueueName="other", Attributes={name: value}),
        ):
            with pytest.raises(ClientError) as excinfo:
                call()
            assert error_of(excinfo) == ("InvalidAttributeValue", f"Invalid value for the parameter {name}.")


def test_unknown_attribute_on_create_and_set(sqs):
    with pytest.raises(ClientError) as excinfo:
        sqs.create_queue(QueueName="q", Attributes={"Colour": "blue"})
    assert error_of(excinfo) == ("InvalidAttributeName", "Unknown Attribute Colour.")
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    with pytest.raises(ClientError) as excinfo:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"QueueArn": "x"})
    assert error_of(excinfo) == ("InvalidAttributeName", "Unknown Attribute QueueArn.")


def test_set_attributes_moves_last_modified(sqs, stratus_server):
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    before = attributes(sqs, url, "LastModifiedTimestamp", "CreatedTimestamp")
    stratus_server.advance_clock(10)
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "5"})
    after = attributes(sqs, url, "LastModifiedTimestamp", "CreatedTimestamp")
    assert after["CreatedTimestamp"] == before["CreatedTimestamp"]
    assert int(after["LastModifiedTimestamp"]) >= int(before["LastModifiedTimestamp"]) + 10


def test_fifo_queue_type_cannot_change(sqs):
    url = sqs.create_queue(QueueName="f.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    with pytest.raises(ClientError) as excinfo:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"FifoQueue": "false"})
    assert error_of(excinfo)[0] == "InvalidAttributeValue"
    std = sqs.create_queue(QueueName="s")["QueueUrl"]
    with pytest.raises(ClientError) as excinfo:
        sqs.set_queue_attributes(QueueUrl=std, Attributes={"FifoQueue": "true"})
    assert error_of(excinfo) == ("InvalidAttributeName", "Unknown Attribute FifoQueue.")


def test_high_throughput_fifo_needs_message_group_scope(sqs):
    with pytest.raises(ClientError) as excinfo:
        sqs.create_queue(
            QueueName="f.fifo", Attributes={"FifoQueue": "true", "FifoThroughputLimit": "perMessageGroupId"}
        )
    assert error_of(excinfo)[0] == "InvalidAttributeValue"
    url = sqs.create_queue(
        QueueName="f.fifo",
        Attributes={
            "FifoQueue": "true",
            "FifoThroughputLimit": "perMessageGroupId",
            "DeduplicationScope": "messageGroup",
        },
    )["QueueUrl"]
    assert attributes(sqs, url, "FifoThroughputLimit")["FifoThroughputLimit"] == "perMessageGroupId"
    with pytest.raises(ClientError) as excinfo:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"DeduplicationScope": "everywhere"})
    assert error_of(excinfo) == (
        "InvalidAttributeValue",
        "Invalid value for the parameter DeduplicationScope.",
    )


def test_redrive_policy_is_validated_and_normalised(sqs):
    dlq = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    dlq_arn = arn_of(sqs, dlq)
    url = sqs.create_queue(
        QueueName="src",
        Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "5"})},
    )["QueueUrl"]
    assert json.loads(attributes(sqs, url, "RedrivePolicy")["RedrivePolicy"]) == {
        "deadLetterTargetArn": dlq_arn,
        "maxReceiveCount": 5,
    }
    fifo_dlq = sqs.create_queue(QueueName="dlq.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    bad = [
        ({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 0}, "maxReceiveCount"),
        ({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 1001}, "maxReceiveCount"),
        ({"deadLetterTargetArn": dlq_arn + "x", "maxReceiveCount": 1}, "Dead-letter target does not exist."),
        ({"deadLetterTargetArn": arn_of(sqs, fifo_dlq), "maxReceiveCount": 1}, "same type of queue"),
        ({"maxReceiveCount": 1}, "deadLetterTargetArn"),
    ]
    for policy, reason in bad:
        with pytest.raises(ClientError) as excinfo:
            sqs.set_queue_attributes(QueueUrl=url, Attributes={"RedrivePolicy": json.dumps(policy)})
        code, message = error_of(excinfo)
        assert code == "InvalidAttributeValue" and "for parameter RedrivePolicy is invalid" in message
        assert reason in message
    # An empty value removes the policy.
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"RedrivePolicy": ""})
    assert "RedrivePolicy" not in attributes(sqs, url)


def test_redrive_allow_policy(sqs):
    dlq = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    allowed = {"redrivePermission": "byQueue", "sourceQueueArns": [f"arn:aws:sqs:us-east-1:{ACCOUNT}:ok"]}
    sqs.set_queue_attributes(QueueUrl=dlq, Attributes={"RedriveAllowPolicy": json.dumps(allowed)})
    assert json.loads(attributes(sqs, dlq, "RedriveAllowPolicy")["RedriveAllowPolicy"]) == allowed
    redrive = json.dumps({"deadLetterTargetArn": arn_of(sqs, dlq), "maxReceiveCount": 2})
    sqs.create_queue(QueueName="ok", Attributes={"RedrivePolicy": redrive})
    with pytest.raises(ClientError) as excinfo:
        sqs.create_queue(QueueName="other", Attributes={"RedrivePolicy": redrive})
    assert error_of(excinfo)[0] == "InvalidAttributeValue"
    too_many = {
        "redrivePermission": "byQueue",
        "sourceQueueArns": [f"arn:aws:sqs:us-east-1:{ACCOUNT}:q{i}" for i in range(11)],
    }
    for bad in (too_many, {"redrivePermission": "sometimes"}, {"redrivePermission": "byQueue"}):
        with pytest.raises(ClientError) as excinfo:
            sqs.set_queue_attributes(QueueUrl=dlq, Attributes={"RedriveAllowPolicy": json.dumps(bad)})
        assert error_of(excinfo)[0] == "InvalidAttributeValue"


def test_policy_must_be_a_valid_policy(sqs):
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "sqs:SendMessage",
                    "Resource": arn_of(sqs, url),
                }
            ],
        }
    )
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy})
    assert attributes(sqs, url, "Policy")["Policy"] == policy
    for bad in ("not json", json.dumps({"Statement": []}), json.dumps({"Version": "2012-10-17"})):
        with pytest.raises(ClientError) as excinfo:
            sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": bad})
        assert error_of(excinfo) == ("InvalidAttributeValue", "Invalid value for the parameter Policy.")


def test_kms_key_replaces_sqs_managed_encryption(sqs):
    url = sqs.create_queue(QueueName="q", Attributes={"KmsMasterKeyId": "alias/aws/sqs"})["QueueUrl"]
    values = attributes(sqs, url)
    assert values["KmsMasterKeyId"] == "alias/aws/sqs"
    assert values["KmsDataKeyReusePeriodSeconds"] == "300"
    assert values["SqsManagedSseEnabled"] == "false"
    with pytest.raises(ClientError) as excinfo:
        sqs.create_queue(QueueName="both", Attributes={"KmsMasterKeyId": "k", "SqsManagedSseEnabled": "true"})
    assert error_of(excinfo)[0] == "InvalidAttributeValue"


def test_create_with_a_different_fifo_attribute_conflicts(sqs):
    sqs.create_queue(QueueName="f.fifo", Attributes={"FifoQueue": "true"})
    sqs.create_queue(
        QueueName="f.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "false"}
    )
    with pytest.raises(ClientError) as excinfo:
        sqs.create_queue(
            QueueName="f.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"}
        )
    assert error_of(excinfo) == (
        "QueueAlreadyExists",
        "A queue already exists with the same name and a different value for attribute ContentBasedDeduplication",
    )


def test_message_counts(sqs, stratus_server):
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    try:
        sqs.send_message(QueueUrl=url, MessageBody="visible")
    except ClientError as error:
        if error.response["Error"]["Code"] == "NotImplemented":
            pytest.skip("message operations are not implemented yet")
        raise
    sqs.send_message(QueueUrl=url, MessageBody="delayed", DelaySeconds=60)
    sqs.send_message(QueueUrl=url, MessageBody="taken")
    counts = attributes(
        sqs,
        url,
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
    )
    assert counts == {
        "ApproximateNumberOfMessages": "2",
        "ApproximateNumberOfMessagesNotVisible": "0",
        "ApproximateNumberOfMessagesDelayed": "1",
    }
    sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)
    counts = attributes(sqs, url, "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")
    assert counts == {"ApproximateNumberOfMessages": "1", "ApproximateNumberOfMessagesNotVisible": "1"}
    sqs.purge_queue(QueueUrl=url)
    assert attributes(sqs, url, "ApproximateNumberOfMessages")["ApproximateNumberOfMessages"] == "0"
