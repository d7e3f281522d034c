"""SNS topics, black-box through boto3: CreateTopic, regions and accounts, Get/SetTopicAttributes,
asserting what AWS answers (DeleteTopic, ListTopics, tags, permissions and data protection
policies: test_topic_management.py).

Sources: the SNS API reference (botocore's model documentation), and responses recorded against
real AWS that public projects keep as snapshots. Where a message could not be confirmed from an
AWS source, the assertion says so in a comment ("unconfirmed"); those are the most AWS-like guess.
"""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from .support import (
    ACCOUNT,
    DEFAULT_HEALTHY_RETRY_POLICY,
    OTHER_ACCOUNT,
    REGION,
    error_and_status_of,
    fifo_topic,
    queue_arn,
    topic_attributes,
)

# What AWS writes as the policy of every new topic (recorded from AWS, certain).
from .topics_support import (
    DATA_PROTECTION_POLICY,
    DEFAULT_EFFECTIVE_DELIVERY_POLICY,
    STANDARD_TOPIC_KEYS,
    default_policy,
    sorted_tags,
)

# --- CreateTopic: names and ARNs ----------------------------------------------------------------


def test_create_topic_returns_the_arn(sns):
    assert sns.create_topic(Name="orders")["TopicArn"] == f"arn:aws:sns:{REGION}:{ACCOUNT}:orders"


@pytest.mark.parametrize("name", ["a", "a" * 256, "Orders_2024-eu", "-_-", "0123456789"])
def test_valid_standard_topic_names(sns, name):
    assert sns.create_topic(Name=name)["TopicArn"] == f"arn:aws:sns:{REGION}:{ACCOUNT}:{name}"


@pytest.mark.parametrize(
    "name",
    [
        "",
        "a" * 257,
        "bad:name",
        "bad;name",
        "bad!name",
        "bad@name",
        "bad|name",
        "bad^name",
        "bad%name",
        "bad name",
    ],
    ids=["empty", "257-chars", "colon", "semicolon", "bang", "at", "pipe", "caret", "percent", "space"],
)
def test_invalid_topic_names(sns, name):
    with pytest.raises(ClientError) as excinfo:
        sns.create_topic(Name=name)
    assert error_and_status_of(excinfo) == ("InvalidParameter", "Invalid parameter: Topic Name", 400)


