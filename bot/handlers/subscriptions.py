"""Daily digest commands: /subscribe, /unsubscribe, /digest, /settings, /filter, /auto, /forget.

Thin on purpose: parse the command, check the caller may change the chat's
settings (:func:`~bot.handlers.admin.admin_only`: in groups only
administrators), call :mod:`bot.daily` or storage, answer in the caller's
language.  Argument rules live in the domain and come back as
:class:`~bot.errors.CommandError`, worded by :func:`bot.messages.error_text`.
What ``/auto on`` does lives in :func:`bot.handlers.common.auto_reply`.
"""

from __future__ import annotations

from typing import Final

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.context import BotContext
from bot.daily import DEFAULT_TIME, parse_subscription
from bot.errors import CommandError
from bot.handlers.admin import admin_only, is_admin, may_change_settings
from bot.handlers.common import NO_PREVIEW, reply_html, ui_language
from bot.handlers.group import sees_all_messages
from bot.ingest import command_argument
from bot.messages import UiLanguage, error_text
from bot.messages import text as t
from bot.render_daily import format_time, format_when
from bot.services import Services

__all__ = [
    "FORGET_NO",
    "FORGET_PATTERN",
    "FORGET_YES",
    "on_auto",
    "on_digest",
    "on_filter",
    "on_forget",
    "on_forget_answer",
    "on_settings",
    "on_subscribe",
    "on_unsubscribe",
    "settings_text",
]

FORGET_YES: Final = "forget:yes"
FORGET_NO: Final = "forget:no"
FORGET_PATTERN: Final = f"^({FORGET_YES}|{FORGET_NO})$"

_ON = ("on", "yes", "true", "1", "开", "開")
_OFF = ("off", "no", "false", "0", "关", "關")


@admin_only
async def on_subscribe(update: Update, context: BotContext) -> None:
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    svc, lang = context.services, ui_language(update)
    try:
        at, zone = parse_subscription(command_argument(message))
    except CommandError as exc:
        await reply_html(message, error_text(exc, lang))
        return
    if zone is None:  # keep the chat's zone when only the time changes
        zone = await svc.daily.digests.timezone(chat.id)
    if chat.type != Chat.PRIVATE:  # a group's digest speaks its subscriber's language
        await svc.storage.upsert_chat(
            chat.id, chat.type, title=chat.title, username=chat.username, language=lang
        )
    sub, upcoming = await svc.daily.subscribe(chat.id, at, zone)
    await reply_html(
        message,
        t(
            "sub_confirm",
            lang,
            time=format_time(at),
            zone=sub.timezone,
            next=format_when(upcoming, lang),
        ),
    )


@admin_only
async def on_unsubscribe(update: Update, context: BotContext) -> None:
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    removed = await context.services.daily.unsubscribe(chat.id)
    await reply_html(message, t("unsub_done" if removed else "unsub_none", ui_language(update)))


async def on_digest(update: Update, context: BotContext) -> None:
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    lang, digests = ui_language(update), context.services.daily.digests
    prepared = await digests.prepare(chat.id, await digests.today(chat.id), lang)
    if not prepared.parts:
        await reply_html(message, t("digest_nothing", lang))
        return
    for part in prepared.parts:  # a preview: the schedule and its articles are untouched
        await reply_html(message, part)


async def on_settings(update: Update, context: BotContext) -> None:
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    svc, lang = context.services, ui_language(update)
    argument = command_argument(message).split()
    if argument:
        if len(argument) != 2 or argument[0].lower() != "emptyday":
            await reply_html(message, t("settings_usage", lang))
            return
        value = argument[1].lower()
        if value not in _ON + _OFF:
            await reply_html(message, t("settings_usage", lang))
            return
        if not await may_change_settings(update, context):
            return
        await svc.storage.set_empty_day(chat.id, "one_line" if value in _ON else "silent")
    await reply_html(message, await settings_text(svc, chat, lang))


