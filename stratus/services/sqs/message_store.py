"""The SQL of messages: enqueue, claim (with dead-letter moves), delete, visibility, dedup, sequence.

Every function runs inside the caller's transaction (or is a single statement); none awaits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stratus.services.sqs.common import Queue
from stratus.services.sqs.messages import new_nonce
from stratus.store import Database

_CANDIDATE_PAGE = 50  # rows looked at per query while claiming (skipped FIFO groups make us look on)


@dataclass(frozen=True, slots=True)
class DeadLetterTarget:
    queue: Queue
    max_receive_count: int


# ---------------------------------------------------------------- sending


def next_sequence_number(db: Database, queue_id: int) -> str:
    """The queue's next FIFO SequenceNumber: strictly increasing, 20 digits as AWS shows them."""
    db.execute(
        "INSERT INTO sqs_sequence (queue_id, last) VALUES (?, 1) "
        "ON CONFLICT (queue_id) DO UPDATE SET last = sqs_sequence.last + 1",
        (queue_id,),
    )
    row = db.query_one("SELECT last FROM sqs_sequence WHERE queue_id = ?", (queue_id,))
    return f"{row['last']:020d}"


def find_duplicate(db: Database, queue_id: int, scope: str, dedup_id: str, now: float) -> Any:
    return db.query_one(
        "SELECT message_id, sequence_number FROM sqs_deduplication "
        "WHERE queue_id = ? AND scope = ? AND dedup_id = ? AND expires_at > ?",
        (queue_id, scope, dedup_id, now),
    )


def record_deduplication(
    db: Database,
    queue_id: int,
    scope: str,
    dedup_id: str,
    message_id: str,
    sequence_number: str,
    expires_at: float,
) -> None:
    db.execute(
        "INSERT INTO sqs_deduplication (queue_id, scope, dedup_id, message_id, sequence_number, expires_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (queue_id, scope, dedup_id) DO UPDATE SET "
        "message_id = excluded.message_id, sequence_number = excluded.sequence_number, "
        "expires_at = excluded.expires_at",
        (queue_id, scope, dedup_id, message_id, sequence_number, expires_at),
    )


def insert_message(db: Database, queue_id: int, fields: dict[str, Any]) -> None:
    columns = ["queue_id", *fields]
    placeholders = ", ".join("?" for _ in columns)
    db.execute(
        f"INSERT INTO sqs_messages ({', '.join(columns)}) VALUES ({placeholders})",
        (queue_id, *fields.values()),
    )


# ---------------------------------------------------------------- retention


def remove_expired(db: Database, queue_id: int, now: float) -> None:
    """Lazy retention: messages (and dedup records) past their time are deleted when the queue is read."""
    db.execute("DELETE FROM sqs_messages WHERE queue_id = ? AND expires_at <= ?", (queue_id, now))
    db.execute("DELETE FROM sqs_deduplication WHERE queue_id = ? AND expires_at <= ?", (queue_id, now))


def earliest_visible_at(db: Database, queue_id: int, now: float) -> float | None:
    """When the next message that is invisible now becomes receivable (delay or visibility ends)."""
    row = db.query_one(
        "SELECT MIN(visible_at) AS at FROM sqs_messages WHERE queue_id = ? AND visible_at > ? AND expires_at > ?",
        (queue_id, now, now),
    )
    return row["at"] if row is not None else None


# ---------------------------------------------------------------- receiving


def claim_messages(
    db: Database,
    queue: Queue,
    now: float,
    limit: int,
    visibility_timeout: int,
    dead_letter: DeadLetterTarget | None,
) -> list[dict[str, Any]]:
    """Claim up to `limit` receivable messages in one transaction; returns them as received.

    A message already received `maxReceiveCount` times is moved to the dead-letter queue instead of
    being delivered. FIFO: messages come in order within a group, and a group with a message in
    flight (or an earlier message not claimed here) gives nothing.
    """
    with db.transaction():
        remove_expired(db, queue.queue_id, now)
        if queue.fifo:
            return _claim_fifo(db, queue, now, limit, visibility_timeout, dead_letter)
        claimed: list[dict[str, Any]] = []
        after = (-1.0, -1)  # (visible_at, seq) position of the page scan
        while len(claimed) < limit:
            rows = _candidates(db, queue, now, after)
            if not rows:
                break
            for row in rows:
                after = (row["visible_at"], row["seq"])
                if len(claimed) >= limit:
                    break
                if dead_letter is not None and row["receive_count"] >= dead_letter.max_receive_count:
                    _move_to_dead_letter_queue(db, queue, row, dead_letter.queue, now)
                    continue
                claimed.append(_claim(db, row, now, visibility_timeout))
        return claimed


def _claim_fifo(
    db: Database,
    queue: Queue,
    now: float,
    limit: int,
    visibility_timeout: int,
    dead_letter: DeadLetterTarget | None,
) -> list[dict[str, Any]]:
    """Visit the groups whose earliest message is receivable (oldest head first) and take messages
    of each in order; a group whose head is in flight (or delayed) is not even visited."""
    claimed: list[dict[str, Any]] = []
    after = -1
    while len(claimed) < limit:
        heads = db.query(
            "SELECT h.group_id, h.head_seq FROM sqs_group_heads h JOIN sqs_messages m ON m.seq = h.head_seq "
            "WHERE h.queue_id = ? AND h.head_seq > ? AND m.visible_at <= ? ORDER BY h.head_seq LIMIT ?",
            (queue.queue_id, after, now, _CANDIDATE_PAGE),
        )
        if not heads:
            break
        for head in heads:
            after = head["head_seq"]
            if len(claimed) >= limit:
                break
            _claim_from_group(
                db, queue, head["group_id"], now, limit, visibility_timeout, dead_letter, claimed
            )
    return claimed


