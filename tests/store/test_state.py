"""StateStore: one database and blob tree per service, outbox table everywhere, fast reset."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from stratus.store import OUTBOX_TABLE, StateStore

TABLES = """
CREATE TABLE buckets (account_id TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (account_id, name));
CREATE TABLE objects (
    account_id TEXT NOT NULL, bucket TEXT NOT NULL, key TEXT NOT NULL, blob_id TEXT NOT NULL,
    PRIMARY KEY (account_id, bucket, key),
    FOREIGN KEY (account_id, bucket) REFERENCES buckets (account_id, name)
);
"""


@pytest.fixture
def state(tmp_path: Path):
    store = StateStore(tmp_path)
    yield store
    store.close()


def test_database_opened_once_with_outbox_table(state: StateStore, tmp_path: Path) -> None:
    db = state.database("s3", [TABLES])
    assert state.database("s3", [TABLES]) is db
    assert set(db.tables()) >= {"buckets", "objects", OUTBOX_TABLE}
    assert (tmp_path / "s3.db").exists()
    assert state.databases() == {"s3": db}
    assert db.synchronous == "NORMAL"


def test_later_migrations_applied_to_an_open_database(state: StateStore) -> None:
    db = state.database("svc")  # e.g. opened by the outbox worker before the service loaded
    assert db.schema_version == 0
    assert state.database("svc", [TABLES]) is db
    assert db.schema_version == 1


@pytest.mark.parametrize("name", ["../evil", "a/b", "S3", "", "x" * 100, "a.b", "a\x00"])
def test_service_names_validated(state: StateStore, name: str) -> None:
    with pytest.raises(ValueError):
        state.database(name)
    with pytest.raises(ValueError):
        state.blobs(name)


def test_system_database_name_allowed(state: StateStore) -> None:
    assert state.database("_stratus").name == "_stratus"


def test_synchronous_full_reaches_databases_and_blobs(tmp_path: Path) -> None:
    store = StateStore(tmp_path, synchronous="FULL")
    assert store.database("sqs").query_one("PRAGMA synchronous")[0] == 2
    assert store.blobs("s3").fsync_directories is True
    store.close()


def test_reopen_finds_the_data(tmp_path: Path) -> None:
    first = StateStore(tmp_path)
    db = first.database("s3", [TABLES])
    db.execute("INSERT INTO buckets VALUES ('111111111111', 'b')")
    blob_id = first.blobs("s3").write(b"body").id
    first.close()

    second = StateStore(tmp_path)
    assert second.services_on_disk() == ["s3"]
    assert second.database("s3", [TABLES]).query_one("SELECT name FROM buckets")[0] == "b"
    assert second.blobs("s3").read(blob_id) == b"body"
    second.close()


def test_reset_wipes_everything_fast(state: StateStore, tmp_path: Path) -> None:
    databases = [state.database(name, [TABLES]) for name in ("s3", "sqs", "sns", "dynamodb", "lambda")]
    for db in databases:
        with db.transaction():
            db.executemany(
                "INSERT INTO buckets VALUES (?, ?)", [("111111111111", f"b{i}") for i in range(200)]
            )
            db.executemany(
                "INSERT INTO objects VALUES (?, ?, ?, ?)",
                [("111111111111", f"b{i}", "k", "0" * 32) for i in range(200)],
            )
            db.execute(
                f"INSERT INTO {OUTBOX_TABLE} (kind, payload, next_attempt_at, created_at, updated_at) "
                "VALUES ('k', '{}', 0, 0, 0)"
            )
    blobs = state.blobs("s3")
    blob_ids = [blobs.write(b"x" * 100).id for _ in range(20)]
    StateStore(tmp_path).database("closed-service").close()  # a file on disk nobody has open
    (tmp_path / "blobs" / "unopened" / "ab").mkdir(parents=True)

    started = time.perf_counter()
    state.reset()
    elapsed = time.perf_counter() - started
    print(f"reset of {len(databases)} databases and {len(blob_ids)} blobs took {elapsed * 1000:.1f} ms")

    for db in databases:
        for table in ("buckets", "objects", OUTBOX_TABLE):
            assert db.query_one(f"SELECT COUNT(*) FROM {table}")[0] == 0
        assert db.schema_version == 1  # schema kept, handles still valid
    assert not any(blobs.exists(blob_id) for blob_id in blob_ids)
    assert not (tmp_path / "closed-service.db").exists()
    assert not (tmp_path / "blobs" / "unopened").exists()
    assert state.services_on_disk() == ["dynamodb", "lambda", "s3", "sns", "sqs"]
    # still usable afterwards
    databases[0].execute("INSERT INTO buckets VALUES ('1', 'again')")
    assert blobs.read(blobs.write(b"again").id) == b"again"


def test_reset_listeners_called(state: StateStore) -> None:
    calls: list[str] = []
    unsubscribe = state.on_reset(lambda: calls.append("reset"))
    state.reset()
    unsubscribe()
    state.reset()
    assert calls == ["reset"]


def test_listen_covers_databases_opened_later(state: StateStore) -> None:
    seen: list[str] = []
    early = state.database("early")
    unsubscribe = state.listen("ch", lambda db, channel: seen.append(db.name))
    late = state.database("late")
    early.notify("ch")
    late.notify("ch")
    assert seen == ["early", "late"]
    unsubscribe()
    late.notify("ch")
    assert seen == ["early", "late"]
