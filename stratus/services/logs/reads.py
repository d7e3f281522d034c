"""GetLogEvents: one stream's events, paged with AWS's `f/<56 digits>` and `b/<56 digits>` tokens.

A forward token `f/N` reads the events after position N, a backward token `b/N` those before it;
each page answers both tokens, never null. When a direction has nothing more, its token is the one
passed in, unchanged: clients stop paging when the token they get back equals the one they sent.
Pages hold at most `limit` (default 10,000) events and 1 MB. LogsProvider supplies `db`.
"""

from __future__ import annotations

import re

from stratus.core.context import RequestContext
from stratus.services.logs import event_store
from stratus.services.logs.common import INVALID_TOKEN, InvalidParameterException
from stratus.services.logs.group_store import group_from_request, require_stream
from stratus.services.logs.input_patterns import check_input_patterns
from stratus.store import Database, Row

DEFAULT_LIMIT = 10_000
MAX_PAGE_BYTES = 1_048_576
_TOKEN = re.compile(r"([fb])/(\d{56})")


def _token(direction: str, number: int) -> str:
    return f"{direction}/{max(number, 0):056d}"


def cap_page(rows: list[Row]) -> list[Row]:
    """The leading rows that fit in a 1 MB page (always at least one)."""
    total = 0
    for index, row in enumerate(rows):
        total += row["size"] + event_store.EVENT_OVERHEAD_BYTES
        if total > MAX_PAGE_BYTES and index:
            return rows[:index]
    return rows


def output_event(row: Row) -> dict:
    return {"timestamp": row["timestamp"], "message": row["message"], "ingestionTime": row["ingestion_ms"]}


class ReadOperations:
    def db(self) -> Database:
        raise NotImplementedError

    def get_log_events(self, ctx: RequestContext, req: dict) -> dict:
        check_input_patterns(ctx.operation, req)
        token = req.get("nextToken")
        parsed = _TOKEN.fullmatch(token) if token is not None else None
        if token is not None and parsed is None:
            raise InvalidParameterException(INVALID_TOKEN)
        db = self.db()
        group = group_from_request(ctx, db, req)
        stream = require_stream(db, group, req["logStreamName"])
        limit = req.get("limit") or DEFAULT_LIMIT
        window = {"start": req.get("startTime"), "end": req.get("endTime")}
        if parsed is not None:
            direction, number = parsed.group(1), int(parsed.group(2))
            backward = direction == "b"
        else:
            direction, number = None, None
            backward = not req.get("startFromHead", False)

        if backward:
            before = event_store.unpack(number) if number is not None else None
            rows = event_store.stream_events(
                db, stream.stream_id, before=before, limit=limit, descending=True, **window
            )
            rows = cap_page(rows)[::-1]
        else:
            after = event_store.unpack(number) if number is not None else None
            rows = cap_page(
                event_store.stream_events(db, stream.stream_id, after=after, limit=limit, **window)
            )

        if rows:
            first = event_store.pack((rows[0]["timestamp"], rows[0]["seq"]))
            last = event_store.pack((rows[-1]["timestamp"], rows[-1]["seq"]))
            forward_token, backward_token = _token("f", last), _token("b", first)
        elif number is None:
            # An empty first read: forward from the very beginning, backward from nowhere.
            forward_token, backward_token = _token("f", 0), _token("b", 0)
        elif backward:
            # Nothing before N: the same backward token; forward resumes at N itself.
            forward_token, backward_token = _token("f", number - 1), token
        else:
            # Nothing after N: the same forward token; backward resumes with N itself.
            forward_token, backward_token = token, _token("b", number + 1)
        return {
            "events": [output_event(row) for row in rows],
            "nextForwardToken": forward_token,
            "nextBackwardToken": backward_token,
        }
