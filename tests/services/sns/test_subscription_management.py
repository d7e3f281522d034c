"""Subscriptions after Subscribe: ConfirmSubscription, Unsubscribe, Get/SetSubscriptionAttributes and the
list operations, as the SNS API reference describes them."""

from __future__ import annotations

import json
import secrets

import pytest
from botocore.exceptions import ClientError

from .subscriptions_support import (
    FIREHOSE_ARN,
    FIREHOSE_ROLE,
    HTTP_ENDPOINT,
    SQS_SUBSCRIPTION_KEYS,
    confirmation_token,
    topic_counts,
)
from .support import (
    ACCOUNT,
    REGION,
    error_and_status_of,
    queue_arn,
    subscription_attributes,
)

# --- ConfirmSubscription --------------------------------------------------------------------------


def test_confirm_an_email_json_subscription(sns, topic_arn, stratus_endpoint):
    address = "reader@example.com"
    arn = sns.subscribe(
        TopicArn=topic_arn, Protocol="email-json", Endpoint=address, ReturnSubscriptionArn=True
    )["SubscriptionArn"]
    token = confirmation_token(stratus_endpoint, address)
    assert sns.confirm_subscription(TopicArn=topic_arn, Token=token)["SubscriptionArn"] == arn
    attributes = subscription_attributes(sns, arn)
    assert attributes["PendingConfirmation"] == "false"
    # boto3 signs the ConfirmSubscription request, so the confirmation was authenticated
    assert attributes["ConfirmationWasAuthenticated"] == "true"
    assert topic_counts(sns, topic_arn)[:2] == ("1", "0")
    listed = sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
    assert [sub["SubscriptionArn"] for sub in listed] == [arn]
    # once confirmed, subscribing again answers with the ARN
    assert (
        sns.subscribe(TopicArn=topic_arn, Protocol="email-json", Endpoint=address)["SubscriptionArn"] == arn
    )


def test_confirm_with_a_wrong_token(sns, topic_arn):
    well_formed = secrets.token_hex(144)
    # recorded from AWS: a malformed token, a well-formed unknown one, and a token for a topic that
    # does not exist
    cases = [
        (topic_arn, "randomtoken", "Invalid token"),
        (topic_arn, well_formed, "Invalid parameter: Token"),
        (f"{topic_arn[:-1]}i", well_formed, "Invalid parameter: Token"),
    ]
    for arn, token, message in cases:
        with pytest.raises(ClientError) as excinfo:
            sns.confirm_subscription(TopicArn=arn, Token=token)
        assert error_and_status_of(excinfo) == ("InvalidParameter", message, 400)


def test_confirm_with_another_topics_token(sns, topic_arn, stratus_endpoint):
    other_topic = sns.create_topic(Name="other")["TopicArn"]
    sns.subscribe(TopicArn=topic_arn, Protocol="email-json", Endpoint="reader@example.com")
    token = confirmation_token(stratus_endpoint, "reader@example.com")
    with pytest.raises(ClientError) as excinfo:
        sns.confirm_subscription(TopicArn=other_topic, Token=token)
    code, message, status = error_and_status_of(excinfo)
    assert (code, status) == ("InvalidParameter", 400)
    assert message.startswith("Invalid parameter: ")  # unconfirmed wording
    assert topic_counts(sns, topic_arn)[:2] == ("0", "1")


# --- Unsubscribe ----------------------------------------------------------------------------------


def test_unsubscribe(sns, sqs, topic_arn):
    arn = sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn(sqs, "work"))[
        "SubscriptionArn"
    ]
    assert sns.unsubscribe(SubscriptionArn=arn)["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"] == []
    assert sns.list_subscriptions()["Subscriptions"] == []
    for call in (
        lambda: sns.get_subscription_attributes(SubscriptionArn=arn),
        lambda: sns.set_subscription_attributes(
            SubscriptionArn=arn, AttributeName="RawMessageDelivery", AttributeValue="true"
        ),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_and_status_of(excinfo) == ("NotFound", "Subscription does not exist", 404)


def test_unsubscribe_is_idempotent(sns, sqs, topic_arn):
    # recorded from AWS: unsubscribing twice succeeds both times
    arn = sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn(sqs, "work"))[
        "SubscriptionArn"
    ]
    sns.unsubscribe(SubscriptionArn=arn)
    assert sns.unsubscribe(SubscriptionArn=arn)["ResponseMetadata"]["HTTPStatusCode"] == 200


