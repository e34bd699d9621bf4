"""Daily digests: scheduling, composing and delivering each chat's digest exactly once.

Exactly once, with Telegram having no idempotency key, works like this:

1. **Claim.**  In one SQLite transaction the chat's digest for its local
   date is inserted (``UNIQUE (chat_id, local_date)``) with status
   ``sending``, its rendered parts, and the ids of the articles it covers.
   A second claim for the same chat and day finds the row and sends nothing
   new, so a job that fires twice, or a catch-up racing the job, is harmless.
2. **Send, recording each part.**  Parts go out one by one; after Telegram
   accepts a part its message id is committed before the next part is sent.
   The last part flips the status to ``sent`` in the same UPDATE.
3. **Recover.**  At start-up every delivery still ``sending`` is resumed: the
   parts already recorded are skipped and only the rest are sent, with the
   exact text that was claimed.

The one window left: the process dies after Telegram accepted a part and
before its message id was committed (a single UPDATE right after the HTTP
response).  That part is sent again on recovery.  Nothing is ever skipped: a
claimed digest is always finished, and articles count as delivered only
through a claimed digest.

A 403 (blocked, or removed from the group) pauses the subscription and gives
the day's articles back; a 429 is waited out by the rate limiter and, if it
persists, retried after ``retry_after``; other errors are retried a few times.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time as _time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import Application, CallbackContext, Job

from bot.messages import UiLanguage, language_for
from bot.render import MAX_MESSAGE_LENGTH, message_link
from bot.render_daily import render_daily, render_empty_day, render_roll_up
from bot.storage import Delivery, Storage, StoredArticle, Subscription, utc_now
from summarizer.compose import DailyDigest, DailyItem, compose

__all__ = [
    "AUTO_REPLY_INTERVAL",
    "CATCH_UP_WINDOW",
    "DEFAULT_TIME",
    "MAX_ITEMS",
    "ROLL_UP_WINDOW",
    "AutoReplyGate",
    "DigestScheduler",
    "Prepared",
    "daily_items",
    "last_occurrence",
    "next_occurrence",
    "parse_time",
    "parse_zone",
]

log = logging.getLogger(__name__)

DEFAULT_TIME = time(8, 0)
#: A digest missed while the bot was down is sent at start-up if at most this late.
CATCH_UP_WINDOW = timedelta(hours=12)
#: The first digest of a chat looks back this far (later ones: since the previous one).
FIRST_LOOKBACK = timedelta(hours=24)
#: Stories in one digest; the rest are counted in a last line.
MAX_ITEMS = 100
#: ``/summary`` alone rolls up what the chat shared this far back.
ROLL_UP_WINDOW = timedelta(hours=24)
#: Retries for a delivery that failed with something other than 403 (seconds apart).
RETRY_DELAYS = (60.0, 300.0, 900.0)
#: Seconds between two automatic summaries in one group (``/auto on``).
AUTO_REPLY_INTERVAL = 60.0

_TIME = re.compile(r"^([01]?\d|2[0-3])[:：.]([0-5]\d)$")

AnyApp = Application[Any, Any, Any, Any, Any, Any]
Sender = Callable[[int, str], Awaitable[int]]


def parse_time(token: str) -> time | None:
    """``08:30``, ``8:30``, ``21：00`` (full-width colon) → a time; anything else → None."""
    m = _TIME.match(token.strip())
    return time(int(m.group(1)), int(m.group(2))) if m else None


def parse_zone(token: str) -> ZoneInfo | None:
    """An IANA zone name (``Asia/Taipei``, ``UTC``), case as IANA writes it; else None."""
    name = token.strip()
    if not name or name.startswith(("/", ".")) or ".." in name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _at(day: date, at: time, tz: ZoneInfo) -> datetime:
    """``at`` on ``day`` in ``tz`` as a real instant.

    A wall time skipped by a daylight-saving jump (02:30 on a spring-forward
    night) is the instant it would have been, i.e. 03:30; a repeated one
    (autumn) is its first occurrence.  Round-tripping through UTC normalises.
    """
    naive = datetime.combine(day, at.replace(tzinfo=None))
    return naive.replace(tzinfo=tz, fold=0).astimezone(UTC).astimezone(tz)


def next_occurrence(now: datetime, at: time, tz: ZoneInfo) -> datetime:
    """The first time ``at`` (wall clock in ``tz``) comes after ``now``, in ``tz``."""
    local = now.astimezone(tz)
    candidate = _at(local.date(), at, tz)
    if candidate <= local:
        candidate = _at(local.date() + timedelta(days=1), at, tz)
    return candidate


def last_occurrence(now: datetime, at: time, tz: ZoneInfo) -> datetime:
    """The latest time ``at`` (wall clock in ``tz``) was reached at or before ``now``."""
    local = now.astimezone(tz)
    candidate = _at(local.date(), at, tz)
    if candidate > local:
        candidate = _at(local.date() - timedelta(days=1), at, tz)
    return candidate


def daily_items(
    chat_id: int, rows: Iterable[tuple[StoredArticle, str]], username: str | None
) -> list[DailyItem]:
    """Stored articles (with their text) as :func:`summarizer.compose` takes them.

    Each links to its message in the chat when Telegram has a link for it
    (``username`` is the chat's public name, if any), else to the page it was
    read from.
    """
    return [
        DailyItem(
            key=f"{article.id:012d}",
            digest=article.digest,
            text=body,
            received_at=article.created_at,
            link=message_link(chat_id, article.message_id, username) or article.url,
        )
        for article, body in rows
    ]


def _sub_time(sub: Subscription) -> time:
    return time(sub.hour, sub.minute, sub.second)


class AutoReplyGate:
    """At most one automatic summary per group every ``interval`` seconds (in memory)."""

    def __init__(
        self, interval: float = AUTO_REPLY_INTERVAL, clock: Callable[[], float] = _time.monotonic
    ) -> None:
        self.interval = interval
        self.clock = clock
        self._last: dict[int, float] = {}

    def allow(self, chat_id: int) -> bool:
        now = self.clock()
        last = self._last.get(chat_id)
        if last is not None and now - last < self.interval:
            return False
        self._last[chat_id] = now
        return True

    def forget(self, chat_id: int) -> None:
        self._last.pop(chat_id, None)


@dataclass(frozen=True, slots=True)
class Prepared:
    """A chat's digest so far: the composition, its messages and the articles it covers."""

    digest: DailyDigest
    parts: tuple[str, ...]
    article_ids: tuple[int, ...]


class DigestScheduler:
    """Owns every chat's daily digest job and delivers digests exactly once.

    ``clock`` (aware UTC ``datetime``) decides dates, catch-up and retention,
    so tests can move time; the JobQueue itself fires on the real clock.
    """

    def __init__(
        self,
        storage: Storage,
        *,
        default_timezone: str,
        retention_days: int,
        clock: Callable[[], datetime] = utc_now,
        part_limit: int = MAX_MESSAGE_LENGTH,
    ) -> None:
        self.storage = storage
        self.default_timezone = default_timezone
        self.retention_days = retention_days
        self.clock = clock
        #: Longest message part (tests lower it to see multi-part digests).
        self.part_limit = part_limit
        self.auto_gate = AutoReplyGate()
        self._application: AnyApp | None = None
        #: How a part is sent; returns the message id (tests may wrap it).
        self.sender: Sender = self._send_message
        self._locks: dict[int, asyncio.Lock] = {}
        self._attempts: dict[tuple[int, str], int] = {}

    # --- lifecycle -------------------------------------------------------------

    def attach(self, application: AnyApp) -> None:
        self._application = application

    @property
    def _app(self) -> AnyApp:
        if self._application is None:
            raise RuntimeError("DigestScheduler is not attached to an application")
        return self._application

    async def start(self) -> None:
        """At start-up: purge, finish interrupted digests, catch up missed ones, schedule all.

        Runs in ``post_init`` (storage open, bot initialized), before updates
        are fetched, so a restart resumes deliveries before anything else.
        """
        await self.purge()
        for delivery in await self.storage.unfinished_deliveries():
            try:
                await self.deliver(delivery.chat_id, date.fromisoformat(delivery.local_date))
            except Exception:
                log.exception("could not resume the digest for chat %s", delivery.chat_id)
        now = self.clock()
        for sub in await self.storage.subscriptions():
            self.schedule(sub)
            missed = self.missed_date(sub, now)
            if missed is None:
                continue
            if await self.storage.delivery(sub.chat_id, missed.isoformat()) is not None:
                continue
            log.info("sending chat %s its missed digest of %s", sub.chat_id, missed)
            try:
                await self.deliver(sub.chat_id, missed)
            except Exception:
                log.exception("could not send the missed digest for chat %s", sub.chat_id)
        job_queue = self._app.job_queue
        assert job_queue is not None, "python-telegram-bot[job-queue] is required"
        job_queue.run_repeating(
            self._purge_job, interval=timedelta(days=1), first=timedelta(days=1), name="purge"
        )

    def missed_date(self, sub: Subscription, now: datetime) -> date | None:
        """The local date of a digest due within :data:`CATCH_UP_WINDOW` before ``now``.

        Only a time reached after the subscription was set counts: subscribing
        at 09:00 for 08:30 does not owe today's 08:30 digest.
        """
        tz = ZoneInfo(sub.timezone)
        last = last_occurrence(now, _sub_time(sub), tz)
        if now - last > CATCH_UP_WINDOW or last < sub.updated_at:
            return None
        return last.date()

    # --- subscriptions -----------------------------------------------------------

    async def subscribe(
        self, chat_id: int, at: time, tz: ZoneInfo | None = None
    ) -> tuple[Subscription, datetime]:
        """Store and schedule the chat's digest; returns it and the next delivery."""
        zone = tz or ZoneInfo(self.default_timezone)
        sub = await self.storage.set_subscription(
            chat_id,
            hour=at.hour,
            minute=at.minute,
            second=at.second,
            timezone=zone.key,
            now=self.clock(),
        )
        self.schedule(sub)
        return sub, self.next_delivery(sub)

    async def unsubscribe(self, chat_id: int) -> bool:
        self.unschedule(chat_id)
        return await self.storage.delete_subscription(chat_id)

    def next_delivery(self, sub: Subscription) -> datetime:
        return next_occurrence(self.clock(), _sub_time(sub), ZoneInfo(sub.timezone))

    @staticmethod
    def job_name(chat_id: int) -> str:
        return f"digest:{chat_id}"

    def schedule(self, sub: Subscription) -> None:
        """(Re)place the chat's daily job at its wall-clock time in its zone."""
        self.unschedule(sub.chat_id)
        job_queue = self._app.job_queue
        assert job_queue is not None
        job_queue.run_daily(
            self._daily_job,
            time=time(sub.hour, sub.minute, sub.second, tzinfo=ZoneInfo(sub.timezone)),
            name=self.job_name(sub.chat_id),
            chat_id=sub.chat_id,
        )

    def unschedule(self, chat_id: int) -> None:
        job_queue = self._application.job_queue if self._application else None
        if job_queue is None:
            return
        for job in job_queue.get_jobs_by_name(self.job_name(chat_id)):
            job.schedule_removal()

    def jobs(self, chat_id: int) -> tuple[Job[Any], ...]:
        job_queue = self._app.job_queue
        return job_queue.get_jobs_by_name(self.job_name(chat_id)) if job_queue else ()

    async def _daily_job(self, context: CallbackContext[Any, Any, Any, Any]) -> None:
        job = context.job
        chat_id = job.chat_id if job else None
        if chat_id is None:
            return
        sub = await self.storage.subscription(chat_id)
        if sub is None or not sub.active:
            return
        day = self.clock().astimezone(ZoneInfo(sub.timezone)).date()
        await self.deliver(chat_id, day)

    # --- composing -----------------------------------------------------------------

    async def language(self, chat_id: int) -> UiLanguage:
        chat = await self.storage.chat(chat_id)
        return language_for(chat.language if chat else None)

    async def timezone(self, chat_id: int) -> ZoneInfo:
        sub = await self.storage.subscription(chat_id)
        return ZoneInfo(sub.timezone if sub else self.default_timezone)

    async def prepare(self, chat_id: int, day: date, lang: UiLanguage) -> Prepared:
        """The articles the chat received since its last digest, composed and rendered."""
        since = await self.storage.last_delivery_at(chat_id)
        if since is None:
            since = self.clock() - FIRST_LOOKBACK
        rows = await self.storage.undelivered_articles(chat_id, since)
        items = daily_items(chat_id, rows, await self._username(chat_id))
        filters = await self.storage.filters(chat_id)
        composed = await asyncio.to_thread(compose, items, filters=filters, max_items=MAX_ITEMS)
        return _prepared(composed, render_daily(composed, day, lang, limit=self.part_limit))

    async def roll_up(self, chat_id: int, lang: UiLanguage) -> Prepared:
        """Everything the chat shared in the last :data:`ROLL_UP_WINDOW`, composed (``/summary``).

        Composed like a digest, but of every stored article in the window,
        delivered or not and whatever the chat's filters; nothing is recorded.
        Empty parts when nothing was stored.
        """
        rows = await self.storage.recent_articles_with_text(chat_id, self.clock() - ROLL_UP_WINDOW)
        items = daily_items(chat_id, rows, await self._username(chat_id))
        composed = await asyncio.to_thread(compose, items, max_items=MAX_ITEMS)
        hours = round(ROLL_UP_WINDOW.total_seconds() / 3600)
        return _prepared(composed, render_roll_up(composed, hours, lang, limit=self.part_limit))

    async def _username(self, chat_id: int) -> str | None:
        chat = await self.storage.chat(chat_id)
        return chat.username if chat else None

    # --- delivering ------------------------------------------------------------------

    def _lock(self, chat_id: int) -> asyncio.Lock:
        return self._locks.setdefault(chat_id, asyncio.Lock())

    async def deliver(self, chat_id: int, day: date) -> Delivery | None:
        """Send the chat's digest for ``day`` unless it was sent; finish it if interrupted.

        Safe to call any number of times for the same chat and day.
        """
        async with self._lock(chat_id):
            delivery = await self.storage.delivery(chat_id, day.isoformat())
            if delivery is None:
                lang = await self.language(chat_id)
                prepared = await self.prepare(chat_id, day, lang)
                parts = prepared.parts
                if not parts and (await self.storage.chat_settings(chat_id)).empty_day == (
                    "one_line"
                ):
                    parts = (render_empty_day(day, lang),)
                delivery = await self.storage.claim_delivery(
                    chat_id,
                    day.isoformat(),
                    article_ids=prepared.article_ids,
                    parts=parts,
                    now=self.clock(),
                )
                if delivery is None:  # claimed elsewhere (another process): theirs to send
                    return await self.storage.delivery(chat_id, day.isoformat())
            if delivery.status == "sending":
                delivery = await self._send_pending(delivery)
            return delivery

    async def _send_pending(self, delivery: Delivery) -> Delivery:
        key = (delivery.chat_id, delivery.local_date)
        for part in delivery.pending_parts:
            try:
                message_id = await self.sender(delivery.chat_id, part)
            except Forbidden as exc:
                return await self._give_up(delivery, f"forbidden: {exc.message}")
            except BadRequest as exc:
                if "chat not found" in exc.message.lower():
                    return await self._give_up(delivery, f"chat not found: {exc.message}")
                self._retry_later(delivery, exc)
                return delivery
            except RetryAfter as exc:
                self._retry_later(delivery, exc, delay=_seconds(exc.retry_after))
                return delivery
            except TelegramError as exc:
                self._retry_later(delivery, exc)
                return delivery
            delivery = await self.storage.record_part(delivery.id, message_id)
        self._attempts.pop(key, None)
        return delivery

    async def _give_up(self, delivery: Delivery, reason: str) -> Delivery:
        log.warning("pausing the digest for chat %s: %s", delivery.chat_id, reason)
        await self.storage.abandon_delivery(delivery.id)
        await self.storage.pause_subscription(delivery.chat_id, reason)
        self.unschedule(delivery.chat_id)
        found = await self.storage.delivery(delivery.chat_id, delivery.local_date)
        return found or delivery

    def _retry_later(
        self, delivery: Delivery, error: Exception, *, delay: float | None = None
    ) -> None:
        key = (delivery.chat_id, delivery.local_date)
        attempt = self._attempts.get(key, 0)
        if attempt >= len(RETRY_DELAYS):
            log.error(
                "giving up for now on the digest for chat %s (%s): %s; it is resumed at the "
                "next start",
                delivery.chat_id,
                delivery.local_date,
                error,
            )
            return
        self._attempts[key] = attempt + 1
        wait = delay if delay is not None else RETRY_DELAYS[attempt]
        log.warning(
            "digest for chat %s failed (%s); retrying in %.0f s", delivery.chat_id, error, wait
        )
        job_queue = self._application.job_queue if self._application else None
        if job_queue is not None:
            job_queue.run_once(
                self._retry_job,
                when=wait,
                data=date.fromisoformat(delivery.local_date),
                chat_id=delivery.chat_id,
                name=f"digest-retry:{delivery.chat_id}",
            )

    async def _retry_job(self, context: CallbackContext[Any, Any, Any, Any]) -> None:
        job = context.job
        if job is None or job.chat_id is None or not isinstance(job.data, date):
            return
        await self.deliver(job.chat_id, job.data)

    async def _send_message(self, chat_id: int, html: str) -> int:
        message = await self._app.bot.send_message(
            chat_id,
            html,
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )
        return int(message.message_id)

    # --- retention and /forget ----------------------------------------------------------

    async def purge(self) -> int:
        cutoff = self.clock() - timedelta(days=self.retention_days)
        gone = await self.storage.purge_before(cutoff)
        if gone:
            log.info("retention: deleted %d articles older than %d days", gone, self.retention_days)
        return gone

    async def _purge_job(self, context: CallbackContext[Any, Any, Any, Any]) -> None:
        await self.purge()

    async def forget(self, chat_id: int) -> None:
        """Delete everything stored for the chat and stop its digest."""
        async with self._lock(chat_id):
            self.unschedule(chat_id)
            await self.storage.forget_chat(chat_id)
        self.auto_gate.forget(chat_id)


def _prepared(composed: DailyDigest, parts: Iterable[str]) -> Prepared:
    ids = tuple(sorted(int(k) for e in composed.entries for k in e.keys))
    return Prepared(composed, tuple(parts), ids)


def _seconds(value: object) -> float:
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value) if isinstance(value, int | float) else RETRY_DELAYS[0]