def test_fifo_topic_name_needs_the_suffix_and_the_attribute(sns):
    arn = sns.create_topic(Name="orders.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    assert arn == f"arn:aws:sns:{REGION}:{ACCOUNT}:orders.fifo"

    # ".fifo" is not a valid character sequence for a standard topic (a dot is not allowed)
    with pytest.raises(ClientError) as excinfo:
        sns.create_topic(Name="plain.fifo")
    assert error_and_status_of(excinfo) == ("InvalidParameter", "Invalid parameter: Topic Name", 400)
    # FifoTopic=true without the suffix: AWS answers "Invalid parameter: Topic Name" (reported in 2020
    # against the CloudFormation docs; not re-confirmed since)
    with pytest.raises(ClientError) as excinfo:
        sns.create_topic(Name="plain", Attributes={"FifoTopic": "true"})
    assert error_and_status_of(excinfo) == ("InvalidParameter", "Invalid parameter: Topic Name", 400)
    for bad in ("two.dots.fifo", ".fifo", "bad name.fifo"):
        with pytest.raises(ClientError) as excinfo:
            sns.create_topic(Name=bad, Attributes={"FifoTopic": "true"})
        assert error_and_status_of(excinfo)[0::2] == ("InvalidParameter", 400)
    assert sns.list_topics()["Topics"] == [{"TopicArn": arn}]


def test_fifo_topic_false_is_a_standard_topic(sns):
    # recorded from AWS: an explicit FifoTopic=false is not stored, the topic is a plain standard topic
    arn = sns.create_topic(Name="standard", Attributes={"FifoTopic": "false"})["TopicArn"]
    assert set(topic_attributes(sns, arn)) == STANDARD_TOPIC_KEYS


def test_create_topic_is_idempotent(sns):
    first = sns.create_topic(Name="orders", Attributes={"DisplayName": "Orders"})["TopicArn"]
    assert sns.create_topic(Name="orders", Attributes={"DisplayName": "Orders"})["TopicArn"] == first
    # no attributes at all is not a conflict: the existing topic is returned untouched
    assert sns.create_topic(Name="orders")["TopicArn"] == first
    assert topic_attributes(sns, first)["DisplayName"] == "Orders"
    assert len(sns.list_topics()["Topics"]) == 1


def test_recreate_keeps_attributes_set_after_creation(sns, topic_arn):
    sns.set_topic_attributes(TopicArn=topic_arn, AttributeName="DisplayName", AttributeValue="AlreadySet")
    assert sns.create_topic(Name="events")["TopicArn"] == topic_arn
    assert topic_attributes(sns, topic_arn)["DisplayName"] == "AlreadySet"


def test_recreate_fifo_topic_with_the_same_attributes(sns):
    attributes = {"FifoTopic": "true", "ContentBasedDeduplication": "true"}
    arn = sns.create_topic(Name="orders.fifo", Attributes=attributes)["TopicArn"]
    assert sns.create_topic(Name="orders.fifo", Attributes=attributes)["TopicArn"] == arn


def test_recreate_with_different_attributes_is_refused(sns):
    sns.create_topic(Name="orders", Attributes={"DisplayName": "Orders"})
    with pytest.raises(ClientError) as excinfo:
        sns.create_topic(Name="orders", Attributes={"DisplayName": "Something else"})
    # unconfirmed: AWS's wording by analogy with the tags and subscription variants below
    assert error_and_status_of(excinfo) == (
        "InvalidParameter",
        "Invalid parameter: Attributes Reason: Topic already exists with different attributes",
        400,
    )


def test_recreate_with_tags(sns):
    tags = [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]
    arn = sns.create_topic(Name="tagged", Tags=tags)["TopicArn"]
    # recorded from AWS: the same tags, a subset of them, or none, all return the existing topic
    assert sns.create_topic(Name="tagged", Tags=tags)["TopicArn"] == arn
    assert sns.create_topic(Name="tagged", Tags=[tags[0]])["TopicArn"] == arn
    assert sns.create_topic(Name="tagged", Tags=[])["TopicArn"] == arn
    assert sorted_tags(sns.list_tags_for_resource(ResourceArn=arn)["Tags"]) == tags


def test_recreate_with_new_tags_is_refused(sns, topic_arn):
    with pytest.raises(ClientError) as excinfo:
        sns.create_topic(Name="events", Tags=[{"Key": "key1", "Value": "value1"}])
    assert error_and_status_of(excinfo) == (
        "InvalidParameter",
        "Invalid parameter: Tags Reason: Topic already exists with different tags",
        400,
    )
    assert sns.list_tags_for_resource(ResourceArn=topic_arn)["Tags"] == []


def test_recreate_after_delete_takes_new_tags(sns):
    arn = sns.create_topic(Name="reborn", Tags=[{"Key": "Name", "Value": "pqr"}])["TopicArn"]
    sns.delete_topic(TopicArn=arn)
    assert sns.create_topic(Name="reborn", Tags=[{"Key": "Name", "Value": "abc"}])["TopicArn"] == arn
    assert sns.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "Name", "Value": "abc"}]


# --- CreateTopic: attributes ----------------------------------------------------------------------


