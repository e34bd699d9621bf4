"""The bot's one exception family; ``bot.messages`` turns each into words for users."""

from __future__ import annotations

__all__ = ["BotError", "ConfigError", "FetchError"]


class BotError(Exception):
    """Base class of every error the bot raises on purpose."""


class ConfigError(BotError):
    """A setting is missing or malformed; the message names the setting."""


class FetchError(BotError):
    """A link could not be turned into article text.

    ``reason`` is a stable code the message table translates (e.g.
    ``blocked_address``, ``bad_scheme``, ``too_large``, ``timeout``,
    ``http_status``, ``unsupported_type``, ``too_many_redirects``, ``network``,
    ``not_article``).
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
