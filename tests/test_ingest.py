"""Update → text, and the split-forward rejoiner (deterministic: flush after a quiet window)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from telegram import Message, Update

from bot.ingest import (
    LONG_PART_CHARS,
    Part,
    Rejoiner,
    command_argument,
    has_words,
    join_parts,
    message_text,
    origin_key,
    part_from_message,
    rejoin_key,
)
from bot.storage import Storage
from tests.fakes.builders import (
    channel_origin,
    chat_origin,
    command,
    hidden_user_origin,
    photo,
    user_origin,
)
from tests.fakes.clock import ManualClock


def message(**fields: Any) -> Message:
    data = {
        "message_id": fields.pop("message_id", 1),
        "date": 0,
        "chat": {"id": 7, "type": "private"},
        "from": {"id": 7, "is_bot": False, "first_name": "A"},
        **fields,
    }
    return Message.de_json(data, None)


def part(key: str, message_id: int, text: str, chat_id: int = 7) -> Part:
    return Part(chat_id=chat_id, key=key, message_id=message_id, order=(0, message_id), text=text)


def test_text_and_captions() -> None:
    assert message_text(message(text="hello")) == "hello"
    assert message_text(message(**photo("a caption"))) == "a caption"
    assert message_text(message(**photo())) is None


def test_origin_keys() -> None:
    assert origin_key(message(text="x")) is None
    assert origin_key(message(text="x", **user_origin(5))) == "user:5"
    assert origin_key(message(text="x", **hidden_user_origin("Ann"))) == "hidden:Ann"
    assert origin_key(message(text="x", **chat_origin(-100))) == "chat:-100"
    assert origin_key(message(text="x", **channel_origin(-1009, 3))) == "channel:-1009"


def test_channel_parts_are_ordered_by_the_post_ids() -> None:
    later = part_from_message(message(message_id=5, text="b", **channel_origin(-1, 41)), "b", "k")
    earlier = part_from_message(message(message_id=6, text="a", **channel_origin(-1, 40)), "a", "k")
    assert sorted([later, earlier], key=lambda p: p.order) == [earlier, later]


def test_command_argument_keeps_newlines() -> None:
    assert command_argument(message(**command("/summary first line\nsecond"))) == (
        "first line\nsecond"
    )
    assert command_argument(message(**command("/summary@zhaiyao_bot  text "))) == "text"
    assert command_argument(message(**command("/summary"))) == ""
    assert command_argument(message(text="no command")) == ""


def test_has_words() -> None:
    assert has_words("a") and has_words("字") and has_words("7")
    assert not has_words("😀 !? …") and not has_words("")


def test_join_parts_skips_blank_parts() -> None:
    assert join_parts([part("k", 1, " one "), part("k", 2, "  "), part("k", 3, "two")]) == (
        "one\ntwo"
    )


@pytest.fixture
async def storage(storage_target: str | Path) -> AsyncIterator[Storage]:
    """One database (both engines); each Rejoiner on it is one instance of the bot."""
    opened = await Storage.connect(storage_target)
    try:
        yield opened
    finally:
        await opened.close()


async def test_rejoin_key(storage: Storage) -> None:
    async def ignore(parts: list[Part]) -> None:
        return None

    rejoiner = Rejoiner(0.05, ignore, store=storage, clock=ManualClock().time)
    assert await rejoin_key(message(text="short"), "short", rejoiner) is None
    long = "x" * LONG_PART_CHARS
    assert await rejoin_key(message(text=long), long, rejoiner) == "direct:7"
    assert await rejoin_key(message(text="x", **user_origin(9)), "x", rejoiner) == "user:9"
    await rejoiner.add(part("direct:7", 1, long))
    assert await rejoin_key(message(text="tail"), "tail", rejoiner) == "direct:7"  # a paste's tail


class Collector:
    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.texts: list[list[str]] = []
        self.event = asyncio.Event()

    async def __call__(self, parts: list[Part]) -> None:
        self.batches.append([p.message_id for p in parts])
        self.texts.append([p.text for p in parts])
        self.event.set()

    async def wait(self, count: int) -> None:
        async with asyncio.timeout(5):
            while len(self.batches) < count:
                self.event.clear()
                await self.event.wait()


class Parked:
    """The manual clock's sleep, counting the sleeps begun: a waiter that sleeps has decided."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.begun = 0
        self.changed = asyncio.Event()

    async def sleep(self, delay: float) -> None:
        self.begun += 1
        self.changed.set()
        await self.clock.sleep(delay)

    async def until(self, count: int) -> None:
        """Until ``count`` sleeps have begun (the waiters are parked on the manual clock)."""
        async with asyncio.timeout(5):
            while self.begun < count:
                self.changed.clear()
                await self.changed.wait()


