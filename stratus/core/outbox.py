"""The durable outbox: cross-service deliveries that survive crashes and retry like AWS (DESIGN.md §3).

A producing operation calls `enqueue(db, kind, payload)` inside the same `db.transaction()` as its
own change, so the delivery exists if and only if the change committed. After commit, an in-process
notification wakes the `OutboxWorker`, which claims due rows from every database of the StateStore
(a lease stored in the row, never an in-memory flag), runs the handler registered for the row's kind
in an `Outbox`, and then deletes the row (success), schedules a retry with exponential backoff and
jitter (the handler raised), or marks it failed and calls `on_give_up` (`PermanentFailure`, or the
last attempt failed). Failed rows are kept with their last error for inspection.

Delivery is at least once: a crash after the handler ran but before the row was deleted delivers
again after restart, as AWS's own retries can. Handlers must tolerate duplicates.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import random
import secrets
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from stratus.core.clock import Clock
from stratus.core.clock import clock as default_clock
from stratus.store import OUTBOX_TABLE, Database, StateStore

log = logging.getLogger("stratus.outbox")

OUTBOX_CHANNEL = "outbox"  # the notification sent when a transaction with new rows commits
PENDING = "pending"
FAILED = "failed"
_ERROR_TEXT_LIMIT = 4000

Handler = Callable[[dict], Awaitable[None]]
GiveUpCallback = Callable[[dict, BaseException], Awaitable[None] | None]


class PermanentFailure(Exception):
    """Raised by a handler when retrying cannot help (the target is gone, the payload is invalid)."""


class OutboxError(RuntimeError):
    pass


def enqueue(db: Database, kind: str, payload: dict, *, delay: float = 0.0, clock: Clock | None = None) -> int:
    """Write a delivery in the caller's open transaction; returns its row id.

    `clock` defaults to the process clock; pass the one the worker uses if it is another.
    """
    if not db.in_transaction:
        raise OutboxError("enqueue() must be called inside db.transaction(), with the change it belongs to")
    if not kind or not isinstance(kind, str):
        raise ValueError("an outbox kind must be a non-empty string")
    if delay < 0:
        raise ValueError("delay must not be negative")
    body = json.dumps(payload, separators=(",", ":"))
    now = (clock or default_clock).time()
    cursor = db.execute(
        f"INSERT INTO {OUTBOX_TABLE} (kind, payload, status, attempts, next_attempt_at, created_at, updated_at) "
        "VALUES (?, ?, ?, 0, ?, ?, ?)",
        (kind, body, PENDING, now + delay, now, now),
    )
    db.notify(OUTBOX_CHANNEL)  # delivered after commit, dropped on rollback
    return int(cursor.lastrowid)


@dataclass(frozen=True, slots=True)
class Delivery:
    """One outbox row, for inspection (tests, the dashboard)."""

    id: int
    kind: str
    payload: dict
    status: str
    attempts: int
    next_attempt_at: float
    lease_until: float | None
    last_error: str | None
    created_at: float


def deliveries(db: Database, *, status: str | None = None) -> list[Delivery]:
    sql = (
        "SELECT id, kind, payload, status, attempts, next_attempt_at, lease_until, last_error, created_at "
        f"FROM {OUTBOX_TABLE}"
    )
    params: tuple = ()
    if status is not None:
        sql += " WHERE status = ?"
        params = (status,)
    rows = db.query(sql + " ORDER BY id", params)
    return [
        Delivery(
            id=row["id"],
            kind=row["kind"],
            payload=json.loads(row["payload"]),
            status=row["status"],
            attempts=row["attempts"],
            next_attempt_at=row["next_attempt_at"],
            lease_until=row["lease_until"],
            last_error=row["last_error"],
            created_at=row["created_at"],
        )
        for row in rows
    ]


@dataclass(frozen=True, slots=True)
class Registration:
    kind: str
    handler: Handler
    max_attempts: int
    base_delay: float
    max_delay: float
    jitter: float
    on_give_up: GiveUpCallback | None

    def retry_delay(self, attempts: int, rng: random.Random) -> float:
        """Exponential backoff after the `attempts`-th failure, shortened by up to `jitter` of itself."""
        delay = min(self.max_delay, self.base_delay * 2 ** max(0, attempts - 1))
        return delay * (1.0 - self.jitter * rng.random())


class Outbox:
    """The handlers by kind. One per runtime (tests make their own), so registrations never leak.

    `resolver(kind)` is called once for a kind without a handler, e.g. to import the service that
    registers it lazily; rows of a kind nobody handles wait without using up their attempts.
    """

    def __init__(
        self, *, resolver: Callable[[str], None] | None = None, rng: random.Random | None = None
    ) -> None:
        self._registrations: dict[str, Registration] = {}
        self._resolver = resolver
        self._resolved: set[str] = set()
        self.rng = rng or random.Random()

    def register(
        self,
        kind: str,
        handler: Handler,
        *,
        max_attempts: int = 5,
        base_delay: float = 1.0,
        max_delay: float = 300.0,
        jitter: float = 0.2,
        on_give_up: GiveUpCallback | None = None,
    ) -> None:
        """Deliver rows of `kind` with `await handler(payload)`; a later registration replaces it."""
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if not 0.0 <= jitter <= 1.0:
            raise ValueError("jitter is a fraction between 0 and 1")
        self._registrations[kind] = Registration(
            kind, handler, max_attempts, base_delay, max_delay, jitter, on_give_up
        )

    def unregister(self, kind: str) -> None:
        self._registrations.pop(kind, None)

    def registration(self, kind: str) -> Registration | None:
        found = self._registrations.get(kind)
        if found is None and self._resolver is not None and kind not in self._resolved:
            self._resolved.add(kind)
            try:
                self._resolver(kind)
            except Exception:
                log.exception("outbox resolver failed for kind %r", kind)
            found = self._registrations.get(kind)
        return found

    def kinds(self) -> list[str]:
        return sorted(self._registrations)

    def clear(self) -> None:
        self._registrations.clear()
        self._resolved.clear()


# Handlers registered at import time by code that has no runtime at hand use this one.
default_outbox = Outbox()


def register(kind: str, handler: Handler, **options: Any) -> None:
    default_outbox.register(kind, handler, **options)


@dataclass(frozen=True, slots=True)
class _Claim:
    db: Database
    id: int
    kind: str
    payload: str
    attempts: int  # including this one
    token: str


class OutboxWorker:
    """Delivers due outbox rows of every database in `state`, at most `max_concurrency` at a time.

    Wakes when a transaction that enqueued commits, when a delivery finishes, when the earliest
    retry falls due, and when the clock is advanced (`Clock.sleep` wakes early). `lease_seconds`
    only matters across processes: this worker never re-claims a row it is still delivering.
    """

    def __init__(
        self,
        state: StateStore,
        clock: Clock,
        outbox: Outbox | None = None,
        *,
        max_concurrency: int = 32,
        lease_seconds: float = 300.0,
        poll_interval: float = 30.0,
        unknown_kind_delay: float = 60.0,
        reclaim_on_start: bool = True,
    ) -> None:
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        self.state = state
        self.clock = clock
        self.outbox = outbox if outbox is not None else default_outbox
        self.max_concurrency = max_concurrency
        self.lease_seconds = lease_seconds
        self.poll_interval = poll_interval
        self.unknown_kind_delay = unknown_kind_delay
        # With SQLite this process is the only deliverer, so leases found at start belong to a
        # process that died: release them at once instead of waiting for them to expire.
        self.reclaim_on_start = reclaim_on_start
        self._task: asyncio.Task | None = None
        self._active = False
        # (id(db), row id) → the delivery task and its claim
        self._in_flight: dict[tuple[int, int], tuple[asyncio.Task, _Claim]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self._wake_event: asyncio.Event | None = None
        self._idle_event: asyncio.Event | None = None
        self._warned_kinds: set[str] = set()
        self._next_db = 0  # round-robin start, so one busy database cannot starve the others

    # ------------------------------------------------------------------ lifecycle

    @property
    def running(self) -> bool:
        """True while run() is active, whether started by start() or by a Scheduler."""
        return self._active

    @property
    def in_flight(self) -> int:
        return len(self._in_flight)

    async def start(self) -> None:
        if self._task is not None and not self._task.done():
            return
        self._task = asyncio.create_task(self.run(), name="outbox-worker")
        await asyncio.sleep(0)  # let it subscribe before the caller's first enqueue

    async def stop(self, timeout: float = 5.0) -> None:
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=timeout)
        if not done:
            log.warning("outbox worker did not stop within %.1fs", timeout)

    async def run(self) -> None:
        """The delivery loop; runs until cancelled (usable directly as a Scheduler task)."""
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        self._wake_event = asyncio.Event()
        self._idle_event = asyncio.Event()
        unsubscribe = self.state.listen(OUTBOX_CHANNEL, lambda db, channel: self.wake())
        unsubscribe_reset = self.state.on_reset(self._on_reset)
        self._active = True
        try:
            self.state.open_existing()
            if self.reclaim_on_start:
                try:
                    self._release_stale_leases()
                except Exception:  # the leases then simply expire
                    log.exception("could not release the leases of a previous run")
            while True:
                self._wake_event.clear()
                try:
                    next_due = self._claim_and_spawn()
                except Exception:
                    log.exception("outbox scan failed; retrying shortly")
                    next_due = self.clock.time() + 1.0
                await self._wait(next_due)
        finally:
            self._active = False
            unsubscribe()
            unsubscribe_reset()
            in_flight = list(self._in_flight.values())
            for task, _ in in_flight:
                task.cancel()
            if in_flight:
                await asyncio.gather(*(task for task, _ in in_flight), return_exceptions=True)
            # A task cancelled before it started never ran its own clean-up; releasing is idempotent
            # (it matches the claim's lease token only), so release every claim we held.
            for _, claim in in_flight:
                self._release(claim)

    def wake(self) -> None:
        """Look for due rows now. Safe to call from any thread."""
        loop, event = self._loop, self._wake_event
        if loop is None or event is None:
            return
        if threading.get_ident() == self._loop_thread:
            event.set()
        else:
            try:
                loop.call_soon_threadsafe(event.set)
            except RuntimeError:  # the loop is closed
                pass

    async def wait_idle(self, timeout: float = 5.0) -> None:
        """Return once nothing is due now and nothing is being delivered (for tests)."""
        if not self.running or self._idle_event is None:
            raise OutboxError("the outbox worker is not running")
        self._idle_event.clear()
        self.wake()
        await asyncio.wait_for(self._idle_event.wait(), timeout)

    # ------------------------------------------------------------------ the loop

    async def _wait(self, next_due: float | None) -> None:
        assert self._wake_event is not None
        now = self.clock.time()
        timeout: float | None = self.poll_interval
        if next_due is not None and next_due > now:
            timeout = min(next_due - now, self.poll_interval)
        elif next_due is not None and len(self._in_flight) >= self.max_concurrency:
            timeout = None  # due but no free slot: a finishing delivery wakes us
        elif next_due is not None:
            timeout = 0.05  # due but skipped (e.g. its database was busy): look again soon
        waiters = {asyncio.ensure_future(self._wake_event.wait())}
        if timeout is not None:
            waiters.add(asyncio.ensure_future(self.clock.sleep(timeout)))
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
            await asyncio.gather(*waiters, return_exceptions=True)

    def _claim_and_spawn(self) -> float | None:
        """Start deliveries for due rows while slots are free; return when the next row falls due."""
        assert self._idle_event is not None
        now = self.clock.time()
        databases = [db for db in self.state.databases().values() if not db.closed]
        if databases:
            self._next_db %= len(databases)
            databases = databases[self._next_db :] + databases[: self._next_db]
            self._next_db += 1
        earliest: float | None = None
        started = 0
        for db in databases:
            if db.in_transaction:  # someone holds it across an await; never join their transaction
                continue
            busy_ids = [row_id for (db_key, row_id) in self._in_flight if db_key == id(db)]
            free = self.max_concurrency - len(self._in_flight)
            due = self._next_due(db, busy_ids)  # an indexed read first: idle databases cost no write
            if free > 0 and due is not None and due <= now:
                for claim in self._claim(db, now, free, busy_ids):
                    key = (id(db), claim.id)
                    task = asyncio.create_task(self._deliver(claim), name=f"outbox-{claim.kind}-{claim.id}")
                    self._in_flight[key] = (task, claim)
                    # A done callback, not a finally: a task cancelled before it starts runs no code.
                    task.add_done_callback(lambda _task, key=key: self._finished(key))
                    busy_ids.append(claim.id)
                    started += 1
                due = self._next_due(db, busy_ids)
            if due is not None and (earliest is None or due < earliest):
                earliest = due
        if started == 0 and not self._in_flight and (earliest is None or earliest > now):
            self._idle_event.set()
        return earliest

    def _claim(self, db: Database, now: float, limit: int, busy_ids: list[int]) -> list[_Claim]:
        exclude, params = _excluding(busy_ids)
        with db.transaction():
            rows = db.query(
                f"SELECT id, kind, payload, attempts FROM {OUTBOX_TABLE} "
                f"WHERE status = ? AND next_attempt_at <= ?{exclude} ORDER BY next_attempt_at, id LIMIT ?",
                (PENDING, now, *params, limit),
            )
            claims = [
                _Claim(db, row["id"], row["kind"], row["payload"], row["attempts"] + 1, secrets.token_hex(8))
                for row in rows
            ]
            # While leased, next_attempt_at is the lease's expiry: one indexed column says when a row
            # is due, whether it waits for a retry or for a crashed deliverer's lease to run out.
            lease_until = now + self.lease_seconds
            db.executemany(
                f"UPDATE {OUTBOX_TABLE} SET attempts = ?, lease_until = ?, next_attempt_at = ?, "
                "lease_token = ?, updated_at = ? WHERE id = ?",
                [(claim.attempts, lease_until, lease_until, claim.token, now, claim.id) for claim in claims],
            )
        return claims

    def _next_due(self, db: Database, busy_ids: list[int]) -> float | None:
        exclude, params = _excluding(busy_ids)
        row = db.query_one(
            f"SELECT next_attempt_at FROM {OUTBOX_TABLE} WHERE status = ?{exclude} "
            "ORDER BY next_attempt_at LIMIT 1",
            (PENDING, *params),
        )
        return None if row is None or row[0] is None else float(row[0])

    def _release_stale_leases(self) -> None:
        now = self.clock.time()
        for db in self.state.databases().values():
            db.execute(
                f"UPDATE {OUTBOX_TABLE} SET lease_until = NULL, lease_token = NULL, next_attempt_at = ? "
                "WHERE status = ? AND lease_until IS NOT NULL",
                (now, PENDING),
            )

    def _on_reset(self) -> None:
        # Deliveries of wiped rows must not reach handlers of whatever runs after the reset.
        def cancel_all() -> None:
            for task, _ in list(self._in_flight.values()):
                task.cancel()

        if self._loop is None:
            return
        if threading.get_ident() == self._loop_thread:
            cancel_all()
        else:
            try:
                self._loop.call_soon_threadsafe(cancel_all)
            except RuntimeError:
                pass

    # ------------------------------------------------------------------ one delivery

    def _finished(self, key: tuple[int, int]) -> None:
        self._in_flight.pop(key, None)
        self.wake()

    async def _deliver(self, claim: _Claim) -> None:
        registration = self.outbox.registration(claim.kind)
        if registration is None:
            self._postpone_unknown_kind(claim)
            return
        try:
            payload = json.loads(claim.payload)
        except ValueError as error:
            await self._give_up(claim, registration, {}, PermanentFailure(f"unreadable payload: {error}"))
            return
        try:
            await registration.handler(payload)
        except asyncio.CancelledError:
            self._release(claim)  # stopped, not failed: the attempt does not count
            raise
        except PermanentFailure as error:
            await self._give_up(claim, registration, payload, error)
        except Exception as error:
            if claim.attempts >= registration.max_attempts:
                await self._give_up(claim, registration, payload, error)
            else:
                self._retry(claim, registration, error)
        else:
            self._update(claim, f"DELETE FROM {OUTBOX_TABLE} WHERE id = ? AND lease_token = ?", ())

    def _retry(self, claim: _Claim, registration: Registration, error: BaseException) -> None:
        delay = registration.retry_delay(claim.attempts, self.outbox.rng)
        log.info(
            "outbox %s #%d attempt %d failed (%s); retry in %.1fs",
            claim.kind,
            claim.id,
            claim.attempts,
            _describe(error),
            delay,
        )
        now = self.clock.time()
        self._update(
            claim,
            f"UPDATE {OUTBOX_TABLE} SET next_attempt_at = ?, lease_until = NULL, lease_token = NULL, "
            "last_error = ?, updated_at = ? WHERE id = ? AND lease_token = ?",
            (now + delay, _describe(error), now),
        )

    async def _give_up(
        self, claim: _Claim, registration: Registration, payload: dict, error: BaseException
    ) -> None:
        log.warning(
            "outbox %s #%d gave up after %d attempt(s): %s",
            claim.kind,
            claim.id,
            claim.attempts,
            _describe(error),
        )
        marked = self._update(
            claim,
            f"UPDATE {OUTBOX_TABLE} SET status = ?, lease_until = NULL, lease_token = NULL, "
            "last_error = ?, updated_at = ? WHERE id = ? AND lease_token = ?",
            (FAILED, _describe(error), self.clock.time()),
        )
        if marked and registration.on_give_up is not None:
            try:
                result = registration.on_give_up(payload, error)
                if inspect.isawaitable(result):
                    await result
            except Exception:
                log.exception("on_give_up for outbox %s #%d failed", claim.kind, claim.id)

    def _release(self, claim: _Claim) -> None:
        self._update(
            claim,
            f"UPDATE {OUTBOX_TABLE} SET attempts = attempts - 1, next_attempt_at = ?, lease_until = NULL, "
            "lease_token = NULL WHERE id = ? AND lease_token = ?",
            (self.clock.time(),),
        )

    def _postpone_unknown_kind(self, claim: _Claim) -> None:
        if claim.kind not in self._warned_kinds:
            self._warned_kinds.add(claim.kind)
            log.warning("no outbox handler for kind %r; its deliveries wait", claim.kind)
        now = self.clock.time()
        self._update(
            claim,
            f"UPDATE {OUTBOX_TABLE} SET attempts = attempts - 1, next_attempt_at = ?, lease_until = NULL, "
            "lease_token = NULL, last_error = ?, updated_at = ? WHERE id = ? AND lease_token = ?",
            (now + self.unknown_kind_delay, f"no handler registered for kind {claim.kind!r}", now),
        )

    def _update(self, claim: _Claim, sql: str, leading_params: tuple) -> bool:
        """Run a statement on the claimed row if the claim still holds it; True if it did."""
        if claim.db.closed:
            return False
        try:
            with claim.db.transaction():
                cursor = claim.db.execute(sql, (*leading_params, claim.id, claim.token))
            return cursor.rowcount > 0
        except Exception:  # sqlite errors, or the database held in another task's transaction
            log.exception("outbox %s #%d: could not record the outcome", claim.kind, claim.id)
            return False


def _excluding(ids: list[int]) -> tuple[str, tuple[int, ...]]:
    if not ids:
        return "", ()
    return f" AND id NOT IN ({', '.join('?' * len(ids))})", tuple(ids)


def _describe(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}"
    return text[:_ERROR_TEXT_LIMIT]
