"""Groups end to end: /summary as a reply, with text, alone; silence otherwise."""

from __future__ import annotations

from tests.articles import EN_ARTICLE, ZH_HANS_ARTICLE, ZH_HANT_ARTICLE
from tests.e2e.conftest import Harness, Starter
from tests.fakes.builders import command, sticker
from tests.fakes.telegram_server import BOT_USERNAME, FakeTelegram

GROUP = -1001234567
MEMBER = 31337


def group(fake: FakeTelegram, chat_id: int = GROUP, username: str | None = None) -> None:
    fake.chat(chat_id, "supergroup", title="Market Watch", username=username)


def unseen_article(fake: FakeTelegram, text: str = ZH_HANS_ARTICLE) -> dict[str, object]:
    """A message the bot never received (privacy mode), as a reply target."""
    return fake.new_message(GROUP, text=text, user_id=MEMBER + 1)


async def test_summary_replying_to_a_message_digests_it(bot: Harness) -> None:
    group(bot.fake)
    article = unseen_article(bot.fake)
    bot.fake.send(GROUP, user_id=MEMBER, reply_to_message=article, **command("/summary"))
    [call] = await bot.fake.wait_sent(GROUP)
    assert call.reply_to == article["message_id"]  # the digest belongs under the article
    assert call.params["parse_mode"] == "HTML"
    assert call.params["link_preview_options"] == {"is_disabled": True}
    assert "<b>星河云发布三季度财报" in call.text
    stored = await bot.services.digests.recent(GROUP)
    assert [(a.message_id, a.source) for a in stored] == [(article["message_id"], "command")]


async def test_summary_addressed_to_the_bot_by_name(bot: Harness) -> None:
    group(bot.fake)
    article = unseen_article(bot.fake, ZH_HANT_ARTICLE)
    bot.fake.send(
        GROUP, user_id=MEMBER, reply_to_message=article, **command(f"/summary@{BOT_USERNAME}")
    )
    [call] = await bot.fake.wait_sent(GROUP)
    assert call.reply_to == article["message_id"]
    assert "晨光電子" in call.text


async def test_summary_addressed_to_another_bot_is_ignored(bot: Harness) -> None:
    group(bot.fake)
    article = unseen_article(bot.fake)
    bot.fake.send(GROUP, user_id=MEMBER, reply_to_message=article, **command("/summary@other_bot"))
    await bot.settled()
    assert bot.fake.sent(GROUP) == []


async def test_summary_with_text_digests_the_text(bot: Harness) -> None:
    group(bot.fake)
    message = bot.fake.send(GROUP, user_id=MEMBER, **command("/summary " + EN_ARTICLE))
    [call] = await bot.fake.wait_sent(GROUP)
    assert call.reply_to == message["message_id"]
    assert "<b>Northwind Logistics posts record quarter" in call.text


async def test_summary_replying_to_a_sticker_says_there_is_no_text(bot: Harness) -> None:
    group(bot.fake)
    target = bot.fake.new_message(GROUP, user_id=MEMBER + 1, **sticker())
    message = bot.fake.send(
        GROUP,
        user_id=MEMBER,
        language_code="zh-hans",
        reply_to_message=target,
        **command("/summary"),
    )
    [call] = await bot.fake.wait_sent(GROUP)
    assert call.reply_to == message["message_id"]
    assert "没有文字" in call.text


async def test_summary_replying_to_chit_chat_says_it_is_too_short(bot: Harness) -> None:
    group(bot.fake)
    target = bot.fake.new_message(GROUP, text="lunch at noon?", user_id=MEMBER + 1)
    bot.fake.send(GROUP, user_id=MEMBER, reply_to_message=target, **command("/summary"))
    [call] = await bot.fake.wait_sent(GROUP)
    assert "too short" in call.text
    assert bot.services.digests.summarized == 0


async def test_summary_alone_in_privacy_mode_explains_usage_and_privacy(bot: Harness) -> None:
    group(bot.fake)
    message = bot.fake.send(GROUP, user_id=MEMBER, **command("/summary"))
    [call] = await bot.fake.wait_sent(GROUP)
    assert call.reply_to == message["message_id"]
    assert "/setprivacy" in call.text and "admin" in call.text
    # it asked Telegram whether it is an admin there
    [member] = bot.fake.calls("getChatMember")
    assert member.chat_id == GROUP


async def test_summary_alone_as_admin_explains_usage_without_privacy(bot: Harness) -> None:
    group(bot.fake)
    bot.fake.set_admin(GROUP)
    bot.fake.send(GROUP, user_id=MEMBER, **command("/summary"))
    [call] = await bot.fake.wait_sent(GROUP)
    assert "Nothing has been shared here" in call.text
    assert "/setprivacy" not in call.text


async def test_bot_reading_the_group_stays_silent_but_lists_articles(start: Starter) -> None:
    start.fake.can_read_all_group_messages = True
    group(start.fake, username="marketwatch")
    async with start() as bot:
        article = bot.fake.send(GROUP, EN_ARTICLE, user_id=MEMBER + 1)
        bot.fake.send(GROUP, "see you all tomorrow", user_id=MEMBER + 2)
        bot.fake.send(GROUP, user_id=MEMBER + 2, **sticker())
        await bot.settled()
        await bot.fake.wait_for(lambda: bot.services.digests.summarized == 1, what="stored")
        assert bot.fake.sent(GROUP) == []  # no reply to ordinary group messages

        bot.fake.send(GROUP, user_id=MEMBER, **command("/summary"))
        [call] = await bot.fake.wait_sent(GROUP)
        assert "1 articles shared in the last 24 hours" in call.text
        link = f'<a href="https://t.me/marketwatch/{article["message_id"]}">'
        assert link + "Northwind Logistics posts record quarter" in call.text


async def test_private_supergroup_links_use_the_c_form(start: Starter) -> None:
    start.fake.can_read_all_group_messages = True
    group(start.fake)
    async with start() as bot:
        article = bot.fake.send(GROUP, ZH_HANS_ARTICLE, user_id=MEMBER + 1)
        await bot.fake.wait_for(lambda: bot.services.digests.summarized == 1, what="stored")
        bot.fake.send(GROUP, user_id=MEMBER, language_code="zh-hans", **command("/summary"))
        [call] = await bot.fake.wait_sent(GROUP)
        assert "过去 24 小时分享的 1 篇文章" in call.text
        assert f'href="https://t.me/c/1234567/{article["message_id"]}"' in call.text


async def test_an_edited_command_is_not_answered_again(bot: Harness) -> None:
    group(bot.fake)
    message = bot.fake.new_message(GROUP, user_id=MEMBER, **command("/summary " + EN_ARTICLE))
    bot.fake.push_update({"message": message})
    await bot.fake.wait_sent(GROUP)
    bot.fake.push_update({"edited_message": {**message, "edit_date": message["date"] + 5}})
    await bot.settled()
    assert len(bot.fake.sent(GROUP)) == 1