def test_attributes_at_creation(sns):
    delivery_policy = {
        "http": {"defaultHealthyRetryPolicy": {"minDelayTarget": 5, "maxDelayTarget": 6, "numRetries": 1}}
    }
    custom_policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "SNS:Publish", "Resource": "*"},
        ],
    }
    arn = sns.create_topic(
        Name="configured",
        Attributes={
            "DisplayName": "Configured",
            "Policy": json.dumps(custom_policy),
            "DeliveryPolicy": json.dumps(delivery_policy),
            "KmsMasterKeyId": "alias/aws/sns",
            "SignatureVersion": "2",
            "TracingConfig": "Active",
        },
    )["TopicArn"]
    attributes = topic_attributes(sns, arn)
    assert attributes["DisplayName"] == "Configured"
    assert json.loads(attributes["Policy"]) == custom_policy
    assert attributes["KmsMasterKeyId"] == "alias/aws/sns"
    assert attributes["SignatureVersion"] == "2"
    assert attributes["TracingConfig"] == "Active"
    # recorded from AWS: the stored delivery policy gains disableSubscriptionOverrides=false, and
    # the effective one fills what is missing from the defaults
    assert json.loads(attributes["DeliveryPolicy"]) == {
        "http": {
            "defaultHealthyRetryPolicy": {"minDelayTarget": 5, "maxDelayTarget": 6, "numRetries": 1},
            "disableSubscriptionOverrides": False,
        }
    }
    effective = json.loads(attributes["EffectiveDeliveryPolicy"])["http"]
    assert effective["defaultHealthyRetryPolicy"] == {
        **DEFAULT_HEALTHY_RETRY_POLICY,
        "minDelayTarget": 5,
        "maxDelayTarget": 6,
        "numRetries": 1,
    }
    assert effective["defaultRequestPolicy"] == {"headerContentType": "text/plain; charset=UTF-8"}


@pytest.mark.parametrize("version", ["1", "2"])
def test_signature_version_values(sns, version):
    arn = sns.create_topic(Name="signed", Attributes={"SignatureVersion": version})["TopicArn"]
    assert topic_attributes(sns, arn)["SignatureVersion"] == version


@pytest.mark.parametrize("mode", ["PassThrough", "Active"])
def test_tracing_config_values(sns, mode):
    arn = sns.create_topic(Name="traced", Attributes={"TracingConfig": mode})["TopicArn"]
    assert topic_attributes(sns, arn)["TracingConfig"] == mode


@pytest.mark.parametrize(
    "attributes",
    [
        {"SignatureVersion": "3"},
        {"TracingConfig": "Sometimes"},
        {"Policy": "{not json"},
        {"DeliveryPolicy": "{not json"},
        {"FifoTopic": "maybe"},
        {"NotAnAttribute": "x"},
        {"ContentBasedDeduplication": "true"},  # FIFO only
        {"FifoThroughputScope": "Topic"},  # FIFO only
        {"ArchivePolicy": json.dumps({"MessageRetentionPeriod": "30"})},  # FIFO only
    ],
    ids=lambda attributes: next(iter(attributes)),
)
def test_invalid_attributes_at_creation(sns, attributes):
    with pytest.raises(ClientError) as excinfo:
        sns.create_topic(Name="standard", Attributes=attributes)
    code, message, status = error_and_status_of(excinfo)
    assert (code, status) == ("InvalidParameter", 400)
    # unconfirmed wording; AWS words CreateTopic attribute errors "Invalid parameter: Attributes Reason: ..."
    # (seen for DisplayName), so the prefix is asserted
    assert message.startswith("Invalid parameter: Attributes Reason: ")
    assert sns.list_topics()["Topics"] == []


@pytest.mark.parametrize(
    "attributes",
    [
        {"ContentBasedDeduplication": "yes"},
        {"FifoThroughputScope": "Partition"},
        {"ArchivePolicy": "{not json"},
        {"ArchivePolicy": json.dumps({"MessageRetentionPeriod": "366"})},  # 1 to 365 days
        {"ArchivePolicy": json.dumps({"MessageRetentionPeriod": "0"})},
    ],
    ids=["dedup-not-boolean", "bad-scope", "archive-not-json", "archive-366-days", "archive-0-days"],
)
def test_invalid_fifo_attributes_at_creation(sns, attributes):
    with pytest.raises(ClientError) as excinfo:
        sns.create_topic(Name="orders.fifo", Attributes={"FifoTopic": "true", **attributes})
    code, message, status = error_and_status_of(excinfo)
    assert (code, status) == ("InvalidParameter", 400)
    assert message.startswith("Invalid parameter: ")  # unconfirmed wording


