"""``/summary`` (any chat) and quietly keeping the long articles a group shares.

``/summary`` replying to a message digests it (a document's text, or the
articles behind its links when it is mostly links); ``/summary <text>``
digests the text and ``/summary <url>`` the linked article; ``/summary``
alone rolls up what was shared in the last 24 hours like the daily digest
(duplicates merged, grouped by platform; :meth:`bot.daily.DailyDigests.roll_up`)
or explains how to use it, privacy mode included.  Ordinary group messages
never get a reply (unless an admin turned ``/auto on``); long ones are
stored when the bot can see them.
"""

from __future__ import annotations

from typing import Any

from telegram import Bot, Chat, ChatMember, Message, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackContext, MessageHandler, filters

from bot.context import BotContext
from bot.handlers.common import answer_article, auto_reply, reply_html, reply_parts, ui_language
from bot.handlers.documents import answer_document
from bot.handlers.link_answers import answer_links
from bot.ingest import (
    Part,
    application_rejoiner,
    command_argument,
    join_parts,
    message_text,
    part_from_message,
    rejoin_key,
)
from bot.links import links_to_read, message_urls
from bot.messages import UiLanguage
from bot.messages import text as t
from bot.services import Services
from bot.summaries import text_hash
from summarizer import SummarizerError, looks_like_article

__all__ = ["GROUP_ARTICLE_FILTER", "on_summary", "register"]

#: New group messages with text or a caption, commands aside.
GROUP_ARTICLE_FILTER = (
    filters.ChatType.GROUPS
    & filters.UpdateType.MESSAGE
    & ((filters.TEXT & ~filters.COMMAND) | filters.CAPTION)
)

AnyApp = Application[Any, Any, Any, Any, Any, Any]
AnyContext = CallbackContext[Any, Any, Any, Any]


async def on_summary(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None:
        return
    await summary(context.services, context.bot, message, ui_language(update))


def register(application: AnyApp, svc: Services) -> None:
    async def store(parts: list[Part]) -> None:
        text = join_parts(parts)
        if not looks_like_article(text):
            return
        chat_id = parts[0].chat_id
        new = await svc.storage.article(chat_id, text_hash(text)) is None
        try:
            outcome = await svc.summaries.digest(
                text, chat_id=chat_id, message_id=parts[0].message_id, source="group"
            )
        except SummarizerError:
            return  # not summarizable: nothing to keep, and nobody asked
        update = parts[0].update
        if isinstance(update, Update) and update.effective_message is not None:
            # /auto on: one digest per new article, rate-limited per group
            await auto_reply(svc, update.effective_message, outcome, ui_language(update), new=new)

    rejoiner = application_rejoiner(
        application, svc.settings.forward_merge_seconds, store, store=svc.storage, scope="group"
    )

    async def on_group_message(update: Update, context: AnyContext) -> None:
        message = update.effective_message
        text = message_text(message) if message else None
        if message is None or not text:
            return
        async with rejoiner.turn(message.chat_id):  # this chat's parts join in order
            key = await rejoin_key(message, text, rejoiner)
            if key is not None and application.running:  # stopping: no time to wait for parts
                await rejoiner.add(part_from_message(message, text, key, update))
                return
        await store([part_from_message(message, text, "", update)])

    application.add_handler(MessageHandler(GROUP_ARTICLE_FILTER, on_group_message))


def _reply_target(message: Message) -> Message | None:
    target = message.reply_to_message
    # in forum topics every message "replies" to the topic's creation message
    if target is None or target.forum_topic_created is not None:
        return None
    return target


async def summary(svc: Services, bot: Bot, message: Message, lang: UiLanguage) -> None:
    """Answer one ``/summary`` command."""
    argument = command_argument(message)
    target = _reply_target(message)
    if argument:
        # /summary <url>: the links asked for, as given (no guessing which are articles)
        links = links_to_read(argument, message_urls(message), pick=False)
        if links is not None:
            await answer_links(svc, message, links, lang=lang)
            return
        await answer_article(
            svc, message, argument, lang=lang, source="command", short_key="summary_too_short"
        )
    elif target is not None:
        if target.document is not None:
            await answer_document(
                svc, message, target.document, lang=lang, reply_to=target.message_id
            )
            return
        text = message_text(target)
        if not text or not text.strip():
            await reply_html(message, t("reply_has_no_text", lang))
            return
        links = links_to_read(text, message_urls(target))
        if links is not None:  # little text besides links: the articles behind them
            await answer_links(svc, message, links, lang=lang, reply_to=target.message_id)
            return
        await answer_article(
            svc,
            message,
            text,
            lang=lang,
            source="command",
            reply_to=target.message_id,
            short_key="summary_too_short",
        )
    else:
        await _recent_or_usage(svc, bot, message, lang)


async def _recent_or_usage(svc: Services, bot: Bot, message: Message, lang: UiLanguage) -> None:
    chat = message.chat
    rolled_up = await svc.daily.digests.roll_up(chat.id, lang)
    if rolled_up.parts:
        await reply_parts(message, rolled_up.parts)
    elif chat.type == Chat.PRIVATE:
        await reply_html(message, t("help_private", lang))
    elif await sees_all_messages(bot, chat.id):
        await reply_html(message, t("summary_usage_sees_all", lang))
    else:
        await reply_html(message, t("summary_usage_privacy", lang))


async def sees_all_messages(bot: Bot, chat_id: int) -> bool:
    """Whether the bot receives every message in a group: privacy off, or an admin there."""
    if bot.can_read_all_group_messages:
        return True
    try:
        member = await bot.get_chat_member(chat_id, bot.id)
    except TelegramError:
        return False
    return member.status in (ChatMember.ADMINISTRATOR, ChatMember.OWNER)
