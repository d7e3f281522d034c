"""SNS subscriptions, black-box through boto3: Subscribe per protocol, idempotency and attributes,
FIFO topics (ConfirmSubscription, Unsubscribe, attributes and the lists:
test_subscription_management.py).

Sources: the SNS API reference (botocore's model documentation), and responses recorded against
real AWS that public projects keep as snapshots. Where a message could not be confirmed from an
AWS source, the assertion says so in a comment ("unconfirmed").
"""

from __future__ import annotations

import json
import re

import pytest
from botocore.exceptions import ClientError

from .subscriptions_support import (
    FIREHOSE_ARN,
    FIREHOSE_ROLE,
    HTTP_ENDPOINT,
    HTTP_SUBSCRIPTION_KEYS,
    HTTPS_ENDPOINT,
    LAMBDA_ARN,
    SQS_SUBSCRIPTION_KEYS,
    UUID,
    topic_counts,
)
from .support import (
    ACCOUNT,
    DEFAULT_HEALTHY_RETRY_POLICY,
    REGION,
    error_and_status_of,
    fifo_topic,
    queue_arn,
    subscription_attributes,
)

# --- Subscribe: protocols and endpoints -----------------------------------------------------------


def test_subscribe_a_queue(sns, sqs, topic_arn):
    queue = queue_arn(sqs, "work")
    arn = sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue)["SubscriptionArn"]
    assert re.fullmatch(f"{re.escape(topic_arn)}:{UUID}", arn)
    attributes = subscription_attributes(sns, arn)
    assert set(attributes) == SQS_SUBSCRIPTION_KEYS
    assert attributes["SubscriptionArn"] == arn
    assert attributes["TopicArn"] == topic_arn
    assert attributes["Owner"] == ACCOUNT
    assert attributes["Protocol"] == "sqs"
    assert attributes["Endpoint"] == queue
    assert attributes["PendingConfirmation"] == "false"
    assert attributes["ConfirmationWasAuthenticated"] == "true"
    assert attributes["RawMessageDelivery"] == "false"
    # AWS names the IAM principal that subscribed (a user ARN in the recordings)
    assert attributes["SubscriptionPrincipal"].startswith(f"arn:aws:iam::{ACCOUNT}:")


CONFIRMED_AT_ONCE = [
    ("lambda", LAMBDA_ARN, {}),
    ("sms", "+15555550123", {}),
    ("firehose", FIREHOSE_ARN, {"SubscriptionRoleArn": FIREHOSE_ROLE}),
    # a queue that does not exist is accepted (recorded from AWS)
    ("sqs", f"arn:aws:sqs:{REGION}:{ACCOUNT}:not-created-yet", {}),
]


@pytest.mark.parametrize(
    ("protocol", "endpoint", "attributes"),
    CONFIRMED_AT_ONCE,
    ids=["lambda", "sms", "firehose", "unknown-queue"],
)
def test_aws_endpoints_of_the_same_account_are_confirmed_at_once(
    sns, topic_arn, protocol, endpoint, attributes
):
    arn = sns.subscribe(TopicArn=topic_arn, Protocol=protocol, Endpoint=endpoint, Attributes=attributes)[
        "SubscriptionArn"
    ]
    assert re.fullmatch(f"{re.escape(topic_arn)}:{UUID}", arn)
    found = subscription_attributes(sns, arn)
    assert (found["Protocol"], found["Endpoint"], found["PendingConfirmation"]) == (
        protocol,
        endpoint,
        "false",
    )
    assert found["RawMessageDelivery"] == "false"
    if protocol == "firehose":
        assert found["SubscriptionRoleArn"] == FIREHOSE_ROLE
    assert topic_counts(sns, topic_arn)[:2] == ("1", "0")