def test_fifo_attributes_at_creation(sns):
    archive_policy = {"MessageRetentionPeriod": "30"}
    arn = sns.create_topic(
        Name="orders.fifo",
        Attributes={
            "FifoTopic": "true",
            "ContentBasedDeduplication": "true",
            "FifoThroughputScope": "MessageGroup",
            "ArchivePolicy": json.dumps(archive_policy),
        },
    )["TopicArn"]
    attributes = topic_attributes(sns, arn)
    assert attributes["FifoTopic"] == "true"
    assert attributes["ContentBasedDeduplication"] == "true"
    assert attributes["FifoThroughputScope"] == "MessageGroup"
    assert json.loads(attributes["ArchivePolicy"]) == archive_policy
    # documented: the earliest point the archive can replay from; its format is not asserted
    assert attributes["BeginningArchiveTime"]


def test_tags_and_data_protection_policy_at_creation(sns):
    tags = [{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": ""}]
    arn = sns.create_topic(Name="full", Tags=tags, DataProtectionPolicy=json.dumps(DATA_PROTECTION_POLICY))[
        "TopicArn"
    ]
    assert sorted_tags(sns.list_tags_for_resource(ResourceArn=arn)["Tags"]) == tags
    policy = sns.get_data_protection_policy(ResourceArn=arn)["DataProtectionPolicy"]
    assert json.loads(policy) == DATA_PROTECTION_POLICY


# --- regions and accounts -------------------------------------------------------------------------


def test_regions_are_isolated(sns, aws_client):
    europe = aws_client("sns", region_name="eu-west-1")
    east_arn = sns.create_topic(Name="events")["TopicArn"]
    west_arn = europe.create_topic(Name="events")["TopicArn"]
    assert west_arn == f"arn:aws:sns:eu-west-1:{ACCOUNT}:events"
    assert sns.list_topics()["Topics"] == [{"TopicArn": east_arn}]
    assert europe.list_topics()["Topics"] == [{"TopicArn": west_arn}]
    west = topic_attributes(europe, west_arn)
    assert west["TopicArn"] == west_arn
    assert json.loads(west["Policy"]) == default_policy(west_arn)


def test_a_topic_is_reached_only_from_its_own_region(sns, aws_client, topic_arn):
    europe = aws_client("sns", region_name="eu-west-1")
    # recorded from AWS: a topic ARN of another region is an invalid parameter, not a missing topic
    calls = [
        lambda: europe.get_topic_attributes(TopicArn=topic_arn),
        lambda: europe.set_topic_attributes(
            TopicArn=topic_arn, AttributeName="DisplayName", AttributeValue="x"
        ),
        lambda: europe.delete_topic(TopicArn=topic_arn),
    ]
    for call in calls:
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_and_status_of(excinfo) == ("InvalidParameter", "Invalid parameter: TopicArn", 400)
    assert topic_attributes(sns, topic_arn)["DisplayName"] == ""


def test_accounts_are_isolated(sns, aws_client, topic_arn):
    other = aws_client("sns", aws_access_key_id=OTHER_ACCOUNT, aws_secret_access_key="test")
    other_arn = other.create_topic(Name="events")["TopicArn"]
    assert other_arn == f"arn:aws:sns:{REGION}:{OTHER_ACCOUNT}:events"
    assert other.list_topics()["Topics"] == [{"TopicArn": other_arn}]
    assert sns.list_topics()["Topics"] == [{"TopicArn": topic_arn}]
    attributes = topic_attributes(other, other_arn)
    assert attributes["Owner"] == OTHER_ACCOUNT
    assert json.loads(attributes["Policy"]) == default_policy(other_arn, OTHER_ACCOUNT)


# --- GetTopicAttributes ---------------------------------------------------------------------------


def test_attributes_of_a_fresh_standard_topic(sns, topic_arn):
    attributes = topic_attributes(sns, topic_arn)
    # exact key set and values recorded from AWS (certain)
    assert set(attributes) == STANDARD_TOPIC_KEYS
    assert attributes["TopicArn"] == topic_arn
    assert attributes["Owner"] == ACCOUNT
    assert attributes["DisplayName"] == ""
    assert attributes["SubscriptionsPending"] == "0"
    assert attributes["SubscriptionsConfirmed"] == "0"
    assert attributes["SubscriptionsDeleted"] == "0"
    assert json.loads(attributes["Policy"]) == default_policy(topic_arn)
    assert json.loads(attributes["EffectiveDeliveryPolicy"]) == DEFAULT_EFFECTIVE_DELIVERY_POLICY


def test_attributes_of_a_fresh_fifo_topic(sns):
    arn = fifo_topic(sns)
    attributes = topic_attributes(sns, arn)
    # certain (recorded from AWS): the standard keys plus FifoTopic and ContentBasedDeduplication
    assert STANDARD_TOPIC_KEYS | {"FifoTopic", "ContentBasedDeduplication"} <= set(attributes)
    assert attributes["FifoTopic"] == "true"
    assert attributes["ContentBasedDeduplication"] == "false"
    # uncertain: recordings predate FifoThroughputScope; when present its default is "Topic"
    assert attributes.get("FifoThroughputScope", "Topic") == "Topic"
    assert set(attributes) - STANDARD_TOPIC_KEYS <= {
        "FifoTopic",
        "ContentBasedDeduplication",
        "FifoThroughputScope",
    }
    assert json.loads(attributes["Policy"]) == default_policy(arn)
    assert json.loads(attributes["EffectiveDeliveryPolicy"]) == DEFAULT_EFFECTIVE_DELIVERY_POLICY


def test_subscription_counts_follow_subscribe_and_unsubscribe(sns, sqs, topic_arn):
    confirmed = sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn(sqs, "work"))[
        "SubscriptionArn"
    ]
    pending = sns.subscribe(
        TopicArn=topic_arn, Protocol="email", Endpoint="someone@example.com", ReturnSubscriptionArn=True
    )["SubscriptionArn"]
    attributes = topic_attributes(sns, topic_arn)
    assert (attributes["SubscriptionsConfirmed"], attributes["SubscriptionsPending"]) == ("1", "1")
    assert attributes["SubscriptionsDeleted"] == "0"

    sns.unsubscribe(SubscriptionArn=confirmed)
    sns.unsubscribe(SubscriptionArn=pending)
    attributes = topic_attributes(sns, topic_arn)
    assert (attributes["SubscriptionsConfirmed"], attributes["SubscriptionsPending"]) == ("0", "0")
    # documented as "the number of deleted subscriptions"; AWS updates these counters lazily
    assert attributes["SubscriptionsDeleted"] == "2"


def test_attributes_of_a_missing_topic(sns, topic_arn):
    for arn in (f"{topic_arn}-missing", f"arn:aws:sns:{REGION}:{ACCOUNT}:never-created"):
        with pytest.raises(ClientError) as excinfo:
            sns.get_topic_attributes(TopicArn=arn)
        assert error_and_status_of(excinfo) == ("NotFound", "Topic does not exist", 404)


@pytest.mark.parametrize(
    ("arn", "elements"), [("test-topic", 1), ("randomstring:1", 2), ("arn:aws:sns:us-east-1:random", 5)]
)
def test_attributes_of_a_malformed_arn(sns, arn, elements):
    with pytest.raises(ClientError) as excinfo:
        sns.get_topic_attributes(TopicArn=arn)
    assert error_and_status_of(excinfo) == (
        "InvalidParameter",
        f"Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not {elements}",
        400,
    )


# --- SetTopicAttributes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DisplayName", "My display name"),
        ("KmsMasterKeyId", "alias/aws/sns"),
        ("SignatureVersion", "2"),
        ("TracingConfig", "Active"),
        ("HTTPSuccessFeedbackRoleArn", f"arn:aws:iam::{ACCOUNT}:role/feedback"),
        ("HTTPSuccessFeedbackSampleRate", "50"),
        ("HTTPFailureFeedbackRoleArn", f"arn:aws:iam::{ACCOUNT}:role/feedback"),
        ("LambdaSuccessFeedbackRoleArn", f"arn:aws:iam::{ACCOUNT}:role/feedback"),
        ("LambdaSuccessFeedbackSampleRate", "100"),
        ("LambdaFailureFeedbackRoleArn", f"arn:aws:iam::{ACCOUNT}:role/feedback"),
        ("SQSSuccessFeedbackRoleArn", f"arn:aws:iam::{ACCOUNT}:role/feedback"),
        ("SQSSuccessFeedbackSampleRate", "0"),
        ("SQSFailureFeedbackRoleArn", f"arn:aws:iam::{ACCOUNT}:role/feedback"),
        ("FirehoseSuccessFeedbackRoleArn", f"arn:aws:iam::{ACCOUNT}:role/feedback"),
        ("FirehoseSuccessFeedbackSampleRate", "10"),
        ("FirehoseFailureFeedbackRoleArn", f"arn:aws:iam::{ACCOUNT}:role/feedback"),
        ("ApplicationSuccessFeedbackRoleArn", f"arn:aws:iam::{ACCOUNT}:role/feedback"),
        ("ApplicationSuccessFeedbackSampleRate", "25"),
        ("ApplicationFailureFeedbackRoleArn", f"arn:aws:iam::{ACCOUNT}:role/feedback"),
    ],
)
def test_set_each_standard_attribute(sns, topic_arn, name, value):
    sns.set_topic_attributes(TopicArn=topic_arn, AttributeName=name, AttributeValue=value)
    assert topic_attributes(sns, topic_arn)[name] == value


