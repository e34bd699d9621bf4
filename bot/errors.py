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
    ``blocked_address``, ``blocked_port``, ``bad_scheme``, ``bad_url``,
    ``too_large``, ``timeout``, ``http_status``, ``unsupported_type``,
    ``too_many_redirects``, ``network``, ``not_article``, ``unreadable``).
    ``detail`` refines it: the HTTP status for ``http_status``, the
    :data:`summarizer.errors.PageReason` for ``not_article`` (e.g.
    ``verification_page``), the document reason for ``unreadable``.
    """

    def __init__(self, reason: str, message: str, *, detail: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.detail = detail
