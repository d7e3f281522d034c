"""The documents SNS delivers: the JSON notification envelope, subscription (un)confirmations,
the Lambda event, and what each protocol receives for a message published with
MessageStructure=json. Signed with the region's key (signing.py)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from urllib.parse import quote

from stratus.services.sns.signing import SigningIdentity, certificate_file_name, sign

CONFIRMATION_TEXT = (
    "You have chosen to subscribe to the topic {topic}.\n"
    "To confirm the subscription, visit the SubscribeURL included in this message."
)
UNSUBSCRIBE_TEXT = (
    "You have chosen to deactivate subscription {subscription}.\n"
    "To cancel this operation and restore the subscription, visit the SubscribeURL included in this message."
)
# The key a MessageStructure=json document uses for each protocol (application endpoints use
# their platform's name, chosen at delivery).
STRUCTURE_KEYS = {
    "sqs": "sqs",
    "http": "http",
    "https": "https",
    "email": "email",
    "email-json": "email-json",
    "sms": "sms",
    "lambda": "lambda",
    "firehose": "firehose",
}


def public_endpoint(endpoint: str) -> str:
    """The server's URL as a client can reach it (a wildcard bind address is reached as localhost)."""
    for wildcard in ("://0.0.0.0", "://[::]"):
        endpoint = endpoint.replace(wildcard, "://localhost")
    return endpoint.rstrip("/")


def iso_timestamp(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def certificate_url(endpoint: str, identity: SigningIdentity) -> str:
    return f"{public_endpoint(endpoint)}/{certificate_file_name(identity)}"


def unsubscribe_url(endpoint: str, subscription_arn: str) -> str:
    return (
        f"{public_endpoint(endpoint)}/?Action=Unsubscribe&SubscriptionArn={quote(subscription_arn, safe=':')}"
    )


def subscribe_url(endpoint: str, topic_arn: str, token: str) -> str:
    return (
        f"{public_endpoint(endpoint)}/?Action=ConfirmSubscription"
        f"&TopicArn={quote(topic_arn, safe=':')}&Token={quote(token, safe='')}"
    )


def message_for(message: dict, protocol: str, platform: str | None = None) -> str:
    """The text a subscriber of `protocol` gets: its own entry of a JSON-structured message, else default."""
    structured = message.get("structured")
    if structured is None:
        return message["message"]
    key = platform if protocol == "application" and platform else STRUCTURE_KEYS.get(protocol)
    value = structured.get(key) if key else None
    return value if isinstance(value, str) else structured["default"]  # a non-string entry is ignored


def envelope_attributes(attributes: dict) -> dict:
    """MessageAttributes as the JSON envelope shows them: {name: {"Type": ..., "Value": ...}}."""
    shown = {}
    for name, attribute in attributes.items():
        value = attribute.get("StringValue")
        if value is None:
            value = attribute.get("BinaryValue", "")  # already base64 in the stored message
        shown[name] = {"Type": attribute["DataType"], "Value": value}
    return shown


def notification(
    message: dict,
    text: str,
    *,
    subscription_arn: str,
    endpoint: str,
    identity: SigningIdentity,
    signature: str,
) -> dict:
    document: dict = {"Type": "Notification", "MessageId": message["message_id"]}
    if message.get("sequence_number"):
        document["SequenceNumber"] = message["sequence_number"]
    document["TopicArn"] = message["topic_arn"]
    if message.get("subject") is not None:
        document["Subject"] = message["subject"]
    document["Message"] = text
    document["Timestamp"] = iso_timestamp(message["timestamp"])
    if not message.get("sequence_number"):  # AWS does not sign FIFO notifications
        document["SignatureVersion"] = message["signature_version"]
        document["Signature"] = signature
        document["SigningCertURL"] = certificate_url(endpoint, identity)
    document["UnsubscribeURL"] = unsubscribe_url(endpoint, subscription_arn)
    if message.get("attributes"):
        document["MessageAttributes"] = envelope_attributes(message["attributes"])
    return document


def signed_notification_signature(message: dict, text: str, identity: SigningIdentity) -> str:
    """The signature of a notification: it covers Message, MessageId, Subject, Timestamp, TopicArn, Type."""
    fields = {
        "Type": "Notification",
        "MessageId": message["message_id"],
        "TopicArn": message["topic_arn"],
        "Message": text,
        "Timestamp": iso_timestamp(message["timestamp"]),
        "SignatureVersion": message["signature_version"],
    }
    if message.get("subject") is not None:
        fields["Subject"] = message["subject"]
    return sign(fields, identity)


def confirmation(
    kind: str,
    *,
    message_id: str,
    topic_arn: str,
    subscription_arn: str,
    token: str,
    timestamp: float,
    signature_version: str,
    endpoint: str,
    identity: SigningIdentity,
) -> dict:
    """A SubscriptionConfirmation or UnsubscribeConfirmation document, signed."""
    text = (
        CONFIRMATION_TEXT.format(topic=topic_arn)
        if kind == "SubscriptionConfirmation"
        else UNSUBSCRIBE_TEXT.format(subscription=subscription_arn)
    )
    document = {
        "Type": kind,
        "MessageId": message_id,
        "Token": token,
        "TopicArn": topic_arn,
        "Message": text,
        "SubscribeURL": subscribe_url(endpoint, topic_arn, token),
        "Timestamp": iso_timestamp(timestamp),
        "SignatureVersion": signature_version,
    }
    document["Signature"] = sign(document, identity)
    document["SigningCertURL"] = certificate_url(endpoint, identity)
    return document


def to_json(document: dict) -> str:
    """AWS's layout for envelopes: two-space indent and ` : ` between key and value."""
    return json.dumps(document, indent=2, separators=(",", " : "), ensure_ascii=False)


def lambda_event(message: dict, text: str, *, subscription_arn: str, notification_document: dict) -> dict:
    sns = {
        "Type": "Notification",
        "MessageId": message["message_id"],
        "TopicArn": message["topic_arn"],
        "Subject": message.get("subject"),
        "Message": text,
        "Timestamp": notification_document["Timestamp"],
        "SignatureVersion": notification_document.get("SignatureVersion"),
        "Signature": notification_document.get("Signature"),
        "SigningCertUrl": notification_document.get("SigningCertURL"),
        "UnsubscribeUrl": notification_document["UnsubscribeURL"],
        "MessageAttributes": envelope_attributes(message.get("attributes") or {}),
    }
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": subscription_arn,
                "Sns": sns,
            }
        ]
    }


def binary_value(attribute: dict) -> bytes:
    return base64.b64decode(attribute.get("BinaryValue", ""))
