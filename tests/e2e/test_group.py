"""Groups end to end: /summary as a reply, with text, alone (a roll-up); silence otherwise."""

from __future__ import annotations

import pytest

from tests.articles import (
    DINGTALK_ARTICLE,
    EN_ARTICLE,
    ZH_HANS_ARTICLE,
    ZH_HANS_COPY,
    ZH_HANT_ARTICLE,
)
from tests.e2e.conftest import Harness, Starter
from tests.fakes.builders import command, sticker
from tests.fakes.telegram_server import BOT_USERNAME, FakeTelegram

GROUP = -1001234567
MEMBER = 31337

# one running bot for the module's `bot` tests: each gets fresh chat ids (bot.user, bot.group);
# every test runs on SQLite and on PostgreSQL
pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.both_engines]


def group(fake: FakeTelegram, chat_id: int = GROUP, username: str | None = None) -> None:
    fake.chat(chat_id, "supergroup", title="Market Watch", username=username)


#: The gists the roll-up shows for the articles above (their titles).
ZH_HANS_GIST = "星河云发布三季度财报，企业服务收入增长三成"
DINGTALK_GIST = "钉钉发布新版本，面向制造企业推出排班助手"
EN_GIST = "Northwind Logistics posts record quarter as e-commerce volumes climb"


def unseen_article(h: Harness, text: str = ZH_HANS_ARTICLE) -> dict[str, object]:
    """A message the bot never received (privacy mode), as a reply target."""
    return h.fake.new_message(h.group, text=text, user_id=MEMBER + 1)


async def test_summary_replying_to_a_message_digests_it(bot: Harness) -> None:
    group(bot.fake, bot.group)
    article = unseen_article(bot)
    bot.fake.send(bot.group, user_id=MEMBER, reply_to_message=article, **command("/summary"))
    [call] = await bot.fake.wait_sent(bot.group)
    assert call.reply_to == article["message_id"]  # the digest belongs under the article
    assert call.params["parse_mode"] == "HTML"
    assert call.params["link_preview_options"] == {"is_disabled": True}
    assert "<b>星河云发布三季度财报" in call.text
    stored = await bot.services.summaries.recent(bot.group)
    assert [(a.message_id, a.source) for a in stored] == [(article["message_id"], "command")]


async def test_summary_addressed_to_the_bot_by_name(bot: Harness) -> None:
    group(bot.fake, bot.group)
    article = unseen_article(bot, ZH_HANT_ARTICLE)
    bot.fake.send(
        bot.group, user_id=MEMBER, reply_to_message=article, **command(f"/summary@{BOT_USERNAME}")
    )
    [call] = await bot.fake.wait_sent(bot.group)
    assert call.reply_to == article["message_id"]
    assert "晨光電子" in call.text


async def test_summary_addressed_to_another_bot_is_ignored(bot: Harness) -> None:
    group(bot.fake, bot.group)
    article = unseen_article(bot)
    bot.fake.send(
        bot.group, user_id=MEMBER, reply_to_message=article, **command("/summary@other_bot")
    )
    await bot.settled()
    assert bot.fake.sent(bot.group) == []


async def test_summary_with_text_digests_the_text(bot: Harness) -> None:
    group(bot.fake, bot.group)
    message = bot.fake.send(bot.group, user_id=MEMBER, **command("/summary " + EN_ARTICLE))
    [call] = await bot.fake.wait_sent(bot.group)
    assert call.reply_to == message["message_id"]
    assert "<b>Northwind Logistics posts record quarter" in call.text


async def test_summary_replying_to_a_sticker_says_there_is_no_text(bot: Harness) -> None:
    group(bot.fake, bot.group)
    target = bot.fake.new_message(bot.group, user_id=MEMBER + 1, **sticker())
    message = bot.fake.send(
        bot.group,
        user_id=MEMBER,
        language_code="zh-hans",
        reply_to_message=target,
        **command("/summary"),
    )
    [call] = await bot.fake.wait_sent(bot.group)
    assert call.reply_to == message["message_id"]
    assert "没有文字" in call.text


