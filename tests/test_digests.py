"""Scheduling math (time zones, daylight saving), catch-up, and exactly-once delivery
against a real database with a scripted sender (no Telegram)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.autoreply import AutoReplyGate
from bot.daily import (
    LEASE,
    DailyDigests,
    daily_items,
    last_occurrence,
    missed_date,
    next_occurrence,
    parse_time,
    parse_zone,
    telegram_sender,
)
from bot.errors import RecipientGone, SendFailed
from bot.storage import Storage
from summarizer import summarize
from tests.articles import EN_ARTICLE, ZH_HANS_ARTICLE, ZH_HANT_ARTICLE

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
CHAT = 11
NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("08:30", time(8, 30)),
        ("7:00", time(7, 0)),
        ("21：05", time(21, 5)),
        ("23:59", time(23, 59)),
    ],
)
def test_parse_time_accepts(token: str, expected: time) -> None:
    assert parse_time(token) == expected


@pytest.mark.parametrize("token", ["24:00", "8", "8:7", "08:60", "noon", "", "-1:00"])
def test_parse_time_refuses(token: str) -> None:
    assert parse_time(token) is None


def test_parse_zone() -> None:
    assert parse_zone("Asia/Taipei") == ZoneInfo("Asia/Taipei")
    assert parse_zone("UTC") == ZoneInfo("UTC")
    for bad in ("Mars/Olympus", "../etc/passwd", "/etc/localtime", ""):
        assert parse_zone(bad) is None


def test_next_delivery_follows_the_zone_across_spring_forward() -> None:
    # Berlin goes from UTC+1 to UTC+2 on 2025-03-30 at 02:00
    before = datetime(2025, 3, 29, 12, 0, tzinfo=UTC)
    first = next_occurrence(before, time(7, 0), BERLIN)
    assert first.astimezone(UTC) == datetime(2025, 3, 30, 5, 0, tzinfo=UTC)  # 07:00 CEST
    assert first.hour == 7
    day_before = next_occurrence(datetime(2025, 3, 28, 12, 0, tzinfo=UTC), time(7, 0), BERLIN)
    assert day_before.astimezone(UTC) == datetime(2025, 3, 29, 6, 0, tzinfo=UTC)  # 07:00 CET
    # a wall time the jump skips is delivered at the instant it would have been
    skipped = next_occurrence(before, time(2, 30), BERLIN)
    assert skipped.astimezone(UTC) == datetime(2025, 3, 30, 1, 30, tzinfo=UTC)


def test_next_delivery_across_fall_back_uses_the_first_occurrence() -> None:
    # New York repeats 01:00-02:00 on 2025-11-02
    at = next_occurrence(datetime(2025, 11, 1, 12, 0, tzinfo=UTC), time(1, 30), NEW_YORK)
    assert at.astimezone(UTC) == datetime(2025, 11, 2, 5, 30, tzinfo=UTC)  # EDT, not EST
    after = next_occurrence(datetime(2025, 11, 2, 12, 0, tzinfo=UTC), time(8, 0), NEW_YORK)
    assert after.astimezone(UTC) == datetime(2025, 11, 2, 13, 0, tzinfo=UTC)  # EST (UTC-5)


def test_last_occurrence_is_at_or_before_now() -> None:
    now = datetime(2025, 3, 10, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai
    shanghai = ZoneInfo("Asia/Shanghai")
    assert last_occurrence(now, time(8, 0), shanghai).day == 10
    assert last_occurrence(now, time(8, 1), shanghai).day == 9
    assert next_occurrence(now, time(8, 0), shanghai).day == 11


async def test_auto_reply_gate_allows_one_reply_per_interval_per_chat(tmp_path: Path) -> None:
    now = [datetime(2025, 3, 10, 12, 0, tzinfo=UTC)]

    def clock() -> datetime:
        return now[0]

    storage = await Storage.connect(tmp_path / "gate.sqlite3")
    try:
        gate = AutoReplyGate(storage, timedelta(seconds=60), clock=clock)
        assert await gate.allow(1) and not await gate.allow(1) and await gate.allow(2)
        now[0] += timedelta(seconds=59)
        assert not await gate.allow(1)
        now[0] += timedelta(seconds=1)
        assert await gate.allow(1)
        await gate.forget(1)
        assert await gate.allow(1)  # forgotten: allowed at once
        # the limit is in the file: a second gate (another instance, a restart) honours it
        other = AutoReplyGate(await Storage.connect(tmp_path / "gate.sqlite3"), clock=clock)
        try:
            assert not await other.allow(1)
        finally:
            await other.storage.close()
    finally:
        await storage.close()


async def test_each_update_id_is_claimed_once_and_pruned_after_a_day(tmp_path: Path) -> None:
    now = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
    storage = await Storage.connect(tmp_path / "updates.sqlite3")
    try:
        assert await storage.claim_update(7, now=now)
        assert not await storage.claim_update(7, now=now)
        assert await storage.claim_update(8, now=now + timedelta(hours=23))
        assert await storage.prune_seen_updates(now=now + timedelta(hours=25)) == 1
        assert await storage.claim_update(7, now=now)  # forgotten after a day
        assert not await storage.claim_update(8, now=now)
    finally:
        await storage.close()


class Sender:
    """Records what it "sent"; can fail before or after Telegram accepts a part."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.fail_at: int | None = None
        self.accept_then_crash = False
        self.error: BaseException = RecipientGone("forbidden: bot was blocked by the user")

    async def __call__(self, chat_id: int, html: str) -> int:
        if self.fail_at is not None and len(self.sent) == self.fail_at:
            if self.accept_then_crash:
                self.sent.append(html)
            raise self.error
        self.sent.append(html)
        return 1000 + len(self.sent)


