"""The feed poller's Telegram adapter: a repeating tick that runs rounds, and the notifier.

:class:`FeedJobs` ticks on the JobQueue every few seconds; each tick starts
a :meth:`~bot.feeds.poller.FeedPoller.run_round` as a background task unless
one is still running, so a round of slow feeds never overlaps the next and
never holds up the JobQueue (or any reply to a user: a round is only I/O and
worker threads).  Which feeds a round takes is decided by their
``next_poll_at``, so the tick only needs to be fine-grained, not exact.

:func:`telegram_notifier` tells a chat its feed is failing and is the one
place that reads Telegram's errors for it (as
:func:`bot.daily.jobs.telegram_sender` does for digests).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, CallbackContext

from bot.feeds.following import display_title
from bot.feeds.poller import FeedPoller, RoundStats
from bot.feeds.ports import FeedAnswerLike, FeedFetcher, Notifier
from bot.messages import UiLanguage, stored_error_text, text
from bot.storage import StoredFeed
from reader.feedfetch import read_feed
from reader.feeds import Feed

__all__ = ["TICK_SECONDS", "FeedJobs", "failing_notice", "feed_fetcher", "telegram_notifier"]

log = logging.getLogger(__name__)

AnyApp = Application[Any, Any, Any, Any, Any, Any]
AnyContext = CallbackContext[Any, Any, Any, Any]

#: The longest between two ticks: a feed due now waits at most this long.
TICK_SECONDS = 5.0


def feed_fetcher(
    client: Callable[[], httpx.AsyncClient | None], *, allow_private: bool
) -> FeedFetcher:
    """:func:`~reader.feedfetch.read_feed` through the bot's shared guarded client.

    ``client`` is looked up per fetch (the client exists only once the
    application has started).  No autodiscovery: a stored URL is the feed's
    own, so a feed that turns into a web page is an error, not a new feed.
    """

    async def fetch(
        url: str, *, etag: str | None, last_modified: str | None
    ) -> tuple[FeedAnswerLike, Feed | None]:
        return await read_feed(
            url,
            etag=etag,
            last_modified=last_modified,
            client=client(),
            allow_private=allow_private,
            discover=False,
        )

    return fetch


def failing_notice(feed: StoredFeed, lang: UiLanguage) -> str:
    """The message telling a chat that ``feed`` is failing, with why, in ``lang``."""
    notice = text(
        "feed_failing_notice", lang, title=display_title(feed.title, feed.url), url=feed.url
    )
    return notice + stored_error_text(feed.last_error, lang)


def telegram_notifier(bot: Bot) -> Notifier:
    """Send the failing notice through ``bot``.

    True when the chat is done with: told, or gone (blocked the bot, left,
    deleted: telling it again would fail the same way); False when sending
    failed for now (rate limit, network), so the next failing round tries again.
    """

    async def notify(chat_id: int, lang: UiLanguage, feed: StoredFeed) -> bool:
        try:
            await bot.send_message(
                chat_id,
                failing_notice(feed, lang),
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        except Forbidden as exc:
            log.info("chat %s cannot be told feed %s fails: %s", chat_id, feed.id, exc.message)
            return True
        except BadRequest as exc:
            if "chat not found" in exc.message.lower():
                log.info("chat %s is gone; not telling it feed %s fails", chat_id, feed.id)
                return True
            log.warning("telling chat %s feed %s fails: %s", chat_id, feed.id, exc.message)
            return False
        except TelegramError as exc:  # RetryAfter, network: next round
            log.warning("telling chat %s feed %s fails: %s", chat_id, feed.id, exc)
            return False
        return True

    return notify


class FeedJobs:
    """Runs :class:`FeedPoller` rounds from a JobQueue tick, one at a time."""

    def __init__(self, poller: FeedPoller, *, tick: float | None = None) -> None:
        self.poller = poller
        self.tick = tick if tick is not None else min(float(poller.poll_seconds), TICK_SECONDS)
        self._application: AnyApp | None = None
        self._round: asyncio.Task[RoundStats | None] | None = None
        self._again = False
        #: What the last finished round did (tests and logs read it).
        self.last: RoundStats | None = None
        #: Rounds finished since start.
        self.rounds = 0

    def attach(self, application: AnyApp) -> None:
        self._application = application

    def start(self) -> None:
        """Start ticking (in ``post_init``, once storage is open), with a first round at once.

        The round is started here, not by a tick with ``first=0``: the JobQueue's
        scheduler starts after ``post_init``, and a first run already in the past
        when it does comes one interval late.
        """
        if self._application is None:
            raise RuntimeError("FeedJobs is not attached to an application")
        job_queue = self._application.job_queue
        assert job_queue is not None, "python-telegram-bot[job-queue] is required"
        job_queue.run_repeating(
            self._tick, interval=timedelta(seconds=self.tick), first=self.tick, name="feeds"
        )
        self.kick()

    @property
    def running(self) -> bool:
        return self._round is not None and not self._round.done()

    def kick(self) -> None:
        """Start a round now (``/feed add`` stored a feed due at once); if one is running,
        another follows it as soon as it ends."""
        if self.running:
            self._again = True
            return
        self._round = asyncio.create_task(self._run(), name="feed-round")

    async def run_now(self) -> RoundStats | None:
        """Run a round now and return what it did (None: it failed as a whole).

        A round already running is waited for first: it claimed its feeds when it
        began, so only a round that starts now sees what became due since (a
        test that moves the bot's clock, then runs a round instead of waiting
        for the tick).  The tick goes on as before; rounds never overlap.
        """
        while self._round is not None and not self._round.done():
            with contextlib.suppress(Exception):
                await asyncio.shield(self._round)
        self.kick()
        assert self._round is not None
        return await asyncio.shield(self._round)

    async def stop(self) -> None:
        """Cancel a round in progress and wait for it (before storage closes).

        The round gives back its claimed feeds' leases; whatever it wrote stays.
        """
        self._again = False
        task, self._round = self._round, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _tick(self, context: AnyContext) -> None:
        if not self.running:
            self.kick()

    async def _run(self) -> RoundStats | None:
        stats = None
        while True:
            self._again = False
            try:
                stats = await self.poller.run_round()
            except asyncio.CancelledError:
                raise
            except Exception:  # a round that failed as a whole (the database): next tick
                log.exception("feed round failed")
            else:
                self.last = stats
                self.rounds += 1
            if not self._again:
                return stats
