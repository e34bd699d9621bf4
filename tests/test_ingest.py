"""Update → text, and the split-forward rejoiner (deterministic: flush after a quiet window)."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import Message

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


async def test_rejoin_key() -> None:
    async def ignore(parts: list[Part]) -> None:
        return None

    rejoiner = Rejoiner(0.05, ignore)
    assert rejoin_key(message(text="short"), "short", rejoiner) is None
    long = "x" * LONG_PART_CHARS
    assert rejoin_key(message(text=long), long, rejoiner) == "direct:7"
    assert rejoin_key(message(text="x", **user_origin(9)), "x", rejoiner) == "user:9"
    rejoiner.add(part("direct:7", 1, long))
    assert rejoin_key(message(text="tail"), "tail", rejoiner) == "direct:7"  # a paste's tail


class Collector:
    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.event = asyncio.Event()

    async def __call__(self, parts: list[Part]) -> None:
        self.batches.append([p.message_id for p in parts])
        self.event.set()

    async def wait(self, count: int) -> None:
        async with asyncio.timeout(5):
            while len(self.batches) < count:
                self.event.clear()
                await self.event.wait()


async def test_parts_within_the_window_become_one_batch_in_order() -> None:
    collected, clock = Collector(), ManualClock()
    rejoiner = Rejoiner(0.1, collected, clock=clock.time, sleep=clock.sleep)
    rejoiner.add(part("k", 3, "c"))
    rejoiner.add(part("k", 1, "a"))
    rejoiner.add(part("other", 9, "z"))
    rejoiner.add(part("k", 2, "b"))
    rejoiner.add(part("k", 4, "d", chat_id=8))  # another chat: another buffer
    await clock.advance(0.1)
    assert sorted(collected.batches) == [[1, 2, 3], [4], [9]]
    assert not rejoiner.pending(7, "k")


async def test_each_new_part_extends_the_window() -> None:
    collected, clock = Collector(), ManualClock()
    rejoiner = Rejoiner(0.3, collected, clock=clock.time, sleep=clock.sleep)
    for i in range(4):  # parts 0.05 s apart: each well within the window of the last
        rejoiner.add(part("k", i, str(i)))
        await clock.advance(0.05)
    await clock.advance(0.24)  # 0.29 s after the last part: still waiting
    assert collected.batches == [] and rejoiner.pending(7, "k")
    await clock.advance(0.01)
    assert collected.batches == [[0, 1, 2, 3]]


async def test_a_part_after_the_flush_starts_a_new_batch() -> None:
    collected, clock = Collector(), ManualClock()
    rejoiner = Rejoiner(0.02, collected, clock=clock.time, sleep=clock.sleep)
    rejoiner.add(part("k", 1, "a"))
    await clock.advance(0.02)
    rejoiner.add(part("k", 2, "b"))
    assert collected.batches == [[1]]
    await clock.advance(0.02)
    assert collected.batches == [[1], [2]]
