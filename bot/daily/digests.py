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
3. **Recover.**  A claimed delivery is leased (:data:`LEASE`, renewed with
   each recorded part).  Every instance's tick takes the deliveries still
   ``sending`` whose lease ran out — their sender died, or their retry is due
   — and sends only the parts not recorded, with the exact text claimed.

Which digests are due is in the database too (``subscriptions.next_due_at``,
claimed under a lease, ``FOR UPDATE SKIP LOCKED`` on PostgreSQL: see
:mod:`bot.storage.due`), so with several instances on one database each
chat's digest is composed and claimed by one of them, and any of them
finishes what a dead one left.  A digest missed while every instance was
down is simply one whose ``next_due_at`` is in the past; :func:`missed_date`
decides whether it is still sent (within :data:`CATCH_UP_WINDOW`).

The one window left: the process dies after Telegram accepted a part and
before its message id was committed (a single UPDATE right after the HTTP
response).  That part is sent again on recovery.  Nothing is ever skipped: a
claimed digest is always finished, and articles count as delivered only
through a claimed digest.

This module knows no Telegram: it sends through a :class:`Sender` that raises
:class:`~bot.errors.RecipientGone` (pause the subscription, give the day's
articles back) or :class:`~bot.errors.SendFailed` (retry later), and it says
*when* it retries in its :class:`Outcome`; :mod:`bot.daily.jobs` maps Telegram's
errors and ticks on the JobQueue (freqtrade's ``rpc.py`` vs ``telegram.py``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol, TypeVar
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
    "LEASE",
    "MAX_ITEMS",
    "PURGE_EVERY",
    "PURGE_JOB",
    "RETRY_DELAYS",
    "RETRY_LATER",
    "ROLL_UP_WINDOW",
    "DailyDigests",
    "Outcome",
    "Prepared",
    "Ran",
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
#: After :data:`RETRY_DELAYS`, a delivery that still fails is tried again this often.
RETRY_LATER = 3600.0
#: How long an instance holds what it claimed (a due subscription, a delivery being sent):
#: longer than a digest takes to compose and send, renewed with each part recorded.  An
#: instance that dies mid-delivery leaves it to another this long after its last part.
LEASE = timedelta(seconds=90)
#: Subscriptions (or half-sent deliveries) claimed at a time, and delivered concurrently.
BATCH = 8
#: The retention purge: a due job, once a day across all instances.
PURGE_JOB = "purge"
PURGE_EVERY = timedelta(days=1)
#: A due digest sent later than this after its time is logged as a catch-up.
LATE = timedelta(minutes=1)

T = TypeVar("T")


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

    ``retry_in``: sending failed, the rest is sent again that many seconds
    later (by whichever instance claims it then); ``gone``: the chat no longer
    takes messages, its subscription is paused (no longer due).
    """

    delivery: Delivery | None
    retry_in: float | None = None
    gone: bool = False


@dataclass(slots=True)
class Ran:
    """What one :meth:`DailyDigests.run_due` did (for logs and tests)."""

    purged: int | None = None  # articles deleted, when this instance ran the purge
    resumed: int = 0  # half-sent deliveries taken over and sent on
    delivered: int = 0  # due subscriptions whose digest was claimed (or found claimed)
    skipped: int = 0  # due subscriptions owed nothing (missed by more than the window)


def daily_items(
    chat_id: int, rows: Iterable[tuple[StoredArticle, str]], username: str | None
) -> list[DailyItem]:
    """Stored articles (with their text) as :func:`summarizer.compose` takes them.

    Each links to its message in the chat when Telegram has a link for it
    (``username`` is the chat's public name, if any), else to the page it was
    read from; a feed's item names its feed (``origin``).
    """
    return [
        DailyItem(
            key=f"{article.id:012d}",
            digest=article.digest,
            text=body,
            received_at=article.created_at,
            link=message_link(chat_id, article.message_id, username) or article.url,
            origin=article.origin,
        )
        for article, body in rows
    ]


class DailyDigests:
    """Every chat's daily digest: subscriptions, composition, exactly-once delivery, retention.

    ``clock`` (aware UTC ``datetime``) decides dates, catch-up, leases and
    retention; ``sender`` sends one part; ``part_limit`` is the longest message
    part; ``lease`` how long a claim is held (:data:`LEASE`); ``batch`` how many
    due pieces are claimed at a time.  Two objects on one database behave as
    two instances.
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
        lease: timedelta = LEASE,
        batch: int = BATCH,
    ) -> None:
        self.storage = storage
        self.sender = sender
        self.default_timezone = default_timezone
        self.retention_days = retention_days
        self.clock = clock
        self.part_limit = part_limit
        self.lease = lease
        self.batch = batch
        self._locks: dict[int, asyncio.Lock] = {}
        #: delivery id -> the lease this instance holds on it (given back at a clean stop)
        self._held: dict[int, datetime] = {}

    # --- subscriptions -----------------------------------------------------------

    async def subscribe(
        self, chat_id: int, at: time, tz: ZoneInfo | None = None
    ) -> tuple[Subscription, datetime]:
        """Store the chat's digest time and when it is next due; returns it and that time.

        Any instance's tick delivers it then (the due time is in the database).
        """
        zone = tz or ZoneInfo(self.default_timezone)
        now = self.clock()
        upcoming = next_occurrence(now, time(at.hour, at.minute, at.second), zone)
        sub = await self.storage.set_subscription(
            chat_id,
            hour=at.hour,
            minute=at.minute,
            second=at.second,
            timezone=zone.key,
            now=now,
            next_due_at=upcoming,
        )
        return sub, upcoming

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
        Empty parts when nothing was stored.  What the chat's feeds brought is left
        out: the roll-up is of what members shared (feeds go to the daily digest).
        """
        rows = await self.storage.recent_articles_with_text(
            chat_id, self.clock() - ROLL_UP_WINDOW, shared_only=True
        )
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

    def _lease_from(self, now: datetime) -> datetime:
        """A lease taken at ``now``: until ``now + lease``, to the second (as stored)."""
        return (now + self.lease).astimezone(UTC).replace(microsecond=0)

    async def deliver(self, chat_id: int, day: date) -> Outcome:
        """Send the chat's digest for ``day`` unless it was sent; finish it if interrupted.

        Safe to call any number of times for the same chat and day, from any
        instance: a digest another instance holds (it is sending it, or waiting
        to retry) is left to it.
        """
        async with self._lock(chat_id):
            delivery, ours = await self._claim(chat_id, day)
            if delivery is None or not ours:
                return Outcome(delivery)
            return await self._send_pending(delivery)

    async def _claim(self, chat_id: int, day: date) -> tuple[Delivery | None, bool]:
        """The chat's delivery for ``day`` (claimed now if there was none), and whether
        this instance holds its lease to send it."""
        now = self.clock()
        delivery = await self.storage.delivery(chat_id, day.isoformat())
        if delivery is None:
            lang = await self.language(chat_id)
            prepared = await self.prepare(chat_id, day, lang)
            parts = prepared.parts
            settings = await self.storage.chat_settings(chat_id)
            if not parts and settings.empty_day == "one_line":
                parts = (render_empty_day(day, lang),)
            claimed = await self.storage.claim_delivery(
                chat_id,
                day.isoformat(),
                article_ids=prepared.article_ids,
                parts=parts,
                now=now,
                lease_until=self._lease_from(now),
            )
            if claimed is None:  # claimed elsewhere (another instance): theirs to send
                return await self.storage.delivery(chat_id, day.isoformat()), False
            self._hold(claimed)
            return claimed, claimed.status == "sending"
        if delivery.status != "sending":
            return delivery, False
        taken = await self.storage.take_delivery(delivery.id, now, until=self._lease_from(now))
        if taken is None:  # another instance holds it, or its retry is not due yet
            return delivery, False
        self._hold(taken)
        return taken, True

    def _hold(self, delivery: Delivery) -> None:
        """Remember the lease this instance holds on ``delivery`` (to give it back at stop)."""
        if delivery.status == "sending" and delivery.lease_until is not None:
            self._held[delivery.id] = delivery.lease_until
        else:
            self._held.pop(delivery.id, None)

    async def _send_pending(self, delivery: Delivery) -> Outcome:
        """Send the parts not recorded yet, renewing the lease with each one recorded.

        If the lease turns out to be someone else's (this instance stalled past
        it and another took over), stop: the other finishes the rest.
        """
        for part in delivery.pending_parts:
            try:
                message_id = await self.sender(delivery.chat_id, part)
            except RecipientGone as exc:
                return await self._give_up(delivery, str(exc))
            except SendFailed as exc:
                return await self._retry_later(delivery, exc)
            renew = self._lease_from(self.clock())
            delivery = await self.storage.record_part(
                delivery.id, message_id, held=delivery.lease_until, renew_until=renew
            )
            self._hold(delivery)
            if delivery.status != "sending":  # the last part (or another instance finished)
                return Outcome(delivery)
            if delivery.lease_until != renew:
                self._held.pop(delivery.id, None)
                log.warning(
                    "the digest for chat %s (%s) was taken over by another instance; "
                    "it sends the rest",
                    delivery.chat_id,
                    delivery.local_date,
                )
                return Outcome(delivery)
        return Outcome(delivery)

    async def _give_up(self, delivery: Delivery, reason: str) -> Outcome:
        log.warning("pausing the digest for chat %s: %s", delivery.chat_id, reason)
        self._held.pop(delivery.id, None)
        await self.storage.abandon_delivery(delivery.id)
        await self.storage.pause_subscription(delivery.chat_id, reason)
        found = await self.storage.delivery(delivery.chat_id, delivery.local_date)
        return Outcome(found or delivery, gone=True)

    async def _retry_later(self, delivery: Delivery, error: SendFailed) -> Outcome:
        """Keep the delivery leased until its retry: the server's wait, else the next of
        :data:`RETRY_DELAYS`, then every :data:`RETRY_LATER`.  Any instance retries it
        then (the lease is the timer, and the attempts are counted in the row)."""
        attempt = delivery.attempts
        if error.retry_after is not None:
            wait = error.retry_after
        elif attempt < len(RETRY_DELAYS):
            wait = RETRY_DELAYS[attempt]
        else:
            wait = RETRY_LATER
        wait = max(wait, 1.0)
        if attempt >= len(RETRY_DELAYS):
            log.error(
                "the digest for chat %s (%s) still fails: %s; trying again in %.0f s",
                delivery.chat_id,
                delivery.local_date,
                error,
                wait,
            )
        else:
            log.warning(
                "digest for chat %s failed (%s); retrying in %.0f s", delivery.chat_id, error, wait
            )
        self._held.pop(delivery.id, None)
        if delivery.lease_until is None:
            return Outcome(delivery, retry_in=wait)
        until = (self.clock() + timedelta(seconds=wait)).astimezone(UTC).replace(microsecond=0)
        held = await self.storage.hold_delivery(
            delivery.id, held=delivery.lease_until, until=until, attempts=attempt + 1
        )
        if held:
            delivery = replace(delivery, lease_until=until, attempts=attempt + 1)
            self._hold(delivery)
        return Outcome(delivery, retry_in=wait)

    # --- due work: what any instance runs on each tick ----------------------------------

    async def start_up(self) -> Ran:
        """At start-up: free a dead predecessor's leases (SQLite), then :meth:`run_due`.

        That purges if a purge is due, finishes half-sent digests and sends the
        digests missed while the bot was down (:func:`missed_date` decides).
        """
        freed = await self.storage.release_leases_of_a_dead_process()
        if freed:
            log.info("start-up: freed %d leases left by the previous run", freed)
        return await self.run_due()

    async def run_due(self) -> Ran:
        """Do the due work this instance can claim: the purge if due, every delivery
        left half-sent whose lease ran out, every subscription whose time came.

        Each piece is claimed under a lease, so instances ticking at once share
        the work out and each piece is done once; a piece that fails keeps its
        lease until it runs out and is then claimed again.
        """
        ran = Ran()
        now = self.clock()
        until = self._lease_from(now)
        if await self.storage.claim_due_job(PURGE_JOB, now, until=until):
            try:
                ran.purged = await self.purge()
            except Exception:  # its lease runs out and it is tried again; digests go on
                log.exception("retention: the purge failed")
            else:
                await self.storage.finish_due_job(
                    PURGE_JOB, held=until, next_due_at=now + PURGE_EVERY
                )
        while True:
            now = self.clock()
            stale = await self.storage.claim_stale_deliveries(
                now, until=self._lease_from(now), limit=self.batch
            )
            if not stale:
                break
            for delivery in stale:
                self._hold(delivery)
            resumed = await _gather_logged(
                (self._resume(d) for d in stale), "could not finish a digest"
            )
            ran.resumed += len(resumed)
            if len(stale) < self.batch:  # that was all (a retry due again soon waits a tick)
                break
        while True:
            now = self.clock()
            until = self._lease_from(now)
            subs = await self.storage.claim_due_subscriptions(now, until=until, limit=self.batch)
            if not subs:
                break
            outcomes = await _gather_logged(
                (self._due(sub, now, until) for sub in subs), "could not send a digest"
            )
            ran.delivered += sum(1 for o in outcomes if o is not None)
            ran.skipped += sum(1 for o in outcomes if o is None)
            if len(subs) < self.batch:
                break
        return ran

    async def _resume(self, delivery: Delivery) -> Outcome:
        log.info("finishing the digest for chat %s (%s)", delivery.chat_id, delivery.local_date)
        async with self._lock(delivery.chat_id):
            return await self._send_pending(delivery)

    async def _due(self, sub: Subscription, now: datetime, held: datetime) -> Outcome | None:
        """A subscription whose time came: claim the day's digest it owes (if any), set its
        next time, then send.  None when nothing was owed (too late to catch up)."""
        chat_id = sub.chat_id
        day = missed_date(sub, now)
        zone = ZoneInfo(sub.timezone)
        async with self._lock(chat_id):
            delivery, ours = await self._claim(chat_id, day) if day else (None, False)
            # claimed first, then advanced: an instance dying between the two leaves the
            # subscription due, and the next claim finds the delivery (nothing skipped)
            upcoming = next_occurrence(now, subscription_time(sub), zone)
            await self.storage.advance_subscription(chat_id, upcoming, held=held)
            if day is None:
                if sub.next_due_at is not None:
                    log.info("chat %s: the digest due %s is too late now", chat_id, sub.next_due_at)
                return None
            if sub.next_due_at is None or now - sub.next_due_at > LATE:
                log.info("sending chat %s its missed digest of %s", chat_id, day)
            if delivery is None or not ours:
                return Outcome(delivery)
            return await self._send_pending(delivery)

    async def next_due(self, chat_id: int) -> datetime | None:
        """When the chat's next digest is due (UTC); None when it has no active subscription."""
        return await self.storage.next_due_at(chat_id)

    async def release(self) -> int:
        """Give back the delivery leases this instance holds (a clean stop), so another
        instance, or the next start, finishes those digests at once; how many."""
        held, self._held = self._held, {}
        released = 0
        for delivery_id, lease in held.items():
            if await self.storage.release_delivery(delivery_id, held=lease):
                released += 1
        return released

    # --- retention and /forget ----------------------------------------------------------

    async def purge(self) -> int:
        cutoff = self.clock() - timedelta(days=self.retention_days)
        gone = await self.storage.purge_before(cutoff)
        await self.storage.prune_seen_updates()  # Telegram's own day, on the real clock
        if gone:
            log.info("retention: deleted %d articles older than %d days", gone, self.retention_days)
        return gone

    async def forget(self, chat_id: int) -> None:
        """Delete everything stored for the chat (waiting for a delivery in progress)."""
        async with self._lock(chat_id):
            await self.storage.forget_chat(chat_id)


async def _gather_logged(jobs: Iterable[Awaitable[T]], failure: str) -> list[T]:
    """Run ``jobs`` concurrently; log (and leave out) the ones that failed.

    A failed piece keeps its lease, so it is claimed again once that runs out.
    """
    results = await asyncio.gather(*jobs, return_exceptions=True)
    done: list[T] = []
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, Exception):
            raise result  # cancelled, or the process going down: nothing after it runs
        if isinstance(result, BaseException):
            log.error(failure, exc_info=result)
        else:
            done.append(result)
    return done


def _prepared(composed: DailyDigest, parts: Iterable[str]) -> Prepared:
    ids = tuple(sorted(int(k) for e in composed.entries for k in e.keys))
    return Prepared(composed, tuple(parts), ids)
