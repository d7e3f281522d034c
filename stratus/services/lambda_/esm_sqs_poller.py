"""The poller of an SQS event source mapping, as Lambda's works (developer guide, "Using Lambda
with Amazon SQS"):

- long-polls the queue (ReceiveMessage, 20 s) as the Lambda service on the function's behalf, and
  gathers up to BatchSize messages within MaximumBatchingWindowInSeconds;
- deletes, without invoking, the messages no filter matches;
- invokes the function synchronously with `{"Records": [...]}` and deletes the batch when it
  succeeds; on a function error the messages are left alone: they become visible again after the
  queue's visibility timeout, and the queue's redrive policy moves them to its dead-letter queue;
- with ReportBatchItemFailures, deletes all but the messages the function names (an invalid
  response fails the whole batch);
- FIFO queues: one invocation per message group, in order; after a failure the rest of that group
  stays in flight, so the group does not advance (SQS hands out nothing behind its head).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from stratus.protocol.errors import ServiceError
from stratus.services.lambda_.esm_events import (
    batch_item_failures,
    message_group,
    split_by_size,
    sqs_filter_view,
    sqs_record,
)
from stratus.services.lambda_.esm_filters import filters_of, passes
from stratus.services.lambda_.esm_invoke import invoke_batch, reports_item_failures
from stratus.services.lambda_.esm_runner import Interrupted, PollerControl
from stratus.services.lambda_.esm_sources import Source, lambda_client, parse_source
from stratus.services.lambda_.esm_store import Mapping

if TYPE_CHECKING:
    from stratus.core.internal_client import InternalClient
    from stratus.runtime import Runtime

log = logging.getLogger(__name__)

LONG_POLL_SECONDS = 20
RECEIVE_LIMIT = 10  # ReceiveMessage's maximum per call
DELETE_LIMIT = 10
FIRST_BACKOFF = 1.0
MAX_BACKOFF = 30.0


def backoff(failures: int) -> float:
    return min(MAX_BACKOFF, FIRST_BACKOFF * 2 ** max(0, failures - 1))


class SqsPoller:
    def __init__(self, runtime: Runtime, load: Callable[[str], Mapping | None]) -> None:
        self.runtime = runtime
        self._load = load

    async def run(self, uuid: str, control: PollerControl) -> None:
        failures = 0
        while not control.stopped:
            mapping = self._load(uuid)
            if mapping is None or not mapping.enabled:
                return
            control.clear()
            try:
                succeeded = await self._cycle(mapping, control)
            except Interrupted:
                continue
            except ServiceError as error:  # the queue is gone, or SQS refused us
                log.info("event source mapping %s: %s: %s", uuid, error.code, error.message)
                succeeded = False
            failures = 0 if succeeded else failures + 1
            if failures:
                try:
                    await control.sleep(self.runtime.clock, backoff(failures))
                except Interrupted:
                    continue

    # ------------------------------------------------------------ one batch

    async def _cycle(self, mapping: Mapping, control: PollerControl) -> bool:
        """Receive one batch and process it; False when something failed (the caller backs off)."""
        source = parse_source(mapping.event_source_arn)
        sqs = lambda_client(self.runtime, "sqs", mapping.account_id, mapping.region, mapping.function_arn)
        batch_size = int(mapping.config["BatchSize"])
        messages = await control.wait(
            self._receive(sqs, source, min(RECEIVE_LIMIT, batch_size), LONG_POLL_SECONDS)
        )
        if not messages:
            return True
        messages += await self._gather(sqs, source, mapping, control, batch_size - len(messages))
        current = self._load(mapping.uuid)
        if current is None or not current.enabled or control.stopped:
            await self._release(sqs, source, messages)  # not ours to process any more
            return True
        return await self._process(sqs, source, current, messages)

    async def _receive(self, sqs: InternalClient, source: Source, limit: int, wait: int) -> list[dict]:
        answer = await sqs.receive_message(
            QueueUrl=source.queue_url,
            MaxNumberOfMessages=limit,
            WaitTimeSeconds=wait,
            AttributeNames=["All"],
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        return list(answer.get("Messages") or [])

    async def _gather(
        self, sqs: InternalClient, source: Source, mapping: Mapping, control: PollerControl, wanted: int
    ) -> list[dict]:
        """More messages while the batching window is open and the batch is not full."""
        window = float(mapping.config.get("MaximumBatchingWindowInSeconds") or 0)
        clock = self.runtime.clock
        deadline = clock.time() + window
        gathered: list[dict] = []
        while wanted - len(gathered) > 0:
            remaining = deadline - clock.time()
            if remaining <= 0:
                break
            limit = min(RECEIVE_LIMIT, wanted - len(gathered))
            wait = min(LONG_POLL_SECONDS, max(1, math.ceil(remaining)))
            try:
                received = await control.wait(self._receive(sqs, source, limit, wait))
            except Interrupted:
                break  # what we hold is processed (or released, if the mapping is gone)
            gathered += received
        return gathered

    async def _process(
        self, sqs: InternalClient, source: Source, mapping: Mapping, messages: list[dict]
    ) -> bool:
        records = [sqs_record(message, source.arn, mapping.region) for message in messages]
        patterns = filters_of(mapping)
        if patterns:
            dropped = [r for r in records if not passes(patterns, sqs_filter_view(r))]
            await self._delete(sqs, source, dropped)  # AWS deletes what no filter matches
            records = [r for r in records if passes(patterns, sqs_filter_view(r))]
        if source.fifo:
            groups: dict[str, list[dict]] = {}
            for record in records:
                groups.setdefault(message_group(record), []).append(record)
            batches = list(groups.values())
        else:
            batches = [records] if records else []
        succeeded = True
        for group in batches:
            for batch in split_by_size(group):
                done = await self._invoke(mapping, batch, fifo=source.fifo)
                await self._delete(sqs, source, done)
                if len(done) < len(batch):
                    succeeded = False
                    if source.fifo:
                        break  # the rest of this group waits behind the failure
        return succeeded

    async def _invoke(self, mapping: Mapping, batch: list[dict], *, fifo: bool) -> list[dict]:
        """The records of `batch` that were processed (to delete)."""
        try:
            invocation = await invoke_batch(self.runtime, mapping, batch)
        except ServiceError as error:  # throttled, function deleted ...: nothing was processed
            log.info(
                "event source mapping %s could not invoke: %s: %s", mapping.uuid, error.code, error.message
            )
            return []
        if invocation.failed:
            return []
        if not reports_item_failures(mapping):
            return batch
        failed = batch_item_failures(invocation.payload, [record["messageId"] for record in batch])
        if failed is None:
            return []
        if fifo and failed:
            # In a group, nothing after the first failure may be processed before it.
            first = min(index for index, record in enumerate(batch) if record["messageId"] in failed)
            return batch[:first]
        return [record for record in batch if record["messageId"] not in failed]

    async def _delete(self, sqs: InternalClient, source: Source, records: list[dict]) -> None:
        for start in range(0, len(records), DELETE_LIMIT):
            chunk = records[start : start + DELETE_LIMIT]
            entries = [
                {"Id": str(index), "ReceiptHandle": r["receiptHandle"]} for index, r in enumerate(chunk)
            ]
            answer = await sqs.delete_message_batch(QueueUrl=source.queue_url, Entries=entries)
            for failure in answer.get("Failed") or []:
                log.info("could not delete a message of %s: %s", source.arn, failure.get("Message"))

    async def _release(self, sqs: InternalClient, source: Source, messages: list[dict]) -> None:
        """Make received messages visible again at once (their mapping went away meanwhile)."""
        for start in range(0, len(messages), DELETE_LIMIT):
            chunk = messages[start : start + DELETE_LIMIT]
            entries = [
                {"Id": str(index), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}
                for index, m in enumerate(chunk)
            ]
            try:
                await sqs.change_message_visibility_batch(QueueUrl=source.queue_url, Entries=entries)
            except ServiceError:
                pass  # they become visible when their timeout ends anyway
