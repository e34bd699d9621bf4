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
- no answer at all, or a server error (5xx, e.g. a proxy in front of a
  self-hosted Bot API that is still starting): the Bot API cannot be reached.

A machine that boots before its network does is common (a unit started early,
a container whose DNS is not ready), so :func:`wait_for_bot_api` retries an
unreachable Bot API with exponential backoff (1, 2, 4 … seconds, capped at
:data:`BACKOFF_CAP`), one log line per failed attempt, until it answers or
``STARTUP_RETRY_SECONDS`` have passed.  Unbounded by default: an operator
expects a bot started during a network outage to come up when the network
does, without a restart loop; a bound lets a supervisor decide instead.  A
401 or 404 is a setting to fix, never retried.

Every message is scrubbed of the settings' secrets before it is returned.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from http import HTTPStatus
from urllib.parse import urlsplit

from telegram.error import TelegramError
from telegram.request import BaseRequest

from bot.bot_api_http import bot_api_request
from bot.config import Settings
from bot.errors import ConfigError
from bot.logs import SecretFilter

__all__ = [
    "BACKOFF_CAP",
    "ApiUnreachableError",
    "backoff_delays",
    "bot_api_url",
    "check_bot_api",
    "shown_url",
    "wait_for_bot_api",
]

log = logging.getLogger(__name__)

#: The official Bot API host: a 404 from it means the token, not the URL, is wrong.
TELEGRAM = "api.telegram.org"
#: python-telegram-bot's default base URL (``Bot(base_url=...)``).
DEFAULT_BASE_URL = f"https://{TELEGRAM}/bot"


def bot_api_url(settings: Settings) -> str:
    """The URL the bot will call methods under: the base URL with the token in it, as
    python-telegram-bot's ``Bot.base_url`` makes it (``{token}`` filled in, else the
    token appended).  Computed, not read from a ``Bot``: start-up checks the Bot API
    before it builds anything (a ``Bot`` would open two HTTP clients just to say it)."""
    base = settings.base_url or DEFAULT_BASE_URL
    filled = _TOKEN_INSERTION.sub(lambda _: settings.token, base)
    return filled if filled != base else base + settings.token


#: The insertions python-telegram-bot fills in a base URL (``{token}``, ``{BOT_TOKEN}``…).
_TOKEN_INSERTION = re.compile(r"\{(?:token|TOKEN|bot_token|BOT_TOKEN|bot-token|BOT-TOKEN)\}")
#: Seconds the check waits for the Bot API (connect and read).
CHECK_TIMEOUT = 20.0
#: The longest wait, in seconds, between two start-up attempts.
BACKOFF_CAP = 60.0


class ApiUnreachableError(Exception):
    """The Bot API did not answer (network, DNS, TLS, timeout) or answered 5xx: retry later."""


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
    answer or answers 5xx.  Other answers (429, …) are left to
    python-telegram-bot, which reports them itself.
    """
    scrub = SecretFilter(settings.secrets).scrub
    req = request or bot_api_request(
        pool_size=1, connect_timeout=CHECK_TIMEOUT, read_timeout=CHECK_TIMEOUT
    )
    await req.initialize()
    try:
        code, _ = await req.do_request(url=f"{api_url}/getMe", method="POST")
    except TelegramError as exc:  # NetworkError, TimedOut
        raise ApiUnreachableError(
            f"cannot reach {_api_name(settings)}: {scrub(str(exc))}"
        ) from None
    finally:
        await req.shutdown()
    if code >= HTTPStatus.INTERNAL_SERVER_ERROR:
        raise ApiUnreachableError(f"{_api_name(settings)} answered {_status(code)} to getMe")
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


def _api_name(settings: Settings) -> str:
    where = shown_url(settings.base_url, settings.secrets) if settings.base_url else ""
    return f"TELEGRAM_BASE_URL {where}" if where else "the Bot API (api.telegram.org)"


def backoff_delays(first: float = 1.0, cap: float = BACKOFF_CAP) -> Iterator[float]:
    """1, 2, 4, 8 … seconds, never more than ``cap``; endless."""
    delay = first
    while True:
        yield min(delay, cap)
        delay *= 2


async def wait_for_bot_api(
    settings: Settings,
    api_url: str,
    *,
    check: Callable[[Settings, str], Awaitable[None]] = check_bot_api,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """:func:`check_bot_api` until the Bot API answers, waiting :func:`backoff_delays`
    between attempts.

    Each failed attempt is one WARNING line (what failed, the next wait).  Gives up by
    re-raising :class:`ApiUnreachableError` once ``settings.startup_retry_seconds`` (if
    set) would be exceeded by the next wait.  :class:`~bot.errors.ConfigError` (401/404)
    is raised at once.  ``sleep`` and ``clock`` are injectable so tests never wait.
    """
    started = clock()
    limit = settings.startup_retry_seconds
    for attempt, delay in enumerate(backoff_delays(), start=1):
        try:
            await check(settings, api_url)
        except ApiUnreachableError as exc:
            if limit is not None and clock() - started + delay > limit:
                raise
            log.warning("%s; retrying in %g s (attempt %d)", exc, delay, attempt)
            await sleep(delay)
        else:
            if attempt > 1:
                log.info("the Bot API answered after %d attempts", attempt)
            return
