"""The bot's one exception family; ``bot.messages`` turns each into words for users.

:class:`FetchError` belongs to :mod:`reader`; it is re-exported here because the
bot's message table translates it with the bot's own errors.
"""

from __future__ import annotations

from reader.errors import FetchError

__all__ = [
    "BotError",
    "ConfigError",
    "DeliveryError",
    "FetchError",
    "RecipientGone",
    "SendFailed",
]


class BotError(Exception):
    """Base class of every error the bot raises on purpose."""


class ConfigError(BotError):
    """A setting is missing or malformed; the message names the setting."""


class DeliveryError(BotError):
    """A digest part could not be sent; raised by a :class:`bot.daily.Sender`."""


class RecipientGone(DeliveryError):
    """The chat will not take messages (blocked the bot, left, deleted): stop sending."""


class SendFailed(DeliveryError):
    """Sending failed for now; ``retry_after`` is the wait the server asked for, if any."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
