"""The durable outbox: transactional enqueue, delivery, retries, give-up, restart, concurrency."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from stratus.core.clock import Clock
from stratus.core.outbox import (
    FAILED,
    Outbox,
    OutboxError,
    OutboxWorker,
    PermanentFailure,
    deliveries,
    enqueue,
)
from stratus.store import OUTBOX_TABLE, Database, StateStore

BUCKETS = (
    "CREATE TABLE buckets (account_id TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (account_id, name));"
)
ACCOUNT = "111111111111"


def run(coroutine: Awaitable[Any]) -> Any:
    return asyncio.run(asyncio.wait_for(coroutine, 10))


@asynccontextmanager
async def running_worker(
    state: StateStore, clock: Clock, outbox: Outbox, **options: Any
) -> AsyncIterator[OutboxWorker]:
    options.setdefault("poll_interval", 1_000_000)  # nothing may depend on polling
    worker = OutboxWorker(state, clock, outbox, **options)
    await worker.start()
    try:
        yield worker
    finally:
        await worker.stop()


def create_bucket(db: Database, name: str, clock: Clock, *, delay: float = 0.0) -> int:
    """A producing operation: its own change and the notification it causes, in one transaction."""
    with db.transaction():
        db.execute("INSERT INTO buckets VALUES (?, ?)", (ACCOUNT, name))
        return enqueue(db, "notify", {"bucket": name}, delay=delay, clock=clock)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def state(tmp_path: Path):
    store = StateStore(tmp_path)
    yield store
    store.close()


def test_enqueue_requires_a_transaction(state: StateStore, clock: Clock) -> None:
    db = state.database("s3", [BUCKETS])
    with pytest.raises(OutboxError):
        enqueue(db, "notify", {}, clock=clock)
    with pytest.raises(TypeError), db.transaction():
        enqueue(db, "notify", {"not json": object()}, clock=clock)
    assert deliveries(db) == []


def test_delivered_after_commit_and_never_after_rollback(state: StateStore, clock: Clock) -> None:
    db = state.database("s3", [BUCKETS])
    outbox = Outbox()
    received: list[dict] = []
    arrived = asyncio.Event()

    async def handler(payload: dict) -> None:
        received.append(payload)
        arrived.set()

    outbox.register("notify", handler)

    async def scenario() -> None:
        async with running_worker(state, clock, outbox) as worker:
            with pytest.raises(RuntimeError), db.transaction():
                db.execute("INSERT INTO buckets VALUES (?, ?)", (ACCOUNT, "rolled-back"))
                enqueue(db, "notify", {"bucket": "rolled-back"}, clock=clock)
                raise RuntimeError("the operation failed")
            create_bucket(db, "kept", clock)
            # woken by the commit itself: no clock advance, no polling, no wait_idle()
            await asyncio.wait_for(arrived.wait(), 2)
            await worker.wait_idle()

    run(scenario())
    assert received == [{"bucket": "kept"}]
    assert deliveries(db) == []  # delivered rows are removed


def test_retries_with_exponential_backoff(state: StateStore, clock: Clock) -> None:
    db = state.database("s3", [BUCKETS])
    outbox = Outbox()
    calls: list[float] = []

    async def flaky(payload: dict) -> None:
        calls.append(clock.time())
        if len(calls) < 3:
            raise ConnectionError(f"target down ({len(calls)})")

    outbox.register("notify", flaky, base_delay=10, max_delay=1000, jitter=0)

    async def scenario() -> None:
        async with running_worker(state, clock, outbox) as worker:
            create_bucket(db, "b", clock)
            await worker.wait_idle()
            assert len(calls) == 1
            [row] = deliveries(db)
            assert row.attempts == 1 and row.lease_until is None
            assert row.last_error == "ConnectionError: target down (1)"
            assert row.next_attempt_at - calls[0] == pytest.approx(10, abs=0.5)

            clock.advance(9)  # not yet due
            await worker.wait_idle()
            assert len(calls) == 1
            clock.advance(1)
            await worker.wait_idle()
            assert len(calls) == 2
            [row] = deliveries(db)
            assert row.next_attempt_at - calls[1] == pytest.approx(20, abs=0.5)  # doubled

            clock.advance(20)
            await worker.wait_idle()
            assert len(calls) == 3

    run(scenario())
    assert deliveries(db) == []


def test_backoff_is_capped_and_jittered() -> None:
    outbox = Outbox()
    outbox.register("k", lambda payload: None, base_delay=1, max_delay=30, jitter=0.5)  # type: ignore[arg-type]
    registration = outbox.registration("k")
    assert registration is not None
    delays = [registration.retry_delay(attempt, outbox.rng) for attempt in range(1, 12)]
    assert all(0 < delay <= 30 for delay in delays)
    assert 15 <= delays[-1] <= 30


def test_permanent_failure_stops_retrying(state: StateStore, clock: Clock) -> None:
    db = state.database("s3", [BUCKETS])
    outbox = Outbox()
    calls: list[dict] = []
    given_up: list[tuple[dict, BaseException]] = []

    async def handler(payload: dict) -> None:
        calls.append(payload)
        raise PermanentFailure("queue does not exist")

    outbox.register("notify", handler, on_give_up=lambda payload, error: given_up.append((payload, error)))

    async def scenario() -> None:
        async with running_worker(state, clock, outbox) as worker:
            create_bucket(db, "b", clock)
            await worker.wait_idle()
            clock.advance(3600)
            await worker.wait_idle()

    run(scenario())
    assert len(calls) == 1
    [row] = deliveries(db)
    assert row.status == FAILED
    assert row.last_error == "PermanentFailure: queue does not exist"
    assert [(payload, str(error)) for payload, error in given_up] == [
        ({"bucket": "b"}, "queue does not exist")
    ]


def test_gives_up_after_max_attempts(state: StateStore, clock: Clock) -> None:
    db = state.database("s3", [BUCKETS])
    outbox = Outbox()
    calls = 0
    given_up: list[str] = []

    async def always_failing(payload: dict) -> None:
        nonlocal calls
        calls += 1
        raise TimeoutError(f"attempt {calls}")

    async def to_dead_letter(payload: dict, error: BaseException) -> None:
        given_up.append(f"{payload['bucket']}: {error}")

    outbox.register(
        "notify", always_failing, max_attempts=3, base_delay=1, jitter=0, on_give_up=to_dead_letter
    )

    async def scenario() -> None:
        async with running_worker(state, clock, outbox) as worker:
            create_bucket(db, "b", clock)
            for _ in range(5):
                await worker.wait_idle()
                clock.advance(100)
            await worker.wait_idle()

    run(scenario())
    assert calls == 3
    assert given_up == ["b: attempt 3"]
    [row] = deliveries(db, status=FAILED)
    assert row.attempts == 3 and row.last_error == "TimeoutError: attempt 3"


def test_delayed_delivery_waits_for_the_clock(state: StateStore, clock: Clock) -> None:
    db = state.database("s3", [BUCKETS])
    outbox = Outbox()
    arrived = asyncio.Event()

    async def handler(payload: dict) -> None:
        arrived.set()

    outbox.register("notify", handler)

    async def scenario() -> None:
        async with running_worker(state, clock, outbox) as worker:
            create_bucket(db, "b", clock, delay=60)
            await worker.wait_idle()
            assert not arrived.is_set()
            clock.advance(60)  # wakes the worker's clock.sleep early: no polling needed
            await asyncio.wait_for(arrived.wait(), 2)

    run(scenario())


def test_pending_delivery_survives_restart(tmp_path: Path, clock: Clock) -> None:
    first = StateStore(tmp_path)
    create_bucket(first.database("s3", [BUCKETS]), "before-crash", clock)
    first.close()  # the process ends before any worker ran

    second = StateStore(tmp_path)  # nothing opens s3.db: the worker must find it on disk
    outbox = Outbox()
    received: list[dict] = []

    async def handler(payload: dict) -> None:
        received.append(payload)

    outbox.register("notify", handler)

    async def scenario() -> None:
        async with running_worker(second, clock, outbox) as worker:
            await worker.wait_idle()

    run(scenario())
    assert received == [{"bucket": "before-crash"}]
    assert deliveries(second.database("s3")) == []
    second.close()


def test_in_flight_delivery_of_a_dead_process_is_reclaimed(tmp_path: Path, clock: Clock) -> None:
    first = StateStore(tmp_path)
    db = first.database("s3", [BUCKETS])
    row_id = create_bucket(db, "b", clock)
    # the dead process had claimed the row: its lease (and so the row's next attempt) is far ahead
    lease_until = clock.time() + 10_000
    db.execute(
        f"UPDATE {OUTBOX_TABLE} SET attempts = 1, lease_until = ?, next_attempt_at = ?, lease_token = 'dead' "
        "WHERE id = ?",
        (lease_until, lease_until, row_id),
    )
    first.close()

    second = StateStore(tmp_path)
    outbox = Outbox()
    received: list[dict] = []

    async def handler(payload: dict) -> None:
        received.append(payload)

    outbox.register("notify", handler)

    async def scenario() -> None:
        async with running_worker(second, clock, outbox) as worker:
            await worker.wait_idle()

    run(scenario())
    assert received == [{"bucket": "b"}]
    second.close()


def test_lease_of_another_deliverer_is_honoured_until_it_expires(state: StateStore, clock: Clock) -> None:
    db = state.database("s3", [BUCKETS])
    row_id = create_bucket(db, "b", clock)
    lease_until = clock.time() + 300
    db.execute(
        f"UPDATE {OUTBOX_TABLE} SET attempts = 1, lease_until = ?, next_attempt_at = ?, lease_token = 'other' "
        "WHERE id = ?",
        (lease_until, lease_until, row_id),
    )
    outbox = Outbox()
    received: list[dict] = []

    async def handler(payload: dict) -> None:
        received.append(payload)

    outbox.register("notify", handler)

    async def scenario() -> None:
        async with running_worker(state, clock, outbox, reclaim_on_start=False) as worker:
            await worker.wait_idle()
            assert received == []
            clock.advance(300)
            await worker.wait_idle()

    run(scenario())
    assert received == [{"bucket": "b"}]


def test_stop_mid_delivery_releases_the_row_without_using_an_attempt(tmp_path: Path, clock: Clock) -> None:
    state = StateStore(tmp_path)
    db = state.database("s3", [BUCKETS])
    outbox = Outbox()
    started = asyncio.Event()

    async def hangs(payload: dict) -> None:
        started.set()
        await asyncio.Event().wait()

    outbox.register("notify", hangs)

    async def first_run() -> None:
        async with running_worker(state, clock, outbox):
            create_bucket(db, "b", clock)
            await asyncio.wait_for(started.wait(), 2)

    run(first_run())
    [row] = deliveries(db)
    assert row.attempts == 0 and row.lease_until is None
    state.close()

    reopened = StateStore(tmp_path)
    received: list[dict] = []

    async def handler(payload: dict) -> None:
        received.append(payload)

    outbox.register("notify", handler)

    async def second_run() -> None:
        async with running_worker(reopened, clock, outbox) as worker:
            await worker.wait_idle()

    run(second_run())
    assert received == [{"bucket": "b"}]
    reopened.close()


def test_concurrent_deliveries_are_bounded(state: StateStore, clock: Clock) -> None:
    dbs = [state.database(name, [BUCKETS]) for name in ("s3", "sns")]
    outbox = Outbox()
    active = 0
    peak = 0
    delivered: list[str] = []
    gate = asyncio.Event()

    async def slow(payload: dict) -> None:
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        await gate.wait()
        active -= 1
        delivered.append(payload["bucket"])

    outbox.register("notify", slow)

    async def scenario() -> None:
        async with running_worker(state, clock, outbox, max_concurrency=3) as worker:
            for i in range(10):
                create_bucket(dbs[i % 2], f"b{i}", clock)
            for _ in range(20):
                await asyncio.sleep(0)
            assert worker.in_flight == 3
            gate.set()
            await worker.wait_idle()

    run(scenario())
    assert peak == 3
    assert sorted(delivered) == sorted(f"b{i}" for i in range(10))


def test_unknown_kind_waits_without_using_attempts(state: StateStore, clock: Clock) -> None:
    db = state.database("s3", [BUCKETS])
    received: list[dict] = []

    async def handler(payload: dict) -> None:
        received.append(payload)

    resolved: list[str] = []
    outbox = Outbox(resolver=resolved.append)  # e.g. would import the service lazily

    async def scenario() -> None:
        async with running_worker(state, clock, outbox, unknown_kind_delay=60) as worker:
            create_bucket(db, "b", clock)
            await worker.wait_idle()
            [row] = deliveries(db)
            assert row.attempts == 0 and "no handler" in (row.last_error or "")
            outbox.register("notify", handler)
            clock.advance(60)
            await worker.wait_idle()

    run(scenario())
    assert resolved == ["notify"]
    assert received == [{"bucket": "b"}]


def test_reset_cancels_in_flight_deliveries(state: StateStore, clock: Clock) -> None:
    db = state.database("s3", [BUCKETS])
    outbox = Outbox()
    started = asyncio.Event()
    finished: list[str] = []

    async def hangs(payload: dict) -> None:
        started.set()
        await asyncio.sleep(30)
        finished.append("should not happen")

    outbox.register("notify", hangs)

    async def scenario() -> None:
        async with running_worker(state, clock, outbox) as worker:
            create_bucket(db, "b", clock)
            await asyncio.wait_for(started.wait(), 2)
            state.reset()
            await worker.wait_idle()
            assert worker.in_flight == 0

    run(scenario())
    assert finished == []
    assert deliveries(db) == []


def test_a_handler_crash_does_not_stop_other_deliveries(state: StateStore, clock: Clock) -> None:
    db = state.database("s3", [BUCKETS])
    outbox = Outbox()
    received: list[str] = []

    async def handler(payload: dict) -> None:
        if payload["bucket"] == "bad":
            raise ValueError("bad payload")
        received.append(payload["bucket"])

    outbox.register("notify", handler, max_attempts=1)

    async def scenario() -> None:
        async with running_worker(state, clock, outbox) as worker:
            create_bucket(db, "bad", clock)
            create_bucket(db, "good", clock)
            await worker.wait_idle()
            assert worker.running

    run(scenario())
    assert received == ["good"]
    assert [row.payload for row in deliveries(db, status=FAILED)] == [{"bucket": "bad"}]