def test_application_endpoints_are_confirmed_at_once(sns, topic_arn, gcm_app):
    endpoint = sns.create_platform_endpoint(PlatformApplicationArn=gcm_app, Token="device-token")[
        "EndpointArn"
    ]
    arn = sns.subscribe(TopicArn=topic_arn, Protocol="application", Endpoint=endpoint)["SubscriptionArn"]
    assert re.fullmatch(f"{re.escape(topic_arn)}:{UUID}", arn)
    assert subscription_attributes(sns, arn)["PendingConfirmation"] == "false"


PENDING = [
    ("http", HTTP_ENDPOINT),
    ("https", HTTPS_ENDPOINT),
    ("email", "someone@example.com"),
    ("email-json", "someone@example.com"),
]


@pytest.mark.parametrize(("protocol", "endpoint"), PENDING)
def test_endpoints_outside_aws_wait_for_confirmation(sns, topic_arn, protocol, endpoint):
    response = sns.subscribe(TopicArn=topic_arn, Protocol=protocol, Endpoint=endpoint)
    assert response["SubscriptionArn"] == "pending confirmation"  # recorded from AWS
    assert topic_counts(sns, topic_arn)[:2] == ("0", "1")
    listed = sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
    assert listed == [
        {
            "SubscriptionArn": "PendingConfirmation",
            "Owner": ACCOUNT,
            "Protocol": protocol,
            "Endpoint": endpoint,
            "TopicArn": topic_arn,
        }
    ]


@pytest.mark.parametrize(("protocol", "endpoint"), PENDING)
def test_return_subscription_arn_while_pending(sns, topic_arn, protocol, endpoint):
    arn = sns.subscribe(TopicArn=topic_arn, Protocol=protocol, Endpoint=endpoint, ReturnSubscriptionArn=True)[
        "SubscriptionArn"
    ]
    assert re.fullmatch(f"{re.escape(topic_arn)}:{UUID}", arn)
    attributes = subscription_attributes(sns, arn)
    assert attributes["PendingConfirmation"] == "true"
    assert attributes["ConfirmationWasAuthenticated"] == "false"
    # subscribing the same endpoint again, still pending, names the same subscription
    again = sns.subscribe(
        TopicArn=topic_arn, Protocol=protocol, Endpoint=endpoint, ReturnSubscriptionArn=True
    )
    assert again["SubscriptionArn"] == arn
    assert len(sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]) == 1


def test_pending_http_subscription_attributes(sns, topic_arn):
    arn = sns.subscribe(
        TopicArn=topic_arn, Protocol="http", Endpoint=HTTP_ENDPOINT, ReturnSubscriptionArn=True
    )["SubscriptionArn"]
    attributes = subscription_attributes(sns, arn)
    assert set(attributes) == HTTP_SUBSCRIPTION_KEYS
    assert attributes["Protocol"] == "http"
    assert attributes["Endpoint"] == HTTP_ENDPOINT
    assert attributes["PendingConfirmation"] == "true"
    assert attributes["ConfirmationWasAuthenticated"] == "false"
    assert attributes["RawMessageDelivery"] == "false"
    # AWS always writes all five parts, absent ones as null (recorded); the values are inferred from
    # recordings of a subscription without a DeliveryPolicy: the topic's default retry policy, and
    # the topic's request content type or null (not recorded for a topic without DeliveryPolicy)
    effective = json.loads(attributes["EffectiveDeliveryPolicy"])
    assert effective == {
        "healthyRetryPolicy": DEFAULT_HEALTHY_RETRY_POLICY,
        "sicklyRetryPolicy": None,
        "throttlePolicy": None,
        "requestPolicy": effective.get("requestPolicy", "<missing>"),
        "guaranteed": False,
    }
    assert effective["requestPolicy"] in (None, {"headerContentType": "text/plain; charset=UTF-8"})


