"""The message operations of SQS: send, receive (with long polling), delete, change visibility, batches.

The batch checks and per-entry results are in batches.py."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from stratus.core.context import RequestContext
from stratus.protocol.errors import ServiceError
from stratus.services.sqs import batches
from stratus.services.sqs import message_store as store
from stratus.services.sqs import messages as msg
from stratus.services.sqs.common import InvalidParameterValue, MissingParameter, Queue
from stratus.services.sqs.long_polling import QueueWaiters
from stratus.services.sqs.queue_store import queue_by_arn, queue_from_url
from stratus.services.sqs.receive_attempts import ReceiveAttempts
from stratus.store import Database

_NOT_FOR_QUEUE_TYPE = "The request include parameter that is not valid for this queue type."


class MessageNotInflight(ServiceError):
    code = "MessageNotInflight"


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """A validated send, ready to enqueue."""

    body: str
    attributes: dict[str, dict]
    system_attributes: dict[str, dict]
    size: int
    delay: int
    group_id: str | None
    dedup_id: str | None


class MessageOperations:
    runtime: Any

    def db(self) -> Database:  # pragma: no cover - SqsProvider overrides it
        raise NotImplementedError

    @property
    def queue_waiters(self) -> QueueWaiters:
        waiters = self.__dict__.get("_queue_waiters")
        if waiters is None:
            waiters = self.__dict__["_queue_waiters"] = QueueWaiters()
        return waiters

    @property
    def receive_attempts(self) -> ReceiveAttempts:
        attempts = self.__dict__.get("_receive_attempts")
        if attempts is None:
            attempts = self.__dict__["_receive_attempts"] = ReceiveAttempts()
        return attempts

    def _now(self) -> float:
        return self.runtime.clock.time()

    # ------------------------------------------------------------ send

    def send_message(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        queue = queue_from_url(ctx, db, req["QueueUrl"])
        outgoing = _outgoing(queue, req)
        msg.check_size(outgoing.size, queue.number("MaximumMessageSize"))
        result = self._enqueue(ctx, db, queue, outgoing)
        self.queue_waiters.wake(queue.queue_id)
        return result

    def send_message_batch(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        queue = queue_from_url(ctx, db, req["QueueUrl"])
        entries = batches.check_batch(req.get("Entries"), "SendMessageBatchRequestEntry")
        prepared: list[tuple[dict, OutgoingMessage | ServiceError]] = []
        total = 0
        for entry in entries:
            try:
                outgoing = _outgoing(queue, entry)
                total += outgoing.size
                msg.check_size(outgoing.size, queue.number("MaximumMessageSize"))
                prepared.append((entry, outgoing))
            except ServiceError as error:
                prepared.append((entry, error))
        batches.check_batch_size(total)

        def send(entry: dict, item: OutgoingMessage | ServiceError) -> dict:
            if isinstance(item, ServiceError):
                raise item
            return self._enqueue(ctx, db, queue, item)

        result = batches.run_batch(prepared, send)
        self.queue_waiters.wake(queue.queue_id)
        return result

    def _enqueue(self, ctx: RequestContext, db: Database, queue: Queue, outgoing: OutgoingMessage) -> dict:
        now = self._now()
        md5_attributes = msg.md5_of_attributes(outgoing.attributes)
        md5_system = msg.md5_of_attributes(outgoing.system_attributes)
        result: dict[str, Any] = {"MD5OfMessageBody": msg.md5_of_body(outgoing.body)}
        if md5_attributes:
            result["MD5OfMessageAttributes"] = md5_attributes
        if md5_system:
            result["MD5OfMessageSystemAttributes"] = md5_system
        with db.transaction():
            scope = ""
            if queue.fifo:
                if queue.attributes.get("DeduplicationScope") == "messageGroup":
                    scope = outgoing.group_id or ""
                duplicate = store.find_duplicate(db, queue.queue_id, scope, outgoing.dedup_id or "", now)
                if duplicate is not None:  # accepted, not enqueued again (AWS's exactly-once send)
                    return {
                        **result,
                        "MessageId": duplicate["message_id"],
                        "SequenceNumber": duplicate["sequence_number"],
                    }
            message_id = str(uuid.uuid4())
            sequence_number = store.next_sequence_number(db, queue.queue_id) if queue.fifo else None
            store.insert_message(
                db,
                queue.queue_id,
                {
                    "message_id": message_id,
                    "body": outgoing.body,
                    "message_attributes": _json_or_none(msg.attributes_to_json(outgoing.attributes)),
                    "system_attributes": _json_or_none(msg.attributes_to_json(outgoing.system_attributes)),
                    "md5_body": result["MD5OfMessageBody"],
                    "md5_attributes": md5_attributes,
                    "md5_system_attributes": md5_system,
                    "sent_at": now,
                    "visible_at": now + outgoing.delay,
                    "expires_at": now + queue.number("MessageRetentionPeriod"),
                    "group_id": outgoing.group_id,
                    "dedup_id": outgoing.dedup_id,
                    "sequence_number": sequence_number,
                    "sender_id": ctx.principal.user_id,
                },
            )
            if queue.fifo:
                expires = now + msg.DEDUPLICATION_WINDOW
                store.record_deduplication(
                    db,
                    queue.queue_id,
                    scope,
                    outgoing.dedup_id or "",
                    message_id,
                    sequence_number or "",
                    expires,
                )
        result["MessageId"] = message_id
        if sequence_number:
            result["SequenceNumber"] = sequence_number
        return result

    # ------------------------------------------------------------ receive

    async def receive_message(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        queue = queue_from_url(ctx, db, req["QueueUrl"])
        limit = _optional_int(req, "MaxNumberOfMessages", 1)
        if not 1 <= limit <= 10:
            raise msg.invalid_value(limit, "MaxNumberOfMessages", "Must be between 1 and 10, if provided.")
        visibility = _optional_int(req, "VisibilityTimeout", queue.number("VisibilityTimeout"))
        if not 0 <= visibility <= msg.MAX_VISIBILITY_TIMEOUT:
            raise msg.invalid_value(
                visibility, "VisibilityTimeout", "Must be between 0 and 43200, if provided."
            )
        wait = _optional_int(req, "WaitTimeSeconds", queue.number("ReceiveMessageWaitTimeSeconds"))
        if not 0 <= wait <= 20:
            raise msg.invalid_value(wait, "WaitTimeSeconds", "Must be >= 0 and <= 20, if provided.")
        attempt_id = req.get("ReceiveRequestAttemptId")
        clock = self.runtime.clock
        replayed = self.receive_attempts.replay(db, queue, attempt_id, clock.time(), visibility)
        if replayed is not None:  # a FIFO retry: the same messages and receipt handles
            return replayed
        dead_letter = _dead_letter_target(db, queue)
        deadline = clock.time() + wait
        while True:
            now = clock.time()
            claimed = store.claim_messages(db, queue, now, limit, visibility, dead_letter)
            if dead_letter is not None:
                self.queue_waiters.wake(dead_letter.queue.queue_id)
            if claimed or now >= deadline:
                break
            next_visible = store.earliest_visible_at(db, queue.queue_id, now)
            until = deadline if next_visible is None else min(deadline, next_visible)
            # Never inside a transaction: claim_messages committed before we wait.
            await self.queue_waiters.wait(queue.queue_id, until - now, clock)
        if not claimed:
            return {}
        system_names = set(req.get("AttributeNames") or ()) | set(
            req.get("MessageSystemAttributeNames") or ()
        )
        output = {
            "Messages": [
                msg.received_message(queue.queue_id, row, system_names, req.get("MessageAttributeNames"))
                for row in claimed
            ]
        }
        self.receive_attempts.record(queue, attempt_id, now, claimed, output)
        return output

    # ------------------------------------------------------------ delete

    def delete_message(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        queue = queue_from_url(ctx, db, req["QueueUrl"])
        self._delete(db, queue, req.get("ReceiptHandle"))
        return {}

    def delete_message_batch(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        queue = queue_from_url(ctx, db, req["QueueUrl"])
        entries = batches.check_batch(req.get("Entries"), "DeleteMessageBatchRequestEntry")
        return batches.run_batch(
            [(entry, entry) for entry in entries],
            lambda e, _: self._delete(db, queue, e.get("ReceiptHandle")),
        )

    def _delete(self, db: Database, queue: Queue, handle: str | None) -> dict:
        with db.transaction():
            row = _message_for_handle(db, queue, handle, self._now())
            if row is not None:
                store.delete_message(db, row["seq"])
        return {}

    # ------------------------------------------------------------ visibility

    def change_message_visibility(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        queue = queue_from_url(ctx, db, req["QueueUrl"])
        self._change_visibility(db, queue, req.get("ReceiptHandle"), req.get("VisibilityTimeout"))
        return {}

    def change_message_visibility_batch(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        queue = queue_from_url(ctx, db, req["QueueUrl"])
        entries = batches.check_batch(req.get("Entries"), "ChangeMessageVisibilityBatchRequestEntry")
        return batches.run_batch(
            [(entry, entry) for entry in entries],
            lambda e, _: self._change_visibility(
                db, queue, e.get("ReceiptHandle"), e.get("VisibilityTimeout")
            ),
        )

    def _change_visibility(self, db: Database, queue: Queue, handle: str | None, timeout: int | None) -> dict:
        if timeout is None:
            raise MissingParameter("The request must contain the parameter VisibilityTimeout.")
        if not 0 <= timeout <= msg.MAX_VISIBILITY_TIMEOUT:
            raise msg.invalid_value(timeout, "VisibilityTimeout", "Must be between 0 and 43200, if provided.")
        now = self._now()
        with db.transaction():
            row = _message_for_handle(db, queue, handle, now)
            if row is None or row["received_at"] is None or row["visible_at"] <= now:
                raise MessageNotInflight(
                    "Message does not exist or is not available for visibility timeout change."
                )
            # The 12-hour limit counts (in whole seconds) from the receive, whatever the changes in between.
            if timeout + int(now - row["received_at"]) > msg.MAX_VISIBILITY_TIMEOUT:
                raise msg.invalid_value(
                    timeout,
                    "VisibilityTimeout",
                    "Total VisibilityTimeout for the message is beyond the limit [43200 seconds]",
                )
            store.set_visible_at(db, row["seq"], now + timeout)
        if timeout == 0:
            self.queue_waiters.wake(queue.queue_id)
        return {}


# ---------------------------------------------------------------- helpers


def _optional_int(req: dict, name: str, default: int) -> int:
    value = req.get(name)
    return default if value is None else int(value)


def _json_or_none(value: dict) -> str | None:
    return json.dumps(value) if value else None


def _outgoing(queue: Queue, req: dict) -> OutgoingMessage:
    """Validate one SendMessage (or batch entry) against the queue, in AWS's order of checks."""
    body = req.get("MessageBody")
    msg.check_body(body)
    attributes = msg.normalize_attributes(req.get("MessageAttributes"))
    system_attributes = msg.normalize_attributes(req.get("MessageSystemAttributes"), system=True)
    size = msg.message_size(body, attributes)
    delay = req.get("DelaySeconds")
    group_id, dedup_id = req.get("MessageGroupId"), req.get("MessageDeduplicationId")
    if delay is not None and not 0 <= delay <= msg.MAX_DELAY_SECONDS:
        raise msg.invalid_value(delay, "DelaySeconds", "DelaySeconds must be >= 0 and <= 900.")
    if group_id is not None:
        msg.check_fifo_id(group_id, "MessageGroupId")
    if not queue.fifo:
        if dedup_id is not None:
            raise msg.invalid_value(dedup_id, "MessageDeduplicationId", _NOT_FOR_QUEUE_TYPE)
        return OutgoingMessage(
            body, attributes, system_attributes, size, delay if delay is not None else queue.number("DelaySeconds"),
            group_id, None,
        )  # fmt: skip
    if delay:  # FIFO queues delay whole queues only
        raise msg.invalid_value(delay, "DelaySeconds", _NOT_FOR_QUEUE_TYPE)
    if group_id is None:
        raise MissingParameter("The request must contain the parameter MessageGroupId.")
    if dedup_id is not None:
        msg.check_fifo_id(dedup_id, "MessageDeduplicationId")
    elif queue.attributes.get("ContentBasedDeduplication") == "true":
        dedup_id = msg.content_deduplication_id(body)
    else:
        raise InvalidParameterValue(
            "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided "
            "explicitly"
        )
    return OutgoingMessage(
        body, attributes, system_attributes, size, queue.number("DelaySeconds"), group_id, dedup_id
    )


