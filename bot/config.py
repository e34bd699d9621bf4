"""Settings, read once at start from the environment and ``.env`` and passed in.

No other module reads the environment: everything the bot can be told lives
here, validated up front so a bad value stops start-up with a message that
names the setting instead of failing later in a handler.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

from bot.errors import ConfigError
from reader.errors import SettingError
from reader.settings import parse_flag

__all__ = [
    "DEFAULT_DATABASE_PATH",
    "LOG_LEVELS",
    "Settings",
    "database_path",
    "fetch_allow_private_networks",
    "load_settings",
    "raw_settings",
    "zhaiyao_home",
]

DEFAULT_DATABASE_PATH = Path("data") / "zhaiyao.sqlite3"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

# BotFather tokens are "<bot id>:<35 url-safe characters>"; be a little lenient on length.
_TOKEN = re.compile(r"^[0-9]{3,20}:[A-Za-z0-9_-]{30,64}$")
# Telegram's rule for setWebhook's secret_token.
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything configurable; ``repr`` never shows the token or the webhook secret."""

    token: str = field(repr=False)
    database_path: Path = DEFAULT_DATABASE_PATH
    #: PostgreSQL (``postgresql://user:password@host:port/db``) instead of SQLite when set.
    database_url: str | None = field(default=None, repr=False)
    default_timezone: str = "Asia/Shanghai"
    log_level: str = "INFO"
    base_url: str | None = None
    base_file_url: str | None = None
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    webhook_secret: str | None = field(default=None, repr=False)
    #: Webhook mode without WEBHOOK_SECRET, on purpose (anyone who knows the URL can post).
    webhook_insecure: bool = False
    #: Seconds start-up keeps retrying an unreachable Bot API; None: until it answers.
    startup_retry_seconds: int | None = None
    forward_merge_seconds: float = 2.0
    #: Let links reach private, loopback and link-local addresses (intranets, tests).
    fetch_allow_private_networks: bool = False
    #: Days articles (and digest records) are kept before the daily purge deletes them.
    retention_days: int = 30
    #: Seconds between two fetches of one feed (any value >= 1; tests poll fast).
    feed_poll_seconds: int = 900
    #: Feeds one chat may follow.
    feed_max_per_chat: int = 100
    #: Item pages fetched at once during a feed round.
    feed_fetch_concurrency: int = 4
    #: Seconds an instance holds a daily digest it is sending (renewed with each part): how
    #: long another instance waits before finishing one whose sender died.
    digest_lease_seconds: int = 90

    @property
    def use_webhook(self) -> bool:
        return self.webhook_url is not None

    @property
    def webhook_path(self) -> str:
        """The path the local webhook server listens on: WEBHOOK_URL's path."""
        if self.webhook_url is None:
            return ""
        return urlsplit(self.webhook_url).path.lstrip("/")

    @property
    def secrets(self) -> tuple[str, ...]:
        """Strings that must never reach a log line or a user."""
        return tuple(
            s for s in (self.token, self.webhook_secret, _url_password(self.database_url)) if s
        )

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.default_timezone)


