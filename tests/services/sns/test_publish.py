"""Publish and PublishBatch: what AWS accepts, what it returns, and the errors for bad input.

Delivery (what subscribers receive) is covered in test_fanout_sqs.py, FIFO topics in test_fifo.py.
Error messages quoted exactly are AWS's own (recorded from real SNS responses); where AWS's wording
is not known the tests check the code and that the message names the offending parameter.
"""

import uuid

import pytest
from botocore.exceptions import ClientError

from .support import error_of, status_of, string_value

MAX_BYTES = 262_144  # 256 KiB: message plus attributes (name, type and value), in UTF-8 bytes


# ---------------------------------------------------------------- Publish: target and response


def test_publish_returns_a_uuid_message_id(sns, topic_arn):
    response = sns.publish(TopicArn=topic_arn, Message="hello")
    assert uuid.UUID(response["MessageId"])
    # SequenceNumber belongs to FIFO topics only
    assert "SequenceNumber" not in response
    assert sns.publish(TopicArn=topic_arn, Message="again")["MessageId"] != response["MessageId"]


def test_target_arn_is_accepted_in_place_of_topic_arn(sns, topic_arn):
    assert uuid.UUID(sns.publish(TargetArn=topic_arn, Message="hello")["MessageId"])


def test_a_target_is_required(sns):
    with pytest.raises(ClientError) as excinfo:
        sns.publish(Message="to nobody")
    assert error_of(excinfo) == (
        "InvalidParameter",
        "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter",
    )
    assert status_of(excinfo) == 400


@pytest.mark.parametrize(
    "targets",
    [
        {"TargetArn": "same-as-topic"},
        {"PhoneNumber": "+15555550100"},
    ],
    ids=["topic-and-target", "topic-and-phone"],
)
def test_only_one_target_may_be_given(sns, topic_arn, targets):
    targets = {key: topic_arn if value == "same-as-topic" else value for key, value in targets.items()}
    with pytest.raises(ClientError) as excinfo:
        sns.publish(TopicArn=topic_arn, Message="twice", **targets)
    assert error_of(excinfo)[0] == "InvalidParameter"


def test_unknown_topic(sns):
    with pytest.raises(ClientError) as excinfo:
        sns.publish(TopicArn="arn:aws:sns:us-east-1:000000000000:nothing-here", Message="hello")
    assert error_of(excinfo) == ("NotFound", "Topic does not exist")
    assert status_of(excinfo) == 404


def test_malformed_topic_arn(sns):
    with pytest.raises(ClientError) as excinfo:
        sns.publish(TopicArn="not-an-arn", Message="hello")
    assert error_of(excinfo) == (
        "InvalidParameter",
        "Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1",
    )


def test_a_deleted_topic_no_longer_accepts_messages(sns, topic_arn):
    sns.delete_topic(TopicArn=topic_arn)
    with pytest.raises(ClientError) as excinfo:
        sns.publish(TopicArn=topic_arn, Message="hello")
    assert error_of(excinfo) == ("NotFound", "Topic does not exist")


# ---------------------------------------------------------------- Publish: message and size


def test_empty_message(sns, topic_arn):
    with pytest.raises(ClientError) as excinfo:
        sns.publish(TopicArn=topic_arn, Message="")
    assert error_of(excinfo) == ("InvalidParameter", "Invalid parameter: Empty message")


def test_message_size_limit_is_256_kib(sns, topic_arn):
    assert sns.publish(TopicArn=topic_arn, Message="x" * MAX_BYTES)["MessageId"]
    with pytest.raises(ClientError) as excinfo:
        sns.publish(TopicArn=topic_arn, Message="x" * (MAX_BYTES + 1))
    assert error_of(excinfo) == ("InvalidParameter", "Invalid parameter: Message too long")