@pytest.mark.parametrize(
    ("protocol", "endpoint", "message"),
    [
        ("sqs", f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/work", "Invalid parameter: SQS endpoint ARN"),
        ("sqs", "unknown", "Invalid parameter: SQS endpoint ARN"),
        ("http", "https://example.com/", "Invalid parameter: Endpoint must match the specified protocol"),
        ("https", "http://example.com/", "Invalid parameter: Endpoint must match the specified protocol"),
        ("http", "example.com", "Invalid parameter: Endpoint must match the specified protocol"),
        ("sms", "NAA+15551234567", "Invalid SMS endpoint: NAA+15551234567"),
        ("sms", "+15--551234567", "Invalid SMS endpoint: +15--551234567"),
        (
            "test-protocol",
            "someone@example.com",
            "Invalid parameter: Amazon SNS does not support this protocol string: test-protocol",
        ),
        # unconfirmed wording for the rest: only the code and AWS's usual prefix are asserted
        ("email", "not-an-address", None),
        ("email-json", "not-an-address", None),
        ("lambda", "not-an-arn", None),
        ("lambda", f"arn:aws:sqs:{REGION}:{ACCOUNT}:work", None),
        ("application", "not-an-arn", None),
        ("firehose", "not-an-arn", None),
    ],
)
def test_endpoint_must_fit_the_protocol(sns, topic_arn, protocol, endpoint, message):
    attributes = {"SubscriptionRoleArn": FIREHOSE_ROLE} if protocol == "firehose" else {}
    with pytest.raises(ClientError) as excinfo:
        sns.subscribe(TopicArn=topic_arn, Protocol=protocol, Endpoint=endpoint, Attributes=attributes)
    code, found, status = error_and_status_of(excinfo)
    assert (code, status) == ("InvalidParameter", 400)
    if message is None:
        assert found.startswith("Invalid parameter: ")
    else:
        assert found == message
    assert sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"] == []


def test_firehose_needs_a_subscription_role(sns, topic_arn):
    with pytest.raises(ClientError) as excinfo:
        sns.subscribe(TopicArn=topic_arn, Protocol="firehose", Endpoint=FIREHOSE_ARN)
    code, message, status = error_and_status_of(excinfo)
    assert (code, status) == ("InvalidParameter", 400)
    assert message.startswith("Invalid parameter: ")  # unconfirmed wording
    assert "SubscriptionRoleArn" in message


def test_subscribe_to_a_missing_topic(sns, topic_arn):
    for arn in (f"{topic_arn}aaa", f"arn:aws:sns:{REGION}:{ACCOUNT}:never-created"):
        with pytest.raises(ClientError) as excinfo:
            sns.subscribe(TopicArn=arn, Protocol="sms", Endpoint="+15555550123")
        assert error_and_status_of(excinfo) == ("NotFound", "Topic does not exist", 404)


@pytest.mark.parametrize(("arn", "elements"), [("randomstring", 1), ("arn:aws:sns:us-east-1:random", 5)])
def test_subscribe_to_a_malformed_topic_arn(sns, arn, elements):
    with pytest.raises(ClientError) as excinfo:
        sns.subscribe(TopicArn=arn, Protocol="email", Endpoint="someone@example.com")
    assert error_and_status_of(excinfo) == (
        "InvalidParameter",
        f"Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not {elements}",
        400,
    )


def test_subscribe_from_another_region(sns, aws_client, topic_arn):
    europe = aws_client("sns", region_name="eu-west-1")
    for call in (
        lambda: europe.subscribe(TopicArn=topic_arn, Protocol="sms", Endpoint="+15555550123"),
        lambda: europe.list_subscriptions_by_topic(TopicArn=topic_arn),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_and_status_of(excinfo) == ("InvalidParameter", "Invalid parameter: TopicArn", 400)


# --- Subscribe: idempotency and attributes --------------------------------------------------------


def test_subscribing_twice_returns_the_same_subscription(sns, sqs, topic_arn):
    queue = queue_arn(sqs, "work")
    first = sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue)["SubscriptionArn"]
    assert sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue)["SubscriptionArn"] == first
    assert len(sns.list_subscriptions()["Subscriptions"]) == 1
    assert topic_counts(sns, topic_arn)[:2] == ("1", "0")
    # the same endpoint on another topic is another subscription
    other_topic = sns.create_topic(Name="other")["TopicArn"]
    assert sns.subscribe(TopicArn=other_topic, Protocol="sqs", Endpoint=queue)["SubscriptionArn"] != first


