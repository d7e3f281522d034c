"""Database: migrations, transactions, savepoints, pragmas, readers, notifications."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest

from stratus.store import Database, MigrationError, TransactionError

# The shape every service schema follows: account_id (and region, for a regional service) lead
# the primary key, so every lookup is scoped to one account and region by construction.
QUEUES_V1 = """
CREATE TABLE queues (
    account_id TEXT NOT NULL,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    visibility_timeout INTEGER NOT NULL DEFAULT 30,
    PRIMARY KEY (account_id, region, name)
);
"""
QUEUES_V2 = """
CREATE TABLE messages (
    account_id TEXT NOT NULL,
    region TEXT NOT NULL,
    queue_name TEXT NOT NULL,
    id TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (account_id, region, queue_name, id),
    FOREIGN KEY (account_id, region, queue_name) REFERENCES queues (account_id, region, name) ON DELETE CASCADE
);
"""
UPSERT_QUEUE = (
    "INSERT INTO queues (account_id, region, name, visibility_timeout) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (account_id, region, name) DO UPDATE SET visibility_timeout = excluded.visibility_timeout"
)


@pytest.fixture
def db(tmp_path: Path):
    database = Database(tmp_path / "sqs.db", [QUEUES_V1, QUEUES_V2])
    yield database
    database.close()


def test_migrations_applied_once_then_incrementally(tmp_path: Path) -> None:
    path = tmp_path / "svc.db"
    first = Database(path, [QUEUES_V1])
    assert first.schema_version == 1
    assert first.tables() == ["queues"]
    first.close()

    again = Database(path, [QUEUES_V1])  # re-running CREATE TABLE would fail: it must not run
    assert again.schema_version == 1
    assert again.migrate([QUEUES_V1]) == 0
    assert again.migrate([QUEUES_V1, QUEUES_V2]) == 1
    assert again.schema_version == 2
    assert again.tables() == ["messages", "queues"]
    again.close()


def test_file_newer_than_code_is_refused(tmp_path: Path) -> None:
    Database(tmp_path / "svc.db", [QUEUES_V1, QUEUES_V2]).close()
    with pytest.raises(MigrationError, match="newer"):
        Database(tmp_path / "svc.db", [QUEUES_V1])


def test_failing_migration_rolls_back_entirely(tmp_path: Path) -> None:
    broken = "CREATE TABLE half (x INTEGER); INSERT INTO no_such_table VALUES (1);"
    db = Database(tmp_path / "svc.db", [QUEUES_V1])
    with pytest.raises(MigrationError, match="migration 2 failed"):
        db.migrate([QUEUES_V1, broken])
    assert db.schema_version == 1
    assert "half" not in db.tables()
    assert not db.in_transaction
    db.close()


def test_component_migrations_are_tracked_apart_from_the_service(tmp_path: Path) -> None:
    db = Database(tmp_path / "svc.db", [QUEUES_V1])
    assert db.migrate(["CREATE TABLE extra (x INTEGER);"], component="extra") == 1
    assert db.migrate(["CREATE TABLE extra (x INTEGER);"], component="extra") == 0
    assert db.schema_version == 1
    with pytest.raises(ValueError):
        db.migrate([], component="bad name; DROP TABLE queues")
    db.close()


def test_pragmas(db: Database) -> None:
    assert db.query_one("PRAGMA journal_mode")[0] == "wal"
    assert db.query_one("PRAGMA synchronous")[0] == 1  # NORMAL
    assert db.query_one("PRAGMA foreign_keys")[0] == 1


def test_synchronous_full_on_request(tmp_path: Path) -> None:
    db = Database(tmp_path / "svc.db", synchronous="full")
    assert db.query_one("PRAGMA synchronous")[0] == 2  # FULL
    db.close()
    with pytest.raises(ValueError):
        Database(tmp_path / "other.db", synchronous="sometimes")


def test_transaction_commits_and_rolls_back(db: Database) -> None:
    with db.transaction():
        db.execute(UPSERT_QUEUE, ("111111111111", "us-east-1", "a", 30))
    with pytest.raises(RuntimeError), db.transaction():
        db.execute(UPSERT_QUEUE, ("111111111111", "us-east-1", "b", 30))
        raise RuntimeError("boom")
    names = [row["name"] for row in db.query("SELECT name FROM queues")]
    assert names == ["a"]
    assert not db.in_transaction


def test_upsert_is_portable_on_conflict(db: Database) -> None:
    db.execute(UPSERT_QUEUE, ("111111111111", "us-east-1", "a", 30))
    db.execute(UPSERT_QUEUE, ("111111111111", "us-east-1", "a", 60))
    assert db.query_one("SELECT visibility_timeout FROM queues")[0] == 60


def test_nested_savepoints(db: Database) -> None:
    with db.transaction():
        db.execute(UPSERT_QUEUE, ("1", "r", "outer", 30))
        with pytest.raises(ValueError), db.transaction():
            db.execute(UPSERT_QUEUE, ("1", "r", "inner-rolled-back", 30))
            raise ValueError
        with db.transaction(), db.transaction():
            db.execute(UPSERT_QUEUE, ("1", "r", "inner-kept", 30))
        assert db.in_transaction
    names = sorted(row["name"] for row in db.query("SELECT name FROM queues"))
    assert names == ["inner-kept", "outer"]

    with pytest.raises(KeyError), db.transaction():
        with db.transaction():
            db.execute(UPSERT_QUEUE, ("1", "r", "gone-with-outer", 30))
        raise KeyError
    assert db.query_one("SELECT COUNT(*) FROM queues")[0] == 2


def test_foreign_keys_enforced(db: Database) -> None:
    with pytest.raises(sqlite3.IntegrityError), db.transaction():
        db.execute("INSERT INTO messages VALUES ('1', 'r', 'missing', 'm1', 'x')")


def test_accounts_and_regions_are_isolated(db: Database) -> None:
    for account, region in [
        ("111111111111", "us-east-1"),
        ("222222222222", "us-east-1"),
        ("111111111111", "eu-west-1"),
    ]:
        db.execute(UPSERT_QUEUE, (account, region, "orders", 30))
    db.execute(UPSERT_QUEUE, ("222222222222", "us-east-1", "orders", 5))  # touches only its own row
    rows = db.query(
        "SELECT visibility_timeout FROM queues WHERE account_id = ? AND region = ? AND name = ?",
        ("111111111111", "us-east-1", "orders"),
    )
    assert [row[0] for row in rows] == [30]
    assert db.query_one("SELECT COUNT(*) FROM queues")[0] == 3


def test_notifications_after_commit_only(db: Database) -> None:
    seen: list[str] = []
    unsubscribe = db.listen("ch", lambda database, channel: seen.append(channel))
    with db.transaction():
        db.notify("ch")
        db.notify("ch")  # delivered once per commit
        assert seen == []
    assert seen == ["ch"]
    with pytest.raises(ValueError), db.transaction():
        db.notify("ch")
        raise ValueError
    with db.transaction(), pytest.raises(ValueError), db.transaction():
        db.notify("ch")  # inside a savepoint that rolls back
        raise ValueError
    assert seen == ["ch"]
    db.notify("ch")  # outside a transaction: at once
    assert seen == ["ch", "ch"]
    unsubscribe()
    db.notify("ch")
    assert seen == ["ch", "ch"]


def test_reader_in_a_thread_sees_committed_rows_only(db: Database) -> None:
    db.execute(UPSERT_QUEUE, ("1", "r", "committed", 30))
    results: list[list[str]] = []

    def read() -> None:
        with db.reader() as reader:
            results.append([row["name"] for row in reader.query("SELECT name FROM queues")])
            with pytest.raises(sqlite3.OperationalError):
                reader.query("DELETE FROM queues")

    with db.transaction():
        db.execute(UPSERT_QUEUE, ("1", "r", "uncommitted", 30))
        thread = threading.Thread(target=read)
        thread.start()
        thread.join()  # WAL: the reader does not wait for the writer
    assert results == [["committed"]]


def test_transaction_held_across_await_is_detected(db: Database) -> None:
    async def scenario() -> None:
        entered = asyncio.Event()
        release = asyncio.Event()

        async def bad_holder() -> None:
            with db.transaction():
                db.execute(UPSERT_QUEUE, ("1", "r", "a", 30))
                entered.set()
                await release.wait()

        holder = asyncio.create_task(bad_holder())
        await entered.wait()
        with pytest.raises(TransactionError):
            db.execute(UPSERT_QUEUE, ("1", "r", "b", 30))
        with pytest.raises(TransactionError), db.transaction():
            pass
        release.set()
        await holder

    asyncio.run(scenario())
    assert db.query_one("SELECT COUNT(*) FROM queues")[0] == 1


def test_wipe_empties_tables_but_keeps_schema(db: Database) -> None:
    db.execute(UPSERT_QUEUE, ("1", "r", "q", 30))
    db.execute("INSERT INTO messages VALUES ('1', 'r', 'q', 'm1', 'x')")
    db.wipe()
    assert db.query_one("SELECT COUNT(*) FROM queues")[0] == 0
    assert db.query_one("SELECT COUNT(*) FROM messages")[0] == 0
    assert db.schema_version == 2
