"""Scheduler: named tasks, clock-driven periodic work, restart with backoff, clean stop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

import pytest

from stratus.core.clock import Clock
from stratus.core.scheduler import Scheduler


def run(coroutine: Awaitable[Any]) -> Any:
    return asyncio.run(asyncio.wait_for(coroutine, 10))


async def settle(rounds: int = 20) -> None:
    for _ in range(rounds):
        await asyncio.sleep(0)


def test_start_and_stop_named_tasks() -> None:
    clock = Clock()
    scheduler = Scheduler(clock)
    started: list[str] = []
    cancelled: list[str] = []

    def forever(name: str):
        async def task() -> None:
            started.append(name)
            try:
                await asyncio.Event().wait()
            except asyncio.CancelledError:
                cancelled.append(name)
                raise

        return task

    async def scenario() -> None:
        scheduler.add("a", forever("a"))
        await scheduler.start()
        scheduler.add("b", forever("b"))  # added while running: starts at once
        await settle()
        assert sorted(started) == ["a", "b"] and scheduler.running
        await scheduler.stop()
        assert sorted(cancelled) == ["a", "b"] and not scheduler.running
        await scheduler.start()  # can start again
        await settle()
        await scheduler.stop()

    run(scenario())
    assert sorted(started) == ["a", "a", "b", "b"]
    with pytest.raises(ValueError):
        scheduler.add("a", forever("a"))


def test_every_is_driven_by_the_clock() -> None:
    clock = Clock()
    scheduler = Scheduler(clock)
    ticks: list[float] = []
    async_ticks: list[float] = []

    async def async_tick() -> None:
        async_ticks.append(clock.time())

    async def scenario() -> None:
        scheduler.every("sync", 60, lambda: ticks.append(clock.time()))
        scheduler.every("async", 60, async_tick, run_immediately=True)
        await scheduler.start()
        await settle()
        assert ticks == [] and len(async_ticks) == 1
        clock.advance(60)
        await settle()
        assert len(ticks) == 1 and len(async_ticks) == 2
        clock.advance(3600)  # missed ticks are not replayed
        await settle()
        assert len(ticks) == 2
        clock.advance(30)
        await settle()
        assert len(ticks) == 2
        clock.advance(30)
        await settle()
        assert len(ticks) == 3
        await scheduler.stop()

    run(scenario())


def test_crashing_task_is_logged_and_restarted_with_backoff(caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    scheduler = Scheduler(clock, restart_delay=10, max_restart_delay=100)
    runs: list[float] = []
    healthy = asyncio.Event()

    async def fragile() -> None:
        runs.append(clock.time())
        if len(runs) <= 3:
            raise RuntimeError(f"crash {len(runs)}")
        healthy.set()
        await asyncio.Event().wait()

    async def scenario() -> None:
        scheduler.add("fragile", fragile)
        await scheduler.start()
        await settle()
        assert len(runs) == 1
        clock.advance(9.9)  # first backoff is 10 s
        await settle()
        assert len(runs) == 1
        clock.advance(0.1)
        await settle()
        assert len(runs) == 2
        clock.advance(19)  # second backoff doubles to 20 s
        await settle()
        assert len(runs) == 2
        clock.advance(1)
        await settle()
        assert len(runs) == 3
        clock.advance(40)
        await asyncio.wait_for(healthy.wait(), 2)
        assert scheduler.restarts("fragile") == 3
        await scheduler.stop()

    with caplog.at_level(logging.ERROR, logger="stratus.scheduler"):
        run(scenario())
    assert [record.exc_info[1].args[0] for record in caplog.records if record.exc_info] == [
        "crash 1",
        "crash 2",
        "crash 3",
    ]


def test_failing_periodic_function_keeps_running() -> None:
    clock = Clock()
    scheduler = Scheduler(clock, restart_delay=1)
    calls = 0

    def sweep() -> None:
        nonlocal calls
        calls += 1
        raise ValueError("sweep failed")

    async def scenario() -> None:
        scheduler.every("sweep", 5, sweep)
        await scheduler.start()
        for _ in range(3):
            clock.advance(5)  # the tick, which fails
            await settle()
            clock.advance(10)  # longer than the backoff so far (1, 2, 4 s): restarted
            await settle()
        await scheduler.stop()

    run(scenario())
    assert calls == 3


def test_stop_gives_up_on_a_task_that_ignores_cancellation(caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    scheduler = Scheduler(clock)
    release = asyncio.Event()

    async def stubborn() -> None:
        while not release.is_set():
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                continue  # misbehaves

    async def scenario() -> None:
        scheduler.add("stubborn", stubborn)
        await scheduler.start()
        await settle()
        await scheduler.stop(timeout=0.05)
        release.set()

    with caplog.at_level(logging.WARNING, logger="stratus.scheduler"):
        run(scenario())
    assert any("did not stop" in record.message for record in caplog.records)


def test_a_task_that_returns_is_finished_not_restarted() -> None:
    clock = Clock()
    scheduler = Scheduler(clock)
    runs = 0

    async def once() -> None:
        nonlocal runs
        runs += 1

    async def scenario() -> None:
        scheduler.add("once", once)
        await scheduler.start()
        await settle()
        clock.advance(1000)
        await settle()
        await scheduler.stop()

    run(scenario())
    assert runs == 1 and scheduler.restarts("once") == 0
