"""The background tasks behind enabled event source mappings: one per mapping, on the scheduler.

A poller runs until its mapping is deleted or disabled; it re-reads the mapping every cycle, so an
update takes effect at the next batch. The control plane *pokes* a poller after a change: a poller
waiting (a long poll, a sleep between polls or retries) wakes at once, while one invoking its
function finishes that batch first, so a batch is never abandoned halfway. A reset *stops* every
poller the same way. The scheduler restarts a poller that crashes (with backoff).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from stratus.core.clock import Clock
from stratus.core.scheduler import Scheduler

log = logging.getLogger(__name__)

T = TypeVar("T")


class Interrupted(Exception):
    """A wait ended early: the mapping changed or the poller must stop."""


@dataclass(slots=True)
class PollerControl:
    """How the control plane reaches one running poller."""

    stopped: bool = False
    _poked: asyncio.Event = field(default_factory=asyncio.Event)

    def poke(self) -> None:
        self._poked.set()

    def stop(self) -> None:
        self.stopped = True
        self._poked.set()

    def clear(self) -> None:
        """Called by the poller as it re-reads its mapping: pokes so far are answered."""
        if not self.stopped:
            self._poked.clear()

    async def wait(self, awaitable: Awaitable[T]) -> T:
        """`await awaitable`, unless poked or stopped first: then it is cancelled and Interrupted raised."""
        work = asyncio.ensure_future(awaitable)
        if self._poked.is_set():
            work.cancel()
            await asyncio.gather(work, return_exceptions=True)
            raise Interrupted
        poked = asyncio.ensure_future(self._poked.wait())
        try:
            await asyncio.wait({work, poked}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            poked.cancel()
            if not work.done():
                work.cancel()
                await asyncio.gather(work, return_exceptions=True)
        if work.cancelled():
            raise Interrupted
        return work.result()

    async def sleep(self, clock: Clock, seconds: float) -> None:
        """Sleep on the Stratus clock (advancing it wakes the sleeper); Interrupted if poked."""
        await self.wait(clock.sleep(seconds))


@dataclass(slots=True)
class _Handle:
    name: str
    control: PollerControl


Run = Callable[[str, PollerControl], Awaitable[None]]


class PollerRegistry:
    def __init__(self, scheduler: Scheduler, run: Run, is_enabled: Callable[[str], bool]) -> None:
        self._scheduler = scheduler
        self._run = run
        self._is_enabled = is_enabled
        self._handles: dict[str, _Handle] = {}
        self._serial = itertools.count(1)
        self._cleanups: set[asyncio.Task] = set()

    def running(self) -> list[str]:
        return list(self._handles)

    def ensure(self, uuid: str) -> None:
        """Start the mapping's poller unless it runs; if it runs, make it re-read its mapping."""
        handle = self._handles.get(uuid)
        if handle is not None:
            handle.control.poke()
            return
        name = f"lambda-esm:{uuid}:{next(self._serial)}"
        handle = self._handles[uuid] = _Handle(name, PollerControl())
        self._scheduler.add(name, lambda: self._job(uuid, handle))

    def poke(self, uuid: str) -> None:
        handle = self._handles.get(uuid)
        if handle is not None:
            handle.control.poke()

    def stop(self, uuid: str) -> None:
        handle = self._handles.pop(uuid, None)
        if handle is not None:
            handle.control.stop()

    def stop_all(self) -> None:
        handles, self._handles = self._handles, {}
        for handle in handles.values():
            handle.control.stop()

    async def _job(self, uuid: str, handle: _Handle) -> None:
        if not handle.control.stopped:
            await self._run(uuid, handle.control)  # an exception: the scheduler restarts the job
        if self._handles.get(uuid) is handle:
            del self._handles[uuid]
            # Re-enabled while this poller was on its way out: the mapping needs a new one.
            if self._is_enabled(uuid):
                self.ensure(uuid)
        self._forget_job(handle.name)

    def _forget_job(self, name: str) -> None:
        """Drop the finished job from the scheduler (once this task has returned)."""
        task = asyncio.get_running_loop().create_task(self._scheduler.remove(name))
        self._cleanups.add(task)
        task.add_done_callback(self._cleanups.discard)
