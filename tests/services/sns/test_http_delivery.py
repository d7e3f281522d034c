"""HTTP/S subscriptions against a real endpoint on loopback: the confirmation handshake through the
SubscribeURL, signed notifications with AWS's headers, retries per the delivery policy and the
dead-letter queue, the UnsubscribeConfirmation."""

from __future__ import annotations

import json
import os
import queue
import urllib.request

import pytest

from stratus.services.sns.signing import verify

from .http_endpoint import RecordingEndpoint
from .support import create_queue, failed_deliveries, subscription_attributes

pytestmark = pytest.mark.skipif(bool(os.environ.get("STRATUS_ENDPOINT")), reason="needs a loopback endpoint")


def _confirm(endpoint: RecordingEndpoint) -> dict:
    headers, document = endpoint.next_json()
    assert headers["x-amz-sns-message-type"] == "SubscriptionConfirmation"
    with urllib.request.urlopen(document["SubscribeURL"]) as answer:  # an unsigned GET, as a browser does
        assert answer.status == 200
        assert b"<ConfirmSubscriptionResponse" in answer.read()
    return document


def _certificate(document: dict) -> bytes:
    with urllib.request.urlopen(document["SigningCertURL"]) as answer:
        return answer.read()


def _advance_until_next(endpoint: RecordingEndpoint, stratus_server, seconds: float) -> dict:
    """Move the clock until the next attempt arrives: the retry is scheduled only once the failed
    attempt's answer was read, which may be just after the endpoint saw the request."""
    for _ in range(20):
        stratus_server.advance_clock(seconds)
        try:
            return endpoint.next(timeout=0.25)
        except queue.Empty:
            continue
    raise AssertionError("no further attempt arrived")


def test_confirmation_handshake_then_signed_notification(sns, topic_arn):
    with RecordingEndpoint() as endpoint:
        pending = sns.subscribe(TopicArn=topic_arn, Protocol="http", Endpoint=endpoint.url)
        assert pending["SubscriptionArn"] == "pending confirmation"
        listed = sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
        assert [entry["SubscriptionArn"] for entry in listed] == ["PendingConfirmation"]

        headers, confirmation = endpoint.next_json()
        assert headers["x-amz-sns-message-type"] == "SubscriptionConfirmation"
        assert headers["x-amz-sns-topic-arn"] == topic_arn
        assert headers["x-amz-sns-message-id"] == confirmation["MessageId"]
        assert confirmation["Type"] == "SubscriptionConfirmation"
        assert confirmation["TopicArn"] == topic_arn
        assert confirmation["Token"] and confirmation["Token"] in confirmation["SubscribeURL"]
        assert verify(confirmation, _certificate(confirmation))
        with urllib.request.urlopen(confirmation["SubscribeURL"]) as answer:
            assert b"<ConfirmSubscriptionResponse" in answer.read()

        arn = sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"][0]["SubscriptionArn"]
        assert arn.startswith(topic_arn + ":")
        attributes = subscription_attributes(sns, arn)
        assert attributes["PendingConfirmation"] == "false"
        assert attributes["ConfirmationWasAuthenticated"] == "false"  # confirmed through the unsigned link

        published = sns.publish(TopicArn=topic_arn, Message="over http", Subject="Greeting")
        headers, notification = endpoint.next_json()
        assert headers["x-amz-sns-message-type"] == "Notification"
        assert headers["x-amz-sns-message-id"] == published["MessageId"]
        assert headers["x-amz-sns-subscription-arn"] == arn
        assert headers["content-type"] == "text/plain; charset=UTF-8"
        assert notification["Message"] == "over http"
        assert notification["Subject"] == "Greeting"
        assert verify(notification, _certificate(notification))


def test_confirm_subscription_api_with_the_token(sns, topic_arn):
    with RecordingEndpoint() as endpoint:
        sns.subscribe(TopicArn=topic_arn, Protocol="http", Endpoint=endpoint.url)
        _, confirmation = endpoint.next_json()
        arn = sns.confirm_subscription(TopicArn=topic_arn, Token=confirmation["Token"])["SubscriptionArn"]
        attributes = subscription_attributes(sns, arn)
        assert attributes["ConfirmationWasAuthenticated"] == "true"
        assert attributes["EffectiveDeliveryPolicy"]


