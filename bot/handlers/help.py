"""``/start`` and ``/help``.

The menus (``setMyCommands``) are built from the command table in
:mod:`bot.handlers.commands`.
"""

from __future__ import annotations

from telegram import Chat, Update

from bot.context import BotContext
from bot.handlers.common import reply_html, ui_language
from bot.messages import text as t

__all__ = ["on_help", "on_start"]


async def on_start(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None:
        return
    private = message.chat.type == Chat.PRIVATE
    await reply_html(message, t("start" if private else "help_group", ui_language(update)))


async def on_help(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None:
        return
    private = message.chat.type == Chat.PRIVATE
    lang = ui_language(update)
    await reply_html(
        message,
        "\n\n".join(
            [
                t("help_private" if private else "help_group", lang),
                t("help_daily", lang),
                t("help_feeds", lang),
            ]
        ),
    )
