"""Queue attributes: names, defaults, AWS's validation ranges and rendering (computed ones included).

The `attributes` column holds every settable attribute that has a value (defaults filled in), with
AWS's spelling of values (`"true"`, numbers as decimal strings, JSON policies as given or
normalised), so `Queue.attributes` reads the same as GetQueueAttributes does.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from stratus.auth.policy import PolicyError, parse_policy
from stratus.services.sqs.common import InvalidAttributeName, InvalidAttributeValue, Queue
from stratus.services.sqs.queue_store import queue_by_arn
from stratus.store import Database

# name -> (lowest, highest) accepted integer value
NUMBER_RANGES: dict[str, tuple[int, int]] = {
    "DelaySeconds": (0, 900),
    "MaximumMessageSize": (1024, 1_048_576),
    "MessageRetentionPeriod": (60, 1_209_600),
    "ReceiveMessageWaitTimeSeconds": (0, 20),
    "VisibilityTimeout": (0, 43_200),
    "KmsDataKeyReusePeriodSeconds": (60, 86_400),
}
BOOLEANS = {"SqsManagedSseEnabled", "FifoQueue", "ContentBasedDeduplication"}
CHOICES: dict[str, tuple[str, ...]] = {
    "DeduplicationScope": ("messageGroup", "queue"),
    "FifoThroughputLimit": ("perQueue", "perMessageGroupId"),
}
FIFO_ONLY = {"FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"}
# Settable, and removed by setting them to "" (AWS drops the attribute rather than storing "").
OPTIONAL = {"Policy", "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds"}
SETTABLE = set(NUMBER_RANGES) | BOOLEANS | set(CHOICES) | OPTIONAL
COMPUTED = (
    "QueueArn",
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
    "CreatedTimestamp",
    "LastModifiedTimestamp",
)
READABLE = SETTABLE | set(COMPUTED)

DEFAULT_KMS_REUSE_SECONDS = "300"
MAX_REDRIVE_SOURCES = 10


def defaults(fifo: bool) -> dict[str, str]:
    """What a new queue has when CreateQueue names no attribute (as AWS creates queues today)."""
    values = {
        "DelaySeconds": "0",
        "MaximumMessageSize": "1048576",
        "MessageRetentionPeriod": "345600",
        "ReceiveMessageWaitTimeSeconds": "0",
        "VisibilityTimeout": "30",
        "SqsManagedSseEnabled": "true",
    }
    if fifo:
        values |= {
            "FifoQueue": "true",
            "ContentBasedDeduplication": "false",
            "DeduplicationScope": "queue",
            "FifoThroughputLimit": "perQueue",
        }
    return values


def invalid_value(name: str) -> InvalidAttributeValue:
    return InvalidAttributeValue(f"Invalid value for the parameter {name}.")


def unknown_attribute(name: str) -> InvalidAttributeName:
    return InvalidAttributeName(f"Unknown Attribute {name}.")


def _invalid_json_attribute(name: str, value: str, reason: str) -> InvalidAttributeValue:
    return InvalidAttributeValue(f"Value {value} for parameter {name} is invalid. Reason: {reason}")


def check_names(names: Iterable[str], fifo: bool, allowed: set[str]) -> None:
    for name in names:
        if name not in allowed or (name in FIFO_ONLY and not fifo):
            raise unknown_attribute(name)


def _number(name: str, value: str) -> str:
    low, high = NUMBER_RANGES[name]
    try:
        number = int(value.strip())
    except ValueError:
        raise invalid_value(name) from None
    if not low <= number <= high:
        raise invalid_value(name)
    return str(number)


def parse_boolean(name: str, value: str) -> str:
    lowered = value.strip().lower()
    if lowered not in ("true", "false"):
        raise invalid_value(name)
    return lowered


def _redrive_policy(db: Database, value: str, queue_arn: str, fifo: bool) -> str:
    reason = None
    try:
        policy = json.loads(value)
    except ValueError:
        policy = None
    if not isinstance(policy, dict):
        raise _invalid_json_attribute("RedrivePolicy", value, "Redrive policy is not a valid JSON map.")
    target_arn = policy.get("deadLetterTargetArn")
    raw_count = policy.get("maxReceiveCount")
    if not isinstance(target_arn, str) or raw_count is None:
        reason = "Redrive policy does not contain mandatory attribute: " + (
            "deadLetterTargetArn" if not isinstance(target_arn, str) else "maxReceiveCount"
        )
        raise _invalid_json_attribute("RedrivePolicy", value, reason + ".")
    try:
        count = int(raw_count)
    except (TypeError, ValueError):
        count = 0
    if not 1 <= count <= 1000:
        reason = (
            f"Invalid value for maxReceiveCount: {raw_count}, valid values are from 1 to 1000 both inclusive."
        )
        raise _invalid_json_attribute("RedrivePolicy", value, reason)
    target = queue_by_arn(db, target_arn)
    if target is None:
        raise _invalid_json_attribute("RedrivePolicy", value, "Dead-letter target does not exist.")
    if target.fifo != fifo:
        raise _invalid_json_attribute(
            "RedrivePolicy", value, "Dead-letter queue must be same type of queue as the source."
        )
    if target.arn == queue_arn:
        raise _invalid_json_attribute("RedrivePolicy", value, "Dead-letter target can't be the queue itself.")
    if not _allows_source(target, queue_arn):
        raise _invalid_json_attribute(
            "RedrivePolicy",
            value,
            "Queue " + queue_arn + " is not allowed as a source of the dead-letter queue.",
        )
    # Normalised as AWS returns it: maxReceiveCount a number.
    return json.dumps({"deadLetterTargetArn": target_arn, "maxReceiveCount": count}, separators=(",", ":"))


def _allows_source(dead_letter_queue: Queue, source_arn: str) -> bool:
    text = dead_letter_queue.attributes.get("RedriveAllowPolicy")
    if not text:
        return True
    policy = json.loads(text)
    permission = policy.get("redrivePermission")
    if permission == "denyAll":
        return False
    if permission == "byQueue":
        return source_arn in policy.get("sourceQueueArns", [])
    return True


def _redrive_allow_policy(value: str) -> str:
    try:
        policy = json.loads(value)
    except ValueError:
        policy = None
    if not isinstance(policy, dict) or policy.get("redrivePermission") not in (
        "allowAll",
        "denyAll",
        "byQueue",
    ):
        raise _invalid_json_attribute(
            "RedriveAllowPolicy",
            value,
            "Amazon SQS can't create the redrive allow policy, as it's in an unsupported format.",
        )
    sources = policy.get("sourceQueueArns")
    if policy["redrivePermission"] == "byQueue":
        if not isinstance(sources, list) or not sources or not all(isinstance(arn, str) for arn in sources):
            raise _invalid_json_attribute(
                "RedriveAllowPolicy",
                value,
                "Amazon SQS can't create the redrive allow policy, as it's in an unsupported format.",
            )
        if len(sources) > MAX_REDRIVE_SOURCES:
            raise _invalid_json_attribute(
                "RedriveAllowPolicy",
                value,
                "Amazon SQS can't create the redrive allow policy. The maximum number of source queue ARNs you can specify is 10.",
            )
    elif sources is not None:
        raise _invalid_json_attribute(
            "RedriveAllowPolicy",
            value,
            "Amazon SQS can't create the redrive allow policy, as it's in an unsupported format.",
        )
    return json.dumps(policy, separators=(",", ":"))


def _policy(value: str) -> str:
    try:
        parse_policy(value, "resource")
    except PolicyError:
        raise invalid_value("Policy") from None
    return value


def validate(
    db: Database, given: dict[str, str], *, queue_arn: str, fifo: bool, current: dict[str, str]
) -> dict[str, str]:
    """The queue's attributes after applying `given` to `current`, or AWS's error for the first bad one.

    `current` is the queue's stored attributes (the defaults for a new queue)."""
    check_names(given, fifo, SETTABLE)
    result = dict(current)
    for name, value in given.items():
        if name in OPTIONAL and value == "":
            result.pop(name, None)
        elif name in NUMBER_RANGES:
            result[name] = _number(name, value)
        elif name in BOOLEANS:
            result[name] = parse_boolean(name, value)
        elif name in CHOICES:
            if value not in CHOICES[name]:
                raise invalid_value(name)
            result[name] = value
        elif name == "RedrivePolicy":
            result[name] = _redrive_policy(db, value, queue_arn, fifo)
        elif name == "RedriveAllowPolicy":
            result[name] = _redrive_allow_policy(value)
        elif name == "Policy":
            result[name] = _policy(value)
        else:  # KmsMasterKeyId: any key id, alias or ARN (KMS is not consulted)
            result[name] = value
    _check_combinations(given, result)
    return result


