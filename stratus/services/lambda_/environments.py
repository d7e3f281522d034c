"""The warm execution environments of one Lambda provider (DESIGN.md §7).

Lambda keeps an environment warm after an invocation and hands it the next one; when every
environment of a function is busy it starts another. An environment belongs to one revision of
a function (its code and configuration): after an update or a delete the old ones are shut down
and the next invocation starts fresh. Everything here runs on the event loop.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import logging
import os
import signal
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from stratus.lambda_runtime import ExecutionEnvironment
from stratus.services.lambda_.log_writer import LogWriter

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)

# An environment is not handed new work when its role credentials expire within this margin.
CREDENTIALS_MARGIN_SECONDS = 300.0
# Lambda shuts idle environments down after a few minutes; so does Stratus (clock time), to give
# their memory back. STRATUS_LAMBDA_IDLE_SECONDS changes it.
DEFAULT_IDLE_SECONDS = 300.0
IDLE_SWEEP_SECONDS = 30.0


@dataclass(eq=False)
class WarmEnvironment:
    environment: ExecutionEnvironment
    function_arn: str
    identity: str
    log_writer: LogWriter
    credentials_expire_at: float | None = None  # epoch seconds on Stratus's clock
    account_id: str = ""
    region: str = ""
    reserved: bool = False  # its function has reserved concurrency (outside the unreserved pool)
    idle_since: float = 0.0  # clock time of its last release
    provisioned: bool = False  # kept for provisioned concurrency: never reclaimed as idle
    leased: bool = False
    retired: bool = False  # its function changed while it was busy: shut down on release


@dataclass(eq=False)
class StartingEnvironment:
    function_arn: str  # unqualified
    account_id: str
    region: str
    reserved: bool


@dataclass
class EnvironmentPool:
    """Warm environments by qualified function ARN (`...:function:f:$LATEST`, `...:f:3`): one
    pool per version; lease one per invocation, release it after."""

    _by_function: dict[str, list[WarmEnvironment]] = field(default_factory=dict)
    _closing: set[asyncio.Task] = field(default_factory=set)
    # Environments being started (credentials, code, process): they count as running invocations
    # from the moment the concurrency check passed, so simultaneous cold starts cannot all pass it.
    _starting: list[StartingEnvironment] = field(default_factory=list)

    def __post_init__(self) -> None:
        # The server has no provider shutdown hook yet: never leave runtime processes behind.
        atexit.register(_kill_at_exit, weakref.ref(self))

    def in_flight(self, function_arn: str) -> int:
        """Invocations running (or starting) in any version of the function (unqualified ARN)."""
        running = sum(
            1 for key in self._keys_of(function_arn) for warm in self._by_function[key] if warm.leased
        )
        return running + sum(1 for start in self._starting if start.function_arn == function_arn)

    def begin_start(
        self, function_arn: str, account_id: str, region: str, reserved: bool
    ) -> StartingEnvironment:
        start = StartingEnvironment(function_arn, account_id, region, reserved)
        self._starting.append(start)
        return start

    def end_start(self, start: StartingEnvironment) -> None:
        """The environment was added (add_leased) or failed to start."""
        if start in self._starting:
            self._starting.remove(start)

    def in_flight_unreserved(self, account_id: str, region: str) -> int:
        """Invocations running in functions without reserved concurrency, in one account and region."""
        running = sum(
            1
            for members in self._by_function.values()
            for warm in members
            if warm.leased and not warm.reserved and warm.account_id == account_id and warm.region == region
        )
        return running + sum(
            1
            for start in self._starting
            if not start.reserved and start.account_id == account_id and start.region == region
        )

    def reclaim_idle(self, now: float, idle_seconds: float) -> int:
        """Shut down environments idle for `idle_seconds` or more; how many."""
        closed = 0
        for key in list(self._by_function):
            kept = []
            for warm in self._by_function[key]:
                if not warm.leased and not warm.provisioned and now - warm.idle_since >= idle_seconds:
                    self._close(warm)
                    closed += 1
                else:
                    kept.append(warm)
            self._store(key, kept)
        return closed

    def set_reserved(self, function_arn: str, reserved: bool) -> None:
        """The function's reserved concurrency was put or deleted: its running environments now
        count in (or out of) the account's unreserved pool."""
        for key in self._keys_of(function_arn):
            for warm in self._by_function[key]:
                warm.reserved = reserved
        for start in self._starting:
            if start.function_arn == function_arn:
                start.reserved = reserved

    def set_provisioned(self, qualified_arn: str, count: int) -> int:
        """Keep at most `count` of this version's environments as provisioned (the others become
        ordinary, reclaimable ones); how many live provisioned ones remain."""
        kept = 0
        for warm in self._by_function.get(qualified_arn, ()):
            if warm.provisioned and warm.environment.alive and not warm.retired and kept < count:
                kept += 1
            else:
                warm.provisioned = False
        return kept

    def _keys_of(self, function_arn: str) -> list[str]:
        prefix = function_arn + ":"
        return [key for key in self._by_function if key.startswith(prefix)]

    def lease_idle(self, function_arn: str, identity: str, now: float) -> WarmEnvironment | None:
        """An idle, live environment of this revision, leased; stale idle ones are shut down."""
        kept: list[WarmEnvironment] = []
        for warm in self._by_function.get(function_arn, ()):
            if not warm.environment.alive and not warm.leased:
                continue  # it cleaned itself up when it died
            stale = warm.identity != identity or _expiring(warm, now)
            if stale and not warm.leased:
                self._close(warm)
                continue
            kept.append(warm)
        self._store(function_arn, kept)
        for warm in kept:
            if not warm.leased and not warm.retired and warm.identity == identity:
                warm.leased = True
                return warm
        return None

    def add_leased(self, warm: WarmEnvironment) -> None:
        warm.leased = True
        self._by_function.setdefault(warm.function_arn, []).append(warm)

    def release(self, warm: WarmEnvironment, now: float = 0.0) -> None:
        warm.leased = False
        warm.idle_since = now
        if warm.environment.alive and not warm.retired:
            return
        members = self._by_function.get(warm.function_arn, [])
        if warm in members:
            members.remove(warm)
            self._store(warm.function_arn, members)
        self._close(warm)

    def retire(self, function_arn: str, version: str | None = None) -> None:
        """A version was updated or deleted (every version: the function was deleted): its
        environments must not run anything new."""
        keys = self._keys_of(function_arn) if version is None else [f"{function_arn}:{version}"]
        for key in keys:
            busy: list[WarmEnvironment] = []
            for warm in self._by_function.pop(key, ()):
                warm.retired = True
                if warm.leased:
                    busy.append(warm)  # still counted for concurrency until released
                else:
                    self._close(warm)
            if busy:
                self._by_function[key] = busy

    def close_all(self) -> None:
        """After a reset: kill every runtime process now; their logs belong to wiped state."""
        for members in self._by_function.values():
            for warm in members:
                warm.retired = True
                warm.log_writer.closed = True
                _kill_process_group(warm.environment)
                self._close(warm)
        self._by_function.clear()

    async def aclose(self) -> None:
        """Shut every environment down and wait until they are gone (server shutdown)."""
        self.close_all()
        if self._closing:
            await asyncio.gather(*self._closing, return_exceptions=True)

    def _store(self, function_arn: str, members: list[WarmEnvironment]) -> None:
        if members:
            self._by_function[function_arn] = members
        else:
            self._by_function.pop(function_arn, None)

    def _close(self, warm: WarmEnvironment) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop (e.g. a reset outside the server): kill is all we can do
            _kill_process_group(warm.environment)
            return
        task = loop.create_task(warm.environment.shutdown())
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    def kill_processes(self) -> None:
        for members in self._by_function.values():
            for warm in members:
                _kill_process_group(warm.environment)


def _expiring(warm: WarmEnvironment, now: float) -> bool:
    expires = warm.credentials_expire_at
    return expires is not None and expires - now < CREDENTIALS_MARGIN_SECONDS


def _kill_process_group(environment: ExecutionEnvironment) -> None:
    # Only while it is alive: a dead environment's process may be reaped and its id reused.
    pid = environment.pid
    if environment.alive and pid is not None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)


def _kill_at_exit(pool_ref: weakref.ReferenceType[EnvironmentPool]) -> None:
    pool = pool_ref()
    if pool is not None:
        pool.kill_processes()
