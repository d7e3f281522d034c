"""What the subscription tests share: endpoints, the attribute keys AWS shows, counters, tokens."""

from __future__ import annotations

import json

from .support import ACCOUNT, REGION, captured_messages, topic_attributes

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