def _dead_letter_target(db: Database, queue: Queue) -> store.DeadLetterTarget | None:
    policy_text = queue.attributes.get("RedrivePolicy")
    if not policy_text:
        return None
    try:
        policy = json.loads(policy_text)
        target = queue_by_arn(db, policy["deadLetterTargetArn"])
        max_receive_count = int(policy["maxReceiveCount"])
    except (ValueError, KeyError, TypeError):
        return None
    if target is None or target.queue_id == queue.queue_id:
        return None
    return store.DeadLetterTarget(target, max_receive_count)


def _message_for_handle(db: Database, queue: Queue, handle: str | None, now: float) -> Any:
    """The message a receipt handle names, None if it is gone; AWS's errors for handles not to be used."""
    parts = msg.decode_receipt_handle(handle)
    if parts.queue_id != queue.queue_id:
        raise msg.ReceiptHandleIsInvalid(f'The receipt handle "{handle}" is not valid for this queue.')
    row = store.message_by_id(db, queue.queue_id, parts.message_id)
    if row is None:
        return None
    # FIFO handles expire with their receive; standard queues accept an older handle (AWS documents it).
    stale = row["receipt_nonce"] != parts.nonce or row["visible_at"] <= now
    if queue.fifo and stale:
        raise msg.invalid_value(handle, "ReceiptHandle", "The receipt handle has expired.")
    return row