async def test_summary_replying_to_chit_chat_says_it_is_too_short(bot: Harness) -> None:
    group(bot.fake, bot.group)
    target = bot.fake.new_message(bot.group, text="lunch at noon?", user_id=MEMBER + 1)
    bot.fake.send(bot.group, user_id=MEMBER, reply_to_message=target, **command("/summary"))
    [call] = await bot.fake.wait_sent(bot.group)
    assert "too short" in call.text
    assert bot.summarized == 0


async def test_summary_alone_in_privacy_mode_explains_usage_and_privacy(bot: Harness) -> None:
    group(bot.fake, bot.group)
    message = bot.fake.send(bot.group, user_id=MEMBER, **command("/summary"))
    [call] = await bot.fake.wait_sent(bot.group)
    assert call.reply_to == message["message_id"]
    assert "/setprivacy" in call.text and "admin" in call.text
    # it asked Telegram whether it is an admin there
    [member] = bot.fake.calls("getChatMember")
    assert member.chat_id == bot.group


async def test_summary_alone_as_admin_explains_usage_without_privacy(bot: Harness) -> None:
    group(bot.fake, bot.group)
    bot.fake.set_admin(bot.group)
    bot.fake.send(bot.group, user_id=MEMBER, **command("/summary"))
    [call] = await bot.fake.wait_sent(bot.group)
    assert "Nothing has been shared here" in call.text
    assert "/setprivacy" not in call.text


def share(h: Harness, *texts: str, first: int = 0) -> list[int]:
    """Members (one each, so no two are joined as a split paste) share ``texts``.

    Texts shared together are handled concurrently, so they are stored in any order;
    a test that needs a story's copy to come after its original shares it later.
    """
    return [
        int(h.fake.send(GROUP, body, user_id=MEMBER + 10 + first + i)["message_id"])
        for i, body in enumerate(texts)
    ]


async def stored(h: Harness, count: int) -> None:
    await h.fake.wait_for(lambda: h.services.summaries.summarized == count, what="stored")
    await h.settled()


async def test_bot_reading_the_group_stays_silent_but_rolls_up_articles(start: Starter) -> None:
    start.fake.can_read_all_group_messages = True
    group(start.fake, username="marketwatch")
    async with start() as bot:
        en, dingtalk, original = share(bot, EN_ARTICLE, DINGTALK_ARTICLE, ZH_HANS_ARTICLE)
        await stored(bot, 3)
        [copy] = share(bot, ZH_HANS_COPY, first=3)  # later: the first one is the original
        bot.fake.send(GROUP, "see you all tomorrow", user_id=MEMBER + 2)
        bot.fake.send(GROUP, user_id=MEMBER + 2, **sticker())
        await stored(bot, 4)
        assert bot.fake.sent(GROUP) == []  # no reply to ordinary group messages

        message = bot.fake.send(GROUP, user_id=MEMBER, **command("/summary"))
        [call] = await bot.fake.wait_sent(GROUP)
        await bot.settled()
        assert len(bot.fake.sent(GROUP)) == 1  # it all fits in one message
        assert call.reply_to == message["message_id"]
        assert call.params["parse_mode"] == "HTML"
        assert call.params["link_preview_options"] == {"is_disabled": True}
        lines = call.text.split("\n")
        assert lines[:2] == [
            "<b>Shared here in the last 24 hours</b>",
            "<i>4 articles, 3 stories</i>",
        ]
        assert "Daily digest" not in call.text
        link = "https://t.me/marketwatch/"
        # platform groups first, each with its article count; the untagged rest last
        dingtalk_at = lines.index("<b>#DingTalk · 1</b>")
        other_at = lines.index("<b>Other · 3</b>")
        assert dingtalk_at < other_at
        assert lines[dingtalk_at + 1] == f'• <a href="{link}{dingtalk}">{DINGTALK_GIST}</a>'
        # the story shared twice: once, with a count and a link to the second copy too
        assert lines[other_at + 1] == (
            f'• <a href="{link}{original}">{ZH_HANS_GIST}</a> ×2 <a href="{link}{copy}">2</a>'
        )
        assert lines[other_at + 2] == f'• <a href="{link}{en}">{EN_GIST}</a>'
        assert call.text.count(ZH_HANS_GIST) == 1