def _claim_from_group(
    db: Database,
    queue: Queue,
    group_id: str,
    now: float,
    limit: int,
    visibility_timeout: int,
    dead_letter: DeadLetterTarget | None,
    claimed: list[dict[str, Any]],
) -> None:
    last = -1
    while len(claimed) < limit:
        rows = db.query(
            "SELECT * FROM sqs_messages WHERE queue_id = ? AND group_id = ? AND seq > ? ORDER BY seq LIMIT ?",
            (queue.queue_id, group_id, last, limit - len(claimed)),
        )
        if not rows:
            return
        for row in rows:
            last = row["seq"]
            if row["visible_at"] > now:
                return  # in flight or delayed: the rest of the group waits behind it
            if dead_letter is not None and row["receive_count"] >= dead_letter.max_receive_count:
                _move_to_dead_letter_queue(db, queue, row, dead_letter.queue, now)
                continue
            claimed.append(_claim(db, row, now, visibility_timeout))


def _candidates(db: Database, queue: Queue, now: float, after: tuple) -> list[Any]:
    visible_after, seq_after = after
    # Uses sqs_messages_ready (queue_id, visible_at, seq): cost independent of queue depth.
    return db.query(
        "SELECT * FROM sqs_messages WHERE queue_id = ? AND visible_at <= ? "
        "AND (visible_at > ? OR (visible_at = ? AND seq > ?)) ORDER BY visible_at, seq LIMIT ?",
        (queue.queue_id, now, visible_after, visible_after, seq_after, _CANDIDATE_PAGE),
    )


def _claim(db: Database, row: Any, now: float, visibility_timeout: int) -> dict[str, Any]:
    message = dict(row)
    message["visible_at"] = now + visibility_timeout
    message["receive_count"] = row["receive_count"] + 1
    message["first_received_at"] = row["first_received_at"] or now
    message["received_at"] = now
    message["receipt_nonce"] = new_nonce()
    db.execute(
        "UPDATE sqs_messages SET visible_at = ?, receive_count = ?, first_received_at = ?, received_at = ?, "
        "receipt_nonce = ? WHERE seq = ?",
        (
            message["visible_at"],
            message["receive_count"],
            message["first_received_at"],
            now,
            message["receipt_nonce"],
            row["seq"],
        ),
    )
    return message


def _move_to_dead_letter_queue(db: Database, source: Queue, row: Any, target: Queue, now: float) -> None:
    """Redrive: the message leaves the source queue and is enqueued, receivable at once, on the DLQ."""
    retention = target.number("MessageRetentionPeriod")
    # Standard DLQs keep the original enqueue time for expiry; FIFO DLQs restart it (AWS's rule).
    expires_at = (now if target.fifo else row["sent_at"]) + retention
    sequence_number = next_sequence_number(db, target.queue_id) if target.fifo else row["sequence_number"]
    db.execute("DELETE FROM sqs_messages WHERE seq = ?", (row["seq"],))
    db.execute(
        "DELETE FROM sqs_messages WHERE queue_id = ? AND message_id = ?", (target.queue_id, row["message_id"])
    )
    if expires_at <= now:
        return
    fields = {
        key: row[key]
        for key in (
            "message_id",
            "body",
            "message_attributes",
            "system_attributes",
            "md5_body",
            "md5_attributes",
            "md5_system_attributes",
            "sent_at",
            "group_id",
            "dedup_id",
            "sender_id",
        )
    }
    fields.update(
        visible_at=now,
        expires_at=expires_at,
        receive_count=0,
        sequence_number=sequence_number,
        dead_letter_source_arn=source.arn,
    )
    insert_message(db, target.queue_id, fields)


# ---------------------------------------------------------------- by receipt handle


def message_by_id(db: Database, queue_id: int, message_id: str) -> Any:
    return db.query_one(
        "SELECT * FROM sqs_messages WHERE queue_id = ? AND message_id = ?", (queue_id, message_id)
    )


def delete_message(db: Database, seq: int) -> None:
    db.execute("DELETE FROM sqs_messages WHERE seq = ?", (seq,))


def set_visible_at(db: Database, seq: int, visible_at: float) -> None:
    db.execute("UPDATE sqs_messages SET visible_at = ? WHERE seq = ?", (visible_at, seq))


# ---------------------------------------------------------------- receive attempts


def renew_receive(
    db: Database, queue_id: int, expected: dict[str, tuple[str, float]], visible_at: float
) -> bool:
    """A retried FIFO receive: if every message is still as that receive left it (`expected`: message
    id → (receipt nonce, visible_at)), i.e. not deleted, received again or its visibility changed,
    their visibility timeout restarts (`visible_at`) and True; otherwise nothing changes and False."""
    with db.transaction():
        seqs = []
        for message_id, (nonce, was_visible_at) in expected.items():
            row = message_by_id(db, queue_id, message_id)
            if row is None or row["receipt_nonce"] != nonce or row["visible_at"] != was_visible_at:
                return False
            seqs.append(row["seq"])
        for seq in seqs:
            set_visible_at(db, seq, visible_at)
        return True
