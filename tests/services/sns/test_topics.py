"""SNS topics, black-box through boto3: CreateTopic, DeleteTopic, Get/SetTopicAttributes, ListTopics,
tags, AddPermission/RemovePermission and data protection policies, asserting what AWS answers.

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
DEFAULT_POLICY_ACTIONS = [
    "SNS:GetTopicAttributes",
    "SNS:SetTopicAttributes",
    "SNS:AddPermission",
    "SNS:RemovePermission",
    "SNS:DeleteTopic",
    "SNS:Subscribe",
    "SNS:ListSubscriptionsByTopic",
    "SNS:Publish",
]

# GetTopicAttributes' EffectiveDeliveryPolicy of a topic without a DeliveryPolicy (recorded, certain).
DEFAULT_EFFECTIVE_DELIVERY_POLICY = {
    "http": {
        "defaultHealthyRetryPolicy": DEFAULT_HEALTHY_RETRY_POLICY,
        "disableSubscriptionOverrides": False,
        "defaultRequestPolicy": {"headerContentType": "text/plain; charset=UTF-8"},
    }
}

# The keys of a fresh standard topic, exactly (recorded from AWS in 2025, certain): no DeliveryPolicy,
# no SignatureVersion (absent means 1), no TracingConfig, no KmsMasterKeyId.
STANDARD_TOPIC_KEYS = {
    "DisplayName",
    "EffectiveDeliveryPolicy",
    "Owner",
    "Policy",
    "SubscriptionsConfirmed",
    "SubscriptionsDeleted",
    "SubscriptionsPending",
    "TopicArn",
}

DATA_PROTECTION_POLICY = {
    "Name": "basicPII-protection",
    "Description": "Protect basic types of sensitive data",
    "Version": "2021-06-01",
    "Statement": [
        {
            "Sid": "basicPII-inbound-protection",
            "DataDirection": "Inbound",
            "Principal": ["*"],
            "DataIdentifier": [
                "arn:aws:dataprotection::aws:data-identifier/Name",
                "arn:aws:dataprotection::aws:data-identifier/PhoneNumber-US",
            ],
            "Operation": {"Deny": {}},
        }
    ],
}


def default_policy(topic_arn: str, account: str = ACCOUNT) -> dict:
    return {
        "Version": "2008-10-17",
        "Id": "__default_policy_ID",
        "Statement": [
            {
                "Sid": "__default_statement_ID",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": DEFAULT_POLICY_ACTIONS,
                "Resource": topic_arn,
                "Condition": {"StringEquals": {"AWS:SourceOwner": account}},
            }
        ],
    }


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def sorted_tags(tags: list[dict]) -> list[dict]:
    # AWS does not document an order for ListTagsForResource
    return sorted(tags, key=lambda tag: tag["Key"])


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


# --- DeleteTopic ----------------------------------------------------------------------------------


def test_delete_topic(sns, topic_arn):
    assert sns.delete_topic(TopicArn=topic_arn)["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert sns.list_topics()["Topics"] == []
    with pytest.raises(ClientError) as excinfo:
        sns.get_topic_attributes(TopicArn=topic_arn)
    assert error_and_status_of(excinfo) == ("NotFound", "Topic does not exist", 404)


def test_delete_topic_is_idempotent(sns, topic_arn):
    # documented: deleting a topic that does not exist is not an error
    sns.delete_topic(TopicArn=topic_arn)
    assert sns.delete_topic(TopicArn=topic_arn)["ResponseMetadata"]["HTTPStatusCode"] == 200
    sns.delete_topic(TopicArn=f"arn:aws:sns:{REGION}:{ACCOUNT}:never-created")


def test_delete_topic_with_a_malformed_arn(sns):
    # inferred: every TopicArn member is parsed the same way (recorded for Get/Publish/Subscribe)
    with pytest.raises(ClientError) as excinfo:
        sns.delete_topic(TopicArn="not-an-arn")
    assert error_and_status_of(excinfo) == (
        "InvalidParameter",
        "Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1",
        400,
    )


def test_delete_topic_removes_its_subscriptions_and_tags(sns, sqs, topic_arn):
    other_topic = sns.create_topic(Name="other")["TopicArn"]
    queue = queue_arn(sqs, "work")
    doomed = sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue)["SubscriptionArn"]
    sns.subscribe(TopicArn=topic_arn, Protocol="email", Endpoint="someone@example.com")
    kept = sns.subscribe(TopicArn=other_topic, Protocol="sqs", Endpoint=queue)["SubscriptionArn"]
    sns.tag_resource(ResourceArn=topic_arn, Tags=[{"Key": "a", "Value": "1"}])

    sns.delete_topic(TopicArn=topic_arn)
    assert [sub["SubscriptionArn"] for sub in sns.list_subscriptions()["Subscriptions"]] == [kept]
    # AWS keeps a deleted topic's subscriptions detached for a while before collecting them; here
    # they are gone at once
    with pytest.raises(ClientError) as excinfo:
        sns.get_subscription_attributes(SubscriptionArn=doomed)
    assert error_and_status_of(excinfo) == ("NotFound", "Subscription does not exist", 404)

    assert sns.create_topic(Name="events")["TopicArn"] == topic_arn
    assert sns.list_tags_for_resource(ResourceArn=topic_arn)["Tags"] == []
    assert sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"] == []
    assert topic_attributes(sns, topic_arn)["SubscriptionsConfirmed"] == "0"


# --- ListTopics -----------------------------------------------------------------------------------


def test_list_topics_pages_by_100(sns):
    created = {sns.create_topic(Name=f"topic-{index:03d}")["TopicArn"] for index in range(150)}
    first = sns.list_topics()
    assert len(first["Topics"]) == 100
    assert first["NextToken"]
    second = sns.list_topics(NextToken=first["NextToken"])
    assert len(second["Topics"]) == 50
    assert "NextToken" not in second
    listed = [topic["TopicArn"] for topic in first["Topics"] + second["Topics"]]
    assert len(listed) == len(set(listed))
    assert set(listed) == created


def test_list_topics_paginator(sns):
    created = {sns.create_topic(Name=f"topic-{index:03d}")["TopicArn"] for index in range(101)}
    pages = list(sns.get_paginator("list_topics").paginate())
    assert [len(page["Topics"]) for page in pages] == [100, 1]
    assert {topic["TopicArn"] for page in pages for topic in page["Topics"]} == created


def test_list_topics_when_empty(sns):
    response = sns.list_topics()
    assert response["Topics"] == []
    assert "NextToken" not in response


def test_list_topics_with_an_invalid_token(sns, topic_arn):
    with pytest.raises(ClientError) as excinfo:
        sns.list_topics(NextToken="not-a-token")
    code, message, status = error_and_status_of(excinfo)
    assert (code, status) == ("InvalidParameter", 400)
    assert message.startswith("Invalid parameter: NextToken")  # unconfirmed wording


# --- tags -----------------------------------------------------------------------------------------


def test_tag_untag_and_list(sns, topic_arn):
    assert sns.list_tags_for_resource(ResourceArn=topic_arn)["Tags"] == []
    sns.tag_resource(ResourceArn=topic_arn, Tags=[{"Key": "k1", "Value": "v1"}, {"Key": "k2", "Value": "v2"}])
    assert sorted_tags(sns.list_tags_for_resource(ResourceArn=topic_arn)["Tags"]) == [
        {"Key": "k1", "Value": "v1"},
        {"Key": "k2", "Value": "v2"},
    ]
    sns.untag_resource(ResourceArn=topic_arn, TagKeys=["k1", "not-there"])
    assert sns.list_tags_for_resource(ResourceArn=topic_arn)["Tags"] == [{"Key": "k2", "Value": "v2"}]
    # a tag with an existing key replaces it
    sns.tag_resource(ResourceArn=topic_arn, Tags=[{"Key": "k2", "Value": "v2b"}])
    assert sns.list_tags_for_resource(ResourceArn=topic_arn)["Tags"] == [{"Key": "k2", "Value": "v2b"}]
    # tags are case-sensitive
    sns.tag_resource(ResourceArn=topic_arn, Tags=[{"Key": "K2", "Value": "upper"}])
    assert len(sns.list_tags_for_resource(ResourceArn=topic_arn)["Tags"]) == 2


def test_duplicate_keys_in_one_request(sns, topic_arn):
    with pytest.raises(ClientError) as excinfo:
        sns.tag_resource(
            ResourceArn=topic_arn,
            Tags=[{"Key": "k1", "Value": "v1"}, {"Key": "k2", "Value": "v2"}, {"Key": "k2", "Value": "v2"}],
        )
    assert error_and_status_of(excinfo) == (
        "InvalidParameter",
        "Invalid parameter: Duplicated keys are not allowed.",
        400,
    )
    assert sns.list_tags_for_resource(ResourceArn=topic_arn)["Tags"] == []


def test_at_most_50_tags(sns, topic_arn):
    sns.tag_resource(ResourceArn=topic_arn, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    sns.tag_resource(ResourceArn=topic_arn, Tags=[{"Key": "k0", "Value": "replaced"}])  # not a 51st tag
    with pytest.raises(ClientError) as excinfo:
        sns.tag_resource(ResourceArn=topic_arn, Tags=[{"Key": "k50", "Value": "v"}])
    code, message, status = error_and_status_of(excinfo)
    assert (code, status) == ("TagLimitExceeded", 400)
    # unconfirmed wording
    assert message == "Could not complete request: tag quota of per resource exceeded"
    tags = sns.list_tags_for_resource(ResourceArn=topic_arn)["Tags"]
    assert len(tags) == 50
    assert {"Key": "k0", "Value": "replaced"} in tags


def test_at_most_50_tags_at_creation(sns):
    with pytest.raises(ClientError) as excinfo:
        sns.create_topic(Name="crowded", Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(51)])
    assert error_and_status_of(excinfo)[0::2] == ("TagLimitExceeded", 400)
    assert sns.list_topics()["Topics"] == []


def test_tag_key_and_value_lengths(sns, topic_arn):
    sns.tag_resource(ResourceArn=topic_arn, Tags=[{"Key": "k" * 128, "Value": "v" * 256}])
    for tags, member in (
        ([{"Key": "k" * 129, "Value": "v"}], "tags.1.member.key"),
        ([{"Key": "k", "Value": "v" * 257}], "tags.1.member.value"),
    ):
        with pytest.raises(ClientError) as excinfo:
            sns.tag_resource(ResourceArn=topic_arn, Tags=tags)
        code, message, status = error_and_status_of(excinfo)
        # the model's limits (TagKey 1-128, TagValue 0-256), answered the query-protocol Coral way
        # AWS uses for SNS model violations (seen for PublishBatch); wording for tags unconfirmed
        assert (code, status) == ("ValidationError", 400)
        assert member in message
        assert "failed to satisfy constraint: Member must have length less than or equal to" in message
    assert len(sns.list_tags_for_resource(ResourceArn=topic_arn)["Tags"]) == 1


def test_tags_of_a_missing_topic(sns, topic_arn):
    missing = f"{topic_arn}-missing"
    for call in (
        lambda: sns.tag_resource(ResourceArn=missing, Tags=[{"Key": "a", "Value": "b"}]),
        lambda: sns.untag_resource(ResourceArn=missing, TagKeys=["a"]),
        lambda: sns.list_tags_for_resource(ResourceArn=missing),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        code, message, status = error_and_status_of(excinfo)
        assert (code, status) == ("ResourceNotFound", 404)
        assert message == "Resource does not exist"  # unconfirmed wording


# --- AddPermission / RemovePermission -------------------------------------------------------------


def statement(policy: dict, sid: str) -> dict | None:
    return next((item for item in policy["Statement"] if item.get("Sid") == sid), None)


def test_add_and_remove_permission(sns, topic_arn):
    sns.add_permission(
        TopicArn=topic_arn, Label="publishers", AWSAccountId=[OTHER_ACCOUNT], ActionName=["Publish"]
    )
    policy = json.loads(topic_attributes(sns, topic_arn)["Policy"])
    assert policy["Statement"][0] == default_policy(topic_arn)["Statement"][0]
    added = statement(policy, "publishers")
    assert added["Effect"] == "Allow"
    assert as_list(added["Principal"]["AWS"]) == [f"arn:aws:iam::{OTHER_ACCOUNT}:root"]
    assert as_list(added["Action"]) == ["SNS:Publish"]
    assert added["Resource"] == topic_arn

    sns.remove_permission(TopicArn=topic_arn, Label="publishers")
    assert json.loads(topic_attributes(sns, topic_arn)["Policy"]) == default_policy(topic_arn)


def test_add_permission_with_several_accounts_and_actions(sns, topic_arn):
    sns.add_permission(
        TopicArn=topic_arn,
        Label="partners",
        AWSAccountId=["888888888888", "999999999999"],
        ActionName=["Publish", "Subscribe", "GetTopicAttributes"],
    )
    added = statement(json.loads(topic_attributes(sns, topic_arn)["Policy"]), "partners")
    assert sorted(as_list(added["Principal"]["AWS"])) == [
        "arn:aws:iam::888888888888:root",
        "arn:aws:iam::999999999999:root",
    ]
    assert sorted(as_list(added["Action"])) == ["SNS:GetTopicAttributes", "SNS:Publish", "SNS:Subscribe"]


def test_add_permission_with_a_taken_label(sns, topic_arn):
    sns.add_permission(
        TopicArn=topic_arn, Label="publishers", AWSAccountId=[OTHER_ACCOUNT], ActionName=["Publish"]
    )
    with pytest.raises(ClientError) as excinfo:
        sns.add_permission(
            TopicArn=topic_arn, Label="publishers", AWSAccountId=[OTHER_ACCOUNT], ActionName=["Subscribe"]
        )
    # unconfirmed wording
    assert error_and_status_of(excinfo) == (
        "InvalidParameter",
        "Invalid parameter: Statement already exists",
        400,
    )
    assert as_list(
        statement(json.loads(topic_attributes(sns, topic_arn)["Policy"]), "publishers")["Action"]
    ) == ["SNS:Publish"]


def test_add_permission_with_an_unknown_action(sns, topic_arn):
    with pytest.raises(ClientError) as excinfo:
        sns.add_permission(
            TopicArn=topic_arn, Label="bad", AWSAccountId=[OTHER_ACCOUNT], ActionName=["NotExistingAction"]
        )
    code, message, status = error_and_status_of(excinfo)
    assert (code, status) == ("InvalidParameter", 400)
    # unconfirmed: the sentence is known, not what (if anything) AWS appends to it
    assert message.startswith("Invalid parameter: Policy statement action out of service scope!")
    assert json.loads(topic_attributes(sns, topic_arn)["Policy"]) == default_policy(topic_arn)


def test_remove_an_unknown_label(sns, topic_arn):
    # unconfirmed: removing a label that is not in the policy is accepted and changes nothing
    sns.remove_permission(TopicArn=topic_arn, Label="never-added")
    assert json.loads(topic_attributes(sns, topic_arn)["Policy"]) == default_policy(topic_arn)


def test_permissions_of_a_missing_topic(sns, topic_arn):
    missing = f"{topic_arn}-missing"
    for call in (
        lambda: sns.add_permission(
            TopicArn=missing, Label="x", AWSAccountId=[OTHER_ACCOUNT], ActionName=["Publish"]
        ),
        lambda: sns.remove_permission(TopicArn=missing, Label="x"),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_and_status_of(excinfo) == ("NotFound", "Topic does not exist", 404)


# --- data protection policy -----------------------------------------------------------------------


def test_data_protection_policy_round_trip(sns, topic_arn):
    assert sns.get_data_protection_policy(ResourceArn=topic_arn).get("DataProtectionPolicy", "") == ""
    sns.put_data_protection_policy(
        ResourceArn=topic_arn, DataProtectionPolicy=json.dumps(DATA_PROTECTION_POLICY)
    )
    stored = sns.get_data_protection_policy(ResourceArn=topic_arn)["DataProtectionPolicy"]
    assert json.loads(stored) == DATA_PROTECTION_POLICY

    # a put replaces the one policy a topic has
    replacement = {**DATA_PROTECTION_POLICY, "Name": "replacement"}
    sns.put_data_protection_policy(ResourceArn=topic_arn, DataProtectionPolicy=json.dumps(replacement))
    assert (
        json.loads(sns.get_data_protection_policy(ResourceArn=topic_arn)["DataProtectionPolicy"])
        == replacement
    )


def test_invalid_data_protection_policy(sns, topic_arn):
    with pytest.raises(ClientError) as excinfo:
        sns.put_data_protection_policy(ResourceArn=topic_arn, DataProtectionPolicy="{not json")
    code, message, status = error_and_status_of(excinfo)
    assert (code, status) == ("InvalidParameter", 400)
    assert message.startswith("Invalid parameter: ")  # unconfirmed wording
    assert sns.get_data_protection_policy(ResourceArn=topic_arn).get("DataProtectionPolicy", "") == ""


def test_data_protection_policy_of_a_missing_topic(sns, topic_arn):
    missing = f"{topic_arn}-missing"
    for call in (
        lambda: sns.get_data_protection_policy(ResourceArn=missing),
        lambda: sns.put_data_protection_policy(
            ResourceArn=missing, DataProtectionPolicy=json.dumps(DATA_PROTECTION_POLICY)
        ),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_and_status_of(excinfo)[0::2] == ("NotFound", 404)
