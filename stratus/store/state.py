"""The data directory: one database per service, one blob tree per service, and a fast reset.

Layout:
    <data_dir>/<service>.db          (+ -wal, -shm)   see sqlite.py
    <data_dir>/blobs/<service>/ab/cd/<id>              see blobs.py

Every database also carries the outbox table (DESIGN.md §3), so a service can enqueue a delivery in
the same transaction as its own change.
"""

from __future__ import annotations

import logging
import re
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

from stratus.store.blobs import BlobStore
from stratus.store.sqlite import Database, Listener

log = logging.getLogger("stratus.store")

# Lower-case names as used by botocore ("sqs", "dynamodb", "lambda", "resource-groups"); a leading
# underscore marks Stratus's own databases ("_stratus"). No dots or slashes: names become file names.
_SERVICE_NAME = re.compile(r"[a-z0-9_][a-z0-9_-]{0,63}")
DATABASE_SUFFIX = ".db"
_DATABASE_FILE = re.compile(r"([a-z0-9_][a-z0-9_-]{0,63})\.db(-wal|-shm|-journal)?")
BLOBS_DIR = "blobs"

OUTBOX_TABLE = "stratus_outbox"
OUTBOX_COMPONENT = "outbox"
OUTBOX_MIGRATIONS: list[str] = [
    f"""
    CREATE TABLE {OUTBOX_TABLE} (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',      -- pending | failed (delivered rows are deleted)
        attempts INTEGER NOT NULL DEFAULT 0,          -- counted when claimed, so a crash counts too
        next_attempt_at REAL NOT NULL,                -- when due; while leased, the lease's expiry
        lease_until REAL,                             -- set while a worker delivers the row
        lease_token TEXT,                             -- which claim holds the lease
        last_error TEXT,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    );
    CREATE INDEX {OUTBOX_TABLE}_due ON {OUTBOX_TABLE} (status, next_attempt_at);
    """,
]


def validate_service_name(service: str) -> str:
    if not isinstance(service, str) or not _SERVICE_NAME.fullmatch(service):
        raise ValueError(f"invalid service name {service!r:.80}")
    return service


class StateStore:
    def __init__(self, data_dir: Path, *, synchronous: str = "NORMAL") -> None:
        self.data_dir = Path(data_dir)
        self.synchronous = synchronous.upper()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._databases: dict[str, Database] = {}
        self._migrated: dict[str, int] = {}  # how many service migrations each open database has had
        self._blob_stores: dict[str, BlobStore] = {}
        self._listeners: list[tuple[str, Listener]] = []
        self._reset_listeners: list[Callable[[], None]] = []

    # ------------------------------------------------------------------ databases

    def database(self, service: str, migrations: Sequence[str] = ()) -> Database:
        """The service's database, opened once and cached, migrated to `migrations`.

        Opening with fewer migrations than the file has (e.g. by the outbox worker, which opens
        every database on disk at start) leaves the schema as it is; the service's own call later
        applies whatever is missing.
        """
        db = self._databases.get(service)
        if db is None:
            validate_service_name(service)
            db = Database(
                self.data_dir / f"{service}{DATABASE_SUFFIX}", synchronous=self.synchronous, name=service
            )
            try:
                db.migrate(OUTBOX_MIGRATIONS, component=OUTBOX_COMPONENT)
                if migrations:
                    db.migrate(migrations)
            except BaseException:
                db.close()
                raise
            for channel, listener in self._listeners:
                db.listen(channel, listener)
            self._databases[service] = db
            self._migrated[service] = len(migrations)
        elif len(migrations) > self._migrated[service]:
            db.migrate(migrations)
            self._migrated[service] = len(migrations)
        return db

    def databases(self) -> dict[str, Database]:
        """The open databases by service name (a copy)."""
        return dict(self._databases)

    def services_on_disk(self) -> list[str]:
        names = []
        for entry in self.data_dir.glob(f"*{DATABASE_SUFFIX}"):
            match = _DATABASE_FILE.fullmatch(entry.name)
            if match and not match.group(2):
                names.append(match.group(1))
        return sorted(names)

    def open_existing(self) -> list[Database]:
        """Open every database file in the data directory (so pending outbox rows are seen at start).

        A file that cannot be opened is logged and skipped, so one damaged database does not stop
        the deliveries of all the others.
        """
        opened = []
        for service in self.services_on_disk():
            try:
                opened.append(self.database(service))
            except Exception:
                log.exception("cannot open the %s database", service)
        return opened

    def listen(self, channel: str, listener: Listener) -> Callable[[], None]:
        """Subscribe to `channel` notifications of every database, open now or later."""
        entry = (channel, listener)
        self._listeners.append(entry)
        for db in self._databases.values():
            db.listen(channel, listener)

        def unsubscribe() -> None:
            if entry in self._listeners:
                self._listeners.remove(entry)
            for db in self._databases.values():
                db.unlisten(channel, listener)

        return unsubscribe

    # ------------------------------------------------------------------ blobs

    def blobs(self, service: str) -> BlobStore:
        store = self._blob_stores.get(service)
        if store is None:
            validate_service_name(service)
            store = BlobStore(
                self.data_dir / BLOBS_DIR / service,
                fsync_directories=self.synchronous in ("FULL", "EXTRA"),
            )
            self._blob_stores[service] = store
        return store

    # ------------------------------------------------------------------ reset / close

    def on_reset(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call `callback()` after each reset (e.g. to drop in-memory caches). Returns an unsubscriber."""
        self._reset_listeners.append(callback)
        return lambda: self._reset_listeners.remove(callback) if callback in self._reset_listeners else None

    def reset(self) -> None:
        """Wipe all state of every service, account and region; schemas and open handles stay valid.

        Emptying tables in place is a few milliseconds, far faster than re-creating files, which
        matters because test suites reset between every test.
        """
        for db in self._databases.values():
            db.wipe()
        for entry in list(self.data_dir.iterdir()):
            match = _DATABASE_FILE.fullmatch(entry.name)
            if match and match.group(1) not in self._databases:
                entry.unlink(missing_ok=True)
        blobs_root = self.data_dir / BLOBS_DIR
        if blobs_root.is_dir():
            for entry in list(blobs_root.iterdir()):
                store = self._blob_stores.get(entry.name)
                if store is not None:
                    store.clear()
                elif entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
        for callback in list(self._reset_listeners):
            try:
                callback()
            except Exception:
                log.exception("reset listener failed")

    def close(self) -> None:
        for db in self._databases.values():
            db.close()
        self._databases.clear()
        self._migrated.clear()
        self._blob_stores.clear()
