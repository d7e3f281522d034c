"""Subscriptions: Subscribe, ConfirmSubscription, Unsubscribe, attributes, listing.

HTTP/S and email endpoints (and endpoints in another account) stay pending until their owner
confirms with the token SNS sent them; the confirmation documents go out through the outbox.
"""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import replace

from stratus.core.context import RequestContext
from stratus.core.outbox import enqueue
from stratus.services.sns import subscription_attributes as sub_attrs
from stratus.services.sns.common import (
    AuthorizationError,
    InvalidParameter,
    authenticated,
    invalid,
    now,
    parse_sns_arn,
)
from stratus.services.sns.paging import decode_token, page
from stratus.services.sns.subscription_endpoints import (
    CONFIRMED_IN_ACCOUNT,
    endpoint_account,
    validate_endpoint,
)
from stratus.services.sns.subscription_store import (
    PENDING_ARN,
    Subscription,
    check_subscription_arn,
    require_subscription,
    save_subscription_attributes,
    subscription_by_arn,
    subscription_from_row,
)
from stratus.services.sns.topic_store import Topic, require_topic, topic_by_arn
from stratus.store import Database

LIST_PAGE = 100
TOKEN_LIFETIME_SECONDS = 2 * 86400  # "Confirmation tokens are valid for two days."
CONFIRMATION_KIND = "sns.confirmation"
PENDING_RESULT = "pending confirmation"


def _new_token() -> str:
    return secrets.token_hex(128)


def enqueue_confirmation(
    db: Database, topic: Topic, subscription: Subscription, kind: str, at: float
) -> None:
    enqueue(
        db,
        CONFIRMATION_KIND,
        {
            "kind": kind,
            "message_id": str(uuid.uuid4()),
            "topic_arn": topic.arn,
            "subscription_arn": subscription.arn,
            "account_id": topic.account_id,
            "region": topic.region,
            "protocol": subscription.protocol,
            "endpoint": subscription.endpoint,
            "token": subscription.token,
            "timestamp": at,
            "signature_version": topic.signature_version,
        },
    )


def _needs_confirmation(topic: Topic, protocol: str, endpoint: str, caller_account: str) -> bool:
    """HTTP/S and email always; an AWS endpoint of another account than the topic's unless its own
    account subscribes it (the endpoint's owner then asked for it)."""
    if protocol not in CONFIRMED_IN_ACCOUNT:
        return True
    owner = endpoint_account(protocol, endpoint)
    return owner is not None and owner != topic.account_id and owner != caller_account


def _list_entry(row) -> dict:
    return {
        "SubscriptionArn": row["arn"] if row["confirmed"] else PENDING_ARN,
        "Owner": row["account_id"],
        "Protocol": row["protocol"],
        "Endpoint": row["endpoint"],
        "TopicArn": row["topic_arn"],
    }