def test_set_policy(sns, topic_arn):
    policy = {
        "Version": "2012-10-17",
        "Id": "custom",
        "Statement": [
            {
                "Sid": "publishers",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
                "Action": "SNS:Publish",
                "Resource": topic_arn,
            }
        ],
    }
    sns.set_topic_attributes(TopicArn=topic_arn, AttributeName="Policy", AttributeValue=json.dumps(policy))
    assert json.loads(topic_attributes(sns, topic_arn)["Policy"]) == policy


def test_set_invalid_policy(sns, topic_arn):
    for value in ("{not json", json.dumps(["a list"])):
        with pytest.raises(ClientError) as excinfo:
            sns.set_topic_attributes(TopicArn=topic_arn, AttributeName="Policy", AttributeValue=value)
        code, message, status = error_and_status_of(excinfo)
        assert (code, status) == ("InvalidParameter", 400)
        assert message.startswith("Invalid parameter: Policy")  # unconfirmed wording
    assert json.loads(topic_attributes(sns, topic_arn)["Policy"]) == default_policy(topic_arn)


def test_delivery_policy_set_replace_and_clear(sns, topic_arn):
    # recorded from AWS (on a FIFO topic; the delivery policy behaves alike on standard topics)
    sns.set_topic_attributes(
        TopicArn=topic_arn,
        AttributeName="DeliveryPolicy",
        AttributeValue=json.dumps(
            {"http": {"defaultRequestPolicy": {"headerContentType": "application/json"}}}
        ),
    )
    attributes = topic_attributes(sns, topic_arn)
    assert json.loads(attributes["DeliveryPolicy"]) == {
        "http": {
            "disableSubscriptionOverrides": False,
            "defaultRequestPolicy": {"headerContentType": "application/json"},
        }
    }
    assert json.loads(attributes["EffectiveDeliveryPolicy"]) == {
        "http": {
            "defaultHealthyRetryPolicy": DEFAULT_HEALTHY_RETRY_POLICY,
            "disableSubscriptionOverrides": False,
            "defaultRequestPolicy": {"headerContentType": "application/json"},
        }
    }

    # a new policy replaces the old one as a whole
    retry = {"minDelayTarget": 5, "maxDelayTarget": 6, "numRetries": 1}
    sns.set_topic_attributes(
        TopicArn=topic_arn,
        AttributeName="DeliveryPolicy",
        AttributeValue=json.dumps({"http": {"defaultHealthyRetryPolicy": retry}}),
    )
    attributes = topic_attributes(sns, topic_arn)
    assert json.loads(attributes["DeliveryPolicy"]) == {
        "http": {"defaultHealthyRetryPolicy": retry, "disableSubscriptionOverrides": False}
    }
    effective = json.loads(attributes["EffectiveDeliveryPolicy"])["http"]
    assert effective["defaultHealthyRetryPolicy"] == {**DEFAULT_HEALTHY_RETRY_POLICY, **retry}
    assert effective["defaultRequestPolicy"] == {"headerContentType": "text/plain; charset=UTF-8"}

    # an empty value removes the policy
    sns.set_topic_attributes(TopicArn=topic_arn, AttributeName="DeliveryPolicy", AttributeValue="")
    attributes = topic_attributes(sns, topic_arn)
    assert "DeliveryPolicy" not in attributes
    assert json.loads(attributes["EffectiveDeliveryPolicy"]) == DEFAULT_EFFECTIVE_DELIVERY_POLICY


