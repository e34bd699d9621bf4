"""Daily digest subscriptions end to end: commands, the real JobQueue, restarts, crashes."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.storage import Delivery, Storage
from bot.storage.engines import settings_target
from summarizer import summarize
from tests.articles import DINGTALK_ARTICLE, EN_ARTICLE, ZH_HANS_ARTICLE, ZH_HANS_COPY
from tests.e2e.conftest import Harness, Starter
from tests.fakes.builders import command
from tests.fakes.moved_clock import MovedClock
from tests.fakes.telegram_server import FakeTelegram

USER = 4242
GROUP = -1004242
ADMIN = 77
MEMBER = 78

# one running bot for the module's `bot` tests: each gets fresh chat ids (bot.user, bot.group);
# every test runs on SQLite and on PostgreSQL
pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.both_engines]


FIXED = datetime(2025, 3, 10, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai and Taipei, 01:00 in Berlin


def fixed_clock() -> datetime:
    return FIXED


async def send_articles(h: Harness, chat_id: int, *texts: str, **fields: object) -> None:
    before = len(h.fake.sent(chat_id))
    for body in texts:
        h.fake.send(chat_id, body, **fields)
    await h.fake.wait_sent(chat_id, before + len(texts))


async def say(h: Harness, chat_id: int, text: str, **fields: object) -> str:
    """Send a command and return the bot's (single) answer."""
    before = len(h.fake.sent(chat_id))
    h.fake.send(chat_id, **fields, **command(text))  # type: ignore[arg-type]
    sent = await h.fake.wait_sent(chat_id, before + 1)
    await h.settled()
    return sent[-1].text


#: How far ahead of the bot's clock a test subscribes, then moves the clock: the digest
#: is due at once, and the real tick (every second) sends it, or the test runs the due
#: work itself (``DailyJobs.run_now``).
AHEAD = timedelta(minutes=1)


