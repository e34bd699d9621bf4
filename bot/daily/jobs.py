"""The daily digest's Telegram adapter: the JobQueue tick and the sender.

:class:`DailyJobs` runs the domain's due work (:meth:`DailyDigests.run_due`)
at start-up and then from one repeating JobQueue tick: digests whose time
came, deliveries left half-sent, retries and the daily purge are rows in the
database that whichever instance ticks first claims.  :func:`telegram_sender`
is the one place that reads Telegram's errors for delivery.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import Application, CallbackContext

from bot.daily.digests import DailyDigests, Ran, Sender
from bot.errors import RecipientGone, SendFailed
from bot.storage import Delivery, Subscription

__all__ = ["TICK_SECONDS", "DailyJobs", "telegram_sender"]

log = logging.getLogger(__name__)

AnyApp = Application[Any, Any, Any, Any, Any, Any]
AnyContext = CallbackContext[Any, Any, Any, Any]

#: Between two ticks: a digest is sent at most this long after its time.
TICK_SECONDS = 1.0


def telegram_sender(bot: Bot) -> Sender:
    """Send a part as HTML through ``bot``, with Telegram's errors in the domain's words."""

    async def send(chat_id: int, html: str) -> int:
        try:
            message = await bot.send_message(
                chat_id,
                html,
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        except Forbidden as exc:
            raise RecipientGone(f"forbidden: {exc.message}") from exc
        except BadRequest as exc:
            if "chat not found" in exc.message.lower():
                raise RecipientGone(f"chat not found: {exc.message}") from exc
            raise SendFailed(exc.message) from exc
        except RetryAfter as exc:
            raise SendFailed(exc.message, retry_after=_seconds(exc.retry_after)) from exc
        except TelegramError as exc:
            raise SendFailed(exc.message) from exc
        return int(message.message_id)

    return send


def _seconds(value: object) -> float | None:
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value) if isinstance(value, int | float) else None


class DailyJobs:
    """Ticks the daily-digest domain on the JobQueue; delivery itself is :class:`DailyDigests`'.

    No job per chat: which digests are due is in the database, so one tick
    every :data:`TICK_SECONDS` (one indexed query when nothing is due) finds
    them on whichever instance ticks first.
    """

    def __init__(self, digests: DailyDigests, *, tick: float = TICK_SECONDS) -> None:
        self.digests = digests
        self.tick = tick
        self._application: AnyApp | None = None
        self._run: asyncio.Task[Ran | None] | None = None
        #: What the last finished run did (logs and tests read it).
        self.last: Ran | None = None

    def attach(self, application: AnyApp) -> None:
        self._application = application

    @property
    def _app(self) -> AnyApp:
        if self._application is None:
            raise RuntimeError("DailyJobs is not attached to an application")
        return self._application

    async def start(self) -> None:
        """At start-up: the due work (purge if due, finish interrupted digests, catch up
        missed ones) through the same path as every tick, then start ticking.

        Runs in ``post_init`` (storage open, bot initialized), before updates
        are fetched, so a restart resumes deliveries before anything else.
        """
        try:
            self.last = await self.digests.start_up()
        except Exception:
            log.exception("the daily digests' start-up work failed; the next tick retries")
        job_queue = self._app.job_queue
        assert job_queue is not None, "python-telegram-bot[job-queue] is required"
        job_queue.run_repeating(
            self._tick, interval=timedelta(seconds=self.tick), first=self.tick, name="daily"
        )

    async def stop(self) -> None:
        """Wait for a run in progress, then give back the leases this instance holds
        (before storage closes), so the next start or another instance goes on at once."""
        task, self._run = self._run, None
        if task is not None and not task.done():
            with contextlib.suppress(Exception):
                await task
        try:
            released = await self.digests.release()
        except Exception:  # their leases run out instead
            log.warning("could not give back the digest deliveries in progress", exc_info=True)
        else:
            if released:
                log.info("gave back %d digest deliveries in progress", released)

    @property
    def running(self) -> bool:
        return self._run is not None and not self._run.done()

    async def run_now(self) -> Ran | None:
        """Do the due work now, as a tick would, and return what it did (None: it failed).

        A run in progress is waited for first, so runs never overlap (a test
        that moves the bot's clock past a digest's time, then runs the work
        instead of waiting for the next tick).
        """
        while self._run is not None and not self._run.done():
            with contextlib.suppress(Exception):
                await asyncio.shield(self._run)
        self._run = asyncio.create_task(self._run_due(), name="daily-due")
        return await asyncio.shield(self._run)

    async def _tick(self, context: AnyContext) -> None:
        """Start a run unless one is still going (a run never blocks the JobQueue)."""
        if not self.running:
            self._run = asyncio.create_task(self._run_due(), name="daily-due")

    async def _run_due(self) -> Ran | None:
        try:
            self.last = await self.digests.run_due()
        except Exception:  # the database, most likely: the next tick tries again
            log.exception("the daily digests' due work failed")
            return None
        return self.last

    # --- for the handlers ------------------------------------------------------------

    async def subscribe(
        self, chat_id: int, at: time, tz: ZoneInfo | None = None
    ) -> tuple[Subscription, datetime]:
        """Store the chat's digest and when it is due; returns it and the next delivery."""
        return await self.digests.subscribe(chat_id, at, tz)

    async def unsubscribe(self, chat_id: int) -> bool:
        return await self.digests.unsubscribe(chat_id)

    async def forget(self, chat_id: int) -> None:
        """Delete everything stored for the chat, its digest with it."""
        await self.digests.forget(chat_id)

    async def next_due(self, chat_id: int) -> datetime | None:
        """When the chat's next digest is due (UTC), as stored; None: not subscribed or paused."""
        return await self.digests.next_due(chat_id)

    async def deliver(self, chat_id: int, day: date) -> Delivery | None:
        """Deliver (or finish) the chat's digest for ``day``; a failed send is retried by
        the tick (its lease is the timer), a gone chat is paused."""
        outcome = await self.digests.deliver(chat_id, day)
        return outcome.delivery
