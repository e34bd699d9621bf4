"""The one command table: it wires the handlers and fills the menus (``setMyCommands``).

A new command is one :class:`Command` line here (and its ``cmd_*``
description in :mod:`bot.messages`); the menus follow the table's order,
except that a group's menu leads with the command a group uses most.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Final, Literal

from telegram import (
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    Update,
)
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.context import BotContext
from bot.handlers import feeds, group, help, subscriptions
from bot.messages import UiLanguage
from bot.messages import text as t
from bot.services import Services

__all__ = ["COMMANDS", "MENU_LANGUAGES", "Command", "menu", "register", "set_commands"]

Menu = Literal["private", "group"]
AnyApp = Application[Any, Any, Any, Any, Any, Any]


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    callback: Callable[[Update, BotContext], Coroutine[Any, Any, None]]
    #: Message key of the menu description.
    description: str
    menus: tuple[Menu, ...] = ("private", "group")
    #: First in the group menu (``/summary``: what a group uses most).
    leads_group_menu: bool = False


COMMANDS: Final[tuple[Command, ...]] = (
    Command("start", help.on_start, "cmd_start", ("private",)),
    Command("help", help.on_help, "cmd_help"),
    Command("summary", group.on_summary, "cmd_summary", leads_group_menu=True),
    Command("subscribe", subscriptions.on_subscribe, "cmd_subscribe"),
    Command("digest", subscriptions.on_digest, "cmd_digest"),
    Command("settings", subscriptions.on_settings, "cmd_settings"),
    Command("filter", subscriptions.on_filter, "cmd_filter"),
    Command("unsubscribe", subscriptions.on_unsubscribe, "cmd_unsubscribe"),
    Command("feed", feeds.on_feed, "cmd_feed"),
    Command("forget", subscriptions.on_forget, "cmd_forget"),
    Command("auto", subscriptions.on_auto, "cmd_auto", ("group",)),
)
#: setMyCommands language_code → interface language ("" is the default menu).
MENU_LANGUAGES: Final[dict[str, UiLanguage]] = {"": "en", "zh": "zh-Hans"}

_SCOPES: Final[dict[Menu, BotCommandScope]] = {
    "private": BotCommandScopeAllPrivateChats(),
    "group": BotCommandScopeAllGroupChats(),
}


def menu(which: Menu) -> list[Command]:
    """The commands of one menu, in the order they are shown."""
    entries = [c for c in COMMANDS if which in c.menus]
    if which == "group":
        entries.sort(key=lambda c: not c.leads_group_menu)  # stable: the rest keep their order
    return entries


def register(application: AnyApp, svc: Services) -> None:
    """Every command (new messages only: editing an old command must not answer it again)."""
    for command in COMMANDS:
        application.add_handler(
            CommandHandler(command.name, command.callback, filters=filters.UpdateType.MESSAGE)
        )
    application.add_handler(
        CallbackQueryHandler(subscriptions.on_forget_answer, pattern=subscriptions.FORGET_PATTERN)
    )


async def set_commands(application: AnyApp) -> None:
    """Install the menus for every scope and language."""
    for which, scope in _SCOPES.items():
        for code, lang in MENU_LANGUAGES.items():
            await application.bot.set_my_commands(
                [BotCommand(c.name, t(c.description, lang)) for c in menu(which)],
                scope=scope,
                language_code=code or None,
            )