def test_raw_delivery_posts_only_the_message(sns, topic_arn):
    with RecordingEndpoint() as endpoint:
        arn = sns.subscribe(
            TopicArn=topic_arn,
            Protocol="http",
            Endpoint=endpoint.url,
            Attributes={"RawMessageDelivery": "true"},
            ReturnSubscriptionArn=True,
        )["SubscriptionArn"]
        _confirm(endpoint)
        sns.publish(TopicArn=topic_arn, Message='{"raw": true}')
        request = endpoint.next()
        assert request["body"] == b'{"raw": true}'
        assert request["headers"]["x-amz-sns-rawdelivery"] == "true"
        assert request["headers"]["x-amz-sns-subscription-arn"] == arn


def test_failed_deliveries_are_retried_per_policy_then_dead_lettered(sns, sqs, topic_arn, stratus_server):
    dlq, dlq_arn = create_queue(sqs, "http-dlq")
    policy = {"healthyRetryPolicy": {"numRetries": 2, "minDelayTarget": 5, "maxDelayTarget": 5}}
    with RecordingEndpoint([200, 500]) as endpoint:  # confirms, then fails every notification
        sns.subscribe(
            TopicArn=topic_arn,
            Protocol="http",
            Endpoint=endpoint.url,
            Attributes={
                "DeliveryPolicy": json.dumps(policy),
                "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn}),
            },
        )
        _confirm(endpoint)
        published = sns.publish(TopicArn=topic_arn, Message="doomed")
        assert json.loads(endpoint.next()["body"])["Message"] == "doomed"  # attempt 1
        with pytest.raises(queue.Empty):
            endpoint.next(timeout=0.5)  # the retry waits for the policy's delay
        attempt = _advance_until_next(endpoint, stratus_server, 6)
        assert json.loads(attempt["body"])["MessageId"] == published["MessageId"]  # attempt 2
        _advance_until_next(endpoint, stratus_server, 6)  # attempt 3, the last one
        stratus_server.advance_clock(60)
        with pytest.raises(queue.Empty):
            endpoint.next(timeout=0.5)  # no fourth
        messages = sqs.receive_message(QueueUrl=dlq, WaitTimeSeconds=5, MessageAttributeNames=["All"])[
            "Messages"
        ]
        dead = messages[0]
        assert json.loads(dead["Body"])["MessageId"] == published["MessageId"]
        assert dead["MessageAttributes"]["ErrorCode"]["StringValue"] == "500"
    failures = failed_deliveries(stratus_server.endpoint)
    assert failures[0]["attempts"] == 3 and failures[0]["dead_letter_arn"] == dlq_arn


def test_client_errors_are_not_retried(sns, topic_arn, stratus_server):
    with RecordingEndpoint([200, 404]) as endpoint:
        sns.subscribe(TopicArn=topic_arn, Protocol="http", Endpoint=endpoint.url)
        _confirm(endpoint)
        sns.publish(TopicArn=topic_arn, Message="not found there")
        endpoint.next()
        stratus_server.advance_clock(60)
        with pytest.raises(queue.Empty):
            endpoint.next(timeout=0.5)


def test_unsubscribe_sends_an_unsubscribe_confirmation_that_can_restore(sns, topic_arn):
    with RecordingEndpoint() as endpoint:
        arn = sns.subscribe(
            TopicArn=topic_arn, Protocol="http", Endpoint=endpoint.url, ReturnSubscriptionArn=True
        )["SubscriptionArn"]
        _confirm(endpoint)
        sns.unsubscribe(SubscriptionArn=arn)
        headers, farewell = endpoint.next_json()
        assert headers["x-amz-sns-message-type"] == "UnsubscribeConfirmation"
        assert farewell["Type"] == "UnsubscribeConfirmation"
        assert verify(farewell, _certificate(farewell))
        assert sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"] == []
        with urllib.request.urlopen(farewell["SubscribeURL"]):
            pass
        restored = sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
        assert [entry["SubscriptionArn"] for entry in restored] == [arn]


def test_authenticate_on_unsubscribe_refuses_the_unsigned_link(sns, topic_arn):
    with RecordingEndpoint() as endpoint:
        sns.subscribe(TopicArn=topic_arn, Protocol="http", Endpoint=endpoint.url)
        _, confirmation = endpoint.next_json()
        arn = sns.confirm_subscription(
            TopicArn=topic_arn, Token=confirmation["Token"], AuthenticateOnUnsubscribe="true"
        )["SubscriptionArn"]
        sns.publish(TopicArn=topic_arn, Message="hello")
        _, notification = endpoint.next_json()
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(notification["UnsubscribeURL"])
        assert refused.value.code == 403
        assert subscription_attributes(sns, arn)["SubscriptionArn"] == arn