def test_set_fifo_attributes(sns):
    arn = fifo_topic(sns)
    sns.set_topic_attributes(TopicArn=arn, AttributeName="ContentBasedDeduplication", AttributeValue="true")
    sns.set_topic_attributes(TopicArn=arn, AttributeName="FifoThroughputScope", AttributeValue="MessageGroup")
    sns.set_topic_attributes(
        TopicArn=arn,
        AttributeName="ArchivePolicy",
        AttributeValue=json.dumps({"MessageRetentionPeriod": "7"}),
    )
    attributes = topic_attributes(sns, arn)
    assert attributes["ContentBasedDeduplication"] == "true"
    assert attributes["FifoThroughputScope"] == "MessageGroup"
    assert json.loads(attributes["ArchivePolicy"]) == {"MessageRetentionPeriod": "7"}
    sns.set_topic_attributes(TopicArn=arn, AttributeName="ContentBasedDeduplication", AttributeValue="false")
    assert topic_attributes(sns, arn)["ContentBasedDeduplication"] == "false"


@pytest.mark.parametrize("value", ["true", "false"])
def test_fifo_topic_cannot_be_changed(sns, topic_arn, value):
    fifo_arn = fifo_topic(sns)
    for arn in (topic_arn, fifo_arn):
        with pytest.raises(ClientError) as excinfo:
            sns.set_topic_attributes(TopicArn=arn, AttributeName="FifoTopic", AttributeValue=value)
        # recorded from AWS for FifoTopic=false on a standard topic
        assert error_and_status_of(excinfo) == ("InvalidParameter", "Invalid parameter: AttributeName", 400)
    assert "FifoTopic" not in topic_attributes(sns, topic_arn)
    assert topic_attributes(sns, fifo_arn)["FifoTopic"] == "true"