def test_message_size_is_counted_in_utf8_bytes_not_characters(sns, topic_arn):
    # "é" is two bytes in UTF-8
    assert sns.publish(TopicArn=topic_arn, Message="é" * (MAX_BYTES // 2))["MessageId"]
    with pytest.raises(ClientError) as excinfo:
        sns.publish(TopicArn=topic_arn, Message="é" * (MAX_BYTES // 2 + 1))
    assert error_of(excinfo) == ("InvalidParameter", "Invalid parameter: Message too long")


def test_message_attributes_count_toward_the_size_limit(sns, topic_arn):
    # name "a" (1) + type "String" (6) + value "x" (1) = 8 bytes
    attributes = {"a": string_value("x")}
    accepted = sns.publish(TopicArn=topic_arn, Message="x" * (MAX_BYTES - 8), MessageAttributes=attributes)
    assert accepted["MessageId"]
    with pytest.raises(ClientError) as excinfo:
        sns.publish(TopicArn=topic_arn, Message="x" * (MAX_BYTES - 7), MessageAttributes=attributes)
    assert error_of(excinfo) == ("InvalidParameter", "Invalid parameter: Message too long")


# ---------------------------------------------------------------- Publish: Subject


def test_empty_subject(sns, topic_arn):
    with pytest.raises(ClientError) as excinfo:
        sns.publish(TopicArn=topic_arn, Message="hello", Subject="")
    assert error_of(excinfo) == ("InvalidParameter", "Invalid parameter: Subject")


def test_subject_of_100_characters_is_accepted(sns, topic_arn):
    assert sns.publish(TopicArn=topic_arn, Message="hello", Subject="s" * 100)["MessageId"]


@pytest.mark.parametrize(
    "subject",
    ["s" * 101, "first line\nsecond line", "carriage\rreturn", "bell\x07"],
    ids=["too-long", "newline", "carriage-return", "control-character"],
)
def test_invalid_subjects(sns, topic_arn, subject):
    with pytest.raises(ClientError) as excinfo:
        sns.publish(TopicArn=topic_arn, Message="hello", Subject=subject)
    code, message = error_of(excinfo)
    assert code == "InvalidParameter"
    assert "Subject" in message


# ---------------------------------------------------------------- Publish: MessageStructure=json


def test_message_structure_json_is_accepted_with_a_default_entry(sns, topic_arn):
    message = '{"default": "for everyone", "sqs": "for queues", "email": "for people"}'
    assert sns.publish(TopicArn=topic_arn, Message=message, MessageStructure="json")["MessageId"]


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ('{"sqs": "only for queues"}', "Message Structure - No default entry in JSON message body"),
        ('{"default": 42}', "Message Structure - No default entry in JSON message body"),
        ('{"default": "unterminated', "Message Structure - JSON message body failed to parse"),
        ("plain text", "Message Structure - JSON message body failed to parse"),
    ],
    ids=["no-default", "default-not-a-string", "truncated-json", "not-json"],
)
def test_message_structure_json_errors(sns, topic_arn, message, reason):
    with pytest.raises(ClientError) as excinfo:
        sns.publish(TopicArn=topic_arn, Message=message, MessageStructure="json")
    assert error_of(excinfo) == ("InvalidParameter", f"Invalid parameter: {reason}")


# ---------------------------------------------------------------- Publish: message attributes


def test_every_attribute_data_type_is_accepted(sns, topic_arn):
    attributes = {
        "text": string_value("hello"),
        "count": string_value("-12.5", "Number"),
        "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xff"},
        "tags": string_value('["a", 1, true, null]', "String.Array"),
        # a custom suffix after the base type is allowed
        "label": string_value("red", "String.color"),
        "ratio": string_value("0.25", "Number.float"),
        "image": {"DataType": "Binary.gif", "BinaryValue": b"GIF89a"},
        "Name_with-all.allowed9": string_value("ok"),
    }
    assert sns.publish(TopicArn=topic_arn, Message="typed", MessageAttributes=attributes)["MessageId"]


@pytest.mark.parametrize(
    ("attribute", "message"),
    [
        (
            string_value(""),
            "The message attribute 'attr1' must contain non-empty message attribute value "
            "for message attribute type 'String'.",
        ),
        (
            {"DataType": "String"},
            "The message attribute 'attr1' must contain non-empty message attribute value "
            "for message attribute type 'String'.",
        ),
        (
            {"DataType": "Binary", "BinaryValue": b""},
            "The message attribute 'attr1' must contain non-empty message attribute value "
            "for message attribute type 'Binary'.",
        ),
        (
            {"DataType": "String", "BinaryValue": b"\x01"},
            "The message attribute 'attr1' with type 'String' must use field 'String'.",
        ),
        (
            {"DataType": "Number", "BinaryValue": b"\x01"},
            "The message attribute 'attr1' with type 'Number' must use field 'String'.",
        ),
        (
            string_value("text", "Binary"),
            "The message attribute 'attr1' with type 'Binary' must use field 'Binary'.",
        ),
        (
            string_value("1", "Integer"),
            "The message attribute 'attr1' has an invalid message attribute type, "
            "the set of supported type prefixes is Binary, Number, and String.",
        ),
    ],
    ids=[
        "empty-string",
        "no-value",
        "empty-binary",
        "string-with-binary-field",
        "number-with-binary-field",
        "binary-with-string-field",
        "unknown-type",
    ],
)
def test_invalid_attribute_values(sns, topic_arn, attribute, message):
    with pytest.raises(ClientError) as excinfo:
        sns.publish(TopicArn=topic_arn, Message="hello", MessageAttributes={"attr1": attribute})
    assert error_of(excinfo) == ("ParameterValueInvalid", message)
    assert status_of(excinfo) == 400


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("n" * 300, "Length of message attribute name must be less than 256 bytes."),
        (
            "attr^1",
            "Invalid non-alphanumeric character '#x5E' was found in the message attribute name. "
            "Can only include alphanumeric characters, hyphens, underscores, or dots.",
        ),
        (".attr", "Invalid message attribute name starting with character '.' was found."),
        ("attr.", "Invalid message attribute name ending with character '.' was found."),
        ("at..tr", "Message attribute name can not have successive '.' character."),
    ],
    ids=["too-long", "bad-character", "leading-dot", "trailing-dot", "successive-dots"],
)
def test_invalid_attribute_names(sns, topic_arn, name, message):
    with pytest.raises(ClientError) as excinfo:
        sns.publish(TopicArn=topic_arn, Message="hello", MessageAttributes={name: string_value("v")})
    assert error_of(excinfo) == ("ParameterValueInvalid", message)