class Crash(BaseException):
    """The process dying: nothing after it runs."""


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    store = await Storage.connect(tmp_path / "bot.sqlite3")
    await store.upsert_chat(CHAT, "private", language="en")
    for i, text in enumerate((ZH_HANS_ARTICLE, ZH_HANT_ARTICLE, EN_ARTICLE), 1):
        await store.add_article(
            chat_id=CHAT,
            message_id=i,
            text_hash=f"h{i}",
            text=text,
            digest=summarize(text),
            source="private",
            created_at=NOW - timedelta(hours=i),
        )
    await store.set_subscription(
        CHAT, hour=8, minute=0, timezone="UTC", now=NOW - timedelta(days=1)
    )
    yield store
    await store.close()


def digests(storage: Storage, sender: Sender) -> DailyDigests:
    return DailyDigests(
        storage,
        sender=sender,
        default_timezone="UTC",
        retention_days=30,
        clock=lambda: NOW,
        part_limit=90,  # three stories: several parts
    )


async def test_a_crash_before_a_part_is_accepted_resends_nothing_twice(storage: Storage) -> None:
    sender = Sender()
    sender.fail_at, sender.error = 1, Crash()
    with pytest.raises(Crash):
        await digests(storage, sender).deliver(CHAT, NOW.date())
    [claimed] = await storage.unfinished_deliveries()
    assert len(claimed.sent_ids) == 1 and len(claimed.parts) >= 3
    resumed = Sender()
    later = digests(storage, resumed)
    assert (await later.deliver(CHAT, NOW.date())).delivery == claimed  # leased: left alone
    assert resumed.sent == []
    later.clock = lambda: NOW + LEASE  # the dead sender's lease ran out
    assert (await later.run_due()).resumed == 1
    done = await storage.delivery(CHAT, NOW.date().isoformat())
    assert done is not None and done.status == "sent"
    assert sender.sent + resumed.sent == list(claimed.parts)  # each part exactly once


async def test_the_one_window_a_part_accepted_but_not_recorded_is_sent_again(
    storage: Storage,
) -> None:
    sender = Sender()
    sender.fail_at, sender.accept_then_crash, sender.error = 1, True, Crash()
    with pytest.raises(Crash):
        await digests(storage, sender).deliver(CHAT, NOW.date())
    resumed = Sender()
    later = digests(storage, resumed)
    later.clock = lambda: NOW + LEASE
    await later.deliver(CHAT, NOW.date())
    parts = list((await storage.delivery(CHAT, NOW.date().isoformat())).parts)  # type: ignore[union-attr]
    assert sender.sent == parts[:2] and resumed.sent == parts[1:]  # part 2 twice: documented


