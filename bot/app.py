"""``build_application(settings)``: the one place the bot is wired together.

Handlers, the error handler, the rate limiter (429s are waited out and
retried), concurrent update handling, and the storage lifecycle
(``post_init`` opens it, ``post_shutdown`` closes it) are all set here.
:func:`running` runs the application inside an existing event loop (tests,
benchmarks, embedding, and ``python -m bot`` in polling mode, where only the
holder of the leader lock polls: :mod:`bot.leader`); webhook mode uses
python-telegram-bot's own ``run_webhook`` with the same options.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

from telegram import LinkPreviewOptions, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import Forbidden, RetryAfter, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    BaseRateLimiter,
    CallbackContext,
    Defaults,
    TypeHandler,
)

from bot.autoreply import AutoReplyGate
from bot.bot_api_http import GET_UPDATES_POOL_SIZE, bot_api_request
from bot.config import Settings
from bot.context import CONTEXT_TYPES
from bot.daily import DailyDigests, DailyJobs, telegram_sender
from bot.feeds.following import FeedFollowing
from bot.feeds.jobs import FeedJobs, feed_fetcher, telegram_notifier
from bot.feeds.poller import FeedPoller
from bot.handlers import REGISTRARS
from bot.handlers.commands import set_commands
from bot.handlers.common import track_chat, ui_language
from bot.leader import RETRY_SECONDS, polling_leadership
from bot.links import LinkReader
from bot.messages import text
from bot.render import MAX_MESSAGE_LENGTH
from bot.services import Services
from bot.storage import Storage, utc_now
from bot.summaries import Summaries
from bot.typing_indicator import TypingIndicator
from reader.guard import Network

__all__ = [
    "MAX_RETRIES",
    "build_application",
    "on_error",
    "polling_options",
    "running",
    "webhook_options",
]

log = logging.getLogger(__name__)

#: How often a request that got 429 is retried (each after Telegram's retry_after).
MAX_RETRIES = 3

AnyApp = Application[Any, Any, Any, Any, Any, Any]
AnyContext = CallbackContext[Any, Any, Any, Any]


def build_application(
    settings: Settings,
    *,
    rate_limiter: BaseRateLimiter[Any] | None = None,
    clock: Callable[[], datetime] | None = None,
    part_limit: int = MAX_MESSAGE_LENGTH,
    network: Network | None = None,
) -> AnyApp:
    """The fully wired application; nothing runs and no I/O happens until it is started.

    ``rate_limiter`` defaults to python-telegram-bot's ``AIORateLimiter`` with
    Telegram's limits (30 requests/s overall, 20/min per group) and
    :data:`MAX_RETRIES` retries after a 429; a benchmark may lift the limits.
    ``clock`` (aware UTC now) drives the daily digests' dates and catch-up;
    tests move it, production leaves it.  ``part_limit`` is the longest part of a
    daily digest or roll-up (Telegram's message limit; tests lower it to get several parts).
    ``network`` is what links are fetched over (default: the system's DNS and sockets;
    tests pass a fake internet, see :class:`reader.guard.Network`).
    """
    builder = (
        ApplicationBuilder()
        .token(settings.token)
        .context_types(CONTEXT_TYPES)
        .concurrent_updates(True)
        .request(bot_api_request())
        .get_updates_request(bot_api_request(pool_size=GET_UPDATES_POOL_SIZE))
        .rate_limiter(rate_limiter or AIORateLimiter(max_retries=MAX_RETRIES))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if settings.base_url:
        builder = builder.base_url(settings.base_url)
    if settings.base_file_url:
        builder = builder.base_file_url(settings.base_file_url)
    application = builder.build()

    storage = Storage.from_settings(settings)
    daily = DailyJobs(
        DailyDigests(
            storage,
            sender=telegram_sender(application.bot),
            default_timezone=settings.default_timezone,
            retention_days=settings.retention_days,
            clock=clock or utc_now,
            part_limit=part_limit,
            lease=timedelta(seconds=settings.digest_lease_seconds),
        )
    )
    links = LinkReader(allow_private=settings.fetch_allow_private_networks, network=network)
    summaries = Summaries(storage)
    feed_jobs = FeedJobs(
        FeedPoller(
            storage,
            fetch=feed_fetcher(
                lambda: links.client, allow_private=settings.fetch_allow_private_networks
            ),
            read_page=links.read,
            digester=summaries,
            notifier=telegram_notifier(application.bot),
            clock=clock or utc_now,
            poll_seconds=settings.feed_poll_seconds,
            fetch_concurrency=settings.feed_fetch_concurrency,
        )
    )
    svc = Services(
        settings=settings,
        storage=storage,
        summaries=summaries,
        typing=TypingIndicator(),
        daily=daily,
        auto_gate=AutoReplyGate(storage, clock=clock or utc_now),
        links=links,
        feeds=FeedFollowing(
            storage,
            client=lambda: links.client,
            max_per_chat=settings.feed_max_per_chat,
            allow_private=settings.fetch_allow_private_networks,
            on_follow=feed_jobs.kick,
        ),
        feed_jobs=feed_jobs,
    )
    svc.install(application)
    daily.attach(application)
    feed_jobs.attach(application)

    application.add_handler(TypeHandler(Update, skip_repeats), group=-2)
    application.add_handler(TypeHandler(Update, track_chat), group=-1)
    for register in REGISTRARS:
        register(application, svc)
    application.add_error_handler(on_error)
    return application


async def skip_repeats(update: Update, context: AnyContext) -> None:
    """Handle each update once: Telegram re-delivers one whose answer was late or lost.

    The first instance (or the first run, after a restart) to record the
    ``update_id`` handles it; a repeat stops here, before any handler sees it.
    """
    if not await Services.of(context.application).storage.claim_update(update.update_id):
        log.info("update %s was handled already: skipped", update.update_id)
        raise ApplicationHandlerStop


async def _post_init(application: AnyApp) -> None:
    svc = Services.of(application)
    await svc.storage.open()
    await svc.links.open()
    try:
        await set_commands(application)
    except TelegramError as exc:  # the menus are a nicety; the bot works without them
        log.warning("could not set the command menus: %s", exc)
    # daily digests: resume interrupted ones, send missed ones, schedule every chat
    await svc.daily.start()
    svc.feed_jobs.start()  # feed rounds: the first tick polls whatever is due
    me = application.bot.bot
    log.info(
        "running as @%s (reads all group messages: %s)",
        me.username,
        me.can_read_all_group_messages,
    )


async def _post_shutdown(application: AnyApp) -> None:
    svc = Services.of(application)
    await svc.feed_jobs.stop()  # a round in progress gives its feeds back before storage closes
    await svc.daily.stop()  # a digest run finishes, then its delivery leases are given back
    await svc.links.close()
    await svc.storage.close()


def _where(update: object) -> str:
    if not isinstance(update, Update):
        return "no update"
    chat = update.effective_chat
    return f"update {update.update_id} in chat {chat.id if chat else '?'}"


async def on_error(update: object, context: AnyContext) -> None:
    """Log every failure with context; apologize when someone is waiting for an answer.

    403 (blocked by the user) and 429 after all retries are logged only:
    answering would fail the same way.
    """
    error = context.error
    where = _where(update)
    if isinstance(error, Forbidden):
        log.warning("forbidden (user blocked the bot or left?) for %s: %s", where, error)
        return
    if isinstance(error, RetryAfter):
        log.warning("still rate limited after %d retries for %s: %s", MAX_RETRIES, where, error)
        return
    if isinstance(error, TelegramError):
        log.error("Bot API error for %s: %s", where, error, exc_info=error)
    else:
        log.error("handler failed for %s", where, exc_info=error)
    await _apologize(update)


async def _apologize(update: object) -> None:
    if not isinstance(update, Update):
        return
    message = update.effective_message
    if message is None or update.effective_chat is None:
        return
    asked = update.effective_chat.type == ChatType.PRIVATE or (message.text or "").startswith("/")
    if not asked:  # in groups, only someone who used a command is waiting for us
        return
    try:
        await message.reply_text(text("apology", ui_language(update)), do_quote=True)
    except TelegramError as exc:
        log.warning("could not apologize for %s: %s", _where(update), exc)


def polling_options(timeout: float = 10.0, poll_interval: float = 0.0) -> dict[str, Any]:
    return {
        "allowed_updates": Update.ALL_TYPES,
        "timeout": int(timeout) if timeout >= 1 else timeout,
        "poll_interval": poll_interval,
    }


def webhook_options(settings: Settings) -> dict[str, Any]:
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": settings.webhook_path,
        "webhook_url": settings.webhook_url,
        "secret_token": settings.webhook_secret,
        "allowed_updates": Update.ALL_TYPES,
    }


@asynccontextmanager
async def running(
    application: AnyApp,
    *,
    poll_timeout: float = 10.0,
    poll_interval: float = 0.0,
    leader_grace: float | None = None,
    leader_retry: float = RETRY_SECONDS,
) -> AsyncIterator[AnyApp]:
    """Run ``application`` in the current loop, as ``run_polling``/``run_webhook`` would.

    Same order: initialize, post_init, updater, start; on exit updater stop,
    stop (pending work finishes), shutdown, post_shutdown.  In polling mode
    the updater polls only while this instance holds the leader lock (a new
    leader waits ``leader_grace`` first, and a standby tries the lock every
    ``leader_retry`` seconds: see :func:`bot.leader.polling_leadership`).
    """
    settings = Services.of(application).settings
    updater = application.updater
    assert updater is not None
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        leadership = None
        if settings.use_webhook:
            await updater.start_webhook(**webhook_options(settings))
        else:  # only the holder of the leader lock polls (bot/leader.py); others stand by
            options = polling_options(poll_timeout, poll_interval)
            leadership = polling_leadership(
                application,
                settings,
                options,
                grace_seconds=leader_grace,
                retry_seconds=leader_retry,
            )
            if leadership is None:
                await updater.start_polling(**options)
            else:
                await leadership.start()
        await application.start()
        try:
            yield application
        finally:
            if leadership is not None:
                await leadership.stop()
            if updater.running:
                await updater.stop()
            if application.running:
                await application.stop()
    finally:
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
