"""Who may change a chat's settings: anyone in private, administrators in groups."""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Bot, Chat, ChatMember, Message, Update, User
from telegram.error import TelegramError

from bot.context import BotContext
from bot.handlers.common import reply_html, ui_language
from bot.messages import text as t

__all__ = ["admin_only", "is_admin", "may_change_settings"]

Handler = Callable[[Update, BotContext], Coroutine[Any, Any, None]]


async def is_admin(bot: Bot, chat: Chat, user: User | None, message: Message | None) -> bool:
    """Whether the caller may change the chat's settings: anyone in private, admins in groups.

    An anonymous admin posts as the group itself (``sender_chat``), which
    only admins can do.
    """
    if chat.type == Chat.PRIVATE:
        return True
    if message is not None and message.sender_chat is not None:
        return message.sender_chat.id == chat.id
    if user is None:
        return False
    try:
        member = await bot.get_chat_member(chat.id, user.id)
    except TelegramError:
        return False
    return member.status in (ChatMember.ADMINISTRATOR, ChatMember.OWNER)


async def may_change_settings(update: Update, context: BotContext) -> bool:
    """:func:`is_admin` for the sender of ``update``; says "admins only" when not."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return False
    if await is_admin(context.bot, chat, update.effective_user, message):
        return True
    await reply_html(message, t("admin_only", ui_language(update)))
    return False


def admin_only(handler: Handler) -> Handler:
    """Run ``handler`` only for those who may change the chat's settings."""

    @functools.wraps(handler)
    async def guarded(update: Update, context: BotContext) -> None:
        if await may_change_settings(update, context):
            await handler(update, context)

    return guarded
