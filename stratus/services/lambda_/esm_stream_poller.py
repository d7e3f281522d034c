"""The poller of a DynamoDB Streams event source mapping, as Lambda's works (developer guide,
"Using Lambda with DynamoDB" and its error handling pages):

- reads each shard (parents first) from the mapping's checkpoint, up to BatchSize records,
  waiting up to MaximumBatchingWindowInSeconds for a batch to fill;
- skips the records no filter matches;
- invokes the function with `{"Records": [...]}`; on success checkpoints after the batch;
- on a function error retries the batch (with backoff) until MaximumRetryAttempts or
  MaximumRecordAgeInSeconds (-1: unlimited) are reached, halving it first when
  BisectBatchOnFunctionError is set (halves start with a fresh retry count), then sends the
  batch's location to the OnFailure destination and moves on;
- with ReportBatchItemFailures, checkpoints before the first failed record and retries from it;
- a batch that could not be invoked at all (throttled, function deleted) is retried without
  counting, until its records are too old.

The checkpoint lives in the mapping row, so a restart (or a re-enabled mapping) continues there.
"""

from __future__ import annotations

import logging
import uuid as uuids
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from stratus.protocol.errors import ServiceError
from stratus.services.lambda_.destinations import send_record
from stratus.services.lambda_.esm_events import (
    batch_item_failures,
    created_at,
    sequence_number,
    stream_failure_record,
)
from stratus.services.lambda_.esm_filters import filters_of, passes
from stratus.services.lambda_.esm_invoke import Invocation, invoke_batch, reports_item_failures
from stratus.services.lambda_.esm_runner import Interrupted, PollerControl
from stratus.services.lambda_.esm_store import Mapping, save_position, save_setting
from stratus.services.lambda_.esm_streams import EXPIRED, TRIMMED, Read, Shard, StreamReader

if TYPE_CHECKING:
    from stratus.runtime import Runtime
    from stratus.store import Database

log = logging.getLogger(__name__)

POLL_INTERVAL = 0.5  # Lambda polls a shard a few times a second
DESCRIBE_INTERVAL = 60.0  # new shards are also noticed as soon as a parent is finished
ITERATOR_REUSE = 600.0  # iterators expire after 15 minutes; renew well before
STREAM_GONE_BACKOFF = 30.0
FIRST_RETRY_DELAY = 1.0
MAX_RETRY_DELAY = 30.0
OK = "OK"
FUNCTION_FAILED = "PROBLEM: Function call failed"
RETRIES_EXHAUSTED = "RetryAttemptsExhausted"
RECORD_AGE_EXCEEDED = "RecordAgeExceeded"


def _index_of(batch: list[dict], number: str) -> int:
    return next(index for index, record in enumerate(batch) if sequence_number(record) == number)


def retry_delay(attempt: int) -> float:
    return min(MAX_RETRY_DELAY, FIRST_RETRY_DELAY * 2 ** max(0, attempt - 1))


@dataclass(slots=True)
class _PollerState:
    """What one running poller remembers between cycles (nothing here is needed after a restart)."""

    shards: list[Shard] | None = None
    describe_due: float = 0.0
    iterators: dict[str, tuple[str | None, str, float]] = field(default_factory=dict)  # after seq, it, at
    window_opened: dict[str, float] = field(default_factory=dict)