def digests_sent(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [c.text for c in fake.sent(chat_id) if "Daily digest" in c.text or "每日摘要" in c.text]


async def test_subscribe_confirms_time_zone_and_next_delivery(start: Starter) -> None:
    async with start(clock=fixed_clock) as h:
        zh = await say(h, USER, "/subscribe 21:00 Asia/Taipei", language_code="zh-hans")
        assert "每天 21:00（Asia/Taipei）" in zh
        assert "下一次：2025年3月10日 21:00" in zh  # 08:00 there now: later today
        en = await say(h, USER, "/subscribe 7:00 Europe/Berlin")
        assert "every day at 07:00 (Europe/Berlin)" in en
        assert "Next one: 10 Mar 2025, 07:00" in en
        sub = await h.services.storage.subscription(USER)
        assert sub is not None and (sub.hour, sub.minute, sub.timezone) == (7, 0, "Europe/Berlin")
        # moved, not added: due at 07:00 in Berlin (CET, UTC+1), not at 21:00 in Taipei
        assert await h.services.daily.next_due(USER) == datetime(2025, 3, 10, 6, 0, tzinfo=UTC)
        # only the time: the chat keeps its zone
        again = await say(h, USER, "/subscribe 09:15")
        assert "09:15 (Europe/Berlin)" in again
        # nothing given: 08:00 in DEFAULT_TIMEZONE for a new chat
        default = await say(h, USER + 1, "/subscribe")
        assert "08:00 (Asia/Shanghai)" in default and "Next one: 11 Mar 2025, 08:00" in default


async def test_invalid_time_or_zone_gets_an_example_and_changes_nothing(bot: Harness) -> None:
    bad_time = await say(bot, bot.user, "/subscribe 25:99")
    assert "25:99" in bad_time and "/subscribe 08:30" in bad_time
    bad_zone = await say(bot, bot.user, "/subscribe 08:00 Mars/Olympus", language_code="zh-hant")
    assert "Mars/Olympus" in bad_zone and "/subscribe 21:00 Asia/Taipei" in bad_zone
    assert await bot.services.storage.subscription(bot.user) is None
    assert await bot.services.daily.next_due(bot.user) is None


async def settled(bot: Harness, chat_id: int, day: date) -> Delivery:
    """The chat's delivery for ``day`` once the bot has recorded every part it sent."""
    for _ in range(500):
        delivery = await bot.services.storage.delivery(chat_id, day.isoformat())
        if delivery is not None and delivery.status != "sending":
            return delivery
        await asyncio.sleep(0.02)
    raise AssertionError(f"the delivery of {day} to {chat_id} did not settle")


async def test_the_digest_arrives_on_time_with_duplicates_merged(start: Starter) -> None:
    clock = MovedClock()
    async with start(clock=clock) as h:
        await send_articles(h, USER, ZH_HANS_ARTICLE, EN_ARTICLE, ZH_HANS_COPY)
        await say(h, USER, "/subscribe 08:00 UTC")
        _, fires = await h.services.daily.subscribe(USER, (clock() + AHEAD).time(), ZoneInfo("UTC"))
        clock.move(AHEAD)
        [digest] = await h.fake.wait_for(lambda: digests_sent(h.fake, USER) or None, timeout=15)
        assert "3 articles, 2 stories" in digest
        assert "星河云发布三季度财报，企业服务收入增长三成 ×2" in digest  # the copy merged
        assert "Northwind Logistics posts record quarter" in digest
        today = fires.date()  # the digest's date, even if the test crosses midnight
        delivery = await settled(h, USER, today)  # Telegram got it; the bot records it next
        assert delivery.status == "sent" and len(delivery.sent_ids) == 1
        # the next digest starts after this one: nothing new, nothing sent again
        assert await h.services.daily.deliver(USER, today) == delivery
        assert len(digests_sent(h.fake, USER)) == 1


async def test_restart_between_subscribing_and_delivery(start: Starter) -> None:
    clock = MovedClock()
    async with start(clock=clock) as first:
        await send_articles(first, USER, ZH_HANS_ARTICLE, EN_ARTICLE)
        _, due = await first.services.daily.subscribe(
            USER, (clock() + AHEAD).time(), ZoneInfo("UTC")
        )
    assert digests_sent(start.fake, USER) == []
    async with start(clock=clock) as second:
        assert await second.services.daily.next_due(USER) == due  # in the database
        # the start-up work has run (before the harness is handed over): not due yet
        assert digests_sent(start.fake, USER) == []
        clock.move(AHEAD)
        ran = await second.services.daily.run_now()  # what the next tick would do
        assert ran is not None
        assert len(digests_sent(start.fake, USER)) == 1
        # stopping waits for a job still running, so a second one would show
    assert len(digests_sent(start.fake, USER)) == 1


async def test_crash_during_delivery_sends_each_part_exactly_once(start: Starter) -> None:
    fake = start.fake
    today = FIXED.date()  # the bot's clock, not the wall's: the test may cross midnight
    async with start(clock=fixed_clock, part_limit=90) as first:  # several parts
        await send_articles(first, USER, ZH_HANS_ARTICLE, EN_ARTICLE, DINGTALK_ARTICLE)
        await first.services.daily.subscribe(USER, time(0, 0), ZoneInfo("UTC"))
        fake.fail("sendMessage", 500, chat_id=USER, skip=1)  # part 1 goes, part 2 fails
        before = len(fake.sent(USER))
        delivery = await first.services.daily.deliver(USER, today)
        assert delivery is not None and delivery.status == "sending"
        assert len(delivery.parts) >= 3 and len(delivery.sent_ids) == 1
    # the process is gone with the digest half sent; the next start finishes it
    async with start(clock=fixed_clock) as second:
        done = await second.services.storage.delivery(USER, today.isoformat())
        assert done is not None and done.status == "sent"
    texts = [c.text for c in fake.sent(USER)[before:]]
    assert texts == list(delivery.parts)  # every part once, in order, none twice
    assert "Daily digest" in texts[0] and "Daily digest" not in "".join(texts[1:])


async def test_missed_digest_within_12_hours_is_sent_at_start_up(start: Starter) -> None:
    now = datetime(2025, 3, 10, 3, 0, tzinfo=UTC)  # 11:00 in Shanghai
    store = await Storage.connect(settings_target(start.settings))
    try:
        for chat_id in (USER, USER + 1):
            start.fake.chat(chat_id)
            await store.upsert_chat(chat_id, "private", language="en")
            digest = summarize(EN_ARTICLE)
            await store.add_article(
                chat_id=chat_id,
                message_id=1,
                text_hash=f"h{chat_id}",
                text=EN_ARTICLE,
                digest=digest,
                source="private",
                created_at=now - timedelta(hours=5),
            )
        # due 08:00 Shanghai today (3 h ago) and 20:00 yesterday (15 h ago)
        await store.set_subscription(
            USER, hour=8, minute=0, timezone="Asia/Shanghai", now=now - timedelta(days=2)
        )
        await store.set_subscription(
            USER + 1, hour=20, minute=0, timezone="Asia/Shanghai", now=now - timedelta(days=2)
        )
    finally:
        await store.close()
    async with start(clock=lambda: now) as h:
        # sent during start-up, before any update was handled
        [missed] = digests_sent(h.fake, USER)
        assert "Daily digest · 10 Mar 2025" in missed
        assert digests_sent(h.fake, USER + 1) == []  # too late: it waits for tonight
        assert await h.services.storage.delivery(USER + 1, "2025-03-09") is None


async def test_only_group_admins_change_subscriptions(bot: Harness) -> None:
    bot.fake.chat(bot.group, "supergroup", title="Desk")
    bot.fake.set_member_status(bot.group, ADMIN, "administrator")
    for text in ("/subscribe 08:00", "/filter add 钉钉", "/auto on", "/unsubscribe", "/forget"):
        refusal = await say(bot, bot.group, text, user_id=MEMBER)
        assert refusal == "Only the group's admins can change this."
    assert await bot.services.storage.subscription(bot.group) is None
    assert await bot.services.storage.filters(bot.group) == []
    asked = [c for c in bot.fake.calls("getChatMember") if c.params.get("user_id") == MEMBER]
    assert asked
    ok = await say(bot, bot.group, "/subscribe 18:30", user_id=ADMIN, language_code="zh-hans")
    assert "每天 18:30（Asia/Shanghai）" in ok
    assert await bot.services.storage.subscription(bot.group) is not None
    # anyone may look
    listing = await say(bot, bot.group, "/settings", user_id=MEMBER)
    assert "every day at 18:30 (Asia/Shanghai)" in listing


async def test_filters_restrict_the_digest(bot: Harness) -> None:
    await send_articles(bot, bot.user, ZH_HANS_ARTICLE, DINGTALK_ARTICLE, EN_ARTICLE)
    assert "added" in await say(bot, bot.user, "/filter add 钉钉")
    assert "already" in await say(bot, bot.user, "/filter add 钉钉")
    assert "钉钉" in await say(bot, bot.user, "/filter list")
    digest = await say(bot, bot.user, "/digest")
    assert "#DingTalk · 1" in digest and "钉钉发布新版本" in digest
    assert "星河云" not in digest and "Northwind" not in digest
    assert "removed" in await say(bot, bot.user, "/filter remove 钉钉")
    everything = await say(bot, bot.user, "/digest")
    assert "星河云" in everything and "Northwind" in everything
    assert "regular expression" in await say(bot, bot.user, "/filter frobnicate x")


async def test_digest_now_leaves_the_schedule_and_articles_alone(bot: Harness) -> None:
    assert await say(bot, bot.user, "/digest") == "No new articles since the last digest."
    await say(bot, bot.user, "/subscribe 23:59 UTC")
    await send_articles(bot, bot.user, ZH_HANS_ARTICLE, ZH_HANS_COPY)
    preview = await say(bot, bot.user, "/digest")
    assert "×2" in preview and "2 articles, 1 stories" in preview
    deliveries = "SELECT count(*) FROM deliveries WHERE chat_id = ?"
    assert tuple(await bot.services.storage.db.fetchone(deliveries, (bot.user,)) or ()) == (0,)
    assert await bot.services.daily.next_due(bot.user) is not None  # still due as it was
    # the scheduled digest still carries them
    delivery = await bot.services.daily.deliver(bot.user, date(2030, 1, 1))
    assert delivery is not None and delivery.status == "sent"
    assert len(await bot.services.storage.delivery_article_ids(delivery.id)) == 2


async def test_settings_and_unsubscribe(bot: Harness) -> None:
    assert "Daily digest: off" in await say(bot, bot.user, "/settings")
    await say(bot, bot.user, "/subscribe 06:45 Europe/Berlin", language_code="zh-hant")
    await say(bot, bot.user, "/filter add 钉钉")
    shown = await say(bot, bot.user, "/settings", language_code="zh-hant")
    assert "每天 06:45（Europe/Berlin）" in shown
    assert "語言：繁體中文" in shown and "篩選：钉钉" in shown
    assert "不傳訊息" in shown
    assert "傳一行提示" in await say(
        bot, bot.user, "/settings emptyday on", language_code="zh-hant"
    )
    assert (await bot.services.storage.chat_settings(bot.user)).empty_day == "one_line"
    assert await say(bot, bot.user, "/unsubscribe") == "The daily digest is off."
    assert await bot.services.daily.next_due(bot.user) is None
    assert await bot.services.storage.subscription(bot.user) is None
    assert "no daily digest" in await say(bot, bot.user, "/unsubscribe")


async def test_empty_day_is_silent_or_one_line(bot: Harness) -> None:
    daily = bot.services.daily
    await say(bot, bot.user, "/subscribe 08:00 UTC")
    before = len(bot.fake.sent(bot.user))
    silent = await daily.deliver(bot.user, date(2030, 1, 1))
    assert silent is not None and silent.status == "sent" and silent.parts == ()
    assert len(bot.fake.sent(bot.user)) == before
    await say(bot, bot.user, "/settings emptyday on")
    before = len(bot.fake.sent(bot.user))
    await daily.deliver(bot.user, date(2030, 1, 2))
    [line] = bot.fake.sent(bot.user)[before:]
    assert line.text == "2 Jan 2030: no new articles today."


async def test_blocked_chat_pauses_the_subscription(bot: Harness) -> None:
    await send_articles(bot, bot.user, EN_ARTICLE)
    await say(bot, bot.user, "/subscribe 08:00 UTC")
    bot.fake.block(bot.user)
    delivery = await bot.services.daily.deliver(bot.user, date(2030, 1, 1))
    assert delivery is not None and delivery.status == "abandoned"
    sub = await bot.services.storage.subscription(bot.user)
    assert sub is not None and not sub.active and "forbidden" in (sub.paused_reason or "")
    assert await bot.services.daily.next_due(bot.user) is None
    attempts = [
        c for c in bot.fake.calls("sendMessage") if c.chat_id == bot.user and c.status == 403
    ]
    assert len(attempts) == 1  # not retried
    # the article was given back for the next digest
    assert (
        len(await bot.services.storage.undelivered_articles(bot.user, FIXED - timedelta(days=9999)))
        == 1
    )


async def test_429_during_delivery_waits_and_delivers(bot: Harness) -> None:
    await send_articles(bot, bot.user, EN_ARTICLE)
    await say(bot, bot.user, "/subscribe 08:00 UTC")
    bot.fake.fail("sendMessage", 429, chat_id=bot.user, retry_after=1)
    delivery = await bot.services.daily.deliver(bot.user, date(2030, 1, 1))
    assert delivery is not None and delivery.status == "sent"
    statuses = [c.status for c in bot.fake.calls("sendMessage") if c.chat_id == bot.user]
    assert statuses[-2:] == [429, 200]


async def test_forget_asks_first_then_deletes_everything(bot: Harness) -> None:
    await send_articles(bot, bot.user, EN_ARTICLE)
    await say(bot, bot.user, "/subscribe 08:00")
    await say(bot, bot.user, "/filter add 钉钉")
    before = len(bot.fake.sent(bot.user))
    bot.fake.send(bot.user, **command("/forget"))
    [question] = (await bot.fake.wait_sent(bot.user, before + 1))[before:]
    buttons = question.params["reply_markup"]["inline_keyboard"][0]
    assert [b["callback_data"] for b in buttons] == ["forget:yes", "forget:no"]
    message = question.response["result"]

    bot.fake.press(message, "forget:no", user_id=bot.user)
    await bot.settled()
    [cancel] = bot.fake.calls("editMessageText")
    assert cancel.text.startswith("Cancelled")
    assert await bot.services.storage.subscription(bot.user) is not None

    bot.fake.press(message, "forget:yes", user_id=bot.user)
    await bot.settled()
    assert bot.fake.calls("editMessageText")[-1].text.startswith("Everything stored")
    assert len(bot.fake.calls("answerCallbackQuery")) == 2
    for table in ("articles", "subscriptions", "chat_filters", "deliveries"):
        count = f"SELECT count(*) FROM {table} WHERE chat_id = ?"
        assert tuple(await bot.services.storage.db.fetchone(count, (bot.user,)) or ()) == (0,)
    assert await bot.services.daily.next_due(bot.user) is None


async def test_forget_button_pressed_by_a_group_member_is_refused(bot: Harness) -> None:
    bot.fake.chat(bot.group, "supergroup", title="Desk")
    bot.fake.set_member_status(bot.group, ADMIN, "creator")
    await say(bot, bot.group, "/subscribe 08:00", user_id=ADMIN)
    await say(bot, bot.group, "/forget", user_id=ADMIN)
    question = bot.fake.sent(bot.group)[-1]
    bot.fake.press(question.response["result"], "forget:yes", user_id=MEMBER)
    await bot.settled()
    [refusal] = bot.fake.calls("answerCallbackQuery")
    assert refusal.params.get("show_alert") is True
    assert await bot.services.storage.subscription(bot.group) is not None


async def test_auto_summaries_in_a_group_are_rate_limited(start: Starter) -> None:
    start.fake.can_read_all_group_messages = True
    start.fake.chat(GROUP, "supergroup", title="Desk")
    start.fake.set_member_status(GROUP, ADMIN, "administrator")
    async with start() as h:
        assert "at most one reply a minute" in await say(h, GROUP, "/auto on", user_id=ADMIN)
        posted = h.fake.send(GROUP, ZH_HANS_ARTICLE, user_id=MEMBER)
        replies = await h.fake.wait_sent(GROUP, 2)
        assert replies[1].reply_to == posted["message_id"]
        assert "<b>星河云发布三季度财报" in replies[1].text
        h.fake.send(GROUP, EN_ARTICLE, user_id=MEMBER)  # within the minute: stored, no reply
        await h.fake.wait_for(lambda: h.services.summaries.summarized == 2, what="stored")
        await h.settled()
        assert len(h.fake.sent(GROUP)) == 2
        await say(h, GROUP, "/auto off", user_id=ADMIN)
        await h.services.auto_gate.forget(GROUP)
        h.fake.send(GROUP, DINGTALK_ARTICLE, user_id=MEMBER)
        await h.fake.wait_for(lambda: h.services.summaries.summarized == 3, what="stored")
        await h.settled()
        assert len(h.fake.sent(GROUP)) == 3  # only the "/auto off" answer
