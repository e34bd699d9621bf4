"""``python -m bot`` / ``zhaiyao-bot``: load settings, set up logging, run polling or webhook.

Subcommands (``backup``, ``migrate``, ``health``) and ``--help`` are parsed
first (:mod:`bot.cli`) and start nothing; without one, the bot runs as it
always did.

A bad setting stops start-up with exit status 2 and one line naming it: a
missing or malformed one before anything runs, a token the Bot API rejects
(401) or a ``TELEGRAM_BASE_URL`` that is no Bot API (404) after one
``getMe``.  The token never reaches stdout or stderr: python-telegram-bot's
own ``InvalidToken`` message quotes it, so that exception never escapes
unhandled, and whatever else stops the bot is logged through the scrubbing
log handler, then summed up in one line.

A Bot API that cannot be reached at all is not a bad setting: start-up logs
one line per attempt and retries with backoff (:func:`bot.startup.wait_for_bot_api`).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Sequence
from typing import Any

from bot.cli import PROG, dispatch, parse_args
from bot.cli import say as _say
from bot.config import Settings, load_settings
from bot.errors import ConfigError

__all__ = ["PROG", "main"]

log = logging.getLogger("bot")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)  # --help and usage errors exit here, before anything starts
    if args.command not in (None, "run"):
        return dispatch(args)
    return _run()


def _log_database(settings: Settings) -> None:
    """One line saying which database this run uses, so a wrong one is noticed at once."""
    if settings.database_url:  # never the password (it is also one of the scrubbed secrets)
        from bot.storage.postgres import redact_url

        log.info("database: PostgreSQL at %s", redact_url(settings.database_url))
    else:
        log.info("database: SQLite at %s", settings.database_path)


async def _poll_until_stopped(application: Any) -> None:
    """Polling mode until SIGINT or SIGTERM, like ``run_polling``; see :func:`bot.app.running`.

    Not ``run_polling`` itself: it starts polling unconditionally, and with
    several instances only the leader may poll (Telegram answers a second
    poller with 409 Conflict) while the others stand by in the same loop.
    """
    from bot.app import running

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with running(application):
        await stop.wait()


def _run() -> int:
    try:
        settings = load_settings()
    except ConfigError as exc:
        _say(str(exc))
        return 2
    # imported here: --help and the one-shot subcommands need none of this
    from telegram.error import InvalidToken

    from bot.logs import SecretFilter, install_excepthook, setup_logging
    from bot.startup import ApiUnreachableError, bot_api_url, wait_for_bot_api

    setup_logging(settings.log_level, settings.secrets)
    install_excepthook(settings.secrets)  # a last resort: nothing below should escape
    scrub = SecretFilter(settings.secrets).scrub
    _log_database(settings)
    try:
        # the loop python-telegram-bot then runs on (it uses the current one)
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        # the Bot API first, with nothing else loaded yet: a rejected token or a wrong
        # TELEGRAM_BASE_URL is reported in a fraction of a second, not after the whole
        # application (summarizer, readers, handlers) has been imported and built
        loop.run_until_complete(wait_for_bot_api(settings, bot_api_url(settings)))
        from bot.app import build_application, webhook_options

        application = build_application(settings)
        if settings.use_webhook:
            application.run_webhook(**webhook_options(settings))
        else:  # run_polling, but only while this instance holds the leader lock (bot/leader.py)
            loop.run_until_complete(_poll_until_stopped(application))
    except ConfigError as exc:
        _say(scrub(str(exc)))
        return 2
    except ApiUnreachableError as exc:
        _say(scrub(str(exc)))
        return 1
    except InvalidToken:  # refused after the check passed (revoked meanwhile): never print it
        _say("TELEGRAM_BOT_TOKEN rejected by Telegram; copy the current token from @BotFather")
        return 2
    except KeyboardInterrupt:  # Ctrl-C while start-up waits for the Bot API
        _say("interrupted")
        return 130
    except Exception as exc:  # logged (traceback scrubbed), then one line
        log.critical("stopped by an unexpected error", exc_info=exc)
        _say(f"stopped by an unexpected error: {type(exc).__name__}: {scrub(str(exc))}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
