"""FIFO ReceiveRequestAttemptId: a retried ReceiveMessage gets the same messages and receipt handles.

A receive on a FIFO queue that names an attempt id and returns messages is remembered (in memory, per
provider) for 5 minutes of emulated time, keyed by (queue id, attempt id). A retry with the same id on
the same queue within that time answers the remembered output, and restarts the messages' visibility
timeout, as long as none of the messages was deleted, received again or had its visibility changed;
otherwise the record is dropped and the retry is an ordinary receive (remembered in its turn).
Standard queues ignore the parameter.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from stratus.services.sqs import message_store as store
from stratus.services.sqs import messages as msg
from stratus.services.sqs.common import Queue
from stratus.store import Database

ATTEMPT_WINDOW = 300  # seconds an attempt id can be retried


@dataclass(slots=True)
class _Attempt:
    expires_at: float  # emulated time
    output: dict[str, Any]  # the ReceiveMessage answer, as sent
    messages: dict[str, tuple[str, float]]  # message id → (receipt nonce, visible_at) left by the receive


class ReceiveAttempts:
    """The remembered FIFO receives of one provider."""

    def __init__(self) -> None:
        self._attempts: dict[tuple[int, str], _Attempt] = {}

    def __len__(self) -> int:
        return len(self._attempts)

    def _forget_expired(self, now: float) -> None:
        for key in [key for key, attempt in self._attempts.items() if attempt.expires_at <= now]:
            del self._attempts[key]

    def replay(
        self, db: Database, queue: Queue, attempt_id: str | None, now: float, visibility: int
    ) -> dict[str, Any] | None:
        """The remembered answer to this attempt, or None when the receive is to be done afresh."""
        if not queue.fifo or attempt_id is None:
            return None
        msg.check_fifo_id(attempt_id, "ReceiveRequestAttemptId")
        self._forget_expired(now)
        key = (queue.queue_id, attempt_id)
        attempt = self._attempts.get(key)
        if attempt is None:
            return None
        visible_at = now + visibility
        if not store.renew_receive(db, queue.queue_id, attempt.messages, visible_at):
            del self._attempts[key]
            return None
        attempt.messages = {
            message_id: (nonce, visible_at) for message_id, (nonce, _) in attempt.messages.items()
        }
        return copy.deepcopy(attempt.output)

    def record(
        self,
        queue: Queue,
        attempt_id: str | None,
        now: float,
        claimed: list[dict[str, Any]],
        output: dict[str, Any],
    ) -> None:
        """Remember a FIFO receive that named an attempt id and returned messages."""
        if not queue.fifo or attempt_id is None or not claimed:
            return
        self._attempts[(queue.queue_id, attempt_id)] = _Attempt(
            expires_at=now + ATTEMPT_WINDOW,
            output=copy.deepcopy(output),
            messages={row["message_id"]: (row["receipt_nonce"], row["visible_at"]) for row in claimed},
        )
