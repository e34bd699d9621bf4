"""The bot's one exception family; ``bot.messages`` turns each into words for users.

:class:`FetchError` belongs to :mod:`reader`; it is re-exported here because the
bot's message table translates it with the bot's own errors.
"""

from __future__ import annotations

from reader.errors import FetchError

__all__ = ["BotError", "ConfigError", "FetchError"]


class BotError(Exception):
    """Base class of every error the bot raises on purpose."""


class ConfigError(BotError):
    """A setting is missing or malformed; the message names the setting."""
