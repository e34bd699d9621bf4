"""The bot's one exception family; ``bot.messages`` turns each into words for users.

:class:`FetchError` belongs to :mod:`reader`; it is re-exported here because the
bot's message table translates it with the bot's own errors.
"""

from __future__ import annotations

from typing import Literal

from reader.errors import FetchError

__all__ = [
    "BotError",
    "CommandError",
    "CommandReason",
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


#: Why a command's arguments were refused; ``bot.messages`` has a text for each.
CommandReason = Literal[
    "bad_time",
    "bad_zone",
    "filter_too_long",
    "filter_too_many",
    "feed_too_many",
    "feed_not_found",
    "feed_bad_url",
]


class CommandError(BotError):
    """A command's arguments break a rule; ``values`` fill in the message (the bad value, a cap)."""

    def __init__(self, reason: CommandReason, **values: object) -> None:
        super().__init__(f"{reason}: {values}")
        self.reason: CommandReason = reason
        self.values = values