def test_set_unknown_attribute(sns, topic_arn):
    for name in ("NotAnAttribute", "TopicArn", "Owner", "SubscriptionsConfirmed", "EffectiveDeliveryPolicy"):
        with pytest.raises(ClientError) as excinfo:
            sns.set_topic_attributes(TopicArn=topic_arn, AttributeName=name, AttributeValue="x")
        # inferred: the FifoTopic answer above applies to every name SetTopicAttributes does not take
        assert error_and_status_of(excinfo) == ("InvalidParameter", "Invalid parameter: AttributeName", 400)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SignatureVersion", "3"),
        ("TracingConfig", "Sometimes"),
        ("DeliveryPolicy", "{not json"),
        ("ContentBasedDeduplication", "true"),  # FIFO only
        ("FifoThroughputScope", "MessageGroup"),  # FIFO only
        ("ArchivePolicy", json.dumps({"MessageRetentionPeriod": "30"})),  # FIFO only
    ],
)
def test_set_invalid_values(sns, topic_arn, name, value):
    with pytest.raises(ClientError) as excinfo:
        sns.set_topic_attributes(TopicArn=topic_arn, AttributeName=name, AttributeValue=value)
    code, message, status = error_and_status_of(excinfo)
    assert (code, status) == ("InvalidParameter", 400)
    assert message.startswith("Invalid parameter: ")  # unconfirmed wording
    assert name not in topic_attributes(sns, topic_arn)


def test_set_attributes_of_a_missing_topic(sns, topic_arn):
    with pytest.raises(ClientError) as excinfo:
        sns.set_topic_attributes(
            TopicArn=f"{topic_arn}-missing", AttributeName="DisplayName", AttributeValue="x"
        )
    assert error_and_status_of(excinfo) == ("NotFound", "Topic does not exist", 404)
