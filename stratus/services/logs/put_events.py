"""PutLogEvents: AWS's batch rules, the events it rejects but reports, and the deprecated sequence
token it still answers. LogsProvider supplies `db`.

Whole-batch failures (InvalidParameterException): an event over 1 MB, a batch over 1,048,576
bytes (each event's UTF-8 message plus 26 bytes), events out of chronological order, and accepted
events spanning more than 24 hours. Per-event rejections, reported in `rejectedLogEventsInfo` while
the rest are stored: more than 14 days old (tooOld), older than the group's retention (expired),
more than 2 hours ahead (tooNew). Being in order, each kind is a contiguous run of the batch.
The sequence token is ignored, as AWS has done since January 2023.
"""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.services.logs import event_store
from stratus.services.logs.common import MS_PER_DAY, InvalidParameterException, now_ms, sequence_token
from stratus.services.logs.group_store import require_group, require_stream
from stratus.services.logs.input_patterns import check_input_patterns
from stratus.store import Database

MAX_BATCH_BYTES = 1_048_576
MAX_EVENT_BYTES = 1_048_576  # "Each log event can be no larger than 1 MB" (was 256 KB until 2025)
MAX_AGE_MS = 14 * MS_PER_DAY
MAX_AHEAD_MS = 2 * 3_600_000
MAX_SPAN_MS = 24 * 3_600_000
OUT_OF_ORDER = "Log events in a single PutLogEvents request must be in chronological order."
TOO_LONG_SPAN = "The batch of log events in a single PutLogEvents request cannot span more than 24 hours."


def check_batch(events: list[dict]) -> list[tuple[int, str, int]]:
    """(timestamp, message, UTF-8 size) of each event, once the batch's shape passes AWS's rules."""
    sized = []
    total = 0
    previous = None
    for event in events:
        timestamp, message = event["timestamp"], event["message"]
        size = len(message.encode("utf-8"))
        counted = size + event_store.EVENT_OVERHEAD_BYTES
        if counted > MAX_EVENT_BYTES:
            raise InvalidParameterException(
                f"Log event too large: {counted} bytes exceeds limit of {MAX_EVENT_BYTES}"
            )
        total += counted
        if previous is not None and timestamp < previous:
            raise InvalidParameterException(OUT_OF_ORDER)
        previous = timestamp
        sized.append((timestamp, message, size))
    if total > MAX_BATCH_BYTES:
        raise InvalidParameterException(f"Upload too large: {total} bytes exceeds limit of {MAX_BATCH_BYTES}")
    return sized


def split_by_age(
    events: list[tuple[int, str, int]], now: int, retention_days: int | None
) -> tuple[list[tuple[int, str, int]], dict]:
    """The events to store, and AWS's rejectedLogEventsInfo for the others.

    tooOldLogEventEndIndex and expiredLogEventEndIndex are exclusive ends, tooNewLogEventStartIndex
    an inclusive start, as the API reference defines them.
    """
    oldest_allowed = now - MAX_AGE_MS
    retained_from = now - retention_days * MS_PER_DAY if retention_days is not None else None
    newest_allowed = now + MAX_AHEAD_MS
    rejected: dict = {}
    accepted = []
    for index, event in enumerate(events):
        timestamp = event[0]
        if timestamp < oldest_allowed:
            rejected["tooOldLogEventEndIndex"] = index + 1
        elif retained_from is not None and timestamp < retained_from:
            rejected["expiredLogEventEndIndex"] = index + 1
        elif timestamp > newest_allowed:
            rejected.setdefault("tooNewLogEventStartIndex", index)
        else:
            accepted.append(event)
    if accepted and accepted[-1][0] - accepted[0][0] > MAX_SPAN_MS:
        raise InvalidParameterException(TOO_LONG_SPAN)
    return accepted, rejected


class PutEventsOperations:
    def db(self) -> Database:
        raise NotImplementedError

    def put_log_events(self, ctx: RequestContext, req: dict) -> dict:
        check_input_patterns(ctx.operation, req)
        events = check_batch(req["logEvents"])
        now = now_ms(ctx)
        db = self.db()
        with db.transaction():
            group = require_group(ctx, db, req["logGroupName"])
            stream = require_stream(db, group, req["logStreamName"])
            accepted, rejected = split_by_age(events, now, group.retention_days)
            event_store.append(db, stream, accepted, now)
        out: dict = {"nextSequenceToken": sequence_token(stream, stream.uploads + 1)}
        if rejected:
            out["rejectedLogEventsInfo"] = rejected
        return out
