"""Dead-letter queue redrive: StartMessageMoveTask, CancelMessageMoveTask, ListMessageMoveTasks.

A task moves every message of a dead-letter queue back to the queue it came from
(`dead_letter_source_arn`) or to DestinationArn. Stratus moves them at once, in one transaction, so a
task is COMPLETED (or FAILED) when StartMessageMoveTask answers; its record keeps AWS's counts.
"""

from __future__ import annotations

import base64
import json
import uuid

from stratus.core.context import RequestContext
from stratus.protocol.errors import ServiceError
from stratus.services.sqs.common import InvalidParameterValue, Queue
from stratus.services.sqs.queue_store import queue_by_arn
from stratus.store import Database

MAX_RATE = 500
MAX_LIST_RESULTS = 10
# Columns copied when a message changes queue (seq is new: it joins the destination's order).
_KEPT_COLUMNS = (
    "message_id, body, message_attributes, system_attributes, md5_body, md5_attributes, "
    "md5_system_attributes, sent_at, group_id, dedup_id, sequence_number, sender_id"
)


class ResourceNotFoundException(ServiceError):
    code = "ResourceNotFoundException"


class UnsupportedOperation(ServiceError):
    code = "UnsupportedOperation"


def _is_dead_letter_queue(db: Database, queue: Queue) -> bool:
    rows = db.query(
        "SELECT attributes FROM sqs_queues WHERE account_id = ? AND region = ? AND attributes LIKE ?",
        (queue.account_id, queue.region, f"%{queue.arn}%"),
    )
    for row in rows:
        policy = json.loads(row["attributes"]).get("RedrivePolicy")
        if policy and json.loads(policy).get("deadLetterTargetArn") == queue.arn:
            return True
    return False


def _owned_queue(ctx: RequestContext, db: Database, arn: str, parameter: str) -> Queue:
    queue = queue_by_arn(db, arn)
    if queue is None or queue.account_id != ctx.account_id:
        raise ResourceNotFoundException(
            f"The resource that you specified for the {parameter} parameter doesn't exist."
        )
    return queue


def _move(db: Database, source: Queue, destination: Queue, seqs: list[int], now: float) -> None:
    retention = destination.number("MessageRetentionPeriod")
    for seq in seqs:
        db.execute(
            f"INSERT INTO sqs_messages ({_KEPT_COLUMNS}, queue_id, visible_at, expires_at, receive_count)"
            f" SELECT {_KEPT_COLUMNS}, ?, ?, ?, 0 FROM sqs_messages WHERE seq = ?",
            (destination.queue_id, now, now + retention, seq),
        )
        db.execute("DELETE FROM sqs_messages WHERE seq = ?", (seq,))


class MoveTaskOperations:
    def db(self) -> Database:  # pragma: no cover - SqsProvider overrides it
        raise NotImplementedError

    def start_message_move_task(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        source = _owned_queue(ctx, db, req["SourceArn"], "SourceArn")
        destination = None
        if req.get("DestinationArn"):
            destination = _owned_queue(ctx, db, req["DestinationArn"], "DestinationArn")
        rate = req.get("MaxNumberOfMessagesPerSecond")
        if rate is not None and not 1 <= int(rate) <= MAX_RATE:
            raise InvalidParameterValue(
                "Value for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: must be between 1 and 500."
            )
        if not _is_dead_letter_queue(db, source):
            raise InvalidParameterValue("Source queue must be configured as a Dead Letter Queue.")
        running = db.query_one(
            "SELECT 1 FROM sqs_move_tasks WHERE source_arn = ? AND status = 'RUNNING'", (source.arn,)
        )
        if running is not None:
            raise InvalidParameterValue(
                "There is already a task running. Only one active task is allowed for a source queue arn at a given time."
            )
        now = ctx.time.timestamp()
        rows = db.query(
            "SELECT seq, dead_letter_source_arn FROM sqs_messages WHERE queue_id = ? AND expires_at > ? ORDER BY seq",
            (source.queue_id, now),
        )
        handle = base64.b64encode(
            json.dumps({"taskId": str(uuid.uuid4()), "sourceArn": source.arn}).encode()
        ).decode()
        status, failure, moved = "COMPLETED", None, 0
        with db.transaction():
            targets: dict[str, Queue | None] = {}
            for row in rows:
                target = destination
                if target is None:
                    arn = row["dead_letter_source_arn"] or ""
                    if arn not in targets:
                        targets[arn] = queue_by_arn(db, arn) if arn else None
                    target = targets[arn]
                if target is None:  # AWS fails the task when a message's origin is unknown or gone
                    status, failure = "FAILED", "AWS.SimpleQueueService.NonExistentQueue"
                    break
                _move(db, source, target, [row["seq"]], now)
                moved += 1
            db.execute(
                "INSERT INTO sqs_move_tasks (task_handle, account_id, region, source_arn, destination_arn,"
                " max_per_second, status, moved, to_move, failure_reason, started_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    handle,
                    ctx.account_id,
                    ctx.region,
                    source.arn,
                    destination.arn if destination else None,
                    int(rate) if rate is not None else None,
                    status,
                    moved,
                    len(rows),
                    failure,
                    now,
                ),
            )
        return {"TaskHandle": handle}

    def cancel_message_move_task(self, ctx: RequestContext, req: dict) -> dict:
        row = self.db().query_one(
            "SELECT * FROM sqs_move_tasks WHERE task_handle = ? AND account_id = ?",
            (req["TaskHandle"], ctx.account_id),
        )
        if row is None:
            raise ResourceNotFoundException("Task does not exist.")
        # Tasks finish within StartMessageMoveTask, so none is ever still running to be cancelled.
        raise UnsupportedOperation("Only active tasks can be cancelled.")

    def list_message_move_tasks(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        source = _owned_queue(ctx, db, req["SourceArn"], "SourceArn")
        limit = req.get("MaxResults", 1)
        if not 1 <= int(limit) <= MAX_LIST_RESULTS:
            raise InvalidParameterValue(
                "Value for parameter MaxResults is invalid. Reason: You must enter a number that's between 1 and 10."
            )
        rows = db.query(
            "SELECT * FROM sqs_move_tasks WHERE source_arn = ? ORDER BY started_at DESC, rowid DESC LIMIT ?",
            (source.arn, int(limit)),
        )
        return {"Results": [_task_entry(row) for row in rows]}


def _task_entry(row) -> dict:
    entry: dict = {
        "Status": row["status"],
        "SourceArn": row["source_arn"],
        "ApproximateNumberOfMessagesMoved": row["moved"],
        "ApproximateNumberOfMessagesToMove": row["to_move"],
        "StartedTimestamp": int(row["started_at"] * 1000),
    }
    if row["status"] == "RUNNING":
        entry["TaskHandle"] = row["task_handle"]
    if row["destination_arn"]:
        entry["DestinationArn"] = row["destination_arn"]
    if row["max_per_second"] is not None:
        entry["MaxNumberOfMessagesPerSecond"] = row["max_per_second"]
    if row["failure_reason"]:
        entry["FailureReason"] = row["failure_reason"]
    return entry