@pytest.mark.parametrize(
    ("arn", "message"),
    [
        (
            "randomstring",
            "Invalid parameter: SubscriptionArn Reason: An ARN must have at least 6 elements, not 1",
        ),
        (
            "arn:aws:sns:us-east-1:random",
            "Invalid parameter: SubscriptionArn Reason: An ARN must have at least 6 elements, not 5",
        ),
        # an ARN without a subscription id part, a topic ARN for instance
        (f"arn:aws:sns:{REGION}:{ACCOUNT}:random", "Invalid parameter: SubscriptionId"),
        # what Subscribe answers for a pending subscription is not an ARN
        (
            "pending confirmation",
            "Invalid parameter: SubscriptionArn Reason: An ARN must have at least 6 elements, not 1",
        ),
    ],
)
def test_unsubscribe_a_malformed_arn(sns, arn, message):
    with pytest.raises(ClientError) as excinfo:
        sns.unsubscribe(SubscriptionArn=arn)
    assert error_and_status_of(excinfo) == ("InvalidParameter", message, 400)


# --- GetSubscriptionAttributes --------------------------------------------------------------------


def test_attributes_of_a_missing_subscription(sns, sqs, topic_arn):
    arn = sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn(sqs, "work"))[
        "SubscriptionArn"
    ]
    # recorded from AWS: a well-formed subscription ARN nobody has
    missing = f"{arn[:-8]}deadbeef"
    with pytest.raises(ClientError) as excinfo:
        sns.get_subscription_attributes(SubscriptionArn=missing)
    assert error_and_status_of(excinfo) == ("NotFound", "Subscription does not exist", 404)
    # recorded from AWS: a topic-shaped ARN is not a subscription ARN at all
    with pytest.raises(ClientError) as excinfo:
        sns.get_subscription_attributes(SubscriptionArn=f"arn:aws:sns:{REGION}:{ACCOUNT}:nonexistent")
    assert error_and_status_of(excinfo) == ("InvalidParameter", "Invalid parameter: SubscriptionId", 400)


# --- SetSubscriptionAttributes --------------------------------------------------------------------


def test_set_each_attribute_of_a_queue_subscription(sns, sqs, topic_arn):
    arn = sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn(sqs, "work"))[
        "SubscriptionArn"
    ]
    dead_letters = queue_arn(sqs, "dead-letters")
    filter_policy = {"store": ["example_corp"], "encrypted": [False], "price": [100, 100.12], "error": [None]}

    sns.set_subscription_attributes(
        SubscriptionArn=arn, AttributeName="RawMessageDelivery", AttributeValue="true"
    )
    sns.set_subscription_attributes(
        SubscriptionArn=arn, AttributeName="FilterPolicy", AttributeValue=json.dumps(filter_policy)
    )
    sns.set_subscription_attributes(
        SubscriptionArn=arn, AttributeName="FilterPolicyScope", AttributeValue="MessageBody"
    )
    sns.set_subscription_attributes(
        SubscriptionArn=arn,
        AttributeName="RedrivePolicy",
        AttributeValue=json.dumps({"deadLetterTargetArn": dead_letters}),
    )
    attributes = subscription_attributes(sns, arn)
    assert attributes["RawMessageDelivery"] == "true"
    assert json.loads(attributes["FilterPolicy"]) == filter_policy
    assert attributes["FilterPolicyScope"] == "MessageBody"
    assert json.loads(attributes["RedrivePolicy"]) == {"deadLetterTargetArn": dead_letters}

    sns.set_subscription_attributes(
        SubscriptionArn=arn, AttributeName="RawMessageDelivery", AttributeValue="false"
    )
    assert subscription_attributes(sns, arn)["RawMessageDelivery"] == "false"
    # an empty value removes a policy
    sns.set_subscription_attributes(SubscriptionArn=arn, AttributeName="RedrivePolicy", AttributeValue="")
    assert "RedrivePolicy" not in subscription_attributes(sns, arn)


def test_set_delivery_policy_of_an_http_subscription(sns, topic_arn):
    arn = sns.subscribe(
        TopicArn=topic_arn, Protocol="http", Endpoint=HTTP_ENDPOINT, ReturnSubscriptionArn=True
    )["SubscriptionArn"]
    policy = {"healthyRetryPolicy": {"numRetries": 5, "minDelayTarget": 1, "maxDelayTarget": 1}}
    policy["requestPolicy"] = {"headerContentType": "application/json"}
    sns.set_subscription_attributes(
        SubscriptionArn=arn, AttributeName="DeliveryPolicy", AttributeValue=json.dumps(policy)
    )
    attributes = subscription_attributes(sns, arn)
    stored = json.loads(attributes["DeliveryPolicy"])
    assert {key: stored["healthyRetryPolicy"][key] for key in policy["healthyRetryPolicy"]} == policy[
        "healthyRetryPolicy"
    ]
    assert stored["requestPolicy"] == {"headerContentType": "application/json"}
    effective = json.loads(attributes["EffectiveDeliveryPolicy"])
    assert effective["requestPolicy"] == {"headerContentType": "application/json"}
    assert effective["healthyRetryPolicy"]["numRetries"] == 5


