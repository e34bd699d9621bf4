"""Scheduled work shared by several instances on one database: due subscriptions, half-sent
deliveries, retries and the daily purge, each taken by exactly one instance.

Two :class:`DailyDigests` on two :class:`Storage` objects of one database are two
instances.  Every test runs on both engines (``storage_target``: SQLite, then
PostgreSQL), with a fake sender and an injected clock: no real-clock sleeps.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.daily import LEASE, DailyDigests
from bot.errors import SendFailed
from bot.storage import Storage
from summarizer import Digest, summarize
from tests.articles import EN_ARTICLE, ZH_HANS_ARTICLE, ZH_HANT_ARTICLE

UTC_ZONE = ZoneInfo("UTC")
#: 08:00 UTC, the digest time every chat here subscribes for.
DUE = datetime(2025, 3, 10, 8, 0, tzinfo=UTC)
TODAY = DUE.date()
TEXTS = (ZH_HANS_ARTICLE, ZH_HANT_ARTICLE, EN_ARTICLE)


@cache
def digest_of(text: str) -> Digest:
    return summarize(text)


class Clock:
    """The time both instances read; tests move it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Crash(BaseException):
    """The process dying mid-send: nothing after it runs."""


class Sender:
    """One instance's Telegram: records (chat, text) per part; can die at a given call."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.sent: list[tuple[int, str]] = []
        self.die_at: int | None = None  # the call (0-based) at which the process dies
        self.death: BaseException = Crash()
        self.fail: SendFailed | None = None
        self.stall_at: int | None = None  # the call at which the send hangs until released
        self.stalled = asyncio.Event()
        self.release = asyncio.Event()

    async def __call__(self, chat_id: int, html: str) -> int:
        await asyncio.sleep(0)  # a real send yields: let the other instance run meanwhile
        if self.stall_at is not None and len(self.sent) == self.stall_at:
            self.stall_at = None
            self.stalled.set()
            await self.release.wait()  # Telegram accepts it, but only after this long
        if self.die_at is not None and len(self.sent) == self.die_at:
            raise self.death
        if self.fail is not None:
            raise self.fail
        self.sent.append((chat_id, html))
        return 1000 * (1 + len(self.sent))

    def to(self, chat_id: int) -> list[str]:
        return [text for chat, text in self.sent if chat == chat_id]


@dataclass
class Instance:
    storage: Storage
    sender: Sender
    digests: DailyDigests


@pytest.fixture
async def pair(storage_target: str | Path) -> AsyncIterator[tuple[Instance, Instance, Clock]]:
    """Instances A and B on one database, reading one clock (set 1 h before the digests)."""
    clock = Clock(DUE - timedelta(hours=1))
    instances = []
    for name in ("A", "B"):
        storage = await Storage.connect(storage_target)
        sender = Sender(name)
        digests = DailyDigests(
            storage,
            sender=sender,
            default_timezone="UTC",
            retention_days=30,
            clock=clock,
            part_limit=90,  # three stories: three or more parts
            batch=2,  # several claims per run, so the two instances interleave
        )
        instances.append(Instance(storage, sender, digests))
    try:
        yield instances[0], instances[1], clock
    finally:
        for instance in instances:
            await instance.storage.close()


async def add_chat(storage: Storage, chat_id: int, *, at: datetime) -> None:
    """A private chat that shared the three stories an hour before ``at``."""
    await storage.upsert_chat(chat_id, "private", language="en")
    for i, text in enumerate(TEXTS, 1):
        await storage.add_article(
            chat_id=chat_id,
            message_id=i,
            text_hash=f"h{chat_id}-{i}",
            text=text,
            digest=digest_of(text),
            source="private",
            created_at=at - timedelta(hours=1, minutes=i),
        )


async def parts_of(storage: Storage, chat_id: int, day: date = TODAY) -> list[str]:
    delivery = await storage.delivery(chat_id, day.isoformat())
    assert delivery is not None
    return list(delivery.parts)


async def test_two_instances_ticking_together_deliver_each_digest_once(
    pair: tuple[Instance, Instance, Clock],
) -> None:
    a, b, clock = pair
    chats = list(range(101, 109))
    for chat in chats:
        await add_chat(a.storage, chat, at=DUE)
        await a.digests.subscribe(chat, time(8, 0), UTC_ZONE)
    for instance in (a, b):
        ran = await instance.digests.run_due()
        assert (ran.delivered, ran.resumed, ran.skipped) == (0, 0, 0)  # not due yet
    assert a.sender.sent == b.sender.sent == []

    clock.now = DUE
    ran = await asyncio.gather(a.digests.run_due(), b.digests.run_due())
    assert sum(r.delivered for r in ran) == len(chats)  # each chat claimed by one of them
    for chat in chats:
        parts = await parts_of(a.storage, chat)
        assert len(parts) >= 3
        assert a.sender.to(chat) + b.sender.to(chat) == parts  # every part once
        assert parts in (a.sender.to(chat), b.sender.to(chat))  # one of them sent it all
        delivery = await a.storage.delivery(chat, DUE.date().isoformat())
        assert delivery is not None and delivery.status == "sent"
        assert await b.digests.next_due(chat) == DUE + timedelta(days=1)

    # ticking on changes nothing: every digest is sent, the next is tomorrow
    sent = len(a.sender.sent) + len(b.sender.sent)
    clock.now = DUE + timedelta(minutes=5)
    await asyncio.gather(a.digests.run_due(), b.digests.run_due())
    assert len(a.sender.sent) + len(b.sender.sent) == sent


async def test_a_subscription_made_through_one_instance_is_delivered_by_another(
    pair: tuple[Instance, Instance, Clock],
) -> None:
    a, b, clock = pair
    await add_chat(a.storage, 7, at=DUE)
    _, upcoming = await a.digests.subscribe(7, time(8, 0), UTC_ZONE)
    assert upcoming == DUE and await b.digests.next_due(7) == DUE
    clock.now = DUE + timedelta(seconds=1)
    ran = await b.digests.run_due()  # A never ticks
    assert ran.delivered == 1
    assert b.sender.to(7) == await parts_of(b.storage, 7) and a.sender.sent == []
    # moving the time through B is seen by A: due at the new time, not at the old one
    await b.digests.subscribe(7, time(9, 30), UTC_ZONE)
    assert await a.digests.next_due(7) == DUE + timedelta(hours=1, minutes=30)
    await b.digests.unsubscribe(7)
    assert await a.digests.next_due(7) is None


@pytest.mark.parametrize("death", [Crash(), asyncio.CancelledError()], ids=["killed", "cancelled"])
async def test_an_instance_dying_after_part_1_leaves_parts_2_and_3_to_the_other(
    pair: tuple[Instance, Instance, Clock], death: BaseException
) -> None:
    a, b, clock = pair
    await add_chat(a.storage, 9, at=DUE)
    await a.digests.subscribe(9, time(8, 0), UTC_ZONE)
    clock.now = DUE
    a.sender.die_at, a.sender.death = 1, death  # part 1 goes out, then A dies
    with pytest.raises(type(death)):
        await a.digests.run_due()
    parts = await parts_of(a.storage, 9)
    assert len(parts) >= 3 and a.sender.to(9) == parts[:1]

    # while A's lease runs, B leaves the digest alone (A might be alive and slow)
    for later in (timedelta(0), LEASE - timedelta(seconds=1)):
        clock.now = DUE + later
        await b.digests.run_due()
        assert b.sender.sent == []
    assert (await b.digests.deliver(9, DUE.date())).delivery is not None  # not even asked
    assert b.sender.sent == []

    clock.now = DUE + LEASE  # A's lease ran out: B finishes the same claimed digest
    ran = await b.digests.run_due()
    assert ran.resumed == 1 and ran.delivered == 0  # not claimed again: resumed
    assert b.sender.to(9) == parts[1:]  # only the parts not recorded, each once
    assert a.sender.to(9) + b.sender.to(9) == parts
    done = await b.storage.delivery(9, DUE.date().isoformat())
    assert done is not None and done.status == "sent" and len(done.sent_ids) == len(parts)
    assert done.lease_until is None
    assert await b.digests.next_due(9) == DUE + timedelta(days=1)  # advanced before sending


async def test_an_instance_that_stalled_past_its_lease_stops_when_it_finds_it_taken(
    pair: tuple[Instance, Instance, Clock],
) -> None:
    a, b, clock = pair
    await add_chat(a.storage, 10, at=DUE)
    await a.digests.subscribe(10, time(8, 0), UTC_ZONE)
    clock.now = DUE
    a.sender.stall_at = 1  # part 2 hangs (a network stall) longer than the lease
    stalled = asyncio.create_task(a.digests.run_due())
    await a.sender.stalled.wait()
    clock.now = DUE + LEASE
    assert (await b.digests.run_due()).resumed == 1  # B takes over: parts 2 and 3
    parts = await parts_of(b.storage, 10)
    assert b.sender.to(10) == parts[1:]
    a.sender.release.set()  # A's part 2 goes through at last: the one duplicate
    await stalled
    assert a.sender.to(10) == parts[:2]  # and A sends nothing more: B finished it
    done = await a.storage.delivery(10, TODAY.isoformat())
    assert done is not None and done.status == "sent"


async def test_a_failed_send_is_retried_by_whichever_instance_ticks_when_it_is_due(
    pair: tuple[Instance, Instance, Clock],
) -> None:
    a, b, clock = pair
    await add_chat(a.storage, 5, at=DUE)
    await a.digests.subscribe(5, time(8, 0), UTC_ZONE)
    clock.now = DUE
    a.sender.fail = SendFailed("Bad Gateway")
    await a.digests.run_due()
    held = await a.storage.delivery(5, DUE.date().isoformat())
    assert held is not None and held.attempts == 1
    assert held.lease_until == DUE + timedelta(seconds=60)  # the first retry delay
    clock.now = DUE + timedelta(seconds=59)
    await b.digests.run_due()
    assert b.sender.sent == []
    clock.now = DUE + timedelta(seconds=60)
    await b.digests.run_due()
    assert b.sender.to(5) == list(held.parts) and a.sender.sent == []


async def test_a_clean_stop_gives_its_deliveries_back_at_once(
    pair: tuple[Instance, Instance, Clock],
) -> None:
    a, b, clock = pair
    await add_chat(a.storage, 6, at=DUE)
    await a.digests.subscribe(6, time(8, 0), UTC_ZONE)
    clock.now = DUE
    a.sender.fail = SendFailed("Bad Gateway")
    await a.digests.run_due()  # waiting 60 s for its retry
    assert await a.digests.release() == 1  # stopping
    await b.digests.run_due()  # no need to wait for the retry or the lease
    assert b.sender.to(6) == await parts_of(b.storage, 6)


async def test_start_up_takes_over_a_dead_runs_leases_only_on_sqlite(
    pair: tuple[Instance, Instance, Clock], storage_target: str | Path
) -> None:
    a, b, clock = pair
    await add_chat(a.storage, 8, at=DUE)
    await a.digests.subscribe(8, time(8, 0), UTC_ZONE)
    clock.now = DUE
    a.sender.die_at = 1
    with pytest.raises(Crash):
        await a.digests.run_due()
    parts = await parts_of(a.storage, 8)
    await b.digests.start_up()  # a restart of the only process, or a second instance
    if isinstance(storage_target, Path):  # SQLite: one process owns the file, A is gone
        assert b.sender.to(8) == parts[1:]
    else:  # PostgreSQL: A may be alive elsewhere; its lease has to run out
        assert b.sender.sent == []
        clock.now = DUE + LEASE
        await b.digests.run_due()
        assert b.sender.to(8) == parts[1:]


async def test_the_purge_runs_once_a_day_across_instances(
    pair: tuple[Instance, Instance, Clock],
) -> None:
    a, b, clock = pair
    await add_chat(a.storage, 4, at=DUE - timedelta(days=40))  # 40 days old: past retention
    clock.now = DUE
    ran = await asyncio.gather(a.digests.run_due(), b.digests.run_due())
    assert sorted(r.purged is not None for r in ran) == [False, True]  # one of them purged
    assert sum(r.purged or 0 for r in ran) == len(TEXTS)
    assert await a.storage.job_due_at("purge") == DUE + timedelta(days=1)
    await add_chat(a.storage, 3, at=DUE - timedelta(days=40))
    clock.now = DUE + timedelta(hours=23)
    ran = await asyncio.gather(a.digests.run_due(), b.digests.run_due())
    assert [r.purged for r in ran] == [None, None]  # not due again yet: nobody purges
    clock.now = DUE + timedelta(days=1)
    ran = await asyncio.gather(b.digests.run_due(), a.digests.run_due())
    assert sorted(r.purged or 0 for r in ran) == [0, len(TEXTS)]


async def test_catch_up_after_downtime_keeps_the_12_hour_window(
    pair: tuple[Instance, Instance, Clock],
) -> None:
    a, b, clock = pair
    shanghai = ZoneInfo("Asia/Shanghai")
    two_days_ago = DUE - timedelta(days=2)
    back = datetime(2025, 3, 10, 3, 0, tzinfo=UTC)
    clock.now = two_days_ago
    await add_chat(a.storage, 21, at=back)
    await add_chat(a.storage, 22, at=back)
    await a.digests.subscribe(21, time(8, 0), shanghai)  # 00:00 UTC each day
    await a.digests.subscribe(22, time(20, 0), shanghai)  # 12:00 UTC each day
    # a row from before due times existed (NULL next_due_at): the same rules apply
    await a.storage.set_subscription(23, hour=8, minute=0, timezone="UTC", now=two_days_ago)
    await add_chat(a.storage, 23, at=back)

    # every instance was down for two days; B comes back at 11:00 Shanghai (03:00 UTC)
    clock.now = back
    ran = await b.digests.start_up()
    # 21: due 3 h ago, within 12 h: sent, dated today in Shanghai (once: not the two before)
    assert b.sender.to(21) == await parts_of(b.storage, 21, date(2025, 3, 10))
    assert [d for d in ("2025-03-08", "2025-03-09") if await b.storage.delivery(21, d)] == []
    # 22: due 20:00 yesterday there, 15 h ago: too late, it waits for tonight
    assert b.sender.to(22) == [] and await b.storage.delivery(22, "2025-03-09") is None
    assert await b.digests.next_due(22) == datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
    # 23 (no due time stored): 08:00 UTC comes later today: nothing owed, due then
    assert b.sender.to(23) == [] and await b.digests.next_due(23) == DUE
    assert (ran.delivered, ran.skipped) == (1, 2)
    clock.now = DUE
    await a.digests.run_due()
    assert a.sender.to(23) == await parts_of(a.storage, 23)