def test_subscribe_idempotency_with_attributes(sns, sqs, topic_arn):
    # the whole sequence was recorded against AWS
    queue = queue_arn(sqs, "work")

    def subscribe(attributes=None):
        extra = {} if attributes is None else {"Attributes": attributes}
        return sns.subscribe(
            TopicArn=topic_arn, Protocol="sqs", Endpoint=queue, ReturnSubscriptionArn=True, **extra
        )["SubscriptionArn"]

    arn = subscribe({"RawMessageDelivery": "True"})
    assert subscription_attributes(sns, arn)["RawMessageDelivery"] == "true"
    assert subscribe({"RawMessageDelivery": "true"}) == arn
    # a default value given explicitly is the same subscription
    assert subscribe({"RawMessageDelivery": "true", "FilterPolicyScope": "MessageAttributes"}) == arn
    # leaving attributes out is not a difference
    assert subscribe() == arn
    assert subscribe({}) == arn
    assert subscribe({"FilterPolicyScope": "MessageAttributes"}) == arn

    with pytest.raises(ClientError) as excinfo:
        subscribe({"RawMessageDelivery": "false", "FilterPolicyScope": "MessageBody"})
    assert error_and_status_of(excinfo) == (
        "InvalidParameter",
        "Invalid parameter: Attributes Reason: Subscription already exists with different attributes",
        400,
    )
    assert subscription_attributes(sns, arn)["RawMessageDelivery"] == "true"


def test_attributes_at_subscribe(sns, sqs, topic_arn):
    dead_letters = queue_arn(sqs, "dead-letters")
    filter_policy = {"store": ["example_corp"], "price": [{"numeric": [">", 0, "<=", 100]}]}
    arn = sns.subscribe(
        TopicArn=topic_arn,
        Protocol="sqs",
        Endpoint=queue_arn(sqs, "work"),
        Attributes={
            "RawMessageDelivery": "true",
            "FilterPolicy": json.dumps(filter_policy),
            "FilterPolicyScope": "MessageBody",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dead_letters}),
        },
    )["SubscriptionArn"]
    attributes = subscription_attributes(sns, arn)
    assert attributes["RawMessageDelivery"] == "true"
    assert json.loads(attributes["FilterPolicy"]) == filter_policy
    assert attributes["FilterPolicyScope"] == "MessageBody"
    assert json.loads(attributes["RedrivePolicy"]) == {"deadLetterTargetArn": dead_letters}


def test_filter_policy_scope_shows_with_a_filter_policy(sns, sqs, topic_arn):
    arn = sns.subscribe(
        TopicArn=topic_arn,
        Protocol="sqs",
        Endpoint=queue_arn(sqs, "work"),
        Attributes={"FilterPolicy": json.dumps({"attr1": [{"numeric": [">", 0, "<=", 100]}]})},
    )["SubscriptionArn"]
    # recorded from AWS: the default scope appears once a filter policy is set
    assert subscription_attributes(sns, arn)["FilterPolicyScope"] == "MessageAttributes"


def test_empty_filter_policy_at_subscribe(sns, sqs, topic_arn):
    # recorded from AWS: an empty FilterPolicy sets nothing, the scope is then not shown either, and
    # RawMessageDelivery is stored lowercased
    arn = sns.subscribe(
        TopicArn=topic_arn,
        Protocol="sqs",
        Endpoint=queue_arn(sqs, "work"),
        Attributes={"RawMessageDelivery": "TrUe", "FilterPolicyScope": "MessageBody", "FilterPolicy": ""},
        ReturnSubscriptionArn=True,
    )["SubscriptionArn"]
    attributes = subscription_attributes(sns, arn)
    assert set(attributes) == SQS_SUBSCRIPTION_KEYS
    assert attributes["RawMessageDelivery"] == "true"