@pytest.mark.parametrize(
    "attribute",
    [
        string_value("not a number", "Number"),
        string_value("not-an-array", "String.Array"),
        string_value('{"a": 1}', "String.Array"),
    ],
    ids=["number-not-numeric", "array-not-json", "array-is-an-object"],
)
def test_attribute_values_must_match_their_type(sns, topic_arn, attribute):
    with pytest.raises(ClientError) as excinfo:
        sns.publish(TopicArn=topic_arn, Message="hello", MessageAttributes={"attr1": attribute})
    code, message = error_of(excinfo)
    assert code == "ParameterValueInvalid"
    assert "attr1" in message


# ---------------------------------------------------------------- Publish: FIFO-only parameters


def test_message_deduplication_id_is_rejected_on_a_standard_topic(sns, topic_arn):
    with pytest.raises(ClientError) as excinfo:
        sns.publish(TopicArn=topic_arn, Message="hello", MessageDeduplicationId="d-1")
    assert error_of(excinfo) == (
        "InvalidParameter",
        "Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId "
        "parameter that is not valid for this topic type",
    )


def test_message_group_id_is_accepted_on_a_standard_topic(sns, topic_arn):
    # Standard topics forward it to SQS standard queues (fair queues); see test_fanout_sqs.py
    response = sns.publish(TopicArn=topic_arn, Message="hello", MessageGroupId="tenant-1")
    assert uuid.UUID(response["MessageId"])
    assert "SequenceNumber" not in response


# ---------------------------------------------------------------- PublishBatch


def entries(count: int, **extra) -> list[dict]:
    return [{"Id": f"m{i}", "Message": f"message {i}", **extra} for i in range(count)]


def test_publish_batch_reports_each_entry(sns, topic_arn):
    response = sns.publish_batch(TopicArn=topic_arn, PublishBatchRequestEntries=entries(10))
    assert response["Failed"] == []
    assert [entry["Id"] for entry in response["Successful"]] == [f"m{i}" for i in range(10)]
    message_ids = [entry["MessageId"] for entry in response["Successful"]]
    assert all(uuid.UUID(message_id) for message_id in message_ids)
    assert len(set(message_ids)) == 10
    assert all("SequenceNumber" not in entry for entry in response["Successful"])


def test_publish_batch_to_an_unknown_topic(sns):
    with pytest.raises(ClientError) as excinfo:
        sns.publish_batch(
            TopicArn="arn:aws:sns:us-east-1:000000000000:nothing-here", PublishBatchRequestEntries=entries(1)
        )
    assert error_of(excinfo) == ("NotFound", "Topic does not exist")


def test_publish_batch_needs_at_least_one_entry(sns, topic_arn):
    with pytest.raises(ClientError) as excinfo:
        sns.publish_batch(TopicArn=topic_arn, PublishBatchRequestEntries=[])
    assert error_of(excinfo)[0] == "EmptyBatchRequest"


