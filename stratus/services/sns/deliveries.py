"""The outbox handlers of SNS: fan-out, FIFO lines, direct publishes, retries, confirmations.

Each delivery ends in the delivery log (sns_delivery_log): SUCCESS, or FAILURE once it failed
client-side or its delivery policy ran out, after which the message goes to the subscription's
dead-letter queue if it has one. A server-side failure schedules the next attempt as its own
outbox row (`sns.retry`) with the policy's delay, so one slow endpoint never holds back the others.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING

from stratus.core.outbox import enqueue
from stratus.services.sns import envelope
from stratus.services.sns.delivery_policy import effective_http_policy, retry_policy_for
from stratus.services.sns.publish import DIRECT_KIND, FANOUT_KIND, FIFO_KIND
from stratus.services.sns.sent_messages import record_sent
from stratus.services.sns.subscription_store import Subscription, subscription_by_arn
from stratus.services.sns.subscriptions import CONFIRMATION_KIND
from stratus.services.sns.targets import Deliverer, Outcome, Target, post_outcome
from stratus.services.sns.topic_store import topic_by_arn
from stratus.store import Database

if TYPE_CHECKING:
    from stratus.runtime import Runtime

log = logging.getLogger("stratus.sns")

RETRY_KIND = "sns.retry"
DELIVERY_LOG_KEEP = 10_000
CONFIRMATION_EMAIL = (
    "You have chosen to subscribe to the topic: \n{topic}\n\n"
    "To confirm this subscription, click or visit the link below (If this was in error no action is necessary):\n"
    "{url}\n\nPlease do not reply directly to this email. If you wish to remove yourself from receiving all "
    "future SNS subscription confirmation requests please send an email to sns-opt-out"
)


class RetryLater(Exception):
    """A FIFO line's head failed server-side: the outbox tries the line again later, in order."""


