"""Finding topics: the record, lookups by ARN, and AWS's errors for a missing or malformed one."""

from __future__ import annotations

import json
from dataclasses import dataclass

from stratus.services.sns.common import NotFound, invalid, parse_sns_arn
from stratus.store import Database

NO_TOPIC_MESSAGE = "Topic does not exist"


@dataclass(frozen=True, slots=True)
class Topic:
    topic_id: int
    arn: str
    account_id: str
    region: str
    name: str
    fifo: bool
    attributes: dict[str, str]  # the settable attributes that were set, AWS's names, string values
    data_protection_policy: str | None
    subscriptions_deleted: int
    created_at: float

    @property
    def signature_version(self) -> str:
        return self.attributes.get("SignatureVersion") or "1"

    @property
    def content_based_deduplication(self) -> bool:
        return self.attributes.get("ContentBasedDeduplication", "false") == "true"


def _topic(row) -> Topic:
    return Topic(
        topic_id=row["topic_id"],
        arn=row["arn"],
        account_id=row["account_id"],
        region=row["region"],
        name=row["name"],
        fifo=bool(row["fifo"]),
        attributes=json.loads(row["attributes"]),
        data_protection_policy=row["data_protection_policy"],
        subscriptions_deleted=row["subscriptions_deleted"],
        created_at=row["created_at"],
    )


def topic_arn(partition: str, region: str, account_id: str, name: str) -> str:
    return f"arn:{partition}:sns:{region}:{account_id}:{name}"


def topic_by_arn(db: Database, arn: str) -> Topic | None:
    row = db.query_one("SELECT * FROM sns_topics WHERE arn = ?", (arn,))
    return _topic(row) if row is not None else None


def check_arn(arn: object, parameter: str) -> None:
    """AWS's InvalidParameter for an ARN that is not one: `... Reason: An ARN must have at least 6 elements, not N`."""
    if not isinstance(arn, str):
        raise invalid(parameter)
    elements = len(arn.split(":"))
    if elements < 6:
        raise invalid(f"{parameter} Reason: An ARN must have at least 6 elements, not {elements}")
    if parse_sns_arn(arn) is None:
        raise invalid(parameter)


def require_topic(
    db: Database, arn: object, parameter: str = "TopicArn", *, region: str | None = None
) -> Topic:
    """The topic an ARN names, `InvalidParameter` for a malformed ARN or one of another region than
    the request's, `NotFound` for a missing topic."""
    check_arn(arn, parameter)
    arn_region, _, resource = parse_sns_arn(arn)
    if ":" in resource or (region is not None and arn_region != region):
        raise invalid(parameter)
    topic = topic_by_arn(db, arn)
    if topic is None:
        raise NotFound(NO_TOPIC_MESSAGE)
    return topic


def save_attributes(db: Database, topic: Topic, attributes: dict[str, str]) -> None:
    db.execute(
        "UPDATE sns_topics SET attributes = ? WHERE topic_id = ?",
        (json.dumps(attributes, sort_keys=True), topic.topic_id),
    )