def test_set_subscription_role_of_a_firehose_subscription(sns, topic_arn):
    arn = sns.subscribe(
        TopicArn=topic_arn,
        Protocol="firehose",
        Endpoint=FIREHOSE_ARN,
        Attributes={"SubscriptionRoleArn": FIREHOSE_ROLE},
    )["SubscriptionArn"]
    new_role = f"arn:aws:iam::{ACCOUNT}:role/another"
    sns.set_subscription_attributes(
        SubscriptionArn=arn, AttributeName="SubscriptionRoleArn", AttributeValue=new_role
    )
    assert subscription_attributes(sns, arn)["SubscriptionRoleArn"] == new_role


def test_set_invalid_subscription_attributes(sns, sqs, topic_arn):
    arn = sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn(sqs, "work"))[
        "SubscriptionArn"
    ]
    # recorded from AWS, exact
    exact = [
        ("FakeAttribute", "test-value", "Invalid parameter: AttributeName"),
        (
            "RawMessageDelivery",
            "test-ValUe",
            "Invalid parameter: RawMessageDelivery: Invalid value [test-ValUe]. Must be true or false.",
        ),
        (
            "RawMessageDelivery",
            "",
            "Invalid parameter: RawMessageDelivery: Invalid value []. Must be true or false.",
        ),
        (
            "RedrivePolicy",
            json.dumps({"deadLetterTargetArn": "fake-arn"}),
            "Invalid parameter: RedrivePolicy: deadLetterTargetArn is an invalid arn",
        ),
    ]
    for name, value, message in exact:
        with pytest.raises(ClientError) as excinfo:
            sns.set_subscription_attributes(SubscriptionArn=arn, AttributeName=name, AttributeValue=value)
        assert error_and_status_of(excinfo) == ("InvalidParameter", message, 400)

    # recorded from AWS; the message goes on with a Java parser location, so its start is asserted
    starts = [
        ("RedrivePolicy", "{invalidjson}", "Invalid parameter: RedrivePolicy: failed to parse JSON."),
        ("FilterPolicy", "{invalidjson}", "Invalid parameter: FilterPolicy: failed to parse JSON."),
        # inferred from Subscribe's "Attributes Reason: FilterPolicy: ..." answer for the same policy
        (
            "FilterPolicy",
            json.dumps({"key": [["value"]]}),
            "Invalid parameter: FilterPolicy: Match value must be String, number, true, false, or null",
        ),
    ]
    for name, value, message in starts:
        with pytest.raises(ClientError) as excinfo:
            sns.set_subscription_attributes(SubscriptionArn=arn, AttributeName=name, AttributeValue=value)
        code, found, status = error_and_status_of(excinfo)
        assert (code, status) == ("InvalidParameter", 400)
        assert found.startswith(message), found

    # unconfirmed wording: only the code and prefix
    for name, value in (("FilterPolicyScope", "Everywhere"), ("DeliveryPolicy", "{invalidjson}")):
        with pytest.raises(ClientError) as excinfo:
            sns.set_subscription_attributes(SubscriptionArn=arn, AttributeName=name, AttributeValue=value)
        code, found, status = error_and_status_of(excinfo)
        assert (code, status) == ("InvalidParameter", 400)
        assert found.startswith("Invalid parameter: ")

    assert set(subscription_attributes(sns, arn)) == SQS_SUBSCRIPTION_KEYS


def test_set_raw_message_delivery_on_an_email_subscription(sns, topic_arn):
    arn = sns.subscribe(
        TopicArn=topic_arn, Protocol="email", Endpoint="someone@example.com", ReturnSubscriptionArn=True
    )["SubscriptionArn"]
    with pytest.raises(ClientError) as excinfo:
        sns.set_subscription_attributes(
            SubscriptionArn=arn, AttributeName="RawMessageDelivery", AttributeValue="true"
        )
    code, message, status = error_and_status_of(excinfo)
    assert (code, status) == ("InvalidParameter", 400)
    # the sentence is AWS's (seen from Subscribe and CloudFormation); the prefix here is unconfirmed
    assert message.endswith("Delivery protocol [email] does not support raw message delivery.")