def rejoiner(
    storage: Storage,
    collected: Callable[[list[Part]], Awaitable[None]],
    clock: ManualClock,
    window: float,
    sleep: Callable[[float], Awaitable[None]] | None = None,
) -> Rejoiner:
    return Rejoiner(window, collected, store=storage, clock=clock.time, sleep=sleep or clock.sleep)


# times below are binary fractions: the manual clock's sums are exact


async def test_parts_within_the_window_become_one_batch_in_order(storage: Storage) -> None:
    collected, clock = Collector(), ManualClock()
    joining = rejoiner(storage, collected, clock, 0.125)
    await joining.add(part("k", 3, "c"))
    await joining.add(part("k", 1, "a"))
    await joining.add(part("other", 9, "z"))
    await joining.add(part("k", 2, "b"))
    await joining.add(part("k", 4, "d", chat_id=8))  # another chat: another buffer
    await clock.advance(0.125)
    await collected.wait(3)
    assert sorted(collected.batches) == [[1, 2, 3], [4], [9]]
    assert not await joining.pending(7, "k")


async def test_each_new_part_extends_the_window(storage: Storage) -> None:
    collected, clock = Collector(), ManualClock()
    parked = Parked(clock)
    joining = rejoiner(storage, collected, clock, 0.5, parked.sleep)
    for i in range(4):  # parts 1/16 s apart: each well within the window of the last
        await joining.add(part("k", i, str(i)))
        await clock.advance(0.0625)
    await parked.until(1)
    await clock.advance(0.5 - 0.0625 - 0.0625)  # 1/16 s before the window after the last part
    await parked.until(2)  # woke, saw the later parts, went back to sleep: no flush
    assert collected.batches == [] and await joining.pending(7, "k")
    await clock.advance(0.0625)
    await collected.wait(1)
    assert collected.batches == [[0, 1, 2, 3]]


async def test_a_part_after_the_flush_starts_a_new_batch(storage: Storage) -> None:
    collected, clock = Collector(), ManualClock()
    joining = rejoiner(storage, collected, clock, 0.25)
    await joining.add(part("k", 1, "a"))
    await clock.advance(0.25)
    await collected.wait(1)
    await joining.add(part("k", 2, "b"))
    assert collected.batches == [[1]]
    await clock.advance(0.25)
    await collected.wait(2)
    assert collected.batches == [[1], [2]]


async def test_parts_that_reach_two_instances_are_one_batch_in_order(
    storage_target: str | Path,
) -> None:
    first, second = await Storage.connect(storage_target), await Storage.connect(storage_target)
    try:
        got_first, got_second, clock = Collector(), Collector(), ManualClock()
        parked = Parked(clock)
        one = rejoiner(first, got_first, clock, 0.25, parked.sleep)
        two = rejoiner(second, got_second, clock, 0.25, parked.sleep)
        await one.add(part("channel:-5", 11, "first"))
        await two.add(part("channel:-5", 13, "third"))
        await one.add(part("channel:-5", 12, "second"))
        assert await two.pending(7, "channel:-5")  # the other instance's parts count too
        await parked.until(2)  # both instances wait for the slot
        await clock.advance(0.25)
        async with asyncio.timeout(5):  # both tried; the slot is empty
            while await one.pending(7, "channel:-5") or one._waiting or two._waiting:
                await asyncio.sleep(0.01)
        batches = got_first.batches + got_second.batches
        assert batches == [[11, 12, 13]]  # one flush, every part, in order
        assert (got_first.texts + got_second.texts) == [["first", "second", "third"]]
    finally:
        await first.close()
        await second.close()


