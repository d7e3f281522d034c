"""Every call recorded: a bounded ring in memory, flushed in batches to a table.

The table is what CloudTrail's LookupEvents and the dashboard will read; the ring answers
`GET /_stratus/requests` without touching disk. Batching keeps SQLite off the hot path.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import threading
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stratus.core.context import RequestContext
    from stratus.store import Database

request_logger = logging.getLogger("stratus.request")

MIGRATIONS = [
    """
    CREATE TABLE request_log (
        id INTEGER PRIMARY KEY,
        time REAL NOT NULL,
        account_id TEXT NOT NULL,
        region TEXT NOT NULL,
        service TEXT NOT NULL,
        operation TEXT NOT NULL,
        principal TEXT NOT NULL,
        status INTEGER NOT NULL,
        error_code TEXT,
        latency_ms REAL NOT NULL,
        request_id TEXT NOT NULL,
        source_ip TEXT,
        internal INTEGER NOT NULL
    );
    CREATE INDEX request_log_by_time ON request_log (account_id, time);
    """,
    # IAM decisions taken for the request (audit/enforce), as a JSON list
    "ALTER TABLE request_log ADD COLUMN authorization TEXT;",
]

TABLE_ROWS_KEPT = 100_000


@dataclass(slots=True)
class RequestRecord:
    time: float
    account_id: str
    region: str
    service: str
    operation: str
    principal: str
    status: int
    error_code: str | None
    latency_ms: float
    request_id: str
    source_ip: str | None
    internal: bool
    authorization: list[dict] | None = None

    @classmethod
    def of(
        cls,
        ctx: RequestContext,
        status: int,
        error_code: str | None,
        started: float,
        *,
        internal: bool = False,
    ) -> RequestRecord:
        return cls(
            time=ctx.time.timestamp(),
            account_id=ctx.account_id,
            region=ctx.region,
            service=ctx.service,
            operation=ctx.operation,
            principal=ctx.principal.arn,
            status=status,
            error_code=error_code,
            latency_ms=(time.perf_counter() - started) * 1000.0,
            request_id=ctx.request_id,
            source_ip=ctx.source_ip,
            internal=internal,
            authorization=ctx.authorization or None,
        )

    def as_dict(self) -> dict:
        return asdict(self)


class RequestLog:
    def __init__(self, capacity: int = 10_000, *, echo: bool = True) -> None:
        self._ring: deque[RequestRecord] = deque(maxlen=capacity)
        self._pending: list[RequestRecord] = []
        self._echo = echo
        self._writer: _ThreadWriter | None = None

    def record(self, entry: RequestRecord) -> None:
        self._ring.append(entry)
        self._pending.append(entry)
        if self._echo:
            suffix = f" {entry.error_code}" if entry.error_code else ""
            request_logger.info(
                "%s.%s %d%s %.1fms", entry.service, entry.operation, entry.status, suffix, entry.latency_ms
            )

    def recent(self, limit: int = 100, *, service: str | None = None) -> list[RequestRecord]:
        entries = [e for e in self._ring if service is None or e.service == service]
        return entries[-limit:] if limit > 0 else []

    def flush(self, db: Database) -> int:
        """Write the records not yet in the table, on the calling thread; returns how many."""
        pending, self._pending = self._pending, []
        if pending:
            _write(db.execute, db.executemany, db.transaction, pending)
        return len(pending)

    async def flush_in_thread(self, path: Path) -> int:
        """Like flush(), but the SQLite work runs on a worker thread with its own connection, so a
        busy server's batch (thousands of rows) never stalls the event loop."""
        pending, self._pending = self._pending, []
        if pending:
            await asyncio.to_thread(self._thread_writer(path).write, pending)
        return len(pending)

    def _thread_writer(self, path: Path) -> _ThreadWriter:
        if self._writer is None or self._writer.path != path:
            if self._writer is not None:
                self._writer.close()
            self._writer = _ThreadWriter(path)
        return self._writer

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def from_table(self, db: Database, limit: int, *, service: str | None = None) -> list[RequestRecord]:
        columns = ", ".join(RequestRecord.__slots__)
        where, params = ("WHERE service = ?", (service,)) if service else ("", ())
        rows = db.query(
            f"SELECT {columns} FROM request_log {where} ORDER BY id DESC LIMIT ?", (*params, limit)
        )
        return [
            RequestRecord(
                **{
                    **dict(row),
                    "internal": bool(row["internal"]),
                    "authorization": json.loads(row["authorization"]) if row["authorization"] else None,
                }
            )
            for row in reversed(rows)
        ]

    def clear(self) -> None:
        self._ring.clear()
        self._pending.clear()


_INSERT = (
    "INSERT INTO request_log (time, account_id, region, service, operation, principal, status,"
    " error_code, latency_ms, request_id, source_ip, internal, authorization)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_PRUNE = "DELETE FROM request_log WHERE id <= (SELECT MAX(id) FROM request_log) - ?"


def _write(execute, executemany, transaction, entries: list[RequestRecord]) -> None:
    rows = [
        (
            e.time,
            e.account_id,
            e.region,
            e.service,
            e.operation,
            e.principal,
            e.status,
            e.error_code,
            e.latency_ms,
            e.request_id,
            e.source_ip,
            int(e.internal),
            json.dumps(e.authorization) if e.authorization else None,
        )
        for e in entries
    ]
    with transaction():
        executemany(_INSERT, rows)
        execute(_PRUNE, (TABLE_ROWS_KEPT,))


class _ThreadWriter:
    """A connection of its own to the system database, used only from worker threads, one at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._conn.execute("PRAGMA busy_timeout=5000")
        # Held while writing: close() from the loop thread waits for a batch still being written
        # (a cancelled flush task does not stop its thread), instead of pulling the connection away.
        self._lock = threading.Lock()
        self._closed = False

    @contextmanager
    def _transaction(self):
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def write(self, entries: list[RequestRecord]) -> None:
        with self._lock:
            if self._closed:
                return
            _write(self._conn.execute, self._conn.executemany, self._transaction, entries)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._conn.close()
