"""The daily-digest domain: compose, claim, send part by part, recover — exactly once.

Exactly once, with Telegram having no idempotency key, works like this:

1. **Claim.**  In one transaction the chat's digest for its local date is
   inserted (``UNIQUE (chat_id, local_date)``) with status ``sending``, its
   rendered parts, and the ids of the articles it covers.  A second claim for
   the same chat and day finds the row and sends nothing new, so a job that
   fires twice, or a catch-up racing the job, is harmless.
2. **Send, recording each part.**  Parts go out one by one; after the
   :class:`Sender` returns a part's message id it is committed before the
   next part is sent.  The last part flips the status to ``sent``.
3. **Recover.**  At start-up every delivery still ``sending`` is resumed: the
   parts already recorded are skipped and only the rest are sent, with the
   exact text that was claimed.

The one window left: the process dies after Telegram accepted a part and
before its message id was committed (a single UPDATE right after the HTTP
response).  That part is sent again on recovery.  Nothing is ever skipped: a
claimed digest is always finished, and articles count as delivered only
through a claimed digest.

This module knows no Telegram: it sends through a :class:`Sender` that raises
:class:`~bot.errors.RecipientGone` (pause the subscription, give the day's
articles back) or :class:`~bot.errors.SendFailed` (retry later), and it says
*when* to retry in its :class:`Outcome`; :mod:`bot.daily.jobs` maps Telegram's
errors and owns the JobQueue (freqtrade's ``rpc.py`` vs ``telegram.py``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.daily.schedule import local_date, missed_date, next_occurrence, subscription_time
from bot.errors import CommandError, RecipientGone, SendFailed
from bot.messages import UiLanguage, language_for
from bot.render import MAX_MESSAGE_LENGTH, message_link
from bot.render_daily import render_daily, render_empty_day, render_roll_up
from bot.storage import (
    Delivery,
    FilterAdded,
    Storage,
    StoredArticle,
    Subscription,
    utc_now,
)
from summarizer.compose import DailyDigest, DailyItem, compose

__all__ = [
    "FILTER_MAX_COUNT",
    "FILTER_MAX_LENGTH",
    "FIRST_LOOKBACK",
    "MAX_ITEMS",
    "RETRY_DELAYS",
    "ROLL_UP_WINDOW",
    "DailyDigests",
    "Outcome",
    "Prepared",
    "Sender",
    "daily_items",
]

log = logging.getLogger(__name__)

#: The first digest of a chat looks back this far (later ones: since the previous one).
FIRST_LOOKBACK = timedelta(hours=24)
#: Stories in one digest; the rest are counted in a last line.
MAX_ITEMS = 100
#: ``/summary`` alone rolls up what the chat shared this far back.
ROLL_UP_WINDOW = timedelta(hours=24)
#: A chat's filter terms: at most this many, each at most this long.
FILTER_MAX_COUNT = 20
FILTER_MAX_LENGTH = 64
#: Retries for a delivery that failed with something other than a gone recipient (seconds).
RETRY_DELAYS = (60.0, 300.0, 900.0)


class Sender(Protocol):
    """Sends one rendered part; returns its message id.

    Raises :class:`~bot.errors.RecipientGone` or :class:`~bot.errors.SendFailed`.
    """

    async def __call__(self, chat_id: int, html: str) -> int: ...


@dataclass(frozen=True, slots=True)
class Prepared:
    """A chat's digest so far: the composition, its messages and the articles it covers."""

    digest: DailyDigest
    parts: tuple[str, ...]
    article_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What :meth:`DailyDigests.deliver` did, and what its caller must do next.

    ``retry_in``: send the rest again in that many seconds; ``gone``: the chat
    no longer takes messages, its subscription is paused (unschedule it).
    """

    delivery: Delivery | None
    retry_in: float | None = None
    gone: bool = False


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


class DailyDigests:
    """Every chat's daily digest: subscriptions, composition, exactly-once delivery, retention.

    ``clock`` (aware UTC ``datetime``) decides dates, catch-up and retention;
    ``sender`` sends one part; ``part_limit`` is the longest message part.
    """

    def __init__(
        self,
        storage: Storage,
        *,
        sender: Sender,
        default_timezone: str,
        retention_days: int,
        clock: Callable[[], datetime] = utc_now,
        part_limit: int = MAX_MESSAGE_LENGTH,
    ) -> None:
        self.storage = storage
        self.sender = sender
        self.default_timezone = default_timezone
        self.retention_days = retention_days
        self.clock = clock
        self.part_limit = part_limit
        self._locks: dict[int, asyncio.Lock] = {}
        self._attempts: dict[tuple[int, str], int] = {}

    # --- subscriptions -----------------------------------------------------------

    async def subscribe(
        self, chat_id: int, at: time, tz: ZoneInfo | None = None
    ) -> tuple[Subscription, datetime]:
        """Store the chat's digest time; returns it and the next delivery."""
        zone = tz or ZoneInfo(self.default_timezone)
        sub = await self.storage.set_subscription(
            chat_id,
            hour=at.hour,
            minute=at.minute,
            second=at.second,
            timezone=zone.key,
            now=self.clock(),
        )
        return sub, self.next_delivery(sub)

    async def unsubscribe(self, chat_id: int) -> bool:
        return await self.storage.delete_subscription(chat_id)

    def next_delivery(self, sub: Subscription) -> datetime:
        return next_occurrence(self.clock(), subscription_time(sub), ZoneInfo(sub.timezone))

    async def timezone(self, chat_id: int) -> ZoneInfo:
        sub = await self.storage.subscription(chat_id)
        return ZoneInfo(sub.timezone if sub else self.default_timezone)

    async def today(self, chat_id: int) -> date:
        """The chat's local date now (its digest's zone, else the default zone)."""
        return local_date(self.clock(), await self.timezone(chat_id))

    async def language(self, chat_id: int) -> UiLanguage:
        chat = await self.storage.chat(chat_id)
        return language_for(chat.language if chat else None)

    # --- filters -------------------------------------------------------------------

    async def add_filter(self, chat_id: int, term: str) -> FilterAdded:
        """Add a filter term (``added``/``exists``).

        Raises :class:`~bot.errors.CommandError`: ``filter_too_long`` past
        :data:`FILTER_MAX_LENGTH` characters, ``filter_too_many`` once the chat
        has :data:`FILTER_MAX_COUNT` (checked and inserted atomically).
        """
        if len(term) > FILTER_MAX_LENGTH:
            raise CommandError("filter_too_long", max=FILTER_MAX_LENGTH)
        added = await self.storage.add_filter(chat_id, term, limit=FILTER_MAX_COUNT)
        if added == "full":
            raise CommandError("filter_too_many", max=FILTER_MAX_COUNT)
        return added

    # --- composing -----------------------------------------------------------------

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

    async def deliver(self, chat_id: int, day: date) -> Outcome:
        """Send the chat's digest for ``day`` unless it was sent; finish it if interrupted.

        Safe to call any number of times for the same chat and day.
        """
        async with self._lock(chat_id):
            delivery = await self.storage.delivery(chat_id, day.isoformat())
            if delivery is None:
                lang = await self.language(chat_id)
                prepared = await self.prepare(chat_id, day, lang)
                parts = prepared.parts
                settings = await self.storage.chat_settings(chat_id)
                if not parts and settings.empty_day == "one_line":
                    parts = (render_empty_day(day, lang),)
                delivery = await self.storage.claim_delivery(
                    chat_id,
                    day.isoformat(),
                    article_ids=prepared.article_ids,
                    parts=parts,
                    now=self.clock(),
                )
                if delivery is None:  # claimed elsewhere (another process): theirs to send
                    return Outcome(await self.storage.delivery(chat_id, day.isoformat()))
            if delivery.status != "sending":
                return Outcome(delivery)
            return await self._send_pending(delivery)

    async def _send_pending(self, delivery: Delivery) -> Outcome:
        key = (delivery.chat_id, delivery.local_date)
        for part in delivery.pending_parts:
            try:
                message_id = await self.sender(delivery.chat_id, part)
            except RecipientGone as exc:
                return await self._give_up(delivery, str(exc))
            except SendFailed as exc:
                return Outcome(delivery, retry_in=self._retry_delay(delivery, exc))
            delivery = await self.storage.record_part(delivery.id, message_id)
        self._attempts.pop(key, None)
        return Outcome(delivery)

    async def _give_up(self, delivery: Delivery, reason: str) -> Outcome:
        log.warning("pausing the digest for chat %s: %s", delivery.chat_id, reason)
        await self.storage.abandon_delivery(delivery.id)
        await self.storage.pause_subscription(delivery.chat_id, reason)
        found = await self.storage.delivery(delivery.chat_id, delivery.local_date)
        return Outcome(found or delivery, gone=True)

    def _retry_delay(self, delivery: Delivery, error: SendFailed) -> float | None:
        """Seconds until the next try, or None once :data:`RETRY_DELAYS` are used up
        (the delivery stays ``sending`` and is resumed at the next start)."""
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
            return None
        self._attempts[key] = attempt + 1
        wait = error.retry_after if error.retry_after is not None else RETRY_DELAYS[attempt]
        log.warning(
            "digest for chat %s failed (%s); retrying in %.0f s", delivery.chat_id, error, wait
        )
        return wait

    # --- start-up ----------------------------------------------------------------------

    async def unfinished(self) -> list[tuple[int, date]]:
        """(chat, day) of every digest claimed but not completely sent (a crash left it)."""
        return [
            (d.chat_id, date.fromisoformat(d.local_date))
            for d in await self.storage.unfinished_deliveries()
        ]

    async def missed(self) -> list[tuple[int, date]]:
        """(chat, day) of digests due while the bot was down, within the catch-up window."""
        now = self.clock()
        owed = []
        for sub in await self.storage.subscriptions():
            day = missed_date(sub, now)
            if (
                day is not None
                and await self.storage.delivery(sub.chat_id, day.isoformat()) is None
            ):
                owed.append((sub.chat_id, day))
        return owed

    # --- retention and /forget ----------------------------------------------------------

    async def purge(self) -> int:
        cutoff = self.clock() - timedelta(days=self.retention_days)
        gone = await self.storage.purge_before(cutoff)
        if gone:
            log.info("retention: deleted %d articles older than %d days", gone, self.retention_days)
        return gone

    async def forget(self, chat_id: int) -> None:
        """Delete everything stored for the chat (waiting for a delivery in progress)."""
        async with self._lock(chat_id):
            await self.storage.forget_chat(chat_id)


def _prepared(composed: DailyDigest, parts: Iterable[str]) -> Prepared:
    ids = tuple(sorted(int(k) for e in composed.entries for k in e.keys))
    return Prepared(composed, tuple(parts), ids)