def _check_combinations(given: dict[str, str], result: dict[str, str]) -> None:
    if (
        result.get("FifoThroughputLimit") == "perMessageGroupId"
        and result.get("DeduplicationScope") != "messageGroup"
    ):
        raise InvalidAttributeValue(
            "The perMessageGroupId value is allowed only when the value for DeduplicationScope is messageGroup."
        )
    # SSE-SQS and SSE-KMS exclude each other: naming a KMS key turns SSE-SQS off.
    if result.get("KmsMasterKeyId"):
        if given.get("SqsManagedSseEnabled", "").lower() == "true":
            raise InvalidAttributeValue(
                "You can use one type of server-side encryption (SSE) at one time. You can either enable"
                " KMS SSE or SQS SSE."
            )
        result["SqsManagedSseEnabled"] = "false"
        result.setdefault("KmsDataKeyReusePeriodSeconds", DEFAULT_KMS_REUSE_SECONDS)
    elif given.get("SqsManagedSseEnabled", "").lower() == "true":
        result.pop("KmsDataKeyReusePeriodSeconds", None)


def save(db: Database, queue: Queue, values: dict[str, str], now: float) -> None:
    """Store a queue's new attributes (LastModifiedTimestamp moves with them)."""
    db.execute(
        "UPDATE sqs_queues SET attributes = ?, modified_at = ? WHERE queue_id = ?",
        (json.dumps(values, sort_keys=True), now, queue.queue_id),
    )


