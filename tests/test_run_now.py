"""The "run it now" seams of the two JobQueue adapters, which the end-to-end tests use
instead of waiting for a tick: a run in progress is finished first, then one of the
caller's own, whose result it gets; runs never overlap."""

from __future__ import annotations

import asyncio

from bot.daily import DailyJobs
from bot.daily.digests import DailyDigests, Ran
from bot.feeds.jobs import FeedJobs
from bot.feeds.poller import FeedPoller, RoundStats


class Gate:
    """Holds every run until the test opens it; counts runs and how many ran at once."""

    def __init__(self) -> None:
        self.opened = asyncio.Event()
        self.runs = 0
        self.running = 0
        self.most_at_once = 0

    def set(self) -> None:
        self.opened.set()

    async def pass_through(self) -> None:
        self.runs += 1
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        try:
            await self.opened.wait()
        finally:
            self.running -= 1


class GatedPoller(FeedPoller):
    """Rounds that wait for the test (no storage, no network)."""

    def __init__(self) -> None:
        self.poll_seconds = 1
        self.gate = Gate()

    async def run_round(self) -> RoundStats:
        await self.gate.pass_through()
        return RoundStats(feeds=self.gate.runs)


class GatedDigests(DailyDigests):
    """Due work that waits for the test (no storage, no sender)."""

    def __init__(self) -> None:
        self.gate = Gate()

    async def run_due(self) -> Ran:
        await self.gate.pass_through()
        return Ran(delivered=self.gate.runs)


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def test_feed_run_now_finishes_the_round_in_progress_then_runs_its_own() -> None:
    poller = GatedPoller()
    jobs = FeedJobs(poller)
    jobs.kick()  # a tick's round, in progress
    await settle()
    mine = asyncio.create_task(jobs.run_now())
    await settle()
    assert poller.gate.runs == 1 and not mine.done()  # waits; does not start a second one
    poller.gate.set()
    assert await mine == RoundStats(feeds=2)  # its own round's stats, not the first's
    assert poller.gate.runs == 2 and poller.gate.most_at_once == 1 and jobs.rounds == 2


async def test_feed_run_now_when_idle_runs_one_round() -> None:
    poller = GatedPoller()
    poller.gate.set()
    jobs = FeedJobs(poller)
    assert await jobs.run_now() == RoundStats(feeds=1)
    assert jobs.last == RoundStats(feeds=1) and not jobs.running


async def test_daily_run_now_finishes_the_run_in_progress_then_runs_its_own() -> None:
    digests = GatedDigests()
    jobs = DailyJobs(digests)
    await jobs._tick(None)  # type: ignore[arg-type]  # (the tick reads nothing of its context)
    await settle()
    mine = asyncio.create_task(jobs.run_now())
    await settle()
    assert digests.gate.runs == 1 and not mine.done()
    digests.gate.set()
    assert await mine == Ran(delivered=2)
    assert digests.gate.most_at_once == 1 and jobs.last == Ran(delivered=2)
