"""The handlers' typed context: ``context.services`` instead of ``bot_data`` lookups.

Installed with ``ApplicationBuilder().context_types(CONTEXT_TYPES)`` (python-
telegram-bot's custom-context pattern), so every callback is typed
``(update: Update, context: BotContext)``.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.services import Services

__all__ = ["CONTEXT_TYPES", "BotContext"]


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    @property
    def services(self) -> Services:
        """The application's long-lived objects (settings, storage, digests, …)."""
        return Services.of(self.application)


CONTEXT_TYPES = ContextTypes(context=BotContext)