async def test_delivery_is_idempotent_per_chat_and_day(storage: Storage) -> None:
    sender = Sender()
    s = digests(storage, sender)
    first = (await s.deliver(CHAT, NOW.date())).delivery
    again = (await s.deliver(CHAT, NOW.date())).delivery
    assert first == again and first is not None and first.status == "sent"
    assert len(sender.sent) == len(first.parts)
    # the next day has nothing new: the articles went out once
    next_day = (await s.deliver(CHAT, NOW.date() + timedelta(days=1))).delivery
    assert next_day is not None and next_day.parts == ()
    assert len(sender.sent) == len(first.parts)


async def test_forbidden_pauses_and_gives_the_articles_back(storage: Storage) -> None:
    sender = Sender()
    sender.fail_at = 0
    s = digests(storage, sender)
    outcome = await s.deliver(CHAT, NOW.date())
    assert outcome.gone and outcome.retry_in is None
    delivery = outcome.delivery
    assert delivery is not None and delivery.status == "abandoned"
    sub = await storage.subscription(CHAT)
    assert sub is not None and not sub.active
    assert len(await storage.undelivered_articles(CHAT, NOW - timedelta(days=1))) == 3


async def test_missed_date_only_within_12_hours_and_after_subscribing(storage: Storage) -> None:
    sub = await storage.subscription(CHAT)
    assert sub is not None
    assert missed_date(sub, datetime(2025, 3, 10, 19, 59, tzinfo=UTC)) == date(2025, 3, 10)
    assert missed_date(sub, datetime(2025, 3, 10, 20, 1, tzinfo=UTC)) is None  # 12 h late
    fresh = await storage.set_subscription(
        CHAT, hour=8, minute=0, timezone="UTC", now=datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
    )
    assert missed_date(fresh, datetime(2025, 3, 10, 10, 0, tzinfo=UTC)) is None


async def test_retention_purges_old_articles_and_their_records(storage: Storage) -> None:
    s = digests(storage, Sender())
    await s.deliver(CHAT, NOW.date())
    s.clock = lambda: NOW + timedelta(days=30, minutes=-150)  # only the 3 h old one expires
    assert await s.purge() == 1
    left = await storage.undelivered_articles(CHAT, NOW - timedelta(days=9), limit=10)
    assert left == []  # the other two are still covered by their digest
    s.clock = lambda: NOW + timedelta(days=31)
    assert await s.purge() == 2
    assert await storage.delivery(CHAT, NOW.date().isoformat()) is None


async def test_daily_items_link_to_the_message_or_else_the_page(storage: Storage) -> None:
    rows = await storage.undelivered_articles(CHAT, NOW - timedelta(days=1))
    article, body = rows[0]
    [public] = daily_items(-1001234567, rows[:1], "desk")
    assert public.key == f"{article.id:012d}" and public.text == body
    assert public.link == f"https://t.me/desk/{article.message_id}"
    [private_group] = daily_items(-1001234567, rows[:1], None)
    assert private_group.link == f"https://t.me/c/1234567/{article.message_id}"
    [no_link] = daily_items(CHAT, rows[:1], None)  # a private chat: no message links
    assert no_link.link is None and no_link.received_at == article.created_at


async def test_roll_up_covers_the_last_24_hours_delivered_or_not_without_filters(
    storage: Storage,
) -> None:
    s = digests(storage, Sender())
    await storage.add_filter(CHAT, "Northwind")  # the daily digest's filter, not /summary's
    await storage.add_article(
        chat_id=CHAT,
        message_id=9,
        text_hash="old",
        text=ZH_HANS_ARTICLE + "旧闻。",
        digest=summarize(ZH_HANS_ARTICLE),
        source="private",
        created_at=NOW - timedelta(hours=25),
    )
    await s.deliver(CHAT, NOW.date())  # the filtered digest took one article
    assert len(await storage.undelivered_articles(CHAT, NOW - timedelta(days=2))) == 3
    rolled_up = await s.roll_up(CHAT, "en")  # all three of the last 24 hours, not the old one
    assert len(rolled_up.article_ids) == 3 and rolled_up.digest.total == 3
    assert rolled_up.parts[0].startswith("<b>Shared here in the last 24 hours</b>\n")
    assert "Daily digest" not in "".join(rolled_up.parts)
    assert len(rolled_up.parts) > 1  # part_limit 90: split like the daily digest
    s.clock = lambda: NOW + timedelta(days=2)
    assert (await s.roll_up(CHAT, "en")).parts == ()  # nothing in the window: no parts


