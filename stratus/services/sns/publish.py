"""Publish and PublishBatch: validate, deduplicate (FIFO), pick the subscriptions whose filter
policies match, and write the deliveries to the outbox in the same transaction.

A standard topic's publish is one outbox row (`sns.fanout`) naming every matching subscription;
a FIFO topic's is one line entry per subscription (`sns_fifo_pending`) plus a wake-up row
(`sns.fifo`), so each (subscription, message group) is delivered strictly in order.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import uuid

from stratus.core.context import RequestContext
from stratus.core.outbox import enqueue
from stratus.protocol.errors import ServiceError
from stratus.services.sns.common import EndpointDisabled, NotFound, invalid, now, parse_sns_arn
from stratus.services.sns.envelope import message_for
from stratus.services.sns.filter_policy import FilterPolicy, parse_filter_policy
from stratus.services.sns.message_attributes import attributes_size, filter_view, validate_attributes
from stratus.services.sns.platform import find_platform_endpoint
from stratus.services.sns.sms import validate_phone_number
from stratus.services.sns.subscription_store import Subscription, confirmed_subscriptions
from stratus.services.sns.topic_store import Topic, require_topic
from stratus.store import Database

MAX_MESSAGE_BYTES = 262_144
MAX_SUBJECT = 100
SUBJECT = re.compile(r"^[\x20-\x7e]+$")
DEDUP_WINDOW_SECONDS = 300
MAX_BATCH = 10
BATCH_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
GROUP_ID = re.compile(r"^[\x21-\x7e]{1,128}$")
FANOUT_KIND = "sns.fanout"
FIFO_KIND = "sns.fifo"
DIRECT_KIND = "sns.direct"


class BatchError(ServiceError):
    status = 400


@functools.lru_cache(maxsize=4096)
def compiled_filter(text: str, scope: str) -> FilterPolicy:
    return parse_filter_policy(text, scope)


def matches(subscription: Subscription, message: dict, view: dict) -> bool:
    policy_text = subscription.attributes.get("FilterPolicy")
    if not policy_text:
        return True
    policy = compiled_filter(
        policy_text, subscription.attributes.get("FilterPolicyScope", "MessageAttributes")
    )
    return policy.matches(message_attributes=view, body=message_for(message, subscription.protocol))


def _structured(text: str) -> dict:
    try:
        document = json.loads(text)
    except ValueError:
        raise invalid("Message Structure - JSON message body failed to parse") from None
    if not isinstance(document, dict):
        raise invalid("Message Structure - JSON message body failed to parse")
    if not isinstance(document.get("default"), str):
        raise invalid("Message Structure - No default entry in JSON message body")
    return document


def _check_subject(subject: object) -> None:
    if subject is None:
        return
    if (
        not isinstance(subject, str)
        or not subject
        or len(subject) > MAX_SUBJECT
        or not SUBJECT.match(subject)
    ):
        raise invalid("Subject")
    if subject[0] == " ":  # must begin with a letter, number or punctuation mark
        raise invalid("Subject")


def _message_fields(req: dict) -> dict:
    """Everything of a publish that does not depend on its target, validated."""
    text = req.get("Message")
    if not isinstance(text, str) or text == "":
        raise invalid("Empty message")
    _check_subject(req.get("Subject"))
    structure = req.get("MessageStructure")
    if structure is not None and structure != "json":
        raise invalid("MessageStructure")
    structured = _structured(text) if structure == "json" else None
    attributes = validate_attributes(req.get("MessageAttributes"))
    if len(text.encode()) + attributes_size(attributes) > MAX_MESSAGE_BYTES:
        raise invalid("Message too long")
    return {
        "message": text,
        "structured": structured,
        "subject": req.get("Subject"),
        "attributes": attributes,
    }


def _check_fifo_fields(topic: Topic, req: dict) -> None:
    group_id, dedup_id = req.get("MessageGroupId"), req.get("MessageDeduplicationId")
    if group_id is not None and not GROUP_ID.match(group_id):
        raise invalid("MessageGroupId")
    if not topic.fifo:
        if dedup_id is not None:
            raise invalid(
                "MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter "
                "that is not valid for this topic type"
            )
        return
    if group_id is None:
        raise invalid("The MessageGroupId parameter is required for FIFO topics")
    if dedup_id is None and not topic.content_based_deduplication:
        raise invalid(
            "The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId "
            "provided explicitly"
        )
    if dedup_id is not None and not GROUP_ID.match(dedup_id):
        raise invalid("MessageDeduplicationId")


def _content_dedup_id(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class PublishOperations:
    def db(self) -> Database:  # supplied by SnsProvider
        raise NotImplementedError

    def publish(self, ctx: RequestContext, req: dict) -> dict:
        targets = [name for name in ("TopicArn", "TargetArn", "PhoneNumber") if req.get(name)]
        if not targets:
            raise invalid("TopicArn or TargetArn Reason: no value for required parameter")
        if len(targets) > 1:
            raise invalid(f"{targets[1]} Reason: Only one of TopicArn, TargetArn or PhoneNumber may be given")
        fields = _message_fields(req)
        db = self.db()
        if req.get("PhoneNumber"):
            number = validate_phone_number(req["PhoneNumber"])
            return self._publish_direct(ctx, db, fields, "sms", number, ctx.account_id, ctx.region)
        arn = req.get("TopicArn") or req["TargetArn"]
        parsed = parse_sns_arn(arn)
        if parsed is not None and parsed[2].startswith("endpoint/"):
            return self._publish_to_endpoint(ctx, db, fields, arn)
        with db.transaction():
            topic = require_topic(
                db, arn, "TopicArn" if req.get("TopicArn") else "TargetArn", region=ctx.region
            )
            return self._publish_to_topic(ctx, db, topic, fields, req)

    def publish_batch(self, ctx: RequestContext, req: dict) -> dict:
        entries = req.get("PublishBatchRequestEntries") or []
        if not entries:
            raise BatchError("The batch request doesn't contain any entries.", code="EmptyBatchRequest")
        if len(entries) > MAX_BATCH:
            raise BatchError(
                "The batch request contains more entries than permissible.",
                code="TooManyEntriesInBatchRequest",
            )
        ids = [entry.get("Id") or "" for entry in entries]
        for entry_id in ids:
            if not BATCH_ID.match(entry_id):
                raise BatchError(
                    "A batch entry id can only contain alphanumeric characters, hyphens and underscores. "
                    "It can be at most 80 letters long.",
                    code="InvalidBatchEntryId",
                )
        if len(set(ids)) != len(ids):
            raise BatchError(
                "Two or more batch entries in the request have the same Id.", code="BatchEntryIdsNotDistinct"
            )
        total = 0
        for entry in entries:
            text = entry.get("Message") if isinstance(entry.get("Message"), str) else ""
            try:
                size = attributes_size(validate_attributes(entry.get("MessageAttributes")))
            except ServiceError:
                size = 0
            total += len(text.encode()) + size
        if total > MAX_MESSAGE_BYTES:
            raise BatchError(
                "The length of all the messages put together is more than the limit.",
                code="BatchRequestTooLong",
            )
        db = self.db()
        topic = require_topic(db, req["TopicArn"], region=ctx.region)
        for entry in entries:  # these fail the whole request, as in AWS
            validate_attributes(entry.get("MessageAttributes"))
            if entry.get("MessageStructure") == "json" and isinstance(entry.get("Message"), str):
                _structured(entry["Message"])
            _check_fifo_fields(topic, entry)
        successful, failed = [], []
        for entry in entries:
            try:
                fields = _message_fields(entry)
                with db.transaction():
                    result = self._publish_to_topic(ctx, db, require_topic(db, topic.arn), fields, entry)
            except ServiceError as error:
                failed.append(
                    {
                        "Id": entry["Id"],
                        "Code": error.code,
                        "Message": error.message,
                        "SenderFault": error.sender_fault,
                    }
                )
                continue
            successful.append({"Id": entry["Id"], **result})
        return {"Successful": successful, "Failed": failed}

    # ------------------------------------------------------------------ targets

    def _publish_to_topic(
        self, ctx: RequestContext, db: Database, topic: Topic, fields: dict, req: dict
    ) -> dict:
        at = now(ctx)
        group_id, dedup_id = req.get("MessageGroupId"), req.get("MessageDeduplicationId")
        message = {
            "message_id": str(uuid.uuid4()),
            "topic_arn": topic.arn,
            "account_id": topic.account_id,
            "region": topic.region,
            "timestamp": at,
            "signature_version": topic.signature_version,
            **fields,
        }
        _check_fifo_fields(topic, req)
        if not topic.fifo:
            if group_id is not None:
                message["group_id"] = group_id  # passed on to SQS (fair queues)
            return self._fan_out(db, topic, message)
        if dedup_id is None:
            dedup_id = _content_dedup_id(fields["message"])
        scope = group_id if topic.attributes.get("FifoThroughputScope") == "MessageGroup" else ""
        db.execute("DELETE FROM sns_fifo_dedup WHERE expires_at <= ?", (at,))
        duplicate = db.query_one(
            "SELECT message_id, sequence_number FROM sns_fifo_dedup WHERE topic_arn = ? AND scope = ? AND dedup_id = ?",
            (topic.arn, scope, dedup_id),
        )
        if duplicate is not None:  # accepted, not delivered again
            return {"MessageId": duplicate["message_id"], "SequenceNumber": duplicate["sequence_number"]}
        db.execute(
            "UPDATE sns_topics SET last_sequence = last_sequence + 1 WHERE topic_id = ?", (topic.topic_id,)
        )
        sequence = db.query_one("SELECT last_sequence FROM sns_topics WHERE topic_id = ?", (topic.topic_id,))[
            0
        ]
        sequence_number = f"{10**19 + sequence:020d}"
        db.execute(
            "INSERT INTO sns_fifo_dedup (topic_arn, scope, dedup_id, message_id, sequence_number, expires_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (topic.arn, scope, dedup_id, message["message_id"], sequence_number, at + DEDUP_WINDOW_SECONDS),
        )
        message.update(group_id=group_id, dedup_id=dedup_id, sequence_number=sequence_number)
        view = filter_view(message["attributes"])
        for subscription in confirmed_subscriptions(db, topic.arn):
            if not matches(subscription, message, view):
                continue
            line = {**message, "subscriptions": [subscription.arn]}
            db.execute(
                "INSERT INTO sns_fifo_pending (subscription_arn, group_id, payload) VALUES (?, ?, ?)",
                (subscription.arn, group_id, json.dumps(line, separators=(",", ":"))),
            )
            enqueue(db, FIFO_KIND, {"subscription_arn": subscription.arn, "group_id": group_id})
        return {"MessageId": message["message_id"], "SequenceNumber": sequence_number}

    def _fan_out(self, db: Database, topic: Topic, message: dict) -> dict:
        view = filter_view(message["attributes"])
        targets = [s.arn for s in confirmed_subscriptions(db, topic.arn) if matches(s, message, view)]
        if targets:
            enqueue(db, FANOUT_KIND, {**message, "subscriptions": targets})
        return {"MessageId": message["message_id"]}

    def _publish_to_endpoint(self, ctx: RequestContext, db: Database, fields: dict, arn: str) -> dict:
        endpoint = find_platform_endpoint(db, arn)
        if endpoint is None:
            raise NotFound("Endpoint does not exist")
        if not endpoint["enabled"]:
            raise EndpointDisabled("Endpoint is disabled")
        region, account_id, _ = parse_sns_arn(arn)
        return self._publish_direct(
            ctx, db, {**fields, "platform": endpoint["platform"]}, "application", arn, account_id, region
        )

    def _publish_direct(
        self,
        ctx: RequestContext,
        db: Database,
        fields: dict,
        protocol: str,
        endpoint: str,
        account_id: str,
        region: str,
    ) -> dict:
        message = {
            "message_id": str(uuid.uuid4()),
            "topic_arn": None,
            "account_id": account_id,
            "region": region,
            "timestamp": now(ctx),
            "signature_version": "1",
            "protocol": protocol,
            "endpoint": endpoint,
            **fields,
        }
        with db.transaction():
            enqueue(db, DIRECT_KIND, message)
        return {"MessageId": message["message_id"]}
