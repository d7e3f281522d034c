"""An execution environment's log sink: its lines go to CloudWatch Logs through the Logs service's
own API (CreateLogGroup, CreateLogStream, PutLogEvents via the internal client, DESIGN.md §3), as
Lambda writes them on the account's behalf.

Lines arrive from the runtime's pipes on the event loop and are sent in batches: one PutLogEvents
per burst, at most one call in flight per environment, so lines stay in order. `drain()` waits
until everything received so far is stored (an invocation answers after its lines are readable).
Timestamps are the runtime's wall-clock times moved onto Stratus's clock, so a log written after
the clock was advanced is as new as the clock says.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from stratus.auth.credentials import Principal
from stratus.core.internal_client import InternalClient
from stratus.lambda_runtime import LogEvent
from stratus.protocol.errors import ServiceError

if TYPE_CHECKING:
    from stratus.runtime import Runtime

log = logging.getLogger(__name__)

# PutLogEvents' batch limits: 10,000 events, 1,048,576 bytes counting 26 bytes per event.
MAX_BATCH_EVENTS = 10_000
MAX_BATCH_BYTES = 1_048_576
EVENT_OVERHEAD_BYTES = 26


class LogWriter:
    def __init__(self, runtime: Runtime, account_id: str, region: str, group: str, stream: str) -> None:
        self._runtime = runtime
        self._group = group
        self._stream = stream
        self._logs = InternalClient(
            runtime, "logs", Principal.root(account_id), region=region, account_id=account_id
        )
        self._pending: list[dict] = []
        self._task: asyncio.Task | None = None
        self._created = False
        self.closed = False  # after a reset: the logs it would write belong to wiped state

    def __call__(self, event: LogEvent) -> None:
        if self.closed or not event.message:  # CloudWatch Logs stores no empty message
            return
        timestamp = int(self._runtime.clock.emulated_at(event.timestamp_ms / 1000) * 1000)
        self._pending.append({"timestamp": timestamp, "message": event.message})
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._send())

    async def drain(self) -> None:
        """Return once every line received so far has been sent."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)

    async def _send(self) -> None:
        while self._pending and not self.closed:
            batch = _take_batch(self._pending)
            try:
                await self._ensure_stream()
                answer = await self._logs.put_log_events(
                    logGroupName=self._group, logStreamName=self._stream, logEvents=batch
                )
            except ServiceError as error:  # losing log lines must not fail the invocation
                log.warning(
                    "writing Lambda logs to %s failed: %s: %s", self._group, error.code, error.message
                )
                continue
            except Exception:
                log.exception("writing Lambda logs to %s failed", self._group)
                continue
            if answer.get("rejectedLogEventsInfo"):
                log.warning("CloudWatch Logs rejected Lambda log lines of %s: %s", self._group, answer)

    async def _ensure_stream(self) -> None:
        if self._created:
            return
        for call, params in (
            (self._logs.create_log_group, {"logGroupName": self._group}),
            (self._logs.create_log_stream, {"logGroupName": self._group, "logStreamName": self._stream}),
        ):
            try:
                await call(**params)
            except ServiceError as error:
                if error.code != "ResourceAlreadyExistsException":
                    raise
        self._created = True


def _take_batch(pending: list[dict]) -> list[dict]:
    """The oldest events that fit one PutLogEvents call, removed from `pending` (sorted by time,
    as PutLogEvents wants them; lines of one environment already arrive in order)."""
    size, count = 0, 0
    for event in pending:
        event_size = len(event["message"].encode("utf-8")) + EVENT_OVERHEAD_BYTES
        if count == MAX_BATCH_EVENTS or (count and size + event_size > MAX_BATCH_BYTES):
            break
        size += event_size
        count += 1
    batch = pending[:count]
    del pending[:count]
    batch.sort(key=lambda event: event["timestamp"])
    return batch