async def test_a_failed_send_is_retried_with_the_servers_wait_then_less_and_less_often(
    storage: Storage,
) -> None:
    now = [NOW]
    sender = Sender()
    sender.fail_at, sender.error = 1, SendFailed("Too Many Requests", retry_after=7.0)
    s = digests(storage, sender)
    s.clock = lambda: now[0]
    first = await s.deliver(CHAT, NOW.date())
    assert first.retry_in == 7.0 and not first.gone  # the server's own wait
    assert first.delivery is not None and first.delivery.status == "sending"
    assert first.delivery.lease_until == NOW + timedelta(seconds=7)  # held until the retry
    assert (await s.deliver(CHAT, NOW.date())).retry_in is None  # not due yet: not tried
    sender.error = SendFailed("Bad Gateway")
    waits = []
    for _ in range(4):
        delivery = await storage.delivery(CHAT, NOW.date().isoformat())
        assert delivery is not None and delivery.lease_until is not None
        now[0] = delivery.lease_until  # the retry is due: the tick takes it
        await s.run_due()
        retried = await storage.delivery(CHAT, NOW.date().isoformat())
        assert retried is not None and retried.lease_until is not None
        waits.append((retried.lease_until - now[0]).total_seconds())
    assert waits == [300.0, 900.0, 3600.0, 3600.0]  # the delays left, then hourly
    assert len(sender.sent) == 1  # nothing sent twice meanwhile
    sender.fail_at = None
    now[0] += timedelta(hours=1)
    await s.run_due()
    done = await storage.delivery(CHAT, NOW.date().isoformat())
    assert done is not None and done.status == "sent" and done.attempts == 5
    assert sender.sent == list(done.parts)


async def test_start_up_resumes_what_a_crash_left_and_sends_what_was_missed(
    storage: Storage,
) -> None:
    # the chat subscribed yesterday for 08:00 UTC; it is 12:00: within the catch-up window
    assert await storage.next_due_at(CHAT) is None  # stored without a due time
    crashing = Sender()
    crashing.fail_at, crashing.error = 1, Crash()
    with pytest.raises(Crash):
        await digests(storage, crashing).start_up()  # the missed digest: part 1, then a crash
    claimed = await storage.delivery(CHAT, NOW.date().isoformat())
    assert claimed is not None and claimed.status == "sending" and claimed.lease_until
    assert await storage.next_due_at(CHAT) == NOW + timedelta(hours=20)  # tomorrow 08:00
    restarted = Sender()
    ran = await digests(storage, restarted).start_up()  # SQLite: the dead run's lease is freed
    assert (ran.resumed, ran.delivered) == (1, 0)  # resumed, not sent again from scratch
    assert crashing.sent + restarted.sent == list(claimed.parts)


@pytest.mark.parametrize(
    ("error", "expected", "retry_after"),
    [
        (Forbidden("Forbidden: bot was blocked by the user"), RecipientGone, None),
        (BadRequest("Bad Request: chat not found"), RecipientGone, None),
        (BadRequest("Bad Request: message is too long"), SendFailed, None),
        (RetryAfter(12), SendFailed, 12.0),
        (NetworkError("connection reset"), SendFailed, None),
    ],
)
async def test_telegram_errors_are_told_in_the_domains_words(
    error: TelegramError, expected: type[Exception], retry_after: float | None
) -> None:
    class Refusing:
        async def send_message(self, *args: object, **kwargs: object) -> None:
            raise error

    send = telegram_sender(Refusing())  # type: ignore[arg-type]
    with pytest.raises(expected) as caught:
        await send(CHAT, "<b>x</b>")
    if isinstance(caught.value, SendFailed):
        assert caught.value.retry_after == retry_after
