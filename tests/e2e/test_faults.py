"""Faults end to end: 429 waits and retries, 403 is not retried, errors never stop the bot,
and a slow article in one chat never holds up another."""

from __future__ import annotations

import asyncio
import logging
import threading

import pytest

from summarizer import Digest, summarize
from tests.articles import EN_ARTICLE, ZH_HANS_ARTICLE, ZH_HANT_ARTICLE
from tests.e2e.conftest import Harness

# one running bot for the module's `bot` tests: each gets fresh chat ids (bot.user, bot.group)
pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_429_waits_retry_after_then_delivers(bot: Harness) -> None:
    bot.fake.fail("sendMessage", 429, chat_id=bot.user, retry_after=1)
    message = bot.fake.send(bot.user, EN_ARTICLE)
    [delivered] = await bot.fake.wait_sent(bot.user)
    assert delivered.reply_to == message["message_id"]
    attempts = [c for c in bot.fake.calls("sendMessage") if c.chat_id == bot.user]
    assert [c.status for c in attempts] == [429, 200]
    assert attempts[1].at - attempts[0].at >= 1.0  # waited retry_after before retrying


async def test_403_from_a_blocked_user_is_logged_not_retried(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.app")
    bot.fake.block(bot.user)
    bot.fake.send(bot.user, EN_ARTICLE)
    await bot.fake.wait_for(
        lambda: [r for r in caplog.records if "forbidden" in r.getMessage()],
        what="the 403 to be logged",
    )
    await bot.settled()
    attempts = [c for c in bot.fake.calls("sendMessage") if c.chat_id == bot.user]
    assert [c.status for c in attempts] == [403]  # no retry, no apology into the void
    # and the bot carries on for everyone else
    bot.fake.send(bot.other_user, ZH_HANS_ARTICLE)
    await bot.fake.wait_sent(bot.other_user)


async def test_exception_in_a_handler_gets_an_apology_and_the_bot_carries_on(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="bot.app")

    def broken(text: str) -> Digest:
        raise RuntimeError("summarizer exploded")

    bot.services.summaries.summarize_fn = broken
    article = bot.unique(EN_ARTICLE)
    message = bot.fake.send(bot.user, article, language_code="zh-hk")
    [apology] = await bot.fake.wait_sent(bot.user)
    assert apology.reply_to == message["message_id"]
    assert apology.text == "抱歉，出了點問題，請稍後再試。"
    assert "summarizer exploded" not in apology.text
    assert any("handler failed" in r.getMessage() and r.exc_info for r in caplog.records)

    bot.services.summaries.summarize_fn = summarize
    bot.fake.send(bot.user, article)
    _, digest = await bot.fake.wait_sent(bot.user, 2)
    assert "Northwind" in digest.text


async def test_other_bot_api_error_is_logged_with_context(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="bot.app")
    bot.fake.fail("sendMessage", 500, chat_id=bot.user)
    bot.fake.send(bot.user, EN_ARTICLE)
    # the digest failed with 500; the apology that follows gets through
    [apology] = await bot.fake.wait_sent(bot.user)
    assert "Sorry" in apology.text
    [record] = [r for r in caplog.records if "Bot API error" in r.getMessage()]
    assert f"in chat {bot.user}" in record.getMessage()


async def test_a_slow_article_never_delays_another_chat(bot: Harness) -> None:
    release = threading.Event()
    started = threading.Event()

    def slow_for_alice(text: str) -> Digest:
        if "Northwind" in text:
            started.set()
            if not release.wait(timeout=20):
                raise TimeoutError("never released")
        return summarize(text)

    bot.services.summaries.summarize_fn = slow_for_alice
    bot.fake.send(bot.user, bot.unique(EN_ARTICLE))
    await bot.fake.wait_for(started.is_set, what="Alice's summary to start")
    bot.fake.send(bot.other_user, bot.unique(ZH_HANT_ARTICLE))
    [for_bob] = await bot.fake.wait_sent(bot.other_user)  # while Alice's is still being summarized
    assert "晨光電子" in for_bob.text
    assert bot.fake.sent(bot.user) == []
    release.set()
    [for_alice] = await bot.fake.wait_sent(bot.user)
    assert "Northwind" in for_alice.text


async def test_many_chats_at_once_each_get_their_own_reply(bot: Harness) -> None:
    chats = list(range(2001, 2013))
    sent = {chat: bot.fake.send(chat, f"{EN_ARTICLE}\nReport number {chat}.") for chat in chats}
    for chat in chats:
        [call] = await bot.fake.wait_sent(chat)
        assert call.reply_to == sent[chat]["message_id"]
    await asyncio.sleep(0)
    assert bot.summarized == len(chats)