def load_settings(
    environ: Mapping[str, str] | None = None,
    dotenv_path: str | Path | None = ".env",
) -> Settings:
    """Settings from ``environ`` (default ``os.environ``) over the ``.env`` file.

    The environment wins over ``.env``; empty values count as unset.  A
    relative ``dotenv_path`` and a relative ``DATABASE_PATH`` are relative to
    ``ZHAIYAO_HOME`` (see :func:`zhaiyao_home`).  Raises
    :class:`~bot.errors.ConfigError` naming the first bad setting.
    """
    env = raw_settings(environ, dotenv_path)
    settings = Settings(
        token=_token(env.get("TELEGRAM_BOT_TOKEN")),
        database_path=_database_path(environ, env),
        database_url=_database_url(env.get("DATABASE_URL")),
        default_timezone=_timezone(env.get("DEFAULT_TIMEZONE", "Asia/Shanghai")),
        log_level=_log_level(env.get("LOG_LEVEL", "INFO")),
        base_url=_url("TELEGRAM_BASE_URL", env.get("TELEGRAM_BASE_URL"), ("http", "https")),
        base_file_url=_url(
            "TELEGRAM_BASE_FILE_URL", env.get("TELEGRAM_BASE_FILE_URL"), ("http", "https")
        ),
        webhook_url=_url("WEBHOOK_URL", env.get("WEBHOOK_URL"), ("https",)),
        webhook_listen=env.get("WEBHOOK_LISTEN", "0.0.0.0"),
        webhook_port=_whole(
            "WEBHOOK_PORT", env.get("WEBHOOK_PORT", "8443"), 1, 65535, "a port number"
        ),
        webhook_secret=_secret(env.get("WEBHOOK_SECRET")),
        webhook_insecure=_flag("WEBHOOK_INSECURE", env.get("WEBHOOK_INSECURE", "false")),
        startup_retry_seconds=(
            None
            if env.get("STARTUP_RETRY_SECONDS") is None
            else _whole(
                "STARTUP_RETRY_SECONDS",
                env["STARTUP_RETRY_SECONDS"],
                0,
                7 * 24 * 3600,
                "a whole number of seconds (unset: retry until the Bot API answers)",
            )
        ),
        forward_merge_seconds=_seconds(env.get("FORWARD_MERGE_SECONDS", "2.0")),
        fetch_allow_private_networks=_flag(
            "FETCH_ALLOW_PRIVATE_NETWORKS", env.get("FETCH_ALLOW_PRIVATE_NETWORKS", "false")
        ),
        retention_days=_whole(
            "RETENTION_DAYS",
            env.get("RETENTION_DAYS", "30"),
            1,
            3650,
            "a whole number of days",
        ),
        feed_poll_seconds=_whole(
            "FEED_POLL_SECONDS",
            env.get("FEED_POLL_SECONDS", "900"),
            1,
            7 * 24 * 3600,
            "a whole number of seconds",
        ),
        feed_max_per_chat=_whole(
            "FEED_MAX_PER_CHAT", env.get("FEED_MAX_PER_CHAT", "100"), 1, 10_000, "a whole number"
        ),
        feed_fetch_concurrency=_whole(
            "FEED_FETCH_CONCURRENCY",
            env.get("FEED_FETCH_CONCURRENCY", "4"),
            1,
            64,
            "a whole number",
        ),
        digest_lease_seconds=_whole(
            "DIGEST_LEASE_SECONDS",
            env.get("DIGEST_LEASE_SECONDS", "90"),
            2,
            3600,
            "a whole number of seconds",
        ),
    )
    if settings.use_webhook and settings.webhook_secret is None and not settings.webhook_insecure:
        raise ConfigError(
            "WEBHOOK_URL is set but WEBHOOK_SECRET is not: anyone who learns the URL could post "
            "fake updates; set WEBHOOK_SECRET, or WEBHOOK_INSECURE=true to run without one"
        )
    return settings


def zhaiyao_home(environ: Mapping[str, str] | None = None) -> Path:
    """``ZHAIYAO_HOME`` (absolute), else the working directory: where ``.env`` and the
    database live, so starting from another directory never silently uses a new, empty
    database.  It comes from the environment only (``.env`` is inside it) and must be an
    existing directory: a mistyped one would otherwise start an empty bot."""
    value = (os.environ if environ is None else environ).get("ZHAIYAO_HOME", "").strip()
    if not value:
        return Path.cwd()
    home = Path(value).expanduser().absolute()
    if not home.is_dir():
        raise ConfigError(f"ZHAIYAO_HOME {value!r} is not a directory")
    return home


def raw_settings(
    environ: Mapping[str, str] | None = None, dotenv_path: str | Path | None = ".env"
) -> dict[str, str]:
    """The settings' unparsed values: ``environ`` (default ``os.environ``) over ``.env``
    (a relative ``dotenv_path`` is in ZHAIYAO_HOME); empty values left out."""
    env: dict[str, str] = {}
    if dotenv_path is not None:
        dotenv_file = zhaiyao_home(environ) / dotenv_path  # an absolute path stays itself
        if dotenv_file.is_file():
            env.update(_set(dotenv_values(dotenv_file)))
    env.update(_set(os.environ if environ is None else environ))
    return env