def test_delivery_policy_at_subscribe(sns, topic_arn):
    retry = {"numRetries": 10, "minDelayTarget": 1, "maxDelayTarget": 2}
    arn = sns.subscribe(
        TopicArn=topic_arn,
        Protocol="http",
        Endpoint=HTTP_ENDPOINT,
        Attributes={"DeliveryPolicy": json.dumps({"healthyRetryPolicy": retry})},
        ReturnSubscriptionArn=True,
    )["SubscriptionArn"]
    attributes = subscription_attributes(sns, arn)
    # AWS stores the policy normalized (absent parts as null, "guaranteed": false); the given
    # values must survive
    stored = json.loads(attributes["DeliveryPolicy"])["healthyRetryPolicy"]
    assert {key: stored[key] for key in retry} == retry
    effective = json.loads(attributes["EffectiveDeliveryPolicy"])
    assert {key: effective["healthyRetryPolicy"][key] for key in retry} == retry
    # the key is always written (recorded); its value here is inferred, see the test above
    assert effective["requestPolicy"] in (None, {"headerContentType": "text/plain; charset=UTF-8"})


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        (
            {"RawMessageDelivery": "wrongvalue"},
            "Invalid parameter: Attributes Reason: RawMessageDelivery: Invalid value [wrongvalue]. Must be true or false.",
        ),
        ({"NotAnAttribute": "x"}, "Invalid parameter: "),  # unconfirmed wording, the prefix only
        # unconfirmed wording; the prefix every recorded Subscribe attribute error has
        ({"FilterPolicyScope": "Everywhere"}, "Invalid parameter: Attributes Reason: "),
    ],
)
def test_invalid_attributes_at_subscribe(sns, sqs, topic_arn, attributes, message):
    with pytest.raises(ClientError) as excinfo:
        sns.subscribe(
            TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn(sqs, "work"), Attributes=attributes
        )
    code, found, status = error_and_status_of(excinfo)
    assert (code, status) == ("InvalidParameter", 400)
    if message.endswith(": "):
        assert found.startswith(message)
    else:
        assert found == message
    assert sns.list_subscriptions()["Subscriptions"] == []


def test_invalid_filter_policy_at_subscribe(sns, sqs, topic_arn):
    queue = queue_arn(sqs, "work")
    # AWS appends a Java parser location ("\n at [Source: ...]") to these messages; the recorded
    # beginning is asserted
    cases = [
        ("{invalidjson}", "Invalid parameter: Attributes Reason: FilterPolicy: failed to parse JSON."),
        (
            json.dumps({"key": [["value"]]}),
            "Invalid parameter: Attributes Reason: FilterPolicy: Match value must be String, number, true, false, or null",
        ),
        (
            json.dumps({"key": [{"wrong-operator": True}]}),
            "Invalid parameter: Attributes Reason: FilterPolicy: Unrecognized match type wrong-operator",
        ),
        (
            json.dumps({"key": [{"exists": None}]}),
            "Invalid parameter: Attributes Reason: FilterPolicy: exists match pattern must be either true or false.",
        ),
        (
            json.dumps({"key": [{"numeric": [">", 3, "<", 1]}]}),
            "Invalid parameter: Attributes Reason: FilterPolicy: Bottom must be less than top",
        ),
    ]
    for policy, message in cases:
        with pytest.raises(ClientError) as excinfo:
            sns.subscribe(
                TopicArn=topic_arn, Protocol="sqs", Endpoint=queue, Attributes={"FilterPolicy": policy}
            )
        code, found, status = error_and_status_of(excinfo)
        assert (code, status) == ("InvalidParameter", 400)
        assert found.startswith(message), found
    assert sns.list_subscriptions()["Subscriptions"] == []


def test_filter_policy_complexity_limit(sns, sqs, topic_arn):
    # 151 values for one key is 151 combinations, over AWS's limit of 150
    with pytest.raises(ClientError) as excinfo:
        sns.subscribe(
            TopicArn=topic_arn,
            Protocol="sqs",
            Endpoint=queue_arn(sqs, "work"),
            Attributes={"FilterPolicy": json.dumps({"store": [str(i) for i in range(151)]})},
        )
    assert error_and_status_of(excinfo) == (
        "InvalidParameter",
        "Invalid parameter: Attributes Reason: FilterPolicy: Filter policy is too complex",
        400,
    )


