"""``python -m bot`` / ``zhaiyao-bot``: load settings, set up logging, run polling or webhook.

A bad setting stops start-up with exit status 2 and one line naming it: a
missing or malformed one before anything runs, a token the Bot API rejects
(401) or a ``TELEGRAM_BASE_URL`` that is no Bot API (404) after one
``getMe``.  The token never reaches stdout or stderr: python-telegram-bot's
own ``InvalidToken`` message quotes it, so that exception never escapes
unhandled, and whatever else stops the bot is logged through the scrubbing
log handler, then summed up in one line.
"""

from __future__ import annotations

import asyncio
import logging
import sys

from telegram.error import InvalidToken

from bot.app import build_application, polling_options, webhook_options
from bot.config import load_settings
from bot.errors import ConfigError
from bot.logs import SecretFilter, install_excepthook, setup_logging
from bot.startup import ApiUnreachableError, check_bot_api

__all__ = ["main"]

log = logging.getLogger("bot")
PROG = "zhaiyao-bot"


def _say(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr, flush=True)


def main() -> int:
    try:
        settings = load_settings()
    except ConfigError as exc:
        _say(str(exc))
        return 2
    setup_logging(settings.log_level, settings.secrets)
    install_excepthook(settings.secrets)  # a last resort: nothing below should escape
    scrub = SecretFilter(settings.secrets).scrub
    try:
        application = build_application(settings)
        # the loop python-telegram-bot then runs on (it uses the current one)
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        loop.run_until_complete(check_bot_api(settings, application.bot.base_url))
        if settings.use_webhook:
            application.run_webhook(**webhook_options(settings))
        else:
            application.run_polling(**polling_options())
    except ConfigError as exc:
        _say(scrub(str(exc)))
        return 2
    except ApiUnreachableError as exc:
        _say(scrub(str(exc)))
        return 1
    except InvalidToken:  # refused after the check passed (revoked meanwhile): never print it
        _say("TELEGRAM_BOT_TOKEN rejected by Telegram; copy the current token from @BotFather")
        return 2
    except Exception as exc:  # logged (traceback scrubbed), then one line
        log.critical("stopped by an unexpected error", exc_info=exc)
        _say(f"stopped by an unexpected error: {type(exc).__name__}: {scrub(str(exc))}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
