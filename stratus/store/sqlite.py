"""One SQLite database per service: the system of record (DESIGN.md §4, §5).

Rules for every service schema:

- Every table carries `account_id`, and regional services also `region`, in its primary key or
  leading index columns, and every query filters on them: accounts and regions are isolated by
  construction, never by a check someone might forget.
- SQL stays within what SQLite and PostgreSQL share, so a PostgreSQL backend can replace this
  module: `INSERT ... ON CONFLICT (...) DO UPDATE SET ...` (never `INSERT OR REPLACE`), `?`
  placeholders (translated by the other backend), no `AUTOINCREMENT`, no SQLite-only functions.
- Migrations are append-only lists of scripts; a released script is never edited. Scripts must not
  contain BEGIN/COMMIT: the runner wraps each one in its own transaction.

All writes happen on the event loop thread through the one writer connection. Worker threads read
through their own connection (`Database.reader()`); WAL lets them read while the loop writes.
With WAL and `synchronous=NORMAL` a committed transaction survives a crash of the process (an
OS crash or power loss may lose the last commits; ask for `FULL` if that matters).
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

log = logging.getLogger("stratus.store")

Row = sqlite3.Row
Params = Sequence[Any] | dict[str, Any]
# Called after the transaction that sent a notification commits: listener(database, channel).
Listener = Callable[["Database", str], None]

SYNCHRONOUS_LEVELS = ("OFF", "NORMAL", "FULL", "EXTRA")
# Tracks the versions of migration sets other than the service's own (e.g. the outbox table).
COMPONENT_VERSIONS_TABLE = "stratus_schema"
_COMPONENT_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


class TransactionError(RuntimeError):
    """A transaction was misused, e.g. held open across an `await` while another task wrote."""


class MigrationError(RuntimeError):
    """The schema on disk does not match the code (a newer file, or a failing script)."""


def _current_owner() -> object:
    """The task (or, outside asyncio, the thread) on whose behalf a statement runs."""
    try:
        task = asyncio.current_task()
    except RuntimeError:
        task = None
    return task if task is not None else threading.get_ident()


class Database:
    """The writer connection of one service's database file, plus migrations and transactions."""

    def __init__(
        self,
        path: Path,
        migrations: Sequence[str] = (),
        *,
        synchronous: str = "NORMAL",
        name: str | None = None,
    ) -> None:
        level = synchronous.upper()
        if level not in SYNCHRONOUS_LEVELS:
            raise ValueError(f"synchronous must be one of {SYNCHRONOUS_LEVELS}, not {synchronous!r}")
        self.path = Path(path)
        self.name = name or self.path.stem
        self.synchronous = level
        # Autocommit mode (isolation_level=None): we issue BEGIN/COMMIT ourselves. The connection is
        # shared across threads only in the sense that the loop may not run on the creating thread.
        self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._conn.row_factory = sqlite3.Row
        mode = self._conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            log.warning("%s: WAL journal not available (got %s); readers will block writers", self.path, mode)
        self._conn.execute(f"PRAGMA synchronous={level}")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.execute("PRAGMA busy_timeout=5000")
        self._depth = 0
        self._owner: object = None
        # One list per open transaction level; a rolled-back savepoint drops its own entries.
        self._pending_notifications: list[list[str]] = []
        self._listeners: dict[str, list[Listener]] = {}
        self._closed = False
        if migrations:
            self.migrate(migrations)

    # ------------------------------------------------------------------ statements

    def execute(self, sql: str, params: Params = ()) -> sqlite3.Cursor:
        self._check_owner()
        return self._conn.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Params]) -> sqlite3.Cursor:
        self._check_owner()
        return self._conn.executemany(sql, rows)

    def query(self, sql: str, params: Params = ()) -> list[Row]:
        self._check_owner()
        return self._conn.execute(sql, params).fetchall()

    def query_one(self, sql: str, params: Params = ()) -> Row | None:
        self._check_owner()
        return self._conn.execute(sql, params).fetchone()

    def _check_owner(self) -> None:
        if self._depth and self._owner != _current_owner():
            raise TransactionError(
                f"database {self.name!r} is inside a transaction of another task: "
                "a transaction must not be held across an await"
            )

    # ------------------------------------------------------------------ transactions

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception. Nested calls use savepoints.

        Never `await` inside: the writer connection is shared by every task on the loop.
        """
        if self._depth == 0:
            self._conn.execute("BEGIN IMMEDIATE")
            self._owner = _current_owner()
        else:
            self._check_owner()
            self._conn.execute(f"SAVEPOINT sp{self._depth}")
        self._depth += 1
        self._pending_notifications.append([])
        try:
            yield self
        except BaseException:
            self._end_level(commit=False)
            raise
        else:
            self._end_level(commit=True)

    def _end_level(self, *, commit: bool) -> None:
        self._depth -= 1
        notifications = self._pending_notifications.pop()
        if self._depth > 0:
            savepoint = f"sp{self._depth}"
            if commit:
                self._conn.execute(f"RELEASE {savepoint}")
                self._pending_notifications[-1].extend(notifications)
            else:
                self._conn.execute(f"ROLLBACK TO {savepoint}")
                self._conn.execute(f"RELEASE {savepoint}")
            return
        self._owner = None
        if not commit:
            self._conn.execute("ROLLBACK")
            return
        try:
            self._conn.execute("COMMIT")
        except BaseException:
            # e.g. a deferred foreign key violation: the transaction is still open, end it.
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise
        self._deliver(notifications)

    # ------------------------------------------------------------------ notifications

    def listen(self, channel: str, listener: Listener) -> Callable[[], None]:
        """Call `listener(db, channel)` after each commit that notified `channel`. Returns an unsubscriber."""
        self._listeners.setdefault(channel, []).append(listener)
        return lambda: self.unlisten(channel, listener)

    def unlisten(self, channel: str, listener: Listener) -> None:
        listeners = self._listeners.get(channel, [])
        if listener in listeners:
            listeners.remove(listener)

    def notify(self, channel: str) -> None:
        """Like PostgreSQL's NOTIFY: delivered once after commit, dropped on rollback."""
        if self._depth:
            self._pending_notifications[-1].append(channel)
        else:
            self._deliver([channel])

    def _deliver(self, channels: list[str]) -> None:
        for channel in dict.fromkeys(channels):  # each channel once, in order
            for listener in list(self._listeners.get(channel, ())):
                try:
                    listener(self, channel)
                except Exception:  # the transaction is committed; a listener must not undo that
                    log.exception("listener for %r on %s failed", channel, self.name)

    # ------------------------------------------------------------------ migrations

    @property
    def schema_version(self) -> int:
        """How many of the service's own migration scripts have been applied."""
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self, migrations: Sequence[str], *, component: str | None = None) -> int:
        """Apply the scripts not yet applied, each in its own transaction; returns how many ran.

        The service's own list is tracked in `PRAGMA user_version`; a named `component` (such as the
        outbox table every database carries) is tracked in the `stratus_schema` table.
        """
        if self._depth:
            raise MigrationError("cannot migrate inside a transaction")
        applied = self.schema_version if component is None else self._component_version(component)
        if applied > len(migrations):
            what = "schema" if component is None else f"{component} schema"
            raise MigrationError(
                f"{self.path}: {what} version {applied} is newer than this code knows ({len(migrations)})"
            )
        for version in range(applied + 1, len(migrations) + 1):
            self._apply(migrations[version - 1], version, component)
        return len(migrations) - applied

    def _component_version(self, component: str) -> int:
        if not _COMPONENT_NAME.match(component):
            raise ValueError(f"invalid component name {component!r}")
        self._conn.execute(
            f"CREATE TABLE IF NOT EXISTS {COMPONENT_VERSIONS_TABLE} "
            "(component TEXT PRIMARY KEY, version INTEGER NOT NULL)"
        )
        row = self._conn.execute(
            f"SELECT version FROM {COMPONENT_VERSIONS_TABLE} WHERE component = ?", (component,)
        ).fetchone()
        return int(row[0]) if row else 0

    def _apply(self, script: str, version: int, component: str | None) -> None:
        if component is None:
            record = f"PRAGMA user_version = {version};"
        else:  # the name was validated by _component_version, so it is safe to inline
            record = (
                f"INSERT INTO {COMPONENT_VERSIONS_TABLE} (component, version) VALUES ('{component}', {version}) "
                "ON CONFLICT (component) DO UPDATE SET version = excluded.version;"
            )
        # Foreign keys off while the schema changes (SQLite's documented way to rebuild tables), then
        # checked before commit so a migration cannot leave dangling references behind.
        self._conn.execute("PRAGMA foreign_keys=OFF")
        try:
            self._conn.executescript(f"BEGIN IMMEDIATE;\n{script}\n;\n{record}")
            violations = self._conn.execute("PRAGMA foreign_key_check").fetchall()
            if violations:
                raise MigrationError(f"migration {version} leaves foreign key violations: {violations[:5]}")
            self._conn.execute("COMMIT")
        except BaseException as error:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            if isinstance(error, sqlite3.Error):
                label = "" if component is None else f"{component} "
                raise MigrationError(f"{self.path}: {label}migration {version} failed: {error}") from error
            raise
        finally:
            self._conn.execute("PRAGMA foreign_keys=ON")

    # ------------------------------------------------------------------ maintenance

    def tables(self) -> list[str]:
        rows = self._conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ).fetchall()
        return [row[0] for row in rows]

    def wipe(self) -> None:
        """Delete every row of every table in one transaction, keeping the schema (fast reset)."""
        tables = [name for name in self.tables() if name != COMPONENT_VERSIONS_TABLE]
        has_sequence = self._conn.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'"
        ).fetchone()
        with self.transaction():
            # Rows referencing each other are deleted in arbitrary order; check at commit instead.
            self._conn.execute("PRAGMA defer_foreign_keys=ON")
            for table in tables:
                quoted = table.replace('"', '""')
                self._conn.execute(f'DELETE FROM "{quoted}"')
            if has_sequence:
                self._conn.execute("DELETE FROM sqlite_sequence")

    def reader(self) -> Reader:
        """A new read-only connection, for work offloaded to a thread. Close it (or use `with`)."""
        return Reader(self.path)

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        if self._closed:
            return
        if self._depth:
            log.warning("closing %s inside a transaction; it is rolled back", self.name)
        self._closed = True
        self._conn.close()

    def __repr__(self) -> str:
        return f"Database({self.name!r}, {str(self.path)!r})"


class Reader:
    """A read-only connection to a database file, usable from any one thread at a time."""

    def __init__(self, path: Path) -> None:
        uri = Path(path).resolve().as_uri() + "?mode=ro"
        self._conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA query_only=ON")

    def query(self, sql: str, params: Params = ()) -> list[Row]:
        return self._conn.execute(sql, params).fetchall()

    def query_one(self, sql: str, params: Params = ()) -> Row | None:
        return self._conn.execute(sql, params).fetchone()

    @contextmanager
    def snapshot(self) -> Iterator[Reader]:
        """Every query inside sees the same committed state (one read transaction)."""
        self._conn.execute("BEGIN")
        try:
            yield self
        finally:
            self._conn.execute("COMMIT")

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