class SubscriptionOperations:
    def db(self) -> Database:  # supplied by SnsProvider
        raise NotImplementedError

    def subscribe(self, ctx: RequestContext, req: dict) -> dict:
        protocol = (req.get("Protocol") or "").lower()
        endpoint = validate_endpoint(protocol, req.get("Endpoint"))
        db = self.db()
        at = now(ctx)
        with db.transaction():
            topic = require_topic(db, req["TopicArn"], region=ctx.region)
            if topic.fifo and protocol != "sqs":
                raise invalid(f"Invalid protocol type: {protocol}")
            if not topic.fifo and protocol == "sqs" and endpoint.endswith(".fifo"):
                raise invalid(
                    "Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics"
                )
            attributes = sub_attrs.apply(
                {},
                dict(req.get("Attributes") or {}),
                protocol=protocol,
                topic_fifo=topic.fifo,
                subscribing=True,
            )
            existing = db.query_one(
                "SELECT * FROM sns_subscriptions WHERE topic_arn = ? AND protocol = ? AND endpoint = ? "
                "ORDER BY confirmed DESC LIMIT 1",
                (topic.arn, protocol, endpoint),
            )
            if existing is not None and existing["confirmed"] < 0:  # unsubscribed earlier: start afresh
                db.execute("DELETE FROM sns_subscriptions WHERE sub_id = ?", (existing["sub_id"],))
                existing = None
            if existing is not None:
                subscription = subscription_from_row(existing)
                if sub_attrs.differ(subscription.attributes, attributes):
                    raise invalid("Attributes Reason: Subscription already exists with different attributes")
                if not subscription.confirmed:
                    enqueue_confirmation(db, topic, subscription, "SubscriptionConfirmation", at)
            else:
                subscription = self._create_subscription(ctx, db, topic, protocol, endpoint, attributes, at)
        if subscription.confirmed or req.get("ReturnSubscriptionArn"):
            return {"SubscriptionArn": subscription.arn}
        return {"SubscriptionArn": PENDING_RESULT}

    def _create_subscription(
        self,
        ctx: RequestContext,
        db: Database,
        topic: Topic,
        protocol: str,
        endpoint: str,
        attributes: dict[str, str],
        at: float,
    ) -> Subscription:
        pending = _needs_confirmation(topic, protocol, endpoint, ctx.account_id)
        arn = f"{topic.arn}:{uuid.uuid4()}"
        token = _new_token() if pending else None
        attributes = {**attributes, "SubscriptionPrincipal": ctx.principal.arn}
        db.execute(
            "INSERT INTO sns_subscriptions (arn, topic_arn, account_id, region, protocol, endpoint, confirmed, "
            "token, confirmation_was_authenticated, attributes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                arn,
                topic.arn,
                ctx.account_id,
                topic.region,
                protocol,
                endpoint,
                int(not pending),
                token,
                int(not pending),
                json.dumps(attributes, sort_keys=True),
                at,
            ),
        )
        subscription = subscription_by_arn(db, arn)
        assert subscription is not None
        if pending:
            enqueue_confirmation(db, topic, subscription, "SubscriptionConfirmation", at)
        return subscription

    def confirm_subscription(self, ctx: RequestContext, req: dict) -> dict:
        topic_arn, token = req["TopicArn"], req["Token"]
        if parse_sns_arn(topic_arn) is None:
            raise invalid("TopicArn")
        db = self.db()
        with db.transaction():
            row = db.query_one(
                "SELECT * FROM sns_subscriptions WHERE topic_arn = ? AND token = ?", (topic_arn, token)
            )
            if row is None or (
                row["confirmed"] != 1 and now(ctx) - row["created_at"] > TOKEN_LIFETIME_SECONDS
            ):
                well_formed = len(token) >= 32 and all(c in "0123456789abcdefABCDEF" for c in token)
                raise InvalidParameter("Invalid parameter: Token" if well_formed else "Invalid token")
            subscription = subscription_from_row(row)
            if not subscription.confirmed:
                signed = authenticated(ctx)
                db.execute(
                    "UPDATE sns_subscriptions SET confirmed = 1, confirmation_was_authenticated = ?, "
                    "authenticate_on_unsubscribe = ? WHERE sub_id = ?",
                    (
                        int(signed),
                        int(signed and str(req.get("AuthenticateOnUnsubscribe", "")).lower() == "true"),
                        subscription.sub_id,
                    ),
                )
        return {"SubscriptionArn": subscription.arn}

    def unsubscribe(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        with db.transaction():
            check_subscription_arn(req["SubscriptionArn"])
            subscription = subscription_by_arn(db, req["SubscriptionArn"])
            if subscription is None or subscription.deleted:
                return {}  # unsubscribing twice succeeds, as in AWS
            if subscription.authenticate_on_unsubscribe and not authenticated(ctx):
                raise AuthorizationError(
                    "Unsubscribe requires an authenticated request for this subscription"
                )
            db.execute(
                "UPDATE sns_topics SET subscriptions_deleted = subscriptions_deleted + 1 WHERE arn = ?",
                (subscription.topic_arn,),
            )
            db.execute("DELETE FROM sns_fifo_pending WHERE subscription_arn = ?", (subscription.arn,))
            topic = topic_by_arn(db, subscription.topic_arn)
            if topic is not None and subscription.protocol in ("http", "https") and subscription.confirmed:
                # The endpoint is told, with a token whose SubscribeURL restores the subscription.
                token = _new_token()
                db.execute(
                    "UPDATE sns_subscriptions SET confirmed = -1, token = ?, created_at = ? WHERE sub_id = ?",
                    (token, now(ctx), subscription.sub_id),
                )
                farewell = replace(subscription, token=token)
                enqueue_confirmation(db, topic, farewell, "UnsubscribeConfirmation", now(ctx))
            else:
                db.execute("DELETE FROM sns_subscriptions WHERE sub_id = ?", (subscription.sub_id,))
        return {}

    # ------------------------------------------------------------------ attributes

    def get_subscription_attributes(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        subscription = require_subscription(db, req["SubscriptionArn"])
        topic = topic_by_arn(db, subscription.topic_arn)
        policy = topic.attributes.get("DeliveryPolicy") if topic is not None else None
        return {"Attributes": sub_attrs.describe(subscription, policy)}

    def set_subscription_attributes(self, ctx: RequestContext, req: dict) -> dict:
        name = req["AttributeName"]
        value = req.get("AttributeValue") or ""
        db = self.db()
        with db.transaction():
            subscription = require_subscription(db, req["SubscriptionArn"])
            topic = topic_by_arn(db, subscription.topic_arn)
            updated = sub_attrs.apply(
                subscription.attributes,
                {name: value},
                protocol=subscription.protocol,
                topic_fifo=bool(topic and topic.fifo),
            )
            save_subscription_attributes(db, subscription, updated)
        return {}

    # ------------------------------------------------------------------ listing

    def list_subscriptions(self, ctx: RequestContext, req: dict) -> dict:
        after = decode_token(req.get("NextToken"))
        rows = self.db().query(
            "SELECT * FROM sns_subscriptions WHERE account_id = ? AND region = ? AND sub_id > ? AND confirmed >= 0 "
            "ORDER BY sub_id LIMIT ?",
            (ctx.account_id, ctx.region, after, LIST_PAGE + 1),
        )
        return self._subscription_page(rows)

    def list_subscriptions_by_topic(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        topic = require_topic(db, req["TopicArn"], region=ctx.region)
        after = decode_token(req.get("NextToken"))
        rows = db.query(
            "SELECT * FROM sns_subscriptions WHERE topic_arn = ? AND sub_id > ? AND confirmed >= 0 "
            "ORDER BY sub_id LIMIT ?",
            (topic.arn, after, LIST_PAGE + 1),
        )
        return self._subscription_page(rows)

    def _subscription_page(self, rows: list) -> dict:
        kept, token = page(rows, LIST_PAGE, lambda row: row["sub_id"])
        result: dict = {"Subscriptions": [_list_entry(row) for row in kept]}
        if token:
            result["NextToken"] = token
        return result