class StreamPoller:
    def __init__(
        self, runtime: Runtime, load: Callable[[str], Mapping | None], db: Callable[[], Database]
    ) -> None:
        self.runtime = runtime
        self._load = load
        self._db = db

    async def run(self, uuid: str, control: PollerControl) -> None:
        state = _PollerState()
        clock = self.runtime.clock
        while not control.stopped:
            mapping = self._load(uuid)
            if mapping is None or not mapping.enabled:
                return
            control.clear()
            pause = POLL_INTERVAL
            try:
                if await self._cycle(mapping, control, state):
                    continue
            except Interrupted:
                continue
            except ServiceError as error:  # the stream is gone (24 hours after it was disabled)
                log.info("event source mapping %s: %s: %s", uuid, error.code, error.message)
                state.shards, state.iterators = None, {}
                pause = STREAM_GONE_BACKOFF
            try:
                await control.sleep(clock, pause)
            except Interrupted:
                continue

    # ------------------------------------------------------------ shards

    async def _cycle(self, mapping: Mapping, control: PollerControl, state: _PollerState) -> bool:
        """Poll every shard that may be read now; True when a batch was processed."""
        reader = StreamReader(
            self.runtime, mapping.account_id, mapping.region, mapping.event_source_arn, mapping.function_arn
        )
        now = self.runtime.clock.time()
        if state.shards is None or now >= state.describe_due:
            state.shards = await reader.shards()
            state.describe_due = now + DESCRIBE_INTERVAL
        position = mapping.position or {"shards": {}}
        progress = position.setdefault("shards", {})
        known = {shard.shard_id for shard in state.shards}
        for shard_id in [s for s in progress if s not in known]:
            del progress[shard_id]  # trimmed away
        worked = False
        for shard in state.shards:
            if progress.get(shard.shard_id, {}).get("done"):
                continue
            parent = shard.parent_id
            if parent in known and not progress.get(parent, {}).get("done"):
                continue  # the parent's records come first
            worked |= await self._poll_shard(mapping, reader, shard, position, control, state)
        return worked

    async def _poll_shard(
        self,
        mapping: Mapping,
        reader: StreamReader,
        shard: Shard,
        position: dict,
        control: PollerControl,
        state: _PollerState,
    ) -> bool:
        shard_id = shard.shard_id
        checkpoint = position["shards"].get(shard_id, {}).get("seq")
        batch_size = int(mapping.config["BatchSize"])
        read = await self._read(reader, shard_id, checkpoint, batch_size, state)
        if read is None or (not read.records and read.at_end):
            self._finish_shard(mapping, position, shard_id, state)
            return False
        if not read.records:
            return False
        window = float(mapping.config.get("MaximumBatchingWindowInSeconds") or 0)
        now = self.runtime.clock.time()
        if window > 0 and len(read.records) < batch_size and not read.at_end:
            opened = state.window_opened.setdefault(shard_id, now)
            if now - opened < window:
                return False  # read again after the next poll interval
        state.window_opened.pop(shard_id, None)
        await self._process(mapping, shard_id, read.records, position, control)
        if read.at_end:
            self._finish_shard(mapping, position, shard_id, state)
        return True

    async def _read(
        self, reader: StreamReader, shard_id: str, checkpoint: str | None, limit: int, state: _PollerState
    ) -> Read | None:
        """The records after the checkpoint; None when the shard is gone."""
        now = self.runtime.clock.time()
        cached = state.iterators.pop(shard_id, None)
        iterator = None
        if cached is not None and cached[1] == (checkpoint or "") and now - cached[2] < ITERATOR_REUSE:
            iterator = cached[0]
        for attempt in range(2):
            if iterator is None:
                iterator = await reader.iterator(shard_id, checkpoint)
                if iterator is None:
                    return None
            try:
                read = await reader.read(iterator, limit)
                break
            except ServiceError as error:
                if error.code not in (EXPIRED, TRIMMED) or attempt:
                    raise
                iterator = None  # the clock moved on: start again from the checkpoint (or the horizon)
        last = sequence_number(read.records[-1]) if read.records else (checkpoint or "")
        if read.next_iterator is not None:
            state.iterators[shard_id] = (read.next_iterator, last, now)
        return read

    def _finish_shard(self, mapping: Mapping, position: dict, shard_id: str, state: _PollerState) -> None:
        position["shards"][shard_id] = {"done": True}
        save_position(self._db(), mapping.uuid, position)
        state.describe_due = 0.0  # its children may be read now
        state.iterators.pop(shard_id, None)

    def _checkpoint(self, mapping: Mapping, position: dict, shard_id: str, record: dict) -> None:
        position["shards"][shard_id] = {"seq": sequence_number(record)}
        save_position(self._db(), mapping.uuid, position)

    # ------------------------------------------------------------ one batch, with its retries

    async def _process(
        self, mapping: Mapping, shard_id: str, records: list[dict], position: dict, control: PollerControl
    ) -> None:
        """Process the batch to its end: every record ends up done, skipped or sent to the
        OnFailure destination, and the checkpoint follows. Interrupted when the mapping goes."""
        pending: deque[list[dict]] = deque([records])
        while pending:
            batch = pending.popleft()
            attempts = 0
            throttles = 0
            last: Invocation | None = None
            while batch:
                batch = await self._drop_expired(mapping, shard_id, batch, position, attempts, last)
                if not batch:
                    break
                patterns = filters_of(mapping)
                chosen = [record for record in batch if passes(patterns, record)]
                if not chosen:
                    self._checkpoint(mapping, position, shard_id, batch[-1])
                    break
                try:
                    last = await invoke_batch(self.runtime, mapping, chosen)
                except ServiceError as error:  # not invoked: retried, not counted
                    log.info("event source mapping %s could not invoke: %s", mapping.uuid, error.code)
                    throttles += 1
                    mapping = await self._pause(mapping, control, retry_delay(throttles))
                    continue
                attempts += 1
                outcome = self._outcome(mapping, last, chosen)
                if outcome is None:
                    self._checkpoint(mapping, position, shard_id, batch[-1])
                    save_setting(self._db(), mapping.uuid, "LastProcessingResult", OK)
                    break
                save_setting(self._db(), mapping.uuid, "LastProcessingResult", FUNCTION_FAILED)
                if outcome:  # a partial success: the records before the first failure are done
                    first_failed = _index_of(batch, outcome)
                    if first_failed > 0:
                        self._checkpoint(mapping, position, shard_id, batch[first_failed - 1])
                        batch = batch[first_failed:]
                elif mapping.config.get("BisectBatchOnFunctionError") and len(batch) > 1:
                    middle = len(batch) // 2
                    pending.extendleft([batch[middle:], batch[:middle]])
                    break
                retries = int(mapping.config.get("MaximumRetryAttempts", -1))
                if retries != -1 and attempts > retries:
                    await self._discard(mapping, shard_id, batch, RETRIES_EXHAUSTED, attempts, last)
                    self._checkpoint(mapping, position, shard_id, batch[-1])
                    break
                mapping = await self._pause(mapping, control, retry_delay(attempts))

    def _outcome(self, mapping: Mapping, invocation: Invocation, chosen: list[dict]) -> str | None:
        """None when the batch succeeded; "" when it failed as a whole (a function error, or an
        invalid partial response); else the sequence number of its first failed record."""
        if invocation.failed:
            return ""
        if not reports_item_failures(mapping):
            return None
        numbers = [sequence_number(record) for record in chosen]
        failed = batch_item_failures(invocation.payload, numbers)
        if failed is None:
            return ""
        if not failed:
            return None
        # Lambda checkpoints before the lowest sequence number reported.
        return min(failed, key=numbers.index)

    async def _drop_expired(
        self,
        mapping: Mapping,
        shard_id: str,
        batch: list[dict],
        position: dict,
        attempts: int,
        last: Invocation | None,
    ) -> list[dict]:
        """Records older than MaximumRecordAgeInSeconds leave the batch for the OnFailure destination."""
        max_age = int(mapping.config.get("MaximumRecordAgeInSeconds", -1))
        if max_age == -1:
            return batch
        now = self.runtime.clock.time()
        expired = 0
        while expired < len(batch) and now - created_at(batch[expired]) > max_age:
            expired += 1
        if expired:
            await self._discard(mapping, shard_id, batch[:expired], RECORD_AGE_EXCEEDED, attempts, last)
            self._checkpoint(mapping, position, shard_id, batch[expired - 1])
        return batch[expired:]

    async def _discard(
        self,
        mapping: Mapping,
        shard_id: str,
        batch: list[dict],
        condition: str,
        attempts: int,
        last: Invocation | None,
    ) -> None:
        destination = ((mapping.config.get("DestinationConfig") or {}).get("OnFailure") or {}).get(
            "Destination"
        )
        if not destination:
            return  # the records are skipped
        response = None
        if last is not None:
            response = (last.executed_version, last.function_error or "Unhandled")
        record = stream_failure_record(
            request_id=str(uuids.uuid4()),
            function_arn=mapping.function_arn,
            condition=condition,
            invoke_count=attempts,
            response=response,
            now=self.runtime.clock.time(),
            shard_id=shard_id,
            records=batch,
            stream_arn=mapping.event_source_arn,
        )
        await send_record(self.runtime, mapping.function_arn, destination, record, success=False)

    async def _pause(self, mapping: Mapping, control: PollerControl, seconds: float) -> Mapping:
        """Wait before a retry; the mapping as it is now (Interrupted when it was deleted or disabled)."""
        try:
            await control.sleep(self.runtime.clock, seconds)
        except Interrupted:
            pass
        current = self._load(mapping.uuid)
        if current is None or not current.enabled or control.stopped:
            raise Interrupted
        control.clear()
        return current
