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

    @property
    def offset(self) -> float:
        return self._offset

    def time(self) -> float:
        """Seconds since the epoch, as the emulated cloud sees them."""
        return _time.time() + self._offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), tz=UTC)

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self._offset += seconds
        waiters, self._advanced = self._advanced, []
        for event in waiters:
            event.set()
        return self.time()

    def reset(self) -> None:
        self._offset = 0.0

    async def sleep(self, seconds: float) -> None:
        """Sleep `seconds` of emulated time; returns early if the clock is advanced meanwhile."""
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        deadline = self.time() + seconds
        while True:
            remaining = deadline - self.time()
            if remaining <= 0:
                return
            event = asyncio.Event()
            self._advanced.append(event)
            try:
                await asyncio.wait_for(event.wait(), timeout=remaining)
            except TimeoutError:
                pass
            finally:
                if event in self._advanced:
                    self._advanced.remove(event)


clock = Clock()
