"""The last resort for private messages nothing else took: stickers, voice, bare photos, …

Registered after every other handler, so a later feature (documents, new
commands) only has to register before it.  Groups get silence: people
there post stickers to each other, not to the bot.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackContext, MessageHandler, filters

from bot.handlers.common import reply_html, ui_language
from bot.messages import text as t
from bot.services import Services

__all__ = ["register"]

AnyApp = Application[Any, Any, Any, Any, Any, Any]

_PRIVATE_LEFTOVERS = (
    filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE & ~filters.StatusUpdate.ALL
)


async def on_leftover(update: Update, context: CallbackContext[Any, Any, Any, Any]) -> None:
    message = update.effective_message
    if message is None:
        return
    lang = ui_language(update)
    if message.text is not None and message.text.startswith("/"):  # an unknown command
        await reply_html(message, t("help_private", lang))
    elif message.text is not None:  # an empty text (Telegram's own clients never send one)
        await reply_html(message, t("reason_empty", lang))
    else:
        await reply_html(message, t("unsupported_media", lang))


def register(application: AnyApp, svc: Services) -> None:
    application.add_handler(MessageHandler(_PRIVATE_LEFTOVERS, on_leftover))