def database_path(
    environ: Mapping[str, str] | None = None, dotenv_path: str | Path | None = ".env"
) -> Path:
    """The SQLite database's absolute path, as the bot would use it, without needing a
    token (``python -m bot backup``, ``migrate``, ``health``)."""
    return _database_path(environ, raw_settings(environ, dotenv_path))


def _database_path(environ: Mapping[str, str] | None, env: Mapping[str, str]) -> Path:
    path = Path(env.get("DATABASE_PATH", str(DEFAULT_DATABASE_PATH))).expanduser()
    return path if path.is_absolute() else zhaiyao_home(environ) / path


def _set(values: Mapping[str, str | None]) -> dict[str, str]:
    """The settings that have a value (surrounding whitespace dropped)."""
    return {k: v.strip() for k, v in values.items() if v is not None and v.strip()}


def _token(value: str | None) -> str:
    if value is None:
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN is not set: put the token from @BotFather in the "
            "environment or in .env"
        )
    if not _TOKEN.match(value):
        # never echo the value: a malformed token may still be most of a real one
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN is malformed: expected <bot id>:<secret> as @BotFather gives it"
        )
    return value


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            f"DEFAULT_TIMEZONE {value!r} is not an IANA time zone (e.g. Asia/Shanghai)"
        ) from exc
    return value


def _log_level(value: str) -> str:
    level = value.upper()
    if level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL {value!r} must be one of {', '.join(LOG_LEVELS)}")
    return level


def _url(name: str, value: str | None, schemes: tuple[str, ...]) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in schemes or not parts.netloc:
        raise ConfigError(f"{name} must be an absolute {' or '.join(schemes)} URL")
    return value


def _whole(name: str, value: str, low: int, high: int, what: str) -> int:
    """A whole number in [low, high], or a ConfigError naming the setting."""
    try:
        number = int(value)
    except ValueError:
        number = low - 1
    if not low <= number <= high:
        raise ConfigError(f"{name} {value!r} must be {what} ({low}-{high})")
    return number


def _url_password(url: str | None) -> str | None:
    try:
        return urlsplit(url).password if url else None
    except ValueError:
        return None


def _database_url(value: str | None) -> str | None:
    """A ``postgresql://`` URL, checked enough to fail here rather than at connect time.

    Messages never quote the value: it may carry the password.
    """
    if value is None:
        return None
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise ConfigError("DATABASE_URL is malformed (check the host and port)") from None
    if parts.scheme not in ("postgresql", "postgres"):
        raise ConfigError(
            "DATABASE_URL must be a PostgreSQL URL (postgresql://user:password@host:port/db); "
            "leave it unset to use SQLite at DATABASE_PATH"
        )
    if not parts.path.strip("/"):
        raise ConfigError("DATABASE_URL names no database (postgresql://…/DBNAME)")
    return value


def _secret(value: str | None) -> str | None:
    if value is not None and not _SECRET.match(value):
        raise ConfigError(
            "WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)"
        )
    return value


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not 0.0 <= seconds <= 60.0:
        raise ConfigError(f"FORWARD_MERGE_SECONDS {value!r} must be between 0 and 60 seconds")
    return seconds


def _flag(name: str, value: str) -> bool:
    try:
        return parse_flag(name, value)
    except SettingError as exc:
        raise ConfigError(str(exc)) from None


def fetch_allow_private_networks(
    environ: Mapping[str, str] | None = None,
    dotenv_path: str | Path | None = ".env",
) -> bool:
    """``FETCH_ALLOW_PRIVATE_NETWORKS`` alone, for ``python -m summarizer <url>``.

    The CLI needs no token, so it cannot use :func:`load_settings`; it still
    reads the setting here, the same way, so there is one place that does.
    """
    env: dict[str, str] = {}
    if dotenv_path is not None and Path(dotenv_path).is_file():
        env.update(_set(dotenv_values(dotenv_path)))
    env.update(_set(os.environ if environ is None else environ))
    return _flag("FETCH_ALLOW_PRIVATE_NETWORKS", env.get("FETCH_ALLOW_PRIVATE_NETWORKS", "false"))
