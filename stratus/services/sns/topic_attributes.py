"""Topic attributes: which exist, which are settable (and when), their validation, and what
GetTopicAttributes shows (including the default access policy AWS writes for a new topic)."""

from __future__ import annotations

import json

from stratus.auth.policy import PolicyError, parse_policy
from stratus.services.sns.common import InvalidParameter, invalid
from stratus.services.sns.delivery_policy import (
    default_topic_delivery_policy,
    normalized_topic_policy,
    parse_retry_policy,
    validate_topic_policy,
)
from stratus.services.sns.topic_store import Topic

FEEDBACK_PROTOCOLS = ("Application", "HTTP", "Lambda", "SQS", "Firehose")
FEEDBACK_ATTRIBUTES = {
    f"{protocol}{suffix}"
    for protocol in FEEDBACK_PROTOCOLS
    for suffix in ("SuccessFeedbackRoleArn", "SuccessFeedbackSampleRate", "FailureFeedbackRoleArn")
}
SETTABLE = {
    "DeliveryPolicy",
    "DisplayName",
    "Policy",
    "TracingConfig",
    "KmsMasterKeyId",
    "SignatureVersion",
    "ContentBasedDeduplication",
    "FifoThroughputScope",
    "ArchivePolicy",
    *FEEDBACK_ATTRIBUTES,
}
FIFO_ONLY = {"ContentBasedDeduplication", "FifoThroughputScope", "ArchivePolicy"}
CREATE_ONLY = {"FifoTopic"}
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
MAX_DISPLAY_NAME = 100
MAX_ARCHIVE_DAYS = 365


def default_policy(arn: str, account_id: str) -> str:
    """The access policy AWS gives a new topic: the owner's account may do everything."""
    return json.dumps(
        {
            "Version": "2008-10-17",
            "Id": "__default_policy_ID",
            "Statement": [
                {
                    "Sid": "__default_statement_ID",
                    "Effect": "Allow",
                    "Principal": {"AWS": "*"},
                    "Action": DEFAULT_POLICY_ACTIONS,
                    "Resource": arn,
                    "Condition": {"StringEquals": {"AWS:SourceOwner": account_id}},
                }
            ],
        },
        separators=(",", ":"),
    )


def _attribute_error(name: str) -> Exception:
    return invalid(f"Attributes Reason: Invalid value for attribute {name}")


def _boolean(name: str, value: str) -> str:
    if value.lower() not in ("true", "false"):
        raise invalid(f"Attributes Reason: {name}: Invalid value [{value}]. Must be true or false.")
    return value.lower()


def _archive_policy(value: str) -> str:
    if value == "":
        return value
    try:
        document = json.loads(value)
    except ValueError:
        document = None
    if not isinstance(document, dict) or set(document) - {"MessageRetentionPeriod"}:
        raise invalid("ArchivePolicy: Invalid JSON")
    period = document.get("MessageRetentionPeriod")
    try:
        days = int(period)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_ARCHIVE_DAYS:
        raise invalid(f"ArchivePolicy: MessageRetentionPeriod must be between 1 and {MAX_ARCHIVE_DAYS} days")
    return value


def validate(name: str, value: str, *, fifo: bool, creating: bool) -> str:
    """The value to store, or AWS's InvalidParameter."""
    if name in CREATE_ONLY and not creating:
        raise invalid("AttributeName")
    if name not in SETTABLE and name not in CREATE_ONLY:
        raise invalid("Attributes Reason: Unknown attribute " + name if creating else "AttributeName")
    if name in FIFO_ONLY and not fifo:
        raise invalid(f"Attributes Reason: {name} is only valid for FIFO Topics")
    if name == "Policy":
        try:
            parse_policy(value, "resource")
        except PolicyError as error:
            raise invalid(f"Policy Error: {error}") from None
        return value
    if name == "DeliveryPolicy":
        if value:
            validate_topic_policy(value)
            return normalized_topic_policy(value)
        return value
    if name == "DisplayName":
        if len(value) > MAX_DISPLAY_NAME:
            raise invalid("DisplayName")
        return value
    if name == "SignatureVersion":
        if value not in ("1", "2"):
            raise invalid("SignatureVersion")
        return value
    if name == "TracingConfig":
        if value not in ("PassThrough", "Active"):
            raise invalid("TracingConfig")
        return value
    if name == "ContentBasedDeduplication":
        return _boolean(name, value)
    if name == "FifoThroughputScope":
        if value not in ("Topic", "MessageGroup"):
            raise invalid("FifoThroughputScope")
        return value
    if name == "ArchivePolicy":
        return _archive_policy(value)
    if name.endswith("SampleRate"):
        if not value.isdigit() or not 0 <= int(value) <= 100:
            raise _attribute_error(name)
        return value
    if name.endswith("RoleArn"):
        if value and not value.startswith("arn:"):
            raise _attribute_error(name)
        return value
    return value


def validate_at_creation(name: str, value: str, *, fifo: bool) -> str:
    """CreateTopic names the attribute problem under `Attributes Reason:`."""
    try:
        return validate(name, value, fifo=fifo, creating=True)
    except InvalidParameter as error:
        reason = error.message.removeprefix("Invalid parameter: ")
        if reason.startswith("Attributes Reason: "):
            raise
        raise invalid(f"Attributes Reason: {reason}") from None


def describe(topic: Topic, pending: int, confirmed: int) -> dict[str, str]:
    """GetTopicAttributes: the computed attributes, the defaults, then what was set."""
    shown: dict[str, str] = {
        "Policy": default_policy(topic.arn, topic.account_id),
        "Owner": topic.account_id,
        "SubscriptionsPending": str(pending),
        "TopicArn": topic.arn,
        "EffectiveDeliveryPolicy": json.dumps(default_topic_delivery_policy(), separators=(",", ":")),
        "SubscriptionsConfirmed": str(confirmed),
        "DisplayName": "",
        "SubscriptionsDeleted": str(topic.subscriptions_deleted),
    }
    if topic.fifo:
        shown["FifoTopic"] = "true"
        shown["ContentBasedDeduplication"] = "false"
        shown["FifoThroughputScope"] = "Topic"
    for name, value in topic.attributes.items():
        if name == "DeliveryPolicy" and value:
            shown["EffectiveDeliveryPolicy"] = _effective_topic_policy(value)
        if name == "ArchivePolicy" and value:
            shown["BeginningArchiveTime"] = _iso(topic.created_at)
        if value != "" or name in ("DisplayName",):
            shown[name] = value
    return shown


def _effective_topic_policy(value: str) -> str:
    document = json.loads(value)
    effective = default_topic_delivery_policy()
    http = dict(document.get("http") or document.get("https") or {})
    if "defaultHealthyRetryPolicy" in http:  # shown whole, the defaults filled in
        http["defaultHealthyRetryPolicy"] = parse_retry_policy(
            http["defaultHealthyRetryPolicy"]
        ).as_document()
    effective["http"].update(http)
    return json.dumps(effective, separators=(",", ":"))


def _iso(epoch: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
