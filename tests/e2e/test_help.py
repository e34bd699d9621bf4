"""/start, /help and the command menus, end to end."""

from __future__ import annotations

from tests.e2e.conftest import Harness
from tests.fakes.builders import command

USER = 55
GROUP = -100555


async def test_menus_are_set_for_private_and_group_scopes(bot: Harness) -> None:
    calls = bot.fake.calls("setMyCommands")
    menus = {
        (c.params["scope"]["type"], c.params.get("language_code")): [
            cmd["command"] for cmd in c.params["commands"]
        ]
        for c in calls
    }
    daily = ["subscribe", "digest", "settings", "filter", "unsubscribe", "feed", "forget"]
    assert menus == {
        ("all_private_chats", None): ["start", "help", "summary", *daily],
        ("all_private_chats", "zh"): ["start", "help", "summary", *daily],
        ("all_group_chats", None): ["summary", "help", *daily, "auto"],
        ("all_group_chats", "zh"): ["summary", "help", *daily, "auto"],
    }
    zh = next(c for c in calls if c.params.get("language_code") == "zh")
    assert all(not cmd["description"].isascii() for cmd in zh.params["commands"])


async def test_start_in_each_language(bot: Harness) -> None:
    for chat, code, expected in [
        (USER, "zh-hans", "你好！我是<b>摘要</b>机器人"),
        (USER + 1, "zh-hant", "你好！我是<b>摘要</b>機器人"),
        (USER + 2, "pt-br", "Hi! I'm <b>zhaiyao</b>"),
    ]:
        message = bot.fake.send(chat, language_code=code, **command("/start"))
        [call] = await bot.fake.wait_sent(chat)
        assert call.reply_to == message["message_id"]
        assert call.text.startswith(expected)


async def test_help_differs_between_private_and_group(bot: Harness) -> None:
    bot.fake.chat(GROUP, "group", title="Team")
    bot.fake.send(USER, **command("/help"))
    bot.fake.send(GROUP, user_id=USER, **command("/help@zhaiyao_test_bot"))
    [private] = await bot.fake.wait_sent(USER)
    [group] = await bot.fake.wait_sent(GROUP)
    assert "Paste or forward an article" in private.text
    assert "I never reply to ordinary group messages" in group.text
    assert "/subscribe" in private.text and "/subscribe" in group.text
    assert "/feed add" in private.text and "/feed add" in group.text
