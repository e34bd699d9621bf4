"""A restart with the same database: digests, chats and group articles survive."""

from __future__ import annotations

import sqlite3

from bot.storage import MIGRATIONS
from tests.articles import EN_ARTICLE, ZH_HANS_ARTICLE
from tests.e2e.conftest import Starter
from tests.fakes.builders import channel_origin, command

USER = 808
GROUP = -100808


async def test_restart_answers_from_storage_and_keeps_group_articles(start: Starter) -> None:
    fake = start.fake
    fake.can_read_all_group_messages = True
    fake.chat(GROUP, "supergroup", title="Desk")
    async with start() as first:
        fake.send(USER, ZH_HANS_ARTICLE, language_code="zh-hans")
        fake.send(GROUP, EN_ARTICLE, user_id=9)
        [before] = await fake.wait_sent(USER)
        await fake.wait_for(lambda: first.services.summaries.summarized == 2, what="both stored")
        assert await first.services.storage.schema_version() == len(MIGRATIONS)

    path = start.settings.database_path
    with sqlite3.connect(path) as db:  # the file is complete on disk after a clean stop
        assert db.execute("SELECT count(*) FROM articles").fetchone() == (2,)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)

    async with start() as second:
        again = fake.send(USER, ZH_HANS_ARTICLE, language_code="zh-hans")
        _, after = await fake.wait_sent(USER, 2)
        assert after.reply_to == again["message_id"]
        assert after.text == before.text
        assert second.services.summaries.summarized == 0  # answered from storage

        fake.send(GROUP, user_id=10, **command("/summary"))
        [listing] = await fake.wait_sent(GROUP)
        assert "Northwind Logistics posts record quarter" in listing.text

        chat = await second.services.storage.chat(USER)
        assert chat is not None and chat.language == "zh-Hans"
        assert await second.services.storage.user_language(USER) == "zh-hans"


async def test_stopping_waits_for_a_forward_still_being_joined(start: Starter) -> None:
    fake = start.fake
    async with start(forward_merge_seconds=1.0) as bot:
        message = fake.send(USER, EN_ARTICLE, **channel_origin(-100999, 5))
        await bot.settled()  # handled: the part waits in the rejoiner's buffer
        assert fake.sent(USER) == []
    # a clean stop flushed the buffer before closing the database
    [call] = fake.sent(USER)
    assert call.reply_to == message["message_id"]
    with sqlite3.connect(start.settings.database_path) as db:
        assert db.execute("SELECT source FROM articles").fetchall() == [("forward",)]
