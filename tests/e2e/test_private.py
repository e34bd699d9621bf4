"""Private chats end to end: typed, forwarded, captioned and split articles; chit-chat; repeats."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from summarizer import Digest, summarize
from tests.articles import (
    EN_ARTICLE,
    SPLIT_PART_1,
    SPLIT_PART_2,
    ZH_HANS_ARTICLE,
    ZH_HANT_ARTICLE,
)
from tests.e2e.conftest import WAIT, Harness
from tests.fakes.builders import (
    channel_origin,
    chat_origin,
    hidden_user_origin,
    photo,
    user_origin,
)

# one running bot for the module's `bot` tests: each gets fresh chat ids (bot.user, bot.group);
# every test runs on SQLite and on PostgreSQL
pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.both_engines]


def assert_digest_message(call: Any, reply_to: int) -> None:
    assert call.params["parse_mode"] == "HTML"
    assert call.params["link_preview_options"] == {"is_disabled": True}
    assert call.reply_to == reply_to


async def test_typed_article_gets_a_digest_reply(bot: Harness) -> None:
    bot.services.typing.after = WAIT
    message = bot.fake.send(bot.user, ZH_HANS_ARTICLE, language_code="zh-hans")
    [call] = await bot.fake.wait_sent(bot.user)
    assert_digest_message(call, message["message_id"])
    text = call.text
    assert text.startswith("<b>星河云发布三季度财报，企业服务收入增长三成</b>")
    assert "星河云今天公布第三季度业绩" in text
    # the article's own points, numbered
    assert "1. 扩大华南地区的数据中心容量" in text
    assert "3. 加强与本地软件厂商的合作" in text
    # footer in Simplified Chinese, with content units
    assert "字 →" in text and "约 1 分钟读完" in text
    # done before typing.after: no "typing…" request (the bound is lifted far above the
    # summary's time, so a busy machine or a cold dictionary cannot make it look slow)
    assert bot.fake.calls("sendChatAction") == []


async def test_slow_summary_shows_typing_first(bot: Harness) -> None:
    release = threading.Event()

    def slow(text: str) -> Digest:
        release.wait(timeout=20)
        return summarize(text)

    bot.services.summaries.summarize_fn = slow
    bot.services.typing.after = 0.05
    bot.fake.send(bot.user, bot.unique(EN_ARTICLE))
    [typing] = await bot.fake.wait_for(lambda: bot.fake.calls("sendChatAction"), what="typing…")
    assert typing.params["action"] == "typing" and typing.chat_id == bot.user
    assert bot.fake.sent(bot.user) == []
    release.set()
    [call] = await bot.fake.wait_sent(bot.user)
    assert "Northwind" in call.text


async def test_traditional_reader_gets_traditional_interface(bot: Harness) -> None:
    message = bot.fake.send(bot.user, ZH_HANT_ARTICLE, language_code="zh-TW")
    [call] = await bot.fake.wait_sent(bot.user)
    assert_digest_message(call, message["message_id"])
    assert "晨光電子" in call.text  # the digest keeps the article's script
    assert "約 1 分鐘讀完" in call.text


async def test_english_reader_and_article(bot: Harness) -> None:
    message = bot.fake.send(bot.user, EN_ARTICLE, language_code="de")
    [call] = await bot.fake.wait_sent(bot.user)
    assert_digest_message(call, message["message_id"])
    assert call.text.startswith("<b>Northwind Logistics posts record quarter")
    assert "words →" in call.text and "min read" in call.text


async def test_forwarded_article_gets_a_digest(bot: Harness) -> None:
    # every kind of origin at once, each in a chat of its own (so the forward window, a
    # wait on the real clock, is waited once, not once per origin)
    origins = {
        "channel": channel_origin(-1001234, 77),
        "user": user_origin(5151),
        "hidden-user": hidden_user_origin("Anonymous Reader"),
        "chat": chat_origin(-1009876),
    }
    chats = [bot.user + 1_000_000 * k for k in range(1, len(origins) + 1)]  # unused elsewhere
    sent = {
        kind: (chat, bot.fake.send(chat, EN_ARTICLE, **origin))
        for chat, (kind, origin) in zip(chats, origins.items(), strict=True)
    }
    for kind, (chat, message) in sent.items():
        [call] = await bot.fake.wait_sent(chat)
        assert_digest_message(call, message["message_id"])
        assert "Northwind" in call.text, kind
        stored = await bot.services.storage.recent_articles(chat, _long_ago())
        assert [a.source for a in stored] == ["forward"], kind


async def test_caption_of_a_photo_is_an_article(bot: Harness) -> None:
    message = bot.fake.send(bot.user, **photo(EN_ARTICLE))
    [call] = await bot.fake.wait_sent(bot.user)
    assert_digest_message(call, message["message_id"])
    assert "Northwind" in call.text


async def test_split_forward_is_one_digest_replying_to_the_first_part(bot: Harness) -> None:
    # the second part's update arrives first: order comes from the channel post ids
    second = bot.fake.new_message(bot.user, text=SPLIT_PART_2, **channel_origin(-100555, 11))
    first = bot.fake.new_message(bot.user, text=SPLIT_PART_1, **channel_origin(-100555, 10))
    bot.fake.push_update({"message": second})
    bot.fake.push_update({"message": first})
    [call] = await bot.fake.wait_sent(bot.user)
    assert_digest_message(call, first["message_id"])
    # both halves went into this one digest: the footer counts the whole article
    whole = summarize(SPLIT_PART_1.strip() + "\n" + SPLIT_PART_2.strip())
    assert f"{whole.stats.input_length} chars →" in call.text
    # nothing else follows: a later message is answered, and still one digest
    bot.fake.send(bot.user, "thanks!")
    await bot.fake.wait_sent(bot.user, 2)
    await bot.settled()
    assert len(bot.fake.sent(bot.user)) == 2
    assert bot.summarized == 1


async def test_same_article_again_is_answered_from_storage(bot: Harness) -> None:
    article = bot.unique(ZH_HANS_ARTICLE)
    bot.fake.send(bot.user, article)
    [first] = await bot.fake.wait_sent(bot.user)
    again = bot.fake.send(bot.user, article + "\n")  # trailing whitespace: same article
    _, second = await bot.fake.wait_sent(bot.user, 2)
    assert second.reply_to == again["message_id"]
    assert second.text == first.text
    assert bot.summarized == 1


async def test_chit_chat_gets_a_one_line_hint(bot: Harness) -> None:
    message = bot.fake.send(bot.user, "你好，在吗？", language_code="zh-CN")
    [call] = await bot.fake.wait_sent(bot.user)
    assert call.reply_to == message["message_id"]
    assert "太短" in call.text and "\n" not in call.text
    assert bot.summarized == 0


def _long_ago() -> Any:
    from datetime import UTC, datetime

    return datetime(2000, 1, 1, tzinfo=UTC)
