"""Odd input end to end: a clear short answer (or silence), never invalid HTML, never a crash.

The ``fake`` fixture also fails any test in which Telegram would have
rejected a message (400), so each case here doubles as an HTML check.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.articles import HTMLISH_ARTICLE, MARKDOWN_ARTICLE
from tests.e2e.conftest import Harness
from tests.fakes.builders import command, photo, sticker, voice
from tests.fakes.telegram_html import parse_html, utf16_length

# one running bot for the module's `bot` tests: each gets fresh chat ids (bot.user, bot.group)
pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (sticker(), "I only read text"),
        (photo(), "I only read text"),
        (voice(), "I only read text"),
        ({"text": ""}, "empty"),
        ({"text": "   \n\t "}, "empty"),
        ({"text": "😀🎉👍" * 20}, "no words"),
        ({"text": "!!! ... ??? --- ***"}, "no words"),
        ({"text": "<b>hi</b> &amp; <script>alert(1)</script>"}, "too short"),
        ({"text": "*bold* _it_ `code` [x](y) ~~z~~"}, "too short"),
        ({"text": "a" * 4096}, "too short"),
        (command("/nonsense"), "How to use"),
    ],
    ids=[
        "sticker",
        "photo-no-caption",
        "voice",
        "empty",
        "whitespace",
        "emoji-only",
        "punctuation-only",
        "html-looking",
        "markdown",
        "4096-latin",
        "unknown-command",
    ],
)
async def test_private_odd_input_gets_a_short_clear_answer(
    bot: Harness, fields: dict[str, Any], expected: str
) -> None:
    message = bot.fake.send(bot.user, **fields)
    [call] = await bot.fake.wait_sent(bot.user)
    assert call.reply_to == message["message_id"]
    assert expected in call.text
    assert bot.summarized == 0


async def test_article_full_of_markup_is_escaped(bot: Harness) -> None:
    bot.fake.send(bot.user, HTMLISH_ARTICLE)
    [call] = await bot.fake.wait_sent(bot.user)
    visible = parse_html(call.text)  # what Telegram shows
    assert "<script>safe()</script>" in visible
    assert "Lumen & Co" in visible
    assert "&amp; entities" in visible  # the article's own "&amp;" is shown literally
    assert "<script>" not in call.text


async def test_article_with_markdown_characters_is_sent_as_is(bot: Harness) -> None:
    bot.fake.send(bot.user, MARKDOWN_ARTICLE)
    [call] = await bot.fake.wait_sent(bot.user)
    assert "[1.2 billion dollars](https://example.com)" in parse_html(call.text)


async def test_4096_repeated_han_characters_fit_one_message(bot: Harness) -> None:
    message = bot.fake.send(bot.user, "啊" * 4096)
    [call] = await bot.fake.wait_sent(bot.user)
    assert call.reply_to == message["message_id"]
    assert utf16_length(parse_html(call.text)) <= 4096
    assert "4096 chars →" in call.text


async def test_long_paste_split_by_the_client_is_one_digest(bot: Harness) -> None:
    # a paste of one enormous sentence, split in two messages as clients do past 4096
    first = bot.fake.send(bot.user, "据报道" + "企业收入增长" * 700)
    bot.fake.send(bot.user, "利润下降" * 300 + "。")
    [call] = await bot.fake.wait_sent(bot.user)
    assert call.reply_to == first["message_id"]
    assert utf16_length(parse_html(call.text)) <= 4096
    assert "5403 chars →" in call.text  # 3 + 4200 + 1200: both parts
    await bot.settled()
    assert len(bot.fake.sent(bot.user)) == 1


async def test_group_stickers_and_chatter_get_silence(bot: Harness) -> None:
    bot.fake.chat(bot.group, "supergroup", title="Chat")
    bot.fake.send(bot.group, user_id=5, **sticker())
    bot.fake.send(bot.group, user_id=5, **voice())
    bot.fake.send(bot.group, user_id=5, **photo())
    bot.fake.send(bot.group, "😀", user_id=5)
    bot.fake.send(bot.group, "", user_id=5)
    await bot.settled()
    assert bot.fake.sent(bot.group) == []


async def test_summary_with_html_looking_text_in_a_group(bot: Harness) -> None:
    bot.fake.chat(bot.group, "supergroup", title="Chat")
    bot.fake.send(bot.group, user_id=5, **command("/summary <b>x</b> & <i>"))
    [call] = await bot.fake.wait_sent(bot.group)
    assert "too short" in call.text
