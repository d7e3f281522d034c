"""Finding subscriptions: the record, lookups by ARN and by topic, AWS's errors for a missing one."""

from __future__ import annotations

import json
from dataclasses import dataclass

from stratus.services.sns.common import NotFound, invalid, parse_sns_arn
from stratus.store import Database

NO_SUBSCRIPTION_MESSAGE = "Subscription does not exist"
PENDING_ARN = "PendingConfirmation"  # what the list operations show for an unconfirmed subscription


@dataclass(frozen=True, slots=True)
class Subscription:
    sub_id: int
    arn: str
    topic_arn: str
    account_id: str
    region: str
    protocol: str
    endpoint: str
    confirmed: bool
    deleted: bool  # unsubscribed, kept only so the UnsubscribeConfirmation's SubscribeURL can restore it
    token: str | None
    authenticate_on_unsubscribe: bool
    confirmation_was_authenticated: bool
    attributes: dict[str, str]
    created_at: float

    @property
    def raw(self) -> bool:
        return self.attributes.get("RawMessageDelivery", "false") == "true"


def subscription_from_row(row) -> Subscription:
    return Subscription(
        sub_id=row["sub_id"],
        arn=row["arn"],
        topic_arn=row["topic_arn"],
        account_id=row["account_id"],
        region=row["region"],
        protocol=row["protocol"],
        endpoint=row["endpoint"],
        confirmed=row["confirmed"] == 1,
        deleted=row["confirmed"] < 0,
        token=row["token"],
        authenticate_on_unsubscribe=bool(row["authenticate_on_unsubscribe"]),
        confirmation_was_authenticated=bool(row["confirmation_was_authenticated"]),
        attributes=json.loads(row["attributes"]),
        created_at=row["created_at"],
    )


def subscription_by_arn(db: Database, arn: str) -> Subscription | None:
    row = db.query_one("SELECT * FROM sns_subscriptions WHERE arn = ?", (arn,))
    return subscription_from_row(row) if row is not None else None


def is_subscription_arn(arn: object) -> bool:
    parsed = parse_sns_arn(arn) if isinstance(arn, str) else None
    return parsed is not None and parsed[2].count(":") == 1


def check_subscription_arn(arn: object) -> None:
    """AWS's InvalidParameter for what is not a subscription ARN (a topic ARN lacks the SubscriptionId)."""
    from stratus.services.sns.topic_store import check_arn

    check_arn(arn, "SubscriptionArn")
    if not is_subscription_arn(arn):
        raise invalid("SubscriptionId")


def require_subscription(db: Database, arn: object) -> Subscription:
    check_subscription_arn(arn)
    subscription = subscription_by_arn(db, arn)
    if subscription is None or subscription.deleted:
        raise NotFound(NO_SUBSCRIPTION_MESSAGE)
    return subscription


def confirmed_subscriptions(db: Database, topic_arn: str) -> list[Subscription]:
    rows = db.query(
        "SELECT * FROM sns_subscriptions WHERE topic_arn = ? AND confirmed = 1 ORDER BY sub_id", (topic_arn,)
    )
    return [subscription_from_row(row) for row in rows]


def save_subscription_attributes(
    db: Database, subscription: Subscription, attributes: dict[str, str]
) -> None:
    db.execute(
        "UPDATE sns_subscriptions SET attributes = ? WHERE sub_id = ?",
        (json.dumps(attributes, sort_keys=True), subscription.sub_id),
    )