async def on_filter(update: Update, context: BotContext) -> None:
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    svc, lang = context.services, ui_language(update)
    verb, _, rest = command_argument(message).partition(" ")
    verb, term = verb.lower(), " ".join(rest.split())
    if verb == "list" or (not verb and not term):
        terms = await svc.storage.filters(chat.id)
        if terms:
            await reply_html(message, t("filter_list", lang, filters=" · ".join(terms)))
        else:
            await reply_html(message, t("filter_none", lang) + "\n" + t("filter_usage", lang))
        return
    if verb not in ("add", "remove", "rm", "del") or not term:
        await reply_html(message, t("filter_usage", lang))
        return
    if not await may_change_settings(update, context):
        return
    if verb == "add":
        try:
            added = await svc.daily.digests.add_filter(chat.id, term)
        except CommandError as exc:
            await reply_html(message, error_text(exc, lang))
            return
        await reply_html(message, t(f"filter_{added}", lang, term=term))
    elif await svc.storage.remove_filter(chat.id, term):
        await reply_html(message, t("filter_removed", lang, term=term))
    else:
        await reply_html(message, t("filter_missing", lang, term=term))


async def on_auto(update: Update, context: BotContext) -> None:
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    lang = ui_language(update)
    if chat.type == Chat.PRIVATE:
        await reply_html(message, t("auto_groups_only", lang))
        return
    value = command_argument(message).lower()
    if value not in _ON + _OFF:
        await reply_html(message, t("auto_usage", lang))
        return
    if not await may_change_settings(update, context):
        return
    on = value in _ON
    await context.services.storage.set_auto(chat.id, on)
    if not on:
        await reply_html(message, t("auto_off", lang))
    elif await sees_all_messages(context.bot, chat.id):
        await reply_html(message, t("auto_on", lang))
    else:
        await reply_html(message, t("auto_on_privacy", lang))


@admin_only
async def on_forget(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None:
        return
    lang = ui_language(update)
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t("forget_yes", lang), callback_data=FORGET_YES),
                InlineKeyboardButton(t("forget_no", lang), callback_data=FORGET_NO),
            ]
        ]
    )
    await message.reply_text(
        t("forget_confirm", lang), reply_markup=keyboard, link_preview_options=NO_PREVIEW
    )


async def on_forget_answer(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None or query.message is None:
        return
    chat = query.message.chat
    lang = ui_language(update)
    # the button is on a message anyone in the group can see: check who pressed it
    if not await is_admin(context.bot, chat, query.from_user, None):
        await query.answer(t("admin_only", lang), show_alert=True)
        return
    if query.data == FORGET_YES:
        await context.services.daily.forget(chat.id)
        answer = t("forget_done", lang)
    else:
        answer = t("forget_cancelled", lang)
    await query.answer()
    await query.edit_message_text(answer)


async def settings_text(svc: Services, chat: Chat, lang: UiLanguage) -> str:
    """What /settings shows: subscription, language, filters, automatic summaries, empty days."""
    storage, digests = svc.storage, svc.daily.digests
    lines = [t("settings_header", lang)]
    sub = await storage.subscription(chat.id)
    if sub is None:
        lines.append(t("settings_unsubscribed", lang))
    else:
        at = format_time(DEFAULT_TIME.replace(hour=sub.hour, minute=sub.minute))
        if sub.active:
            upcoming = format_when(digests.next_delivery(sub), lang)
            lines.append(t("settings_subscribed", lang, time=at, zone=sub.timezone, next=upcoming))
        else:
            lines.append(t("settings_paused", lang, time=at, zone=sub.timezone))
    lines.append(t("settings_language", lang))
    terms = await storage.filters(chat.id)
    if terms:
        lines.append(t("settings_filters", lang, filters=" · ".join(terms)))
    else:
        lines.append(t("settings_no_filters", lang))
    chat_settings = await storage.chat_settings(chat.id)
    if chat.type != Chat.PRIVATE:
        lines.append(t("settings_auto_on" if chat_settings.auto else "settings_auto_off", lang))
    lines.append(t(f"settings_empty_{chat_settings.empty_day}", lang))
    return "\n".join(lines)
