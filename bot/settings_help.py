"""Every setting the bot reads, with its default and one line on what it does.

:mod:`bot.config` parses and validates; this table is what ``python -m bot
--help`` prints.  They are kept apart so the parsing stays one readable
function, and kept in step by a test: every name :mod:`bot.config` reads has
a row here, and each row's default, set explicitly, yields the same settings
as leaving it out (so a default changed in one place and not the other fails).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import DEFAULT_DATABASE_PATH

__all__ = ["SETTINGS", "Setting", "settings_text"]


@dataclass(frozen=True, slots=True)
class Setting:
    """One environment variable (or ``.env`` line)."""

    name: str
    #: The value used when it is unset, spelled as in ``.env``; None: no value (see ``unset``).
    default: str | None
    #: What happens when it is unset, when there is no plain default value.
    unset: str
    #: One line: what it does.
    help: str

    @property
    def shown(self) -> str:
        """``NAME=default`` as in ``.env``, or ``NAME  (what unset means)``."""
        if self.default is not None:
            return f"{self.name}={self.default}"
        return f"{self.name}  ({self.unset})"


def _s(name: str, default: str | None, help: str, unset: str = "unset") -> Setting:
    return Setting(name, default, unset, help)


SETTINGS: tuple[Setting, ...] = (
    _s(
        "ZHAIYAO_HOME",
        None,
        "directory holding .env and a relative DATABASE_PATH (environment only)",
        "the working directory",
    ),
    _s("TELEGRAM_BOT_TOKEN", None, "the token @BotFather gave you", "required"),
    _s(
        "TELEGRAM_BASE_URL",
        None,
        "a self-hosted Bot API server, e.g. http://127.0.0.1:8081/bot",
        "Telegram's",
    ),
    _s("TELEGRAM_BASE_FILE_URL", None, "its file download URL", "Telegram's"),
    _s("DATABASE_PATH", str(DEFAULT_DATABASE_PATH), "the SQLite database file"),
    _s(
        "DATABASE_URL",
        None,
        "PostgreSQL (postgresql://user:password@host:port/db) instead of SQLite",
        "SQLite at DATABASE_PATH",
    ),
    _s("DEFAULT_TIMEZONE", "Asia/Shanghai", "IANA time zone for daily digests without their own"),
    _s("LOG_LEVEL", "INFO", "DEBUG, INFO, WARNING, ERROR or CRITICAL (secrets always scrubbed)"),
    _s(
        "WEBHOOK_URL",
        None,
        "https URL Telegram posts updates to (webhook mode)",
        "long polling",
    ),
    _s("WEBHOOK_LISTEN", "0.0.0.0", "address the local webhook server binds"),
    _s("WEBHOOK_PORT", "8443", "port the local webhook server binds (behind a TLS proxy)"),
    _s("WEBHOOK_SECRET", None, "checked on every webhook request (A-Z a-z 0-9 _ -)", "none"),
    _s("WEBHOOK_INSECURE", "false", "true: allow webhook mode without WEBHOOK_SECRET"),
    _s(
        "STARTUP_RETRY_SECONDS",
        None,
        "give up (exit 1) when the Bot API is unreachable this long at start-up",
        "retry until it answers",
    ),
    _s("FORWARD_MERGE_SECONDS", "2.0", "forwarded parts arriving this close are one article"),
    _s(
        "FETCH_ALLOW_PRIVATE_NETWORKS",
        "false",
        "true: links may point at private/loopback addresses (intranets, tests)",
    ),
    _s("RETENTION_DAYS", "30", "articles and digest records are deleted after this many days"),
    _s("FEED_POLL_SECONDS", "900", "seconds between two fetches of one feed"),
    _s("FEED_MAX_PER_CHAT", "100", "feeds one chat may follow"),
    _s("FEED_FETCH_CONCURRENCY", "4", "feed item pages fetched at once"),
    _s(
        "DIGEST_LEASE_SECONDS",
        "90",
        "an instance that dies sending a daily digest leaves it to another after this long",
    ),
)


def settings_text() -> str:
    """The settings block of ``--help``: each setting and its default, then what it does."""
    lines = [
        "settings (environment variables, or lines in ZHAIYAO_HOME/.env; the environment wins):"
    ]
    for setting in SETTINGS:
        lines += [f"  {setting.shown}", f"      {setting.help}"]
    return "\n".join(lines)