@pytest.mark.parametrize(
    ("protocol", "endpoint"),
    [("email", "someone@example.com"), ("lambda", LAMBDA_ARN), ("sms", "+15555550123")],
)
def test_raw_message_delivery_is_for_queues_http_and_firehose(sns, topic_arn, protocol, endpoint):
    with pytest.raises(ClientError) as excinfo:
        sns.subscribe(
            TopicArn=topic_arn,
            Protocol=protocol,
            Endpoint=endpoint,
            Attributes={"RawMessageDelivery": "true"},
        )
    # recorded from AWS for email; the same check answers lambda in CloudFormation reports
    assert error_and_status_of(excinfo) == (
        "InvalidParameter",
        f"Invalid parameter: Attributes Reason: Delivery protocol [{protocol}] does not support raw message delivery.",
        400,
    )


@pytest.mark.parametrize(
    ("protocol", "endpoint", "attributes"),
    [
        ("http", HTTP_ENDPOINT, {}),
        ("https", HTTPS_ENDPOINT, {}),
        ("firehose", FIREHOSE_ARN, {"SubscriptionRoleArn": FIREHOSE_ROLE}),
    ],
)
def test_raw_message_delivery_on_http_and_firehose(sns, topic_arn, protocol, endpoint, attributes):
    arn = sns.subscribe(
        TopicArn=topic_arn,
        Protocol=protocol,
        Endpoint=endpoint,
        Attributes={**attributes, "RawMessageDelivery": "true"},
        ReturnSubscriptionArn=True,
    )["SubscriptionArn"]
    assert subscription_attributes(sns, arn)["RawMessageDelivery"] == "true"


# --- FIFO topics ----------------------------------------------------------------------------------


def test_fifo_topic_takes_fifo_queues(sns, sqs):
    topic = fifo_topic(sns)
    queue = queue_arn(sqs, "orders.fifo")
    arn = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue)["SubscriptionArn"]
    assert subscription_attributes(sns, arn)["Endpoint"] == queue


def test_fifo_topic_takes_standard_queues_too(sns, sqs):
    # recorded from AWS in 2025: SNS no longer rejects a standard queue subscribed to a FIFO topic
    topic = fifo_topic(sns)
    arn = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn(sqs, "standard"))[
        "SubscriptionArn"
    ]
    assert subscription_attributes(sns, arn)["PendingConfirmation"] == "false"


def test_standard_topic_refuses_fifo_queues(sns, sqs, topic_arn):
    with pytest.raises(ClientError) as excinfo:
        sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn(sqs, "orders.fifo"))
    # recorded from AWS, "Invalid parameter:" twice included
    assert error_and_status_of(excinfo) == (
        "InvalidParameter",
        "Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics",
        400,
    )


def test_fifo_subscription_needs_a_fifo_dead_letter_queue(sns, sqs):
    topic = fifo_topic(sns)
    arn = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn(sqs, "orders.fifo"))[
        "SubscriptionArn"
    ]
    with pytest.raises(ClientError) as excinfo:
        sns.set_subscription_attributes(
            SubscriptionArn=arn,
            AttributeName="RedrivePolicy",
            AttributeValue=json.dumps({"deadLetterTargetArn": queue_arn(sqs, "standard-dlq")}),
        )
    assert error_and_status_of(excinfo) == (
        "InvalidParameter",
        "Invalid parameter: RedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic.",
        400,
    )
    fifo_dlq = queue_arn(sqs, "dlq.fifo")
    sns.set_subscription_attributes(
        SubscriptionArn=arn,
        AttributeName="RedrivePolicy",
        AttributeValue=json.dumps({"deadLetterTargetArn": fifo_dlq}),
    )
    assert json.loads(subscription_attributes(sns, arn)["RedrivePolicy"]) == {"deadLetterTargetArn": fifo_dlq}
