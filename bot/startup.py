"""Start-up's one network check: does the Bot API accept the token at the configured URL?

python-telegram-bot checks the token itself (``getMe`` in ``initialize``),
but a refusal ends in an ``InvalidToken("The token `…` was rejected")``
traceback printed by Python, past the log scrubber, token and all.  So
``python -m bot`` asks first, with its own short-lived connection and the
application's own URL, and turns the HTTP status into one line that names
the setting to fix:

- 401: ``TELEGRAM_BOT_TOKEN`` was rejected (revoked or mistyped);
- 404: ``TELEGRAM_BASE_URL`` is not a Bot API server (or, with Telegram's
  own URL, the token is unknown);
- no answer at all: the Bot API cannot be reached.

Every message is scrubbed of the settings' secrets before it is returned.
"""

from __future__ import annotations

from collections.abc import Iterable
from http import HTTPStatus
from urllib.parse import urlsplit

from telegram.error import TelegramError
from telegram.request import BaseRequest, HTTPXRequest

from bot.config import Settings
from bot.errors import ConfigError
from bot.logs import SecretFilter

__all__ = ["ApiUnreachableError", "check_bot_api", "shown_url"]

#: The official Bot API host: a 404 from it means the token, not the URL, is wrong.
TELEGRAM = "api.telegram.org"
#: Seconds the check waits for the Bot API (connect and read).
CHECK_TIMEOUT = 20.0


class ApiUnreachableError(Exception):
    """The Bot API did not answer at all (network, DNS, TLS, timeout)."""


def shown_url(url: str, secrets: Iterable[str] = ()) -> str:
    """``url`` fit for a message: no user info, query or fragment, secrets scrubbed."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return SecretFilter(secrets).scrub(url)
    return SecretFilter(secrets).scrub(f"{parts.scheme}://{host}{port}{parts.path}")


def _status(code: int) -> str:
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return str(code)


async def check_bot_api(
    settings: Settings, api_url: str, *, request: BaseRequest | None = None
) -> None:
    """Call ``getMe`` at ``api_url`` (the bot's base URL with the token in it).

    Raises :class:`~bot.errors.ConfigError` naming the setting when the Bot
    API answers 401 or 404, :class:`ApiUnreachableError` when it does not
    answer.  Other answers (5xx, 429) are left to python-telegram-bot, which
    reports them itself.
    """
    scrub = SecretFilter(settings.secrets).scrub
    req = request or HTTPXRequest(
        connection_pool_size=1, connect_timeout=CHECK_TIMEOUT, read_timeout=CHECK_TIMEOUT
    )
    await req.initialize()
    try:
        code, _ = await req.do_request(url=f"{api_url}/getMe", method="POST")
    except TelegramError as exc:  # NetworkError, TimedOut
        where = shown_url(settings.base_url, settings.secrets) if settings.base_url else ""
        setting = f"TELEGRAM_BASE_URL {where}" if where else "the Bot API (api.telegram.org)"
        raise ApiUnreachableError(f"cannot reach {setting}: {scrub(str(exc))}") from None
    finally:
        await req.shutdown()
    custom = settings.base_url is not None and urlsplit(settings.base_url).hostname != TELEGRAM
    if code == HTTPStatus.UNAUTHORIZED or (code == HTTPStatus.NOT_FOUND and not custom):
        raise ConfigError(
            f"TELEGRAM_BOT_TOKEN rejected by Telegram ({_status(code)}): it was revoked or "
            "mistyped; copy the current token from @BotFather"
        )
    if code == HTTPStatus.NOT_FOUND:
        assert settings.base_url is not None
        raise ConfigError(
            f"TELEGRAM_BASE_URL {shown_url(settings.base_url, settings.secrets)} answered "
            f"{_status(code)} to getMe: it is not a Bot API server's address "
            "(the default is https://api.telegram.org/bot)"
        )
