"""The one clock every time read in Stratus goes through.

Real time plus an offset that tests and users can move forward (`POST /_stratus/clock`), so
TTLs, retention and schedules can be seen without waiting. Background tasks sleep through
`sleep()`, which wakes early when the clock is advanced.
"""

from __future__ import annotations

import asyncio
import time as _time
from datetime import UTC, datetime


class Clock:
    def __init__(self) -> None:
        self._offset = 0.0
        self._advanced: list[asyncio.Event] = []
        # (real time of an advance, offset from then on), oldest first: lets `emulated_at` say what
        # the emulated clock read when a client signed something with its real clock.
        self._history: list[tuple[float, float]] = []

    @property
    def offset(self) -> float:
        return self._offset

    def time(self) -> float:
        """Seconds since the epoch, as the emulated cloud sees them."""
        return _time.time() + self._offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), tz=UTC)

    def emulated_at(self, real_time: float) -> float:
        """The emulated time (epoch seconds) at the moment the real clock read `real_time`.

        A presigned URL signed (with the real clock) before `advance(3600)` has an emulated
        signing time an hour behind one signed after it, so the first expires and the second not.
        """
        offset = 0.0
        for advanced_at, offset_after in self._history:
            if advanced_at > real_time:
                break
            offset = offset_after
        return real_time + offset

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self._offset += seconds
        self._history.append((_time.time(), self._offset))
        self._wake_sleepers()
        return self.time()

    def reset(self) -> None:
        self._offset = 0.0
        self._history.clear()
        self._wake_sleepers()  # their deadlines moved: let them measure again

    def _wake_sleepers(self) -> None:
        waiters, self._advanced = self._advanced, []
        for event in waiters:
            event.set()

    async def sleep(self, seconds: float) -> None:
        """Sleep `seconds` of emulated time; returns early if the clock is advanced meanwhile."""
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        deadline = self.time() + seconds
        while True:
            now = self.time()
            # A clock set back (a reset) must not stretch the sleep past `seconds` from now.
            deadline = min(deadline, now + seconds)
            remaining = deadline - now
            if remaining <= 0:
                return
            event = asyncio.Event()
            self._advanced.append(event)
            waiter = asyncio.ensure_future(event.wait())
            try:
                # asyncio.wait, not wait_for: wait_for (3.11) can swallow a cancellation that arrives
                # as the event is set, and the sleeper would then sleep on, holding up its canceller.
                await asyncio.wait({waiter}, timeout=remaining)
            finally:
                waiter.cancel()
                if event in self._advanced:
                    self._advanced.remove(event)


clock = Clock()
