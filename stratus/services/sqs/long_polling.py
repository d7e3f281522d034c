"""Long polling: receivers waiting on a queue, woken by a send or when a message becomes visible.

A waiter is an asyncio.Event plus a clock sleep: it costs no CPU while it waits, and advancing the
Stratus clock wakes it (so delays and visibility timeouts end for waiting receivers too).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict

from stratus.core.clock import Clock


class QueueWaiters:
    """The receivers currently waiting, per queue id."""

    def __init__(self) -> None:
        self._waiting: dict[int, set[asyncio.Event]] = defaultdict(set)

    def wake(self, queue_id: int) -> None:
        """Called after a commit that made messages available on the queue."""
        for event in self._waiting.pop(queue_id, ()):
            event.set()

    def waiting(self, queue_id: int) -> int:
        return len(self._waiting.get(queue_id, ()))

    async def wait(self, queue_id: int, seconds: float, clock: Clock) -> None:
        """Until the queue is woken or `seconds` of emulated time pass (whichever is first)."""
        if seconds <= 0:
            return
        event = asyncio.Event()
        self._waiting[queue_id].add(event)
        woken = asyncio.ensure_future(event.wait())
        slept = asyncio.ensure_future(clock.sleep(seconds))
        try:
            await asyncio.wait((woken, slept), return_when=asyncio.FIRST_COMPLETED)
        finally:
            woken.cancel()
            slept.cancel()
            waiters = self._waiting.get(queue_id)
            if waiters is not None:
                waiters.discard(event)
                if not waiters:
                    del self._waiting[queue_id]
