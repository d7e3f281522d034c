"""Subscription attributes: validation (incl. filter policies) and what GetSubscriptionAttributes shows."""

from __future__ import annotations

import json

from stratus.protocol.errors import ServiceError
from stratus.services.sns.common import InvalidParameter, invalid
from stratus.services.sns.delivery_policy import effective_http_policy, validate_subscription_policy
from stratus.services.sns.filter_policy import FilterPolicyError, parse_filter_policy
from stratus.services.sns.subscription_store import Subscription

SETTABLE = (
    "DeliveryPolicy",
    "FilterPolicy",
    "FilterPolicyScope",
    "RawMessageDelivery",
    "RedrivePolicy",
    "SubscriptionRoleArn",
    "ReplayPolicy",
)
RAW_PROTOCOLS = ("sqs", "http", "https", "firehose")
SCOPES = ("MessageAttributes", "MessageBody")


def _filter_policy(value: str, scope: str) -> None:
    try:
        parse_filter_policy(value, scope)
    except FilterPolicyError as error:
        raise InvalidParameter(error.message) from None


def _redrive_policy(value: str, topic_fifo: bool) -> None:
    try:
        document = json.loads(value)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise invalid("RedrivePolicy: failed to parse JSON.")
    target = document.get("deadLetterTargetArn")
    parts = target.split(":") if isinstance(target, str) else []
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "sqs" or not parts[5]:
        raise invalid("RedrivePolicy: deadLetterTargetArn is an invalid arn")
    if set(document) - {"deadLetterTargetArn"}:
        raise invalid("RedrivePolicy: only deadLetterTargetArn may be given")
    if topic_fifo and not parts[5].endswith(".fifo"):
        raise invalid("RedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic.")
    if not topic_fifo and parts[5].endswith(".fifo"):
        raise invalid(
            "RedrivePolicy: must use a standard queue as DLQ for a Subscription to a standard Topic."
        )


def validate(
    name: str, value: str, *, protocol: str, topic_fifo: bool, current: dict[str, str]
) -> str | None:
    """The value to store (None removes the attribute), or AWS's InvalidParameter."""
    if name not in SETTABLE:
        raise invalid("AttributeName")
    if name == "ReplayPolicy":
        raise ServiceError(
            "Stratus does not implement SNS message replay (ReplayPolicy) yet",
            code="NotImplemented",
            status=501,
        )
    if name == "RawMessageDelivery":
        lowered = value.lower()
        if lowered not in ("true", "false"):
            raise invalid(f"RawMessageDelivery: Invalid value [{value}]. Must be true or false.")
        if lowered == "true" and protocol not in RAW_PROTOCOLS:
            raise invalid(f"Delivery protocol [{protocol}] does not support raw message delivery.")
        return lowered
    if name == "FilterPolicy":
        if value in ("", "{}"):
            return None
        _filter_policy(value, current.get("FilterPolicyScope", "MessageAttributes"))
        return value
    if name == "FilterPolicyScope":
        if value not in SCOPES:
            raise invalid(
                f"FilterPolicyScope: Invalid value [{value}]. Please use either MessageBody or MessageAttributes"
            )
        if current.get("FilterPolicy"):
            _filter_policy(current["FilterPolicy"], value)
        return value
    if name == "DeliveryPolicy":
        if value == "":
            return None
        validate_subscription_policy(value)
        return value
    if name == "RedrivePolicy":
        if value == "":
            return None
        _redrive_policy(value, topic_fifo)
        return value
    if name == "SubscriptionRoleArn":
        if value and not value.startswith("arn:"):
            raise invalid("SubscriptionRoleArn")
        return value or None
    return value


DEFAULTS = {"RawMessageDelivery": "false", "FilterPolicyScope": "MessageAttributes"}


def apply(
    attributes: dict[str, str],
    changes: dict[str, str],
    *,
    protocol: str,
    topic_fifo: bool,
    subscribing: bool = False,
) -> dict[str, str]:
    """`attributes` with `changes` validated and applied in an order where each sees the others.

    Subscribe names a problem under `Attributes Reason:`; SetSubscriptionAttributes does not.
    """
    try:
        updated = _apply(attributes, changes, protocol=protocol, topic_fifo=topic_fifo)
    except InvalidParameter as error:
        if not subscribing:
            raise
        raise invalid("Attributes Reason: " + error.message.removeprefix("Invalid parameter: ")) from None
    if subscribing and "FilterPolicy" not in updated:
        updated.pop("FilterPolicyScope", None)  # a scope without a policy is not kept
    return updated


def _apply(
    attributes: dict[str, str], changes: dict[str, str], *, protocol: str, topic_fifo: bool
) -> dict[str, str]:
    updated = dict(attributes)
    ordered = sorted(changes.items(), key=lambda item: item[0] != "FilterPolicyScope")
    # A scope and a policy given together are checked together.
    if "FilterPolicy" in changes and "FilterPolicyScope" in changes:
        updated.pop("FilterPolicy", None)
    for name, value in ordered:
        stored = validate(name, value, protocol=protocol, topic_fifo=topic_fifo, current=updated)
        if stored is None:
            updated.pop(name, None)
        else:
            updated[name] = stored
    if protocol == "firehose" and not updated.get("SubscriptionRoleArn"):
        raise invalid("SubscriptionRoleArn is required for firehose subscriptions")
    return updated


def differ(existing: dict[str, str], requested: dict[str, str]) -> bool:
    """Whether a repeated Subscribe asks for other attributes (a default given explicitly is no difference)."""
    return any(existing.get(key, DEFAULTS.get(key)) != value for key, value in requested.items())


def describe(subscription: Subscription, topic_delivery_policy: str | None) -> dict[str, str]:
    shown: dict[str, str] = {
        "ConfirmationWasAuthenticated": "true" if subscription.confirmation_was_authenticated else "false",
        "PendingConfirmation": "false" if subscription.confirmed else "true",
        "Owner": subscription.account_id,
        "RawMessageDelivery": "false",
        "TopicArn": subscription.topic_arn,
        "Endpoint": subscription.endpoint,
        "Protocol": subscription.protocol,
        "SubscriptionArn": subscription.arn,
    }
    if subscription.protocol in ("http", "https"):
        effective = effective_http_policy(
            topic_delivery_policy, subscription.attributes.get("DeliveryPolicy")
        )
        shown["EffectiveDeliveryPolicy"] = json.dumps(effective, separators=(",", ":"))
    for name, value in subscription.attributes.items():
        shown[name] = value
    if "FilterPolicy" in subscription.attributes and "FilterPolicyScope" not in subscription.attributes:
        shown["FilterPolicyScope"] = "MessageAttributes"
    return shown
