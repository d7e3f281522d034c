"""Which endpoint each protocol takes, checked the way Subscribe checks it."""

from __future__ import annotations

import re

from stratus.services.sns.common import InvalidParameter, invalid

PROTOCOLS = ("http", "https", "email", "email-json", "sms", "sqs", "application", "lambda", "firehose")
# Confirmed at once when the endpoint is in the topic's account (AWS-owned delivery paths);
# http/https and email always wait for the endpoint's owner to confirm.
CONFIRMED_IN_ACCOUNT = ("sqs", "lambda", "firehose", "application", "sms")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9]{1,15}$")


def _arn_parts(endpoint: str, service: str) -> list[str] | None:
    parts = endpoint.split(":")
    if len(parts) < 6 or parts[0] != "arn" or parts[2] != service or not parts[3] or not parts[4]:
        return None
    return parts


def endpoint_account(protocol: str, endpoint: str) -> str | None:
    """The account that owns an ARN endpoint (sqs, lambda, firehose, application), if it names one."""
    if protocol in ("sqs", "lambda", "firehose", "application"):
        parts = endpoint.split(":")
        return parts[4] if len(parts) >= 6 else None
    return None


def validate_endpoint(protocol: str, endpoint: object) -> str:
    if protocol not in PROTOCOLS:
        raise invalid(f"Amazon SNS does not support this protocol string: {protocol}")
    if not isinstance(endpoint, str) or not endpoint:
        raise invalid("Endpoint")
    if protocol in ("http", "https"):
        if not endpoint.lower().startswith(f"{protocol}://") or len(endpoint) <= len(protocol) + 3:
            raise invalid("Endpoint must match the specified protocol")
    elif protocol in ("email", "email-json"):
        if not EMAIL.match(endpoint):
            raise invalid("Email address")
    elif protocol == "sms":
        if not PHONE.match(endpoint):
            raise InvalidParameter(f"Invalid SMS endpoint: {endpoint}")
    elif protocol == "sqs":
        parts = _arn_parts(endpoint, "sqs")
        if parts is None or len(parts) != 6 or not parts[5]:
            raise invalid("SQS endpoint ARN")
    elif protocol == "lambda":
        parts = _arn_parts(endpoint, "lambda")
        if parts is None or parts[5] != "function" or len(parts) < 7:
            raise invalid("Lambda endpoint ARN")
    elif protocol == "firehose":
        parts = _arn_parts(endpoint, "firehose")
        if parts is None or not parts[5].startswith("deliverystream/"):
            raise invalid("Firehose endpoint ARN")
    elif protocol == "application":
        parts = _arn_parts(endpoint, "sns")
        if parts is None or not parts[5].startswith("endpoint/"):
            raise invalid("Application endpoint arn invalid")
    return endpoint