def test_set_attributes_of_a_missing_subscription(sns, sqs, topic_arn):
    arn = sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn(sqs, "work"))[
        "SubscriptionArn"
    ]
    with pytest.raises(ClientError) as excinfo:
        sns.set_subscription_attributes(
            SubscriptionArn=f"{arn[:-8]}deadbeef", AttributeName="RawMessageDelivery", AttributeValue="true"
        )
    assert error_and_status_of(excinfo) == ("NotFound", "Subscription does not exist", 404)


# --- ListSubscriptions / ListSubscriptionsByTopic -------------------------------------------------


def test_list_subscriptions_entries(sns, sqs, topic_arn):
    other_topic = sns.create_topic(Name="other")["TopicArn"]
    queue = queue_arn(sqs, "work")
    on_events = sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue)["SubscriptionArn"]
    on_other = sns.subscribe(TopicArn=other_topic, Protocol="sqs", Endpoint=queue)["SubscriptionArn"]
    sns.subscribe(TopicArn=other_topic, Protocol="email", Endpoint="someone@example.com")

    everything = sns.list_subscriptions()["Subscriptions"]
    pending = "PendingConfirmation"
    assert sorted(everything, key=lambda sub: (sub["TopicArn"], sub["Protocol"])) == [
        {
            "SubscriptionArn": on_events,
            "Owner": ACCOUNT,
            "Protocol": "sqs",
            "Endpoint": queue,
            "TopicArn": topic_arn,
        },
        {
            "SubscriptionArn": pending,
            "Owner": ACCOUNT,
            "Protocol": "email",
            "Endpoint": "someone@example.com",
            "TopicArn": other_topic,
        },
        {
            "SubscriptionArn": on_other,
            "Owner": ACCOUNT,
            "Protocol": "sqs",
            "Endpoint": queue,
            "TopicArn": other_topic,
        },
    ]
    assert sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"] == [
        {
            "SubscriptionArn": on_events,
            "Owner": ACCOUNT,
            "Protocol": "sqs",
            "Endpoint": queue,
            "TopicArn": topic_arn,
        }
    ]


def test_list_subscriptions_by_topic_pages_by_100(sns, topic_arn):
    addresses = {f"user{index}@example.com" for index in range(120)}
    for address in addresses:
        sns.subscribe(TopicArn=topic_arn, Protocol="email", Endpoint=address)
    first = sns.list_subscriptions_by_topic(TopicArn=topic_arn)
    assert len(first["Subscriptions"]) == 100
    assert first["NextToken"]
    second = sns.list_subscriptions_by_topic(TopicArn=topic_arn, NextToken=first["NextToken"])
    assert len(second["Subscriptions"]) == 20
    assert "NextToken" not in second
    listed = first["Subscriptions"] + second["Subscriptions"]
    assert {sub["Endpoint"] for sub in listed} == addresses
    # recorded from AWS: pending subscriptions are listed as "PendingConfirmation"
    assert {sub["SubscriptionArn"] for sub in listed} == {"PendingConfirmation"}


def test_list_subscriptions_pages_by_100(sns, topic_arn):
    other_topic = sns.create_topic(Name="other")["TopicArn"]
    created = set()
    for index in range(101):
        topic = topic_arn if index % 2 else other_topic
        created.add(
            sns.subscribe(TopicArn=topic, Protocol="sms", Endpoint=f"+1555555{index:04d}")["SubscriptionArn"]
        )
    first = sns.list_subscriptions()
    assert len(first["Subscriptions"]) == 100
    second = sns.list_subscriptions(NextToken=first["NextToken"])
    assert len(second["Subscriptions"]) == 1
    assert "NextToken" not in second
    assert {sub["SubscriptionArn"] for sub in first["Subscriptions"] + second["Subscriptions"]} == created
    pages = list(sns.get_paginator("list_subscriptions").paginate())
    assert [len(page["Subscriptions"]) for page in pages] == [100, 1]


def test_list_subscriptions_by_a_missing_topic(sns, topic_arn):
    with pytest.raises(ClientError) as excinfo:
        sns.list_subscriptions_by_topic(TopicArn=f"{topic_arn}-missing")
    assert error_and_status_of(excinfo) == ("NotFound", "Topic does not exist", 404)


def test_subscriptions_are_listed_per_account_and_region(sns, sqs, aws_client, topic_arn):
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn(sqs, "work"))
    europe = aws_client("sns", region_name="eu-west-1")
    other = aws_client("sns", aws_access_key_id="111111111111", aws_secret_access_key="test")
    assert europe.list_subscriptions()["Subscriptions"] == []
    assert other.list_subscriptions()["Subscriptions"] == []
    assert len(sns.list_subscriptions()["Subscriptions"]) == 1
