"""Delivery policies: how often, and how far apart, SNS retries a delivery that failed server-side.

AWS fixes the policy for its own endpoints (SQS, Lambda: 100,015 attempts over 23 days) and for
customer endpoints it does not own (email, SMS, mobile push: 50 attempts over 6 hours); only HTTP/S
takes a custom policy, from the subscription's or the topic's `DeliveryPolicy` attribute (the topic's
wins when it sets `disableSubscriptionOverrides`). A policy is four phases: retries without delay,
retries at the minimum delay, a backoff from the minimum to the maximum delay, retries at the maximum.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from stratus.services.sns.common import invalid

BACKOFF_FUNCTIONS = ("arithmetic", "exponential", "geometric", "linear")
HTTP_MAX_RETRY_SECONDS = (
    3600  # "The total policy retry time for an HTTP/S endpoint cannot be greater than 3,600 seconds"
)
HEADER_CONTENT_TYPES = (
    "text/plain",
    "application/json",
    "application/xml",
    "text/plain; charset=UTF-8",
    "application/json; charset=UTF-8",
    "application/xml; charset=UTF-8",
)
DEFAULT_CONTENT_TYPE = "text/plain; charset=UTF-8"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    num_retries: int
    no_delay_retries: int
    min_delay_retries: int
    max_delay_retries: int
    min_delay: float
    max_delay: float
    backoff: str = "linear"

    @property
    def attempts(self) -> int:
        """The first attempt and every retry."""
        return 1 + self.num_retries

    def delay_before(self, attempt: int) -> float:
        """Seconds to wait before attempt number `attempt` (2 is the first retry)."""
        retry = attempt - 1
        if retry <= self.no_delay_retries:
            return 0.0
        retry -= self.no_delay_retries
        if retry <= self.min_delay_retries:
            return self.min_delay
        retry -= self.min_delay_retries
        backoff_retries = max(
            0, self.num_retries - self.no_delay_retries - self.min_delay_retries - self.max_delay_retries
        )
        if retry <= backoff_retries:
            return self._backoff(retry, backoff_retries)
        return self.max_delay

    def _backoff(self, step: int, steps: int) -> float:
        low, high = self.min_delay, self.max_delay
        if steps <= 1 or high <= low:
            return high if steps == 1 else low
        fraction = (step - 1) / (steps - 1)
        if self.backoff == "exponential":
            return low * (high / low) ** fraction if low > 0 else high * fraction
        if self.backoff == "geometric":
            return low + (high - low) * fraction**3
        if self.backoff == "arithmetic":
            return low + (high - low) * fraction**2
        return low + (high - low) * fraction

    def as_document(self) -> dict:
        return {
            "minDelayTarget": _number(self.min_delay),
            "maxDelayTarget": _number(self.max_delay),
            "numRetries": self.num_retries,
            "numMaxDelayRetries": self.max_delay_retries,
            "numNoDelayRetries": self.no_delay_retries,
            "numMinDelayRetries": self.min_delay_retries,
            "backoffFunction": self.backoff,
        }


# AWS's published policies per endpoint kind
AWS_MANAGED = RetryPolicy(100_014, 3, 2, 100_000, 1, 20, "exponential")
CUSTOMER_MANAGED = RetryPolicy(49, 0, 2, 38, 10, 600, "exponential")
HTTP_DEFAULT = RetryPolicy(3, 0, 0, 0, 20, 20, "linear")

AWS_MANAGED_PROTOCOLS = ("sqs", "lambda", "firehose")


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def default_topic_delivery_policy() -> dict:
    """What GetTopicAttributes shows as EffectiveDeliveryPolicy when none was set."""
    return {
        "http": {
            "defaultHealthyRetryPolicy": HTTP_DEFAULT.as_document(),
            "disableSubscriptionOverrides": False,
            "defaultRequestPolicy": {"headerContentType": DEFAULT_CONTENT_TYPE},
        }
    }


def _fail(detail: str):
    return invalid(f"DeliveryPolicy: {detail}")


def _integer(document: dict, key: str, default: int, low: int, high: int) -> int:
    value = document.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(f"{key} must be an integer")
    if not low <= value <= high:
        raise _fail(f"{key} must be between {low} and {high}")
    return value


def parse_retry_policy(document: object) -> RetryPolicy:
    if not isinstance(document, dict):
        raise _fail("healthyRetryPolicy must be an object")
    known = {
        "minDelayTarget",
        "maxDelayTarget",
        "numRetries",
        "numNoDelayRetries",
        "numMinDelayRetries",
        "numMaxDelayRetries",
        "backoffFunction",
    }
    for key in document:
        if key not in known:
            raise _fail(f"Unknown field {key} in healthyRetryPolicy")
    min_delay = _integer(document, "minDelayTarget", 20, 1, HTTP_MAX_RETRY_SECONDS)
    max_delay = _integer(document, "maxDelayTarget", 20, 1, HTTP_MAX_RETRY_SECONDS)
    if min_delay > max_delay:
        raise _fail("minDelayTarget must be less than or equal to maxDelayTarget")
    retries = _integer(document, "numRetries", 3, 0, 100)
    no_delay = _integer(document, "numNoDelayRetries", 0, 0, 100)
    min_retries = _integer(document, "numMinDelayRetries", 0, 0, 100)
    max_retries = _integer(document, "numMaxDelayRetries", 0, 0, 100)
    if no_delay + min_retries + max_retries > retries:
        raise _fail("numNoDelayRetries + numMinDelayRetries + numMaxDelayRetries must not exceed numRetries")
    backoff = document.get("backoffFunction", "linear")
    if backoff not in BACKOFF_FUNCTIONS:
        raise _fail(f"backoffFunction must be one of {', '.join(BACKOFF_FUNCTIONS)}")
    policy = RetryPolicy(retries, no_delay, min_retries, max_retries, min_delay, max_delay, backoff)
    total = sum(policy.delay_before(attempt) for attempt in range(2, policy.attempts + 1))
    if total > HTTP_MAX_RETRY_SECONDS:
        raise _fail(f"total retry time must not exceed {HTTP_MAX_RETRY_SECONDS} seconds")
    return policy


def _check_throttle(document: object, where: str) -> None:
    if not isinstance(document, dict):
        raise _fail(f"{where} must be an object")
    value = document.get("maxReceivesPerSecond")
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise _fail("maxReceivesPerSecond must be a positive integer")


def _check_request(document: object, where: str) -> None:
    if not isinstance(document, dict):
        raise _fail(f"{where} must be an object")
    content_type = document.get("headerContentType")
    if content_type is not None and content_type not in HEADER_CONTENT_TYPES:
        raise _fail(f"Invalid headerContentType {content_type}")


def _load(text: str) -> dict:
    try:
        document = json.loads(text)
    except (ValueError, TypeError):
        raise _fail("Invalid JSON") from None
    if not isinstance(document, dict):
        raise _fail("must be a JSON object")
    return document


def validate_topic_policy(text: str) -> None:
    """A topic's DeliveryPolicy: {"http": {"defaultHealthyRetryPolicy": ..., ...}}."""
    document = _load(text)
    for protocol, section in document.items():
        if protocol not in ("http", "https"):
            raise _fail(f"Unsupported protocol {protocol}")
        if not isinstance(section, dict):
            raise _fail(f"{protocol} must be an object")
        for key, value in section.items():
            if key == "defaultHealthyRetryPolicy":
                parse_retry_policy(value)
            elif key == "defaultThrottlePolicy":
                _check_throttle(value, key)
            elif key == "defaultRequestPolicy":
                _check_request(value, key)
            elif key == "disableSubscriptionOverrides":
                if not isinstance(value, bool):
                    raise _fail("disableSubscriptionOverrides must be a boolean")
            else:
                raise _fail(f"Unknown field {key}")


