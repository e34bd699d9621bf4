"""Daily digest commands: /subscribe, /unsubscribe, /digest, /settings, /filter, /auto, /forget.

Thin on purpose: parse the command, check the caller may change the chat's
settings (in groups only administrators, asked with ``getChatMember``), call
:class:`bot.daily.DailyJobs` or storage, answer in the caller's
language.  What ``/auto on`` does lives in :func:`bot.handlers.common.auto_reply`.
"""

from __future__ import annotations

from typing import Any, Final

from telegram import (
    Bot,
    Chat,
    ChatMember,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
    User,
)
from telegram.error import TelegramError
from telegram.ext import Application, CallbackContext, CallbackQueryHandler, CommandHandler, filters

from bot.daily import DEFAULT_TIME, parse_time, parse_zone
from bot.handlers.common import NO_PREVIEW, reply_html, ui_language
from bot.handlers.group import sees_all_messages
from bot.ingest import command_argument
from bot.messages import UiLanguage
from bot.messages import text as t
from bot.render_daily import format_time, format_when
from bot.services import Services

__all__ = [
    "FILTER_MAX_COUNT",
    "FILTER_MAX_LENGTH",
    "FORGET_NO",
    "FORGET_YES",
    "is_admin",
    "register",
    "settings_text",
]

FILTER_MAX_LENGTH: Final = 64
FILTER_MAX_COUNT: Final = 20
FORGET_YES: Final = "forget:yes"
FORGET_NO: Final = "forget:no"

AnyApp = Application[Any, Any, Any, Any, Any, Any]
AnyContext = CallbackContext[Any, Any, Any, Any]

_ON = ("on", "yes", "true", "1", "开", "開")
_OFF = ("off", "no", "false", "0", "关", "關")


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


def register(application: AnyApp, svc: Services) -> None:
    daily = svc.daily
    storage = svc.storage
    new = filters.UpdateType.MESSAGE

    async def allowed(update: Update, context: AnyContext) -> bool:
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return False
        if await is_admin(context.bot, chat, update.effective_user, message):
            return True
        await reply_html(message, t("admin_only", ui_language(update)))
        return False

    async def on_subscribe(update: Update, context: AnyContext) -> None:
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None or not await allowed(update, context):
            return
        lang = ui_language(update)
        at, zone, error = DEFAULT_TIME, None, None
        tokens = command_argument(message).split()
        for token in tokens[:2]:
            parsed_time = parse_time(token)
            if parsed_time is not None:
                at = parsed_time
            elif any(ch.isdigit() for ch in token) and "/" not in token:
                error = t("sub_bad_time", lang, value=token)
            elif (parsed_zone := parse_zone(token)) is not None:
                zone = parsed_zone
            else:
                error = t("sub_bad_zone", lang, value=token)
            if error:
                break
        if error is None and len(tokens) > 2:
            error = t("sub_bad_time", lang, value=" ".join(tokens[2:]))
        if error is not None:
            await reply_html(message, error)
            return
        if zone is None:  # keep the chat's zone when only the time changes
            zone = await daily.digests.timezone(chat.id)
        if chat.type != Chat.PRIVATE:  # a group's digest speaks its subscriber's language
            await storage.upsert_chat(
                chat.id, chat.type, title=chat.title, username=chat.username, language=lang
            )
        sub, upcoming = await daily.subscribe(chat.id, at, zone)
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

    async def on_unsubscribe(update: Update, context: AnyContext) -> None:
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None or not await allowed(update, context):
            return
        removed = await daily.unsubscribe(chat.id)
        await reply_html(message, t("unsub_done" if removed else "unsub_none", ui_language(update)))

    async def on_digest(update: Update, context: AnyContext) -> None:
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return
        lang = ui_language(update)
        prepared = await daily.digests.prepare(chat.id, await daily.digests.today(chat.id), lang)
        if not prepared.parts:
            await reply_html(message, t("digest_nothing", lang))
            return
        for part in prepared.parts:  # a preview: the schedule and its articles are untouched
            await reply_html(message, part)

    async def on_settings(update: Update, context: AnyContext) -> None:
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return
        lang = ui_language(update)
        argument = command_argument(message).split()
        if argument:
            if len(argument) != 2 or argument[0].lower() != "emptyday":
                await reply_html(message, t("settings_usage", lang))
                return
            value = argument[1].lower()
            if value not in _ON + _OFF:
                await reply_html(message, t("settings_usage", lang))
                return
            if not await allowed(update, context):
                return
            await storage.set_empty_day(chat.id, "one_line" if value in _ON else "silent")
        await reply_html(message, await settings_text(svc, chat, lang))

    async def on_filter(update: Update, context: AnyContext) -> None:
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return
        lang = ui_language(update)
        verb, _, rest = command_argument(message).partition(" ")
        verb, term = verb.lower(), " ".join(rest.split())
        if verb == "list" or (not verb and not term):
            terms = await storage.filters(chat.id)
            if terms:
                await reply_html(message, t("filter_list", lang, filters=" · ".join(terms)))
            else:
                await reply_html(message, t("filter_none", lang) + "\n" + t("filter_usage", lang))
            return
        if verb not in ("add", "remove", "rm", "del") or not term:
            await reply_html(message, t("filter_usage", lang))
            return
        if not await allowed(update, context):
            return
        if verb == "add":
            if len(term) > FILTER_MAX_LENGTH:
                await reply_html(message, t("filter_too_long", lang, max=FILTER_MAX_LENGTH))
            else:
                added = await storage.add_filter(chat.id, term, limit=FILTER_MAX_COUNT)
                key = {"added": "filter_added", "exists": "filter_exists"}.get(added)
                if key is None:
                    await reply_html(message, t("filter_too_many", lang, max=FILTER_MAX_COUNT))
                else:
                    await reply_html(message, t(key, lang, term=term))
        elif await storage.remove_filter(chat.id, term):
            await reply_html(message, t("filter_removed", lang, term=term))
        else:
            await reply_html(message, t("filter_missing", lang, term=term))

    async def on_auto(update: Update, context: AnyContext) -> None:
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
        if not await allowed(update, context):
            return
        on = value in _ON
        await storage.set_auto(chat.id, on)
        if not on:
            await reply_html(message, t("auto_off", lang))
        elif await sees_all_messages(context.bot, chat.id):
            await reply_html(message, t("auto_on", lang))
        else:
            await reply_html(message, t("auto_on_privacy", lang))

    async def on_forget(update: Update, context: AnyContext) -> None:
        message = update.effective_message
        if message is None or not await allowed(update, context):
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

    async def on_forget_answer(update: Update, context: AnyContext) -> None:
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
            await daily.forget(chat.id)
            svc.auto_gate.forget(chat.id)
            answer = t("forget_done", lang)
        else:
            answer = t("forget_cancelled", lang)
        await query.answer()
        await query.edit_message_text(answer)

    application.add_handler(CommandHandler("subscribe", on_subscribe, filters=new))
    application.add_handler(CommandHandler("unsubscribe", on_unsubscribe, filters=new))
    application.add_handler(CommandHandler("digest", on_digest, filters=new))
    application.add_handler(CommandHandler("settings", on_settings, filters=new))
    application.add_handler(CommandHandler("filter", on_filter, filters=new))
    application.add_handler(CommandHandler("auto", on_auto, filters=new))
    application.add_handler(CommandHandler("forget", on_forget, filters=new))
    application.add_handler(
        CallbackQueryHandler(on_forget_answer, pattern=f"^({FORGET_YES}|{FORGET_NO})$")
    )


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
