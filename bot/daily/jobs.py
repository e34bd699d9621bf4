"""The daily digest's Telegram adapter: the JobQueue jobs and the sender.

:class:`DailyJobs` places each chat's daily job at its wall-clock time, runs
the start-up work (purge, resume interrupted deliveries, catch up missed
ones) and acts on what :meth:`DailyDigests.deliver` says (retry later,
unschedule a chat that is gone).  :func:`telegram_sender` is the one place
that reads Telegram's errors for delivery.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import Application, CallbackContext, Job

from bot.daily.digests import DailyDigests, Outcome, Sender
from bot.errors import RecipientGone, SendFailed
from bot.storage import Delivery, Subscription

__all__ = ["DailyJobs", "telegram_sender"]

log = logging.getLogger(__name__)

AnyApp = Application[Any, Any, Any, Any, Any, Any]
AnyContext = CallbackContext[Any, Any, Any, Any]


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
    """Owns every chat's daily digest job; delivery itself is :class:`DailyDigests`'."""

    def __init__(self, digests: DailyDigests) -> None:
        self.digests = digests
        self._application: AnyApp | None = None

    def attach(self, application: AnyApp) -> None:
        self._application = application

    @property
    def _app(self) -> AnyApp:
        if self._application is None:
            raise RuntimeError("DailyJobs is not attached to an application")
        return self._application

    async def start(self) -> None:
        """At start-up: purge, finish interrupted digests, catch up missed ones, schedule all.

        Runs in ``post_init`` (storage open, bot initialized), before updates
        are fetched, so a restart resumes deliveries before anything else.
        """
        await self.digests.purge()
        for chat_id, day in await self.digests.unfinished():
            await self._deliver_logged(chat_id, day, "could not resume the digest for chat %s")
        for sub in await self.digests.storage.subscriptions():
            self.schedule(sub)
        for chat_id, day in await self.digests.missed():
            log.info("sending chat %s its missed digest of %s", chat_id, day)
            await self._deliver_logged(chat_id, day, "could not send the missed digest for chat %s")
        job_queue = self._app.job_queue
        assert job_queue is not None, "python-telegram-bot[job-queue] is required"
        job_queue.run_repeating(
            self._purge_job, interval=timedelta(days=1), first=timedelta(days=1), name="purge"
        )

    async def _deliver_logged(self, chat_id: int, day: date, failure: str) -> None:
        try:
            await self.deliver(chat_id, day)
        except Exception:
            log.exception(failure, chat_id)

    # --- subscriptions -----------------------------------------------------------

    async def subscribe(
        self, chat_id: int, at: time, tz: ZoneInfo | None = None
    ) -> tuple[Subscription, datetime]:
        """Store and schedule the chat's digest; returns it and the next delivery."""
        sub, upcoming = await self.digests.subscribe(chat_id, at, tz)
        self.schedule(sub)
        return sub, upcoming

    async def unsubscribe(self, chat_id: int) -> bool:
        self.unschedule(chat_id)
        return await self.digests.unsubscribe(chat_id)

    async def forget(self, chat_id: int) -> None:
        """Delete everything stored for the chat and stop its digest."""
        self.unschedule(chat_id)
        await self.digests.forget(chat_id)

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

    # --- delivering ------------------------------------------------------------------

    async def deliver(self, chat_id: int, day: date) -> Delivery | None:
        """Deliver (or finish) the chat's digest for ``day`` and act on the outcome."""
        outcome = await self.digests.deliver(chat_id, day)
        self._follow_up(chat_id, day, outcome)
        return outcome.delivery

    def _follow_up(self, chat_id: int, day: date, outcome: Outcome) -> None:
        if outcome.gone:
            self.unschedule(chat_id)
        if outcome.retry_in is None:
            return
        job_queue = self._application.job_queue if self._application else None
        if job_queue is not None:
            job_queue.run_once(
                self._retry_job,
                when=outcome.retry_in,
                data=day,
                chat_id=chat_id,
                name=f"digest-retry:{chat_id}",
            )

    async def _daily_job(self, context: AnyContext) -> None:
        job = context.job
        chat_id = job.chat_id if job else None
        if chat_id is None:
            return
        sub = await self.digests.storage.subscription(chat_id)
        if sub is None or not sub.active:
            return
        await self.deliver(chat_id, await self.digests.today(chat_id))

    async def _retry_job(self, context: AnyContext) -> None:
        job = context.job
        if job is None or job.chat_id is None or not isinstance(job.data, date):
            return
        await self.deliver(job.chat_id, job.data)

    async def _purge_job(self, context: AnyContext) -> None:
        await self.digests.purge()