def test_publish_batch_takes_at_most_ten_entries(sns, topic_arn):
    with pytest.raises(ClientError) as excinfo:
        sns.publish_batch(TopicArn=topic_arn, PublishBatchRequestEntries=entries(11))
    assert error_of(excinfo) == (
        "TooManyEntriesInBatchRequest",
        "The batch request contains more entries than permissible.",
    )


def test_publish_batch_ids_must_be_distinct(sns, topic_arn):
    batch = [{"Id": "same", "Message": "one"}, {"Id": "same", "Message": "two"}]
    with pytest.raises(ClientError) as excinfo:
        sns.publish_batch(TopicArn=topic_arn, PublishBatchRequestEntries=batch)
    assert error_of(excinfo) == (
        "BatchEntryIdsNotDistinct",
        "Two or more batch entries in the request have the same Id.",
    )


@pytest.mark.parametrize(
    "entry_id", ["has space", "dot.ted", "x" * 81, ""], ids=["space", "dot", "81-chars", "empty"]
)
def test_publish_batch_entry_id_rules(sns, topic_arn, entry_id):
    with pytest.raises(ClientError) as excinfo:
        sns.publish_batch(
            TopicArn=topic_arn, PublishBatchRequestEntries=[{"Id": entry_id, "Message": "hello"}]
        )
    assert error_of(excinfo)[0] == "InvalidBatchEntryId"


def test_publish_batch_accepts_the_longest_valid_id(sns, topic_arn):
    entry_id = "A-z_9" + "x" * 75  # 80 characters: alphanumerics, hyphens and underscores
    response = sns.publish_batch(
        TopicArn=topic_arn, PublishBatchRequestEntries=[{"Id": entry_id, "Message": "hi"}]
    )
    assert [entry["Id"] for entry in response["Successful"]] == [entry_id]


def test_publish_batch_total_size_limit(sns, topic_arn):
    half = [{"Id": f"m{i}", "Message": "x" * (MAX_BYTES // 2)} for i in range(2)]
    assert len(sns.publish_batch(TopicArn=topic_arn, PublishBatchRequestEntries=half)["Successful"]) == 2
    too_long = [{"Id": f"m{i}", "Message": "x" * 140_000} for i in range(2)]
    with pytest.raises(ClientError) as excinfo:
        sns.publish_batch(TopicArn=topic_arn, PublishBatchRequestEntries=too_long)
    assert error_of(excinfo) == (
        "BatchRequestTooLong",
        "The length of all the messages put together is more than the limit.",
    )


def test_publish_batch_size_includes_message_attributes(sns, topic_arn):
    attributes = {"a": string_value("x")}  # 8 bytes per entry
    batch = [
        {"Id": "m0", "Message": "x" * (MAX_BYTES // 2 - 8), "MessageAttributes": attributes},
        {"Id": "m1", "Message": "x" * (MAX_BYTES // 2 - 7), "MessageAttributes": attributes},
    ]
    with pytest.raises(ClientError) as excinfo:
        sns.publish_batch(TopicArn=topic_arn, PublishBatchRequestEntries=batch)
    assert error_of(excinfo)[0] == "BatchRequestTooLong"


def test_publish_batch_invalid_attribute_fails_the_whole_request(sns, topic_arn):
    # AWS validates attribute shapes for the whole request, like Publish does
    batch = entries(2)
    batch[1]["MessageAttributes"] = {"attr1": string_value("")}
    with pytest.raises(ClientError) as excinfo:
        sns.publish_batch(TopicArn=topic_arn, PublishBatchRequestEntries=batch)
    assert error_of(excinfo) == (
        "ParameterValueInvalid",
        "The message attribute 'attr1' must contain non-empty message attribute value "
        "for message attribute type 'String'.",
    )


def test_publish_batch_message_structure_json_needs_a_default_entry(sns, topic_arn):
    batch = [{"Id": "m0", "Message": '{"sqs": "only"}', "MessageStructure": "json"}]
    with pytest.raises(ClientError) as excinfo:
        sns.publish_batch(TopicArn=topic_arn, PublishBatchRequestEntries=batch)
    assert error_of(excinfo) == (
        "InvalidParameter",
        "Invalid parameter: Message Structure - No default entry in JSON message body",
    )


def test_publish_batch_rejects_deduplication_ids_on_a_standard_topic(sns, topic_arn):
    with pytest.raises(ClientError) as excinfo:
        sns.publish_batch(
            TopicArn=topic_arn, PublishBatchRequestEntries=entries(1, MessageDeduplicationId="d")
        )
    code, message = error_of(excinfo)
    assert code == "InvalidParameter"
    assert "MessageDeduplicationId" in message
