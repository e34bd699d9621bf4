"""The polling leader lock: one instance polls, a standby takes over when it stops or is cut off.

Intervals are injected and short; every wait is on a condition (bounded by a
generous timeout), never a fixed sleep that proves a negative.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import psycopg

from bot.leader import FileLeaderLock, LeaderLock, Leadership
from bot.storage.postgres_leader import PostgresLeaderLock

#: How long any awaited condition may take before the test fails (not a speed bound).
PATIENCE = 20.0
#: The grace of the PostgreSQL standbys below: a value the gated sleep recognizes.
GRACE = 0.375


class Events:
    def __init__(self) -> None:
        self.log: list[str] = []
        self.changed = asyncio.Event()

    def callbacks(self, name: str) -> dict[str, Callable[[], Awaitable[None]]]:
        async def elected() -> None:
            self.add(f"{name} polls")

        async def deposed() -> None:
            self.add(f"{name} stops")

        return {"elected": elected, "deposed": deposed}

    def add(self, event: str) -> None:
        self.log.append(event)
        self.changed.set()

    async def until(self, event: str) -> None:
        async with asyncio.timeout(PATIENCE):
            while event not in self.log:
                self.changed.clear()
                await self.changed.wait()


def leadership(
    lock: LeaderLock,
    events: Events,
    name: str,
    *,
    grace: float = 0.0,
    retry: float = 0.05,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> Leadership:
    return Leadership(
        lock,
        **events.callbacks(name),
        check_seconds=0.05,
        retry_seconds=retry,
        grace_seconds=grace,
        sleep=sleep,
    )


@asynccontextmanager
async def started(*leaders: Leadership) -> AsyncIterator[None]:
    try:
        for leader in leaders:
            await leader.start()
        yield
    finally:
        for leader in leaders:
            await leader.stop()


async def test_a_file_lock_is_held_by_one_process_and_names_it(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3.lock"
    first, second = FileLeaderLock(path), FileLeaderLock(path)  # two open files: two holders
    assert await first.acquire() and await first.held()
    assert not await second.acquire() and not await second.held()
    assert second.holder() == f"process {os.getpid()}"
    assert "bot.sqlite3" in second.where and not second.where.endswith(".lock")
    await first.release()
    assert await second.acquire()
    await second.release()


async def test_on_sqlite_a_second_instance_stands_by_and_takes_over(tmp_path: Path) -> None:
    events = Events()
    path = tmp_path / "bot.sqlite3.lock"
    one = leadership(FileLeaderLock(path), events, "one")
    two = leadership(FileLeaderLock(path), events, "two")
    async with started(one, two):
        assert one.is_leader and not two.is_leader
        assert events.log == ["one polls"]
        await one.stop()  # the first process stops: its lock goes with it
        await events.until("two polls")
        assert events.log == ["one polls", "one stops", "two polls"]


def gated(gate: asyncio.Event) -> Callable[[float], Awaitable[None]]:
    """``asyncio.sleep``, except that the grace after taking the lock lasts until ``gate``."""

    async def sleep(delay: float) -> None:
        if delay == GRACE:
            await gate.wait()
        else:
            await asyncio.sleep(delay)

    return sleep


async def test_on_postgresql_one_polls_and_a_killed_session_hands_over(postgres_db: str) -> None:
    events = Events()
    gate = asyncio.Event()
    first_lock = PostgresLeaderLock(postgres_db, ping_timeout=1.0)
    second_lock = PostgresLeaderLock(postgres_db, ping_timeout=1.0)
    # the deposed leader retries only much later: the lock is the standby's to take
    one = leadership(first_lock, events, "one", grace=GRACE, retry=600.0, sleep=gated(gate))
    two = leadership(second_lock, events, "two", grace=GRACE, sleep=gated(gate))
    gate.set()  # the first election passes its grace at once
    await one.start()
    gate.clear()
    async with started(two):
        try:
            assert one.is_leader and not two.is_leader
            assert events.log == ["one polls"]
            pid = first_lock.backend_pid
            with psycopg.connect(postgres_db, autocommit=True) as admin:
                assert admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone() == (
                    True,
                )
            await events.until("one stops")  # the leader noticed its session is gone
            assert not one.is_leader
            # the standby took the lock and waits out its grace before it polls
            async with asyncio.timeout(PATIENCE):
                while not second_lock._holding:
                    await asyncio.sleep(0.01)
            assert "two polls" not in events.log
            gate.set()
            await events.until("two polls")
            assert events.log == ["one polls", "one stops", "two polls"]
            assert two.is_leader and not one.is_leader and not await first_lock.held()
        finally:
            gate.set()
            await one.stop()


async def test_on_postgresql_a_silent_holder_loses_the_lock_to_the_server(
    postgres_db: str,
) -> None:
    # a holder that stops answering (its machine gone) is cut off by idle_session_timeout
    silent = PostgresLeaderLock(postgres_db, ping_timeout=1.0, idle_timeout=0.5)
    other = PostgresLeaderLock(postgres_db, ping_timeout=1.0)
    try:
        assert await silent.acquire()
        assert not await other.acquire()
        async with asyncio.timeout(PATIENCE):
            while not await other.acquire():
                await asyncio.sleep(0.05)
        assert not await silent.held()  # and it knows, at its next check
    finally:
        await silent.release()
        await other.release()


async def test_a_released_postgresql_lock_is_free_at_once(postgres_db: str) -> None:
    one = PostgresLeaderLock(postgres_db)
    two = PostgresLeaderLock(postgres_db)
    try:
        assert await one.acquire() and await one.held()
        assert await one.acquire()  # already ours
        assert not await two.acquire()
        await one.release()
        assert not await one.held()
        assert await two.acquire()
    finally:
        await one.release()
        await two.release()


class FlakyLock:
    """A lock whose server is down for the first ``failures`` tries."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.holding = False
        self.releases = 0

    @property
    def where(self) -> str:
        return "test database"

    async def acquire(self) -> bool:
        if self.failures > 0:
            self.failures -= 1
            raise ConnectionError("server down")
        self.holding = True
        return True

    async def held(self) -> bool:
        return self.holding

    async def release(self) -> None:
        self.releases += self.holding
        self.holding = False

    def holder(self) -> str:
        return "nobody"


async def test_an_unreachable_database_means_trying_again_not_standing_by_forever() -> None:
    events = Events()
    lock = FlakyLock(failures=3)
    one = leadership(lock, events, "one")
    async with started(one):
        assert not one.is_leader  # the first try failed: no crash, no polling
        await events.until("one polls")
        assert lock.failures == 0 and one.is_leader


async def test_a_takeover_that_cannot_start_polling_gives_the_lock_back() -> None:
    events = Events()
    lock = FlakyLock(failures=1)
    attempts: list[int] = []

    async def elected() -> None:
        attempts.append(len(attempts))
        if len(attempts) == 1:
            raise RuntimeError("the Bot API said no")
        events.add("polls")

    async def deposed() -> None:
        events.add("stops")

    one = Leadership(lock, elected=elected, deposed=deposed, check_seconds=0.05, retry_seconds=0.05)
    async with started(one):
        await events.until("polls")
        assert attempts == [0, 1] and lock.releases == 1 and one.is_leader