class SnsDeliveries:
    def __init__(self, runtime: Runtime, db_factory) -> None:
        self.runtime = runtime
        self._db_factory = db_factory
        self._line_locks: dict[tuple[str, str], asyncio.Lock] = {}
        self._logged = 0

    @property
    def db(self) -> Database:
        return self._db_factory()

    def register(self) -> None:
        outbox = self.runtime.outbox
        outbox.register(FANOUT_KIND, self.fan_out, max_attempts=100, max_delay=20.0)
        outbox.register(RETRY_KIND, self.retry, max_attempts=100, max_delay=20.0)
        outbox.register(DIRECT_KIND, self.direct, max_attempts=50, max_delay=600.0)
        outbox.register(FIFO_KIND, self.fifo_line, max_attempts=100_000, base_delay=1.0, max_delay=20.0)
        outbox.register(CONFIRMATION_KIND, self.confirm, max_attempts=5, base_delay=5.0)

    # ------------------------------------------------------------------ handlers

    async def fan_out(self, payload: dict) -> None:
        deliverer = Deliverer(self.runtime, self.db)
        subscriptions = [subscription_by_arn(self.db, arn) for arn in payload["subscriptions"]]
        # unsubscribed since the publish: skipped
        live = [s for s in subscriptions if s is not None and s.confirmed]
        results = await asyncio.gather(*(self._attempt(deliverer, s, payload, attempt=1) for s in live))
        self._log_outcomes(payload, list(zip(live, results, strict=True)))

    async def retry(self, payload: dict) -> None:
        subscription = subscription_by_arn(self.db, payload["subscriptions"][0])
        if subscription is None or not subscription.confirmed:
            return
        deliverer = Deliverer(self.runtime, self.db)
        outcome = await self._attempt(deliverer, subscription, payload, attempt=payload["attempt"])
        self._log_outcomes(payload, [(subscription, outcome)])

    async def direct(self, payload: dict) -> None:
        deliverer = Deliverer(self.runtime, self.db)
        target = Target(payload["protocol"], payload["endpoint"])
        outcome = await deliverer.deliver(target, payload)
        if not outcome.delivered and outcome.retryable:
            raise RuntimeError(outcome.detail)  # the outbox's own backoff retries it
        self._log([(payload, None, target, outcome, 1, None)])

    async def fifo_line(self, payload: dict) -> None:
        key = (payload["subscription_arn"], payload["group_id"])
        lock = self._line_locks.setdefault(key, asyncio.Lock())
        try:
            async with lock:
                await self._drain_line(*key)
        finally:
            if not lock.locked() and self._line_locks.get(key) is lock:
                del self._line_locks[key]

    async def _drain_line(self, subscription_arn: str, group_id: str) -> None:
        deliverer = Deliverer(self.runtime, self.db)
        while True:
            db = self.db
            row = db.query_one(
                "SELECT seq, payload FROM sns_fifo_pending WHERE subscription_arn = ? AND group_id = ? "
                "ORDER BY seq LIMIT 1",
                (subscription_arn, group_id),
            )
            if row is None:
                return
            message = json.loads(row["payload"])
            subscription = subscription_by_arn(db, subscription_arn)
            if subscription is not None and subscription.confirmed:
                target = self._target(subscription)
                outcome = await deliverer.deliver(target, message)
                if not outcome.delivered and outcome.retryable:
                    raise RetryLater(outcome.detail)
                dead_letter = (
                    None
                    if outcome.delivered
                    else await self._dead_letter(deliverer, subscription, message, outcome)
                )
                self._log([(message, subscription, target, outcome, 1, dead_letter)])
            with db.transaction():
                db.execute("DELETE FROM sns_fifo_pending WHERE seq = ?", (row["seq"],))

    async def confirm(self, payload: dict) -> None:
        db = self.db
        subscription = subscription_by_arn(db, payload["subscription_arn"])
        if subscription is None or subscription.token != payload["token"]:
            return  # confirmed, restored or deleted since
        deliverer = Deliverer(self.runtime, db)
        await deliverer.ensure_identity(payload["region"])
        document = envelope.confirmation(
            payload["kind"],
            message_id=payload["message_id"],
            topic_arn=payload["topic_arn"],
            subscription_arn=payload["subscription_arn"],
            token=payload["token"],
            timestamp=payload["timestamp"],
            signature_version=payload["signature_version"],
            endpoint=self.runtime.endpoint,
            identity=deliverer.identity(payload["region"]),
        )
        protocol = payload["protocol"]
        if protocol in ("http", "https"):
            headers = [
                ("x-amz-sns-message-type", payload["kind"]),
                ("x-amz-sns-message-id", payload["message_id"]),
                ("x-amz-sns-topic-arn", payload["topic_arn"]),
                ("Content-Type", "text/plain; charset=UTF-8"),
                ("User-Agent", "Amazon Simple Notification Service Agent"),
            ]
            if payload["kind"] == "UnsubscribeConfirmation":
                headers.append(("x-amz-sns-subscription-arn", payload["subscription_arn"]))
            outcome = await post_outcome(payload["endpoint"], envelope.to_json(document).encode(), headers)
            if not outcome.delivered and outcome.retryable:
                raise RuntimeError(outcome.detail)
            return
        if protocol == "sqs":
            await deliverer.send_to_queue(payload["endpoint"], payload, envelope.to_json(document), None)
            return
        if protocol in ("email", "email-json"):
            body = (
                CONFIRMATION_EMAIL.format(topic=payload["topic_arn"], url=document["SubscribeURL"])
                if protocol == "email"
                else envelope.to_json(document)
            )
            with db.transaction():
                record_sent(
                    db,
                    account_id=payload["account_id"],
                    region=payload["region"],
                    protocol=protocol,
                    endpoint=payload["endpoint"],
                    message_id=payload["message_id"],
                    kind=payload["kind"],
                    body=body,
                    sent_at=self.runtime.clock.time(),
                    subject="AWS Notification - Subscription Confirmation",
                    topic_arn=payload["topic_arn"],
                    subscription_arn=payload["subscription_arn"],
                )
            return
        log.info("no confirmation channel for %s endpoint %s", protocol, payload["endpoint"])

    # ------------------------------------------------------------------ one attempt, its retry, its end

    def _target(self, subscription: Subscription) -> Target:
        target = Target(subscription.protocol, subscription.endpoint, subscription.arn, subscription.raw)
        if subscription.protocol in ("http", "https"):
            effective = self._effective_http(subscription)
            request = effective.get("requestPolicy") or {}
            target.content_type = request.get("headerContentType") or target.content_type
        elif subscription.protocol == "sms":
            topic = topic_by_arn(self.db, subscription.topic_arn)
            target.display_name = topic.attributes.get("DisplayName", "") if topic is not None else ""
        return target

    def _effective_http(self, subscription: Subscription) -> dict:
        topic = topic_by_arn(self.db, subscription.topic_arn)
        topic_policy = topic.attributes.get("DeliveryPolicy") if topic is not None else None
        return effective_http_policy(topic_policy, subscription.attributes.get("DeliveryPolicy"))

    async def _attempt(self, deliverer: Deliverer, subscription: Subscription, message: dict, attempt: int):
        target = self._target(subscription)
        outcome = await deliverer.deliver(target, message)
        if outcome.delivered:
            return (outcome, attempt, None, target)
        if outcome.retryable:
            effective = (
                self._effective_http(subscription) if subscription.protocol in ("http", "https") else None
            )
            policy = retry_policy_for(subscription.protocol, effective)
            if attempt < policy.attempts:
                db = self.db
                with db.transaction():
                    enqueue(
                        db,
                        RETRY_KIND,
                        {**message, "subscriptions": [subscription.arn], "attempt": attempt + 1},
                        delay=policy.delay_before(attempt + 1),
                        clock=self.runtime.clock,
                    )
                return None  # not over yet: nothing to log
        dead_letter = await self._dead_letter(deliverer, subscription, message, outcome)
        return (outcome, attempt, dead_letter, target)

    async def _dead_letter(
        self, deliverer: Deliverer, subscription: Subscription, message: dict, outcome: Outcome
    ) -> str | None:
        policy = subscription.attributes.get("RedrivePolicy")
        if not policy:
            return None
        queue_arn = json.loads(policy)["deadLetterTargetArn"]
        text = envelope.message_for(message, subscription.protocol, message.get("platform"))
        body = (
            text
            if subscription.raw
            else envelope.to_json(deliverer.notification(message, text, subscription.arn))
        )
        attributes = {
            "RequestID": {"DataType": "String", "StringValue": message["message_id"]},
            "ErrorCode": {"DataType": "String", "StringValue": outcome.code or "DeliveryFailure"},
            "ErrorMessage": {
                "DataType": "String",
                "StringValue": (outcome.detail or "delivery failed")[:1000],
            },
        }
        try:
            await deliverer.send_to_queue(
                queue_arn, {**message, "source_arn": subscription.topic_arn}, body, attributes
            )
        except Exception as error:  # the DLQ is gone or refuses SNS: the message is dropped, as in AWS
            log.warning(
                "dead-letter queue %s refused a message of %s: %s", queue_arn, subscription.arn, error
            )
            return None
        return queue_arn

    # ------------------------------------------------------------------ the delivery log

    def _log_outcomes(self, message: dict, outcomes: list) -> None:
        entries = []
        for subscription, result in outcomes:
            if result is not None:  # None: a retry is scheduled, the delivery is not over
                outcome, attempts, dead_letter, target = result
                entries.append((message, subscription, target, outcome, attempts, dead_letter))
        self._log(entries)

    def _log(self, entries: list[tuple]) -> None:
        if not entries:
            return
        db = self.db
        at = self.runtime.clock.time()
        rows = [
            (
                message["account_id"],
                message["region"],
                message.get("topic_arn"),
                subscription.arn if subscription is not None else None,
                target.protocol,
                target.endpoint,
                message["message_id"],
                "SUCCESS" if outcome.delivered else "FAILURE",
                attempts,
                outcome.detail or None,
                dead_letter,
                at,
            )
            for message, subscription, target, outcome, attempts, dead_letter in entries
        ]
        with db.transaction():
            db.executemany(
                "INSERT INTO sns_delivery_log (account_id, region, topic_arn, subscription_arn, protocol, endpoint, "
                "message_id, status, attempts, detail, dead_letter_arn, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            before = self._logged
            self._logged += len(rows)
            if before // 1000 != self._logged // 1000:  # keep the log bounded
                last = db.query_one("SELECT MAX(id) FROM sns_delivery_log")[0]
                db.execute("DELETE FROM sns_delivery_log WHERE id <= ?", (last - DELIVERY_LOG_KEEP,))


def delivery_log(
    db: Database, *, topic_arn: str | None = None, status: str | None = None, limit: int = 1000
) -> list[dict]:
    clauses, params = [], []
    if topic_arn:
        clauses.append("topic_arn = ?")
        params.append(topic_arn)
    if status:
        clauses.append("status = ?")
        params.append(status)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = db.query(f"SELECT * FROM sns_delivery_log{where} ORDER BY id LIMIT ?", (*params, limit))
    return [dict(row) for row in rows]