async def test_private_supergroup_links_use_the_c_form(start: Starter) -> None:
    start.fake.can_read_all_group_messages = True
    group(start.fake)
    async with start() as bot:
        original, dingtalk = share(bot, ZH_HANS_ARTICLE, DINGTALK_ARTICLE)
        await stored(bot, 2)
        [copy] = share(bot, ZH_HANS_COPY, first=2)  # later: the first one is the original
        await stored(bot, 3)
        bot.fake.send(GROUP, user_id=MEMBER, language_code="zh-hans", **command("/summary"))
        [call] = await bot.fake.wait_sent(GROUP)
        link = "https://t.me/c/1234567/"
        assert call.text.startswith("<b>过去 24 小时分享的文章</b>\n<i>3 篇文章，2 条新闻</i>\n")
        assert f'<b>#DingTalk · 1</b>\n• <a href="{link}{dingtalk}">{DINGTALK_GIST}</a>' in (
            call.text
        )
        assert (
            f'<b>其他 · 2</b>\n• <a href="{link}{original}">{ZH_HANS_GIST}</a> ×2 '
            f'<a href="{link}{copy}">2</a>'
        ) in call.text


async def test_two_copies_of_one_story_are_rolled_up_once_with_a_count(start: Starter) -> None:
    start.fake.can_read_all_group_messages = True
    group(start.fake, username="marketwatch")
    async with start() as bot:
        original, copy = share(bot, ZH_HANS_ARTICLE, ZH_HANS_COPY)
        await stored(bot, 2)
        assert len(await bot.services.summaries.recent(GROUP)) == 2  # both kept
        bot.fake.send(GROUP, user_id=MEMBER, language_code="zh-hant", **command("/summary"))
        [call] = await bot.fake.wait_sent(GROUP)
        assert call.text.startswith("<b>過去 24 小時分享的文章</b>\n<i>2 篇文章，1 則新聞</i>\n")
        assert call.text.count(ZH_HANS_GIST) == 1  # one story, not two lines
        assert f"{ZH_HANS_GIST}</a> ×2 " in call.text
        assert f'href="https://t.me/marketwatch/{original}"' in call.text
        assert f'href="https://t.me/marketwatch/{copy}"' in call.text


async def test_a_long_roll_up_is_sent_in_parts_the_first_replying(start: Starter) -> None:
    start.fake.can_read_all_group_messages = True
    group(start.fake, username="marketwatch")
    async with start(part_limit=120) as bot:  # several parts
        share(bot, EN_ARTICLE, DINGTALK_ARTICLE, ZH_HANS_ARTICLE, ZH_HANT_ARTICLE)
        await stored(bot, 4)
        message = bot.fake.send(GROUP, user_id=MEMBER, **command("/summary"))
        await bot.fake.wait_sent(GROUP, 2)
        await bot.settled()
        calls = bot.fake.sent(GROUP)
        assert len(calls) >= 2
        assert calls[0].reply_to == message["message_id"]
        assert all(c.reply_to is None for c in calls[1:])  # the rest follow, unquoted
        texts = [c.text for c in calls]
        assert texts[0].startswith("<b>Shared here in the last 24 hours</b>")
        assert "Shared here" not in "".join(texts[1:])
        joined = "\n".join(texts)
        for gist in (EN_GIST, DINGTALK_GIST, ZH_HANS_GIST, "晨光電子宣布在台中設立新研發中心"):
            assert joined.count(gist) == 1  # every story once, across the parts


async def test_an_edited_command_is_not_answered_again(bot: Harness) -> None:
    group(bot.fake, bot.group)
    message = bot.fake.new_message(bot.group, user_id=MEMBER, **command("/summary " + EN_ARTICLE))
    bot.fake.push_update({"message": message})
    await bot.fake.wait_sent(bot.group)
    bot.fake.push_update({"edited_message": {**message, "edit_date": message["date"] + 5}})
    await bot.settled()
    assert len(bot.fake.sent(bot.group)) == 1
