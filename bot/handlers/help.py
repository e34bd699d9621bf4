"""``/start``, ``/help`` and the command menus (``setMyCommands``).

Menus are data: a later feature adds its commands to :data:`MENUS` and they
appear in the private or group menu, in English and Simplified Chinese
(Telegram's menu languages are two-letter codes, so ``zh`` is one menu).
"""

from __future__ import annotations

from typing import Any, Final

from telegram import (
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    Chat,
    Update,
)
from telegram.ext import Application, CallbackContext, CommandHandler, filters

from bot.handlers.common import reply_html, ui_language
from bot.messages import UiLanguage
from bot.messages import text as t
from bot.services import Services

__all__ = ["MENUS", "MENU_LANGUAGES", "register", "set_commands"]

#: Command → message key of its description, per menu.
MENUS: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "private": (("start", "cmd_start"), ("help", "cmd_help"), ("summary", "cmd_summary")),
    "group": (("summary", "cmd_summary"), ("help", "cmd_help")),
}
# daily digest commands (bot/handlers/subscriptions.py), after each menu's own entries
_DAILY = (
    ("subscribe", "cmd_subscribe"),
    ("digest", "cmd_digest"),
    ("settings", "cmd_settings"),
    ("filter", "cmd_filter"),
    ("unsubscribe", "cmd_unsubscribe"),
    ("forget", "cmd_forget"),
)
MENUS["private"] += _DAILY
MENUS["group"] += (*_DAILY, ("auto", "cmd_auto"))
#: setMyCommands language_code → interface language ("" is the default menu).
MENU_LANGUAGES: Final[dict[str, UiLanguage]] = {"": "en", "zh": "zh-Hans"}

_SCOPES: Final[dict[str, BotCommandScope]] = {
    "private": BotCommandScopeAllPrivateChats(),
    "group": BotCommandScopeAllGroupChats(),
}

AnyApp = Application[Any, Any, Any, Any, Any, Any]


async def on_start(update: Update, context: CallbackContext[Any, Any, Any, Any]) -> None:
    message = update.effective_message
    if message is None:
        return
    private = message.chat.type == Chat.PRIVATE
    await reply_html(message, t("start" if private else "help_group", ui_language(update)))


async def on_help(update: Update, context: CallbackContext[Any, Any, Any, Any]) -> None:
    message = update.effective_message
    if message is None:
        return
    private = message.chat.type == Chat.PRIVATE
    lang = ui_language(update)
    await reply_html(
        message,
        t("help_private" if private else "help_group", lang) + "\n\n" + t("help_daily", lang),
    )


async def set_commands(application: AnyApp) -> None:
    """Install the menus for every scope and language."""
    for menu, entries in MENUS.items():
        for code, lang in MENU_LANGUAGES.items():
            await application.bot.set_my_commands(
                [BotCommand(command, t(key, lang)) for command, key in entries],
                scope=_SCOPES[menu],
                language_code=code or None,
            )


def register(application: AnyApp, svc: Services) -> None:
    new = filters.UpdateType.MESSAGE
    application.add_handler(CommandHandler("start", on_start, filters=new))
    application.add_handler(CommandHandler("help", on_help, filters=new))
