"""Storing and reading log events.

An event's position is (timestamp, seq): events are read in timestamp order, ties broken by
ingestion order (`seq`, never reused), which is also the order FilterLogEvents documents. A
position packs into one number, `timestamp * 10**20 + seq`, from which the 56-digit forms AWS
uses for GetLogEvents tokens and event ids are written.
"""

from __future__ import annotations

from collections.abc import Sequence

from stratus.services.logs.common import LogStream
from stratus.services.logs.group_store import allocate
from stratus.store import Database, Row

EVENT_OVERHEAD_BYTES = 26  # AWS counts each event as its UTF-8 message plus 26 bytes
_SEQ_SPACE = 10**20

Position = tuple[int, int]  # (timestamp, seq)


def pack(position: Position) -> int:
    return position[0] * _SEQ_SPACE + position[1]


def unpack(number: int) -> Position:
    return divmod(number, _SEQ_SPACE)


def event_id(timestamp: int, seq: int) -> str:
    return f"{pack((timestamp, seq)):056d}"


def append(
    db: Database, stream: LogStream, events: Sequence[tuple[int, str, int]], ingestion_ms: int
) -> None:
    """Store (timestamp, message, UTF-8 size) events in this order and count the upload on the
    stream. Call inside a transaction."""
    if events:
        first = allocate(db, "event", len(events))
        db.executemany(
            "INSERT INTO logs_events (seq, group_id, stream_id, timestamp, ingestion_ms, size, message) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (first + index, stream.group_id, stream.stream_id, timestamp, ingestion_ms, size, message)
                for index, (timestamp, message, size) in enumerate(events)
            ],
        )
        earliest = min(event[0] for event in events)
        latest = max(event[0] for event in events)
        db.execute(
            "UPDATE logs_streams SET "
            "first_event_ms = CASE WHEN first_event_ms IS NULL OR first_event_ms > ? THEN ? ELSE first_event_ms END, "
            "last_event_ms = CASE WHEN last_event_ms IS NULL OR last_event_ms < ? THEN ? ELSE last_event_ms END, "
            "last_ingestion_ms = ?, stored_bytes = stored_bytes + ?, uploads = uploads + 1 "
            "WHERE stream_id = ?",
            (earliest, earliest, latest, latest, ingestion_ms, sum(e[2] for e in events), stream.stream_id),
        )
    else:
        db.execute("UPDATE logs_streams SET uploads = uploads + 1 WHERE stream_id = ?", (stream.stream_id,))


def stream_events(
    db: Database,
    stream_id: int,
    *,
    after: Position | None = None,
    before: Position | None = None,
    start: int | None = None,
    end: int | None = None,
    limit: int,
    descending: bool = False,
) -> list[Row]:
    """Up to `limit` events of a stream strictly between `after` and `before`, with
    start <= timestamp < end, nearest the head (or, descending, the tail) first."""
    sql = "SELECT seq, timestamp, ingestion_ms, size, message FROM logs_events WHERE stream_id = ?"
    params: list = [stream_id]
    if after is not None:
        sql += " AND (timestamp, seq) > (?, ?)"
        params += after
    if before is not None:
        sql += " AND (timestamp, seq) < (?, ?)"
        params += before
    if start is not None:
        sql += " AND timestamp >= ?"
        params.append(start)
    if end is not None:
        sql += " AND timestamp < ?"
        params.append(end)
    order = "DESC" if descending else "ASC"
    sql += f" ORDER BY timestamp {order}, seq {order} LIMIT ?"
    params.append(limit)
    return db.query(sql, params)


def group_events(
    db: Database,
    group_id: int,
    stream_ids: Sequence[int] | None,
    *,
    beyond: Position | None,
    start: int | None,
    end: int | None,
    limit: int,
    descending: bool,
) -> list[Row]:
    """Up to `limit` events of a group's live streams (or of `stream_ids`), past `beyond` in the
    reading direction, with start <= timestamp <= end, with their stream's name."""
    sql = (
        "SELECT e.seq, e.timestamp, e.ingestion_ms, e.size, e.message, s.name AS stream_name "
        "FROM logs_events e JOIN logs_streams s ON s.stream_id = e.stream_id WHERE e.group_id = ?"
    )
    params: list = [group_id]
    if stream_ids is not None:
        sql += f" AND e.stream_id IN ({', '.join('?' for _ in stream_ids)})"
        params += stream_ids
    if beyond is not None:
        sql += " AND (e.timestamp, e.seq) " + ("< (?, ?)" if descending else "> (?, ?)")
        params += beyond
    if start is not None:
        sql += " AND e.timestamp >= ?"
        params.append(start)
    if end is not None:
        sql += " AND e.timestamp <= ?"
        params.append(end)
    order = "DESC" if descending else "ASC"
    sql += f" ORDER BY e.timestamp {order}, e.seq {order} LIMIT ?"
    params.append(limit)
    return db.query(sql, params)
