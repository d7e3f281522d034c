"""SNS subscriptions, black-box through boto3: Subscribe per protocol, ConfirmSubscription,
Unsubscribe, Get/SetSubscriptionAttributes, ListSubscriptions and ListSubscriptionsByTopic.

Sources: the SNS API reference (botocore's model documentation), and responses recorded against
real AWS that public projects keep as snapshots. Where a message could not be confirmed from an
AWS source, the assertion says so in a comment ("unconfirmed").
"""

from __future__ import annotations

import json
import re
import secrets

import pytest
from botocore.exceptions import ClientError

from .support import (
    ACCOUNT,
    DEFAULT_HEALTHY_RETRY_POLICY,
    REGION,
    captured_messages,
    error_and_status_of,
    fifo_topic,
    queue_arn,
    subscription_attributes,
    topic_attributes,
)

LAMBDA_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:handler"
FIREHOSE_ARN = f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/archive"
FIREHOSE_ROLE = f"arn:aws:iam::{ACCOUNT}:role/sns-firehose"
# Nothing listens there: a confirmation Stratus tries to deliver fails fast and stays local
HTTP_ENDPOINT = "http://127.0.0.1:9/sns"
HTTPS_ENDPOINT = "https://127.0.0.1:9/sns"
UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

# What AWS returns for a confirmed SQS subscription, key for key (recorded from AWS, certain).
SQS_SUBSCRIPTION_KEYS = {
    "ConfirmationWasAuthenticated",
    "Endpoint",
    "Owner",
    "PendingConfirmation",
    "Protocol",
    "RawMessageDelivery",
    "SubscriptionArn",
    "SubscriptionPrincipal",
    "TopicArn",
}
# A pending HTTP subscription adds its EffectiveDeliveryPolicy (recorded from AWS with a
# DeliveryPolicy set; without one, DeliveryPolicy is left out).
HTTP_SUBSCRIPTION_KEYS = SQS_SUBSCRIPTION_KEYS | {"EffectiveDeliveryPolicy"}


def topic_counts(sns, topic_arn: str) -> tuple[str, str, str]:
    attributes = topic_attributes(sns, topic_arn)
    return (
        attributes["SubscriptionsConfirmed"],
        attributes["SubscriptionsPending"],
        attributes["SubscriptionsDeleted"],
    )


def confirmation_token(stratus_endpoint: str, address: str) -> str:
    """The token SNS mailed to an email-json address, read from Stratus's log of what SNS "sent"
    (GET /_stratus/sns/messages, see stratus/services/sns/sent_messages.py)."""
    sent = captured_messages(stratus_endpoint, 1, endpoint=address)
    confirmations = [message for message in sent if message["kind"] == "SubscriptionConfirmation"]
    assert confirmations, f"no SubscriptionConfirmation was sent to {address}"
    return json.loads(confirmations[0]["body"])["Token"]


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