async def test_parts_left_by_a_stopped_instance_are_flushed_after_a_restart(
    storage_target: str | Path,
) -> None:
    clock = ManualClock(1000.0)
    before = await Storage.connect(storage_target)
    try:
        parked = Parked(ManualClock())  # a clock nobody advances: it never flushes
        stopped = rejoiner(before, Collector(), clock, 0.25, parked.sleep)
        await stopped.add(part("user:3", 21, "left behind"))
        await stopped.add(part("user:3", 22, "and its tail"))
        await parked.until(1)
    finally:
        await before.close()  # the process ends before its window is over
    clock.now += 60.0
    after = await Storage.connect(storage_target)
    try:
        collected = Collector()
        restarted = rejoiner(after, collected, clock, 0.25)
        assert await restarted.resume() == 1
        await collected.wait(1)
        assert collected.batches == [[21, 22]]
        assert collected.texts == [["left behind", "and its tail"]]
        assert not await restarted.pending(7, "user:3")
    finally:
        await after.close()


async def test_scopes_keep_private_and_group_parts_apart(storage: Storage) -> None:
    clock = ManualClock()
    private, group = Collector(), Collector()
    mine = Rejoiner(
        0.25, private, store=storage, scope="private", clock=clock.time, sleep=clock.sleep
    )
    theirs = Rejoiner(
        0.25, group, store=storage, scope="group", clock=clock.time, sleep=clock.sleep
    )
    await mine.add(part("k", 1, "a"))
    assert not await theirs.pending(7, "k")
    assert await theirs.resume() == 0  # not its scope
    assert await mine.resume() == 0  # waiting for it already
    another = Rejoiner(
        0.25, private, store=storage, scope="private", clock=clock.time, sleep=clock.sleep
    )
    assert await another.resume() == 1  # a second instance: its scope, not waited for yet
    await clock.advance(0.25)
    await private.wait(1)
    assert private.batches == [[1]] and group.batches == []


async def test_a_part_from_another_instance_carries_its_update_back(
    storage_target: str | Path,
) -> None:
    clock = ManualClock()
    sent = message(message_id=31, text="head", **channel_origin(-100, 4))
    update = Update.de_json({"update_id": 77, "message": sent.to_dict()}, None)
    first, second = await Storage.connect(storage_target), await Storage.connect(storage_target)
    try:
        parked = Parked(ManualClock())  # a clock nobody advances: this instance waits forever
        silent = rejoiner(first, Collector(), clock, 0.25, parked.sleep)
        await silent.add(part_from_message(sent, "head", "channel:-100", update))
        await parked.until(1)  # waiting (it would flush only after the window)
        flushed: list[Part] = []

        async def keep(parts: list[Part]) -> None:
            flushed.extend(parts)

        other = Rejoiner(
            0.25,
            keep,
            store=second,
            revive=lambda data: Update.de_json(data, None),
            clock=clock.time,
            sleep=clock.sleep,
        )
        clock.now += 1.0
        assert await other.resume() == 1
        async with asyncio.timeout(5):
            while not flushed:
                await asyncio.sleep(0.01)
        [joined] = flushed
        assert joined.update is not update and isinstance(joined.update, Update)
        assert joined.update.update_id == 77
        revived = joined.update.effective_message
        assert revived is not None and revived.message_id == 31 and revived.chat_id == 7
        assert origin_key(revived) == "channel:-100" and joined.order == (4, 31)
    finally:
        await first.close()
        await second.close()