def message_counts(db: Database, queue_id: int, now: float) -> dict[str, int]:
    """Visible, in flight and delayed messages now; expired ones are not counted."""
    row = db.query_one(
        "SELECT"
        " SUM(CASE WHEN visible_at <= ? THEN 1 ELSE 0 END) AS visible,"
        " SUM(CASE WHEN visible_at > ? AND receive_count > 0 THEN 1 ELSE 0 END) AS in_flight,"
        " SUM(CASE WHEN visible_at > ? AND receive_count = 0 THEN 1 ELSE 0 END) AS delayed"
        " FROM sqs_messages WHERE queue_id = ? AND expires_at > ?",
        (now, now, now, queue_id, now),
    )
    return {key: int(row[key] or 0) for key in ("visible", "in_flight", "delayed")} if row else {}


def render(db: Database, queue: Queue, names: Iterable[str], now: float) -> dict[str, str]:
    """GetQueueAttributes' answer for `names` (`All` for everything); unknown names are refused."""
    wanted = set(names)
    check_names(wanted - {"All"}, queue.fifo, READABLE)
    everything = "All" in wanted
    values = {name: value for name, value in queue.attributes.items() if everything or name in wanted}
    computed = set(COMPUTED) if everything else wanted & set(COMPUTED)
    if computed & {name for name in COMPUTED if name.startswith("Approximate")}:
        counts = message_counts(db, queue.queue_id, now)
        values["ApproximateNumberOfMessages"] = str(counts.get("visible", 0))
        values["ApproximateNumberOfMessagesNotVisible"] = str(counts.get("in_flight", 0))
        values["ApproximateNumberOfMessagesDelayed"] = str(counts.get("delayed", 0))
    values |= {
        "QueueArn": queue.arn,
        "CreatedTimestamp": str(int(queue.created_at)),
        "LastModifiedTimestamp": str(int(queue.modified_at)),
    }
    return {name: value for name, value in values.items() if name in queue.attributes or name in computed}


def differing_attribute(
    names: Iterable[str], requested: dict[str, str], existing: dict[str, str]
) -> str | None:
    """The first attribute CreateQueue named whose value differs from the existing queue's."""
    for name in names:
        if requested.get(name) != existing.get(name):
            return name
    return None
