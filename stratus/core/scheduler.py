"""Named background tasks started and stopped with the server (DESIGN.md §6).

TTL sweeps, pollers, alarm evaluation and schedules run here. Each task is supervised: if it raises,
the error is logged and the task is started again after an exponential backoff, so a bug in one
sweep shows up in the log instead of silently ending that sweep for the life of the process.
Periodic work (`every`) is driven by the emulated clock, so advancing the clock runs it early.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from stratus.core.clock import Clock

log = logging.getLogger("stratus.scheduler")

TaskFactory = Callable[[], Awaitable[None]]
PeriodicFunction = Callable[[], Awaitable[None] | None]


@dataclass(slots=True)
class _Job:
    name: str
    factory: TaskFactory
    restarts: int = 0
    task: asyncio.Task | None = None


class Scheduler:
    def __init__(
        self,
        clock: Clock,
        *,
        restart_delay: float = 1.0,
        max_restart_delay: float = 60.0,
        stop_timeout: float = 5.0,
    ) -> None:
        self.clock = clock
        self.restart_delay = restart_delay
        self.max_restart_delay = max_restart_delay
        self.stop_timeout = stop_timeout
        self._jobs: dict[str, _Job] = {}
        self._running = False

    @property
    def running(self) -> bool:
        return self._running

    def names(self) -> list[str]:
        return list(self._jobs)

    def restarts(self, name: str) -> int:
        """How many times the task `name` crashed and was started again."""
        return self._jobs[name].restarts

    def add(self, name: str, factory: TaskFactory) -> None:
        """Run `await factory()` while the scheduler runs (started now if it already is).

        A task that returns is finished; one that raises is restarted with backoff.
        """
        if name in self._jobs:
            raise ValueError(f"a background task named {name!r} already exists")
        job = _Job(name, factory)
        self._jobs[name] = job
        if self._running:
            self._spawn(job)

    def every(
        self, name: str, seconds: float, fn: PeriodicFunction, *, run_immediately: bool = False
    ) -> None:
        """Call `fn()` (sync or async) every `seconds` of clock time.

        Ticks missed because the clock jumped ahead are not replayed: one call, then the next period.
        """
        if seconds <= 0:
            raise ValueError("the period must be positive")

        async def periodic() -> None:
            next_at = self.clock.time() + (0.0 if run_immediately else seconds)
            while True:
                # at most one period: after the clock was set back, next_at may lie far ahead
                await self.clock.sleep(min(seconds, next_at - self.clock.time()))
                result = fn()
                if inspect.isawaitable(result):
                    await result
                now = self.clock.time()
                next_at += seconds
                if next_at <= now:
                    next_at = now + seconds

        self.add(name, periodic)

    async def remove(self, name: str) -> None:
        job = self._jobs.pop(name, None)
        if job is not None and job.task is not None:
            await self._cancel([job.task], self.stop_timeout)

    async def start(self) -> None:
        if self._running:
            return
        self._running = True
        for job in self._jobs.values():
            self._spawn(job)

    async def stop(self, timeout: float | None = None) -> None:
        """Cancel every task and wait for them (at most `timeout` seconds); start() may follow."""
        self._running = False
        tasks = [job.task for job in self._jobs.values() if job.task is not None]
        for job in self._jobs.values():
            job.task = None
        await self._cancel(tasks, self.stop_timeout if timeout is None else timeout)

    def _spawn(self, job: _Job) -> None:
        job.task = asyncio.create_task(self._supervise(job), name=f"scheduler:{job.name}")

    async def _supervise(self, job: _Job) -> None:
        consecutive_failures = 0
        while True:
            started = self.clock.time()
            try:
                await job.factory()
                return
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("background task %r failed; restarting", job.name)
            job.restarts += 1
            # A task that ran fine for a while before failing starts again from the shortest delay.
            if self.clock.time() - started > self.max_restart_delay:
                consecutive_failures = 0
            consecutive_failures += 1
            delay = min(self.max_restart_delay, self.restart_delay * 2 ** (consecutive_failures - 1))
            await self.clock.sleep(delay)

    @staticmethod
    async def _cancel(tasks: list[asyncio.Task], timeout: float) -> None:
        for task in tasks:
            task.cancel()
        if not tasks:
            return
        _, pending = await asyncio.wait(tasks, timeout=timeout)
        for task in pending:
            log.warning("background task %s did not stop within %.1fs", task.get_name(), timeout)