def normalized_topic_policy(text: str) -> str:
    """As AWS stores it: each protocol section says whether subscriptions may override it."""
    document = json.loads(text)
    for section in document.values():
        section.setdefault("disableSubscriptionOverrides", False)
    return json.dumps(document, separators=(",", ":"))


def validate_subscription_policy(text: str) -> None:
    """A subscription's DeliveryPolicy: {"healthyRetryPolicy": ..., "throttlePolicy": ..., "requestPolicy": ...}."""
    document = _load(text)
    for key, value in document.items():
        if key == "healthyRetryPolicy":
            parse_retry_policy(value)
        elif key == "throttlePolicy":
            _check_throttle(value, key)
        elif key == "requestPolicy":
            _check_request(value, key)
        else:
            raise _fail(f"Unknown field {key}")


def effective_http_policy(topic_policy: str | None, subscription_policy: str | None) -> dict:
    """The subscription's EffectiveDeliveryPolicy: its own settings unless the topic forbids overrides."""
    topic_http = (json.loads(topic_policy).get("http") if topic_policy else None) or {}
    retry = topic_http.get("defaultHealthyRetryPolicy")
    throttle = topic_http.get("defaultThrottlePolicy")
    request = topic_http.get("defaultRequestPolicy")
    if subscription_policy and not topic_http.get("disableSubscriptionOverrides", False):
        own = json.loads(subscription_policy)
        retry = own.get("healthyRetryPolicy", retry)
        throttle = own.get("throttlePolicy", throttle)
        request = own.get("requestPolicy", request)
    effective: dict = {"healthyRetryPolicy": parse_retry_policy(retry or {}).as_document()}
    effective["sicklyRetryPolicy"] = None
    effective["throttlePolicy"] = throttle if throttle is not None else None
    effective["guaranteed"] = False
    effective["requestPolicy"] = request
    return effective


def retry_policy_for(protocol: str, effective_http: dict | None = None) -> RetryPolicy:
    if protocol in ("http", "https"):
        return parse_retry_policy((effective_http or {}).get("healthyRetryPolicy") or {})
    if protocol in AWS_MANAGED_PROTOCOLS:
        return AWS_MANAGED
    return CUSTOMER_MANAGED
