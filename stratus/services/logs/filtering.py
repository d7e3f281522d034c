"""FilterLogEvents: a group's events across streams, in timestamp order, matched by a filter
pattern. LogsProvider supplies `db`.

A page holds at most `limit` (default 10,000) events and 1 MB, and a request reads at most
MAX_SCANNED events: past that it answers what it found (perhaps nothing) with a nextToken to
continue, as AWS documents ("a returned page might only be partially full, or even empty"). No
nextToken means the search is finished.
"""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.services.logs import event_store
from stratus.services.logs.common import INVALID_TOKEN, InvalidParameterException, LogGroup
from stratus.services.logs.filter_patterns import compile_pattern
from stratus.services.logs.group_store import group_from_request
from stratus.services.logs.input_patterns import check_input_patterns
from stratus.services.logs.paging import decode_token, encode_token
from stratus.services.logs.reads import MAX_PAGE_BYTES
from stratus.store import Database

DEFAULT_LIMIT = 10_000
MAX_SCANNED = 100_000
SCAN_CHUNK = 1_000
# startFromHead=false "is supported only when startTime is on or after Jan 1, 2024 00:00:00 UTC".
NEWEST_FIRST_FROM_MS = 1_704_067_200_000
# Guessed wordings (the behaviour is documented, the messages are not).
NAMES_AND_PREFIX = "logStreamNames and logStreamNamePrefix are mutually exclusive parameters."
NEWEST_FIRST_TOO_EARLY = (
    "startFromHead set to false is supported only when startTime is on or after Jan 1, 2024 00:00:00 UTC."
)


def _stream_ids(db: Database, group: LogGroup, req: dict) -> list[int] | None:
    """The streams to search: those named, those with the prefix, or (None) every stream."""
    names, prefix = req.get("logStreamNames"), req.get("logStreamNamePrefix")
    if names is not None:
        marks = ", ".join("?" for _ in names)
        rows = db.query(
            f"SELECT stream_id FROM logs_streams WHERE group_id = ? AND name IN ({marks})",
            (group.group_id, *names),
        )
        return [row["stream_id"] for row in rows]
    if prefix is not None:
        rows = db.query(
            "SELECT stream_id FROM logs_streams WHERE group_id = ? AND name >= ? AND substr(name, 1, ?) = ?",
            (group.group_id, prefix, len(prefix), prefix),
        )
        return [row["stream_id"] for row in rows]
    return None


def _direction(req: dict) -> tuple[bool, tuple[int, int] | None]:
    """(newest first?, position to continue beyond). The token's direction wins over startFromHead."""
    position = decode_token(req.get("nextToken"), "d", "t", "s")
    if position is not None:
        if position["d"] not in ("f", "b") or not all(isinstance(position[k], int) for k in ("t", "s")):
            raise InvalidParameterException(INVALID_TOKEN)
        return position["d"] == "b", (position["t"], position["s"])
    descending = req.get("startFromHead") is False
    start = req.get("startTime")
    if descending and start is not None and start < NEWEST_FIRST_FROM_MS:
        raise InvalidParameterException(NEWEST_FIRST_TOO_EARLY)
    return descending, None


class FilterOperations:
    def db(self) -> Database:
        raise NotImplementedError

    def filter_log_events(self, ctx: RequestContext, req: dict) -> dict:
        check_input_patterns(ctx.operation, req)
        if req.get("logStreamNames") is not None and req.get("logStreamNamePrefix") is not None:
            raise InvalidParameterException(NAMES_AND_PREFIX)
        pattern = compile_pattern(req.get("filterPattern"))  # compiled once, cached by text
        matches = None if pattern.kind == "all" else pattern
        descending, beyond = _direction(req)
        db = self.db()
        group = group_from_request(ctx, db, req)
        stream_ids = _stream_ids(db, group, req)
        limit = req.get("limit") or DEFAULT_LIMIT
        found: list[dict] = []
        page_bytes = 0
        scanned = 0
        more = False
        while stream_ids != []:
            rows = event_store.group_events(
                db,
                group.group_id,
                stream_ids,
                beyond=beyond,
                start=req.get("startTime"),
                end=req.get("endTime"),
                limit=SCAN_CHUNK,
                descending=descending,
            )
            for row in rows:
                if len(found) == limit:
                    more = True
                    break
                if matches is None or matches(row["message"]):
                    page_bytes += row["size"] + event_store.EVENT_OVERHEAD_BYTES
                    if page_bytes > MAX_PAGE_BYTES and found:
                        more = True
                        break
                    found.append(
                        {
                            "logStreamName": row["stream_name"],
                            "timestamp": row["timestamp"],
                            "message": row["message"],
                            "ingestionTime": row["ingestion_ms"],
                            "eventId": event_store.event_id(row["timestamp"], row["seq"]),
                        }
                    )
                beyond = (row["timestamp"], row["seq"])
                scanned += 1
            if more or len(rows) < SCAN_CHUNK:
                break
            if scanned >= MAX_SCANNED:
                more = True
                break
        # searchedLogStreams: "As of May 15, 2020 ... this parameter returns an empty list."
        out: dict = {"events": found, "searchedLogStreams": []}
        if more and beyond is not None:
            out["nextToken"] = encode_token({"d": "b" if descending else "f", "t": beyond[0], "s": beyond[1]})
        return out
