"""What every handler shares: the reader's language, replying, sending a digest.

One place sends HTML, so every message leaves with ``parse_mode=HTML``,
link previews off and a reply that survives a deleted original.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from telegram import LinkPreviewOptions, Message, ReplyParameters, Update
from telegram.constants import ParseMode
from telegram.ext import CallbackContext

from bot.ingest import has_words
from bot.messages import UiLanguage, error_text, language_for
from bot.messages import text as t
from bot.render import render_digest
from bot.services import Services, services
from bot.summaries import Summarized
from summarizer import UnsupportedInputError, looks_like_article

__all__ = [
    "NO_PREVIEW",
    "answer_article",
    "auto_reply",
    "reply_digest",
    "reply_html",
    "reply_parts",
    "track_chat",
    "ui_language",
]

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def ui_language(update: object) -> UiLanguage:
    """The interface language of whoever sent ``update`` (English when unknown)."""
    user = update.effective_user if isinstance(update, Update) else None
    return language_for(user.language_code if user else None)


async def reply_html(message: Message, html: str, *, reply_to: int | None = None) -> Message:
    """Send ``html`` to ``message``'s chat as a reply to ``reply_to`` (default: ``message``)."""
    return await message.reply_text(
        html,
        parse_mode=ParseMode.HTML,
        link_preview_options=NO_PREVIEW,
        reply_parameters=ReplyParameters(
            message_id=message.message_id if reply_to is None else reply_to,
            allow_sending_without_reply=True,
        ),
    )


async def reply_parts(message: Message, parts: Sequence[str]) -> None:
    """Send ``parts`` in order: the first as a reply to ``message``, the rest after it."""
    for i, part in enumerate(parts):
        if i == 0:
            await reply_html(message, part)
        else:  # same chat and topic, no quote: they read as one answer
            await message.reply_text(
                part, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW, do_quote=False
            )


async def reply_digest(
    message: Message, outcome: Summarized, lang: UiLanguage, *, reply_to: int | None = None
) -> Message:
    return await reply_html(message, render_digest(outcome.digest, lang), reply_to=reply_to)


async def track_chat(update: object, context: CallbackContext[Any, Any, Any, Any]) -> None:
    """Remember every chat and user language seen (runs before all other handlers)."""
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    storage = services(context).storage
    chat, user = update.effective_chat, update.effective_user
    private = chat.type == chat.PRIVATE
    await storage.upsert_chat(
        chat.id,
        chat.type,
        title=chat.title,
        username=chat.username,
        language=ui_language(update) if private and user else None,
    )
    if user is not None and not user.is_bot:
        await storage.set_user_language(user.id, user.language_code)


async def answer_article(
    svc: Services,
    message: Message,
    text: str,
    *,
    lang: UiLanguage,
    source: str,
    reply_to: int | None = None,
    short_key: str = "hint_short",
    title: str | None = None,
) -> None:
    """Digest ``text`` and reply with it; a clear short answer when it is not an article.

    The reply goes to ``reply_to`` (default: ``message``), which is also the
    message the article is stored under.  ``title`` is a headline that came
    apart from the text (a document's).
    """
    target = message.message_id if reply_to is None else reply_to
    if not text.strip():
        await reply_html(message, t("reason_empty", lang), reply_to=target)
        return
    if not has_words(text):
        await reply_html(message, t("no_words", lang), reply_to=target)
        return
    if not looks_like_article(text):
        await reply_html(message, t(short_key, lang), reply_to=target)
        return
    try:
        async with svc.typing.while_slow(message):
            outcome = await svc.summaries.digest(
                text, chat_id=message.chat_id, message_id=target, source=source, title=title
            )
    except UnsupportedInputError as exc:
        await reply_html(message, error_text(exc, lang), reply_to=target)
        return
    await reply_digest(message, outcome, lang, reply_to=target)


async def auto_reply(
    svc: Services, message: Message, outcome: Summarized, lang: UiLanguage, *, new: bool
) -> bool:
    """Reply to a long group article with its digest when the group turned ``/auto on``.

    Once per article (``new``: not stored in this chat before) and at most one
    reply per :data:`bot.autoreply.AUTO_REPLY_INTERVAL` per group (held in the database).
    """
    if not new or not (await svc.storage.chat_settings(message.chat_id)).auto:
        return False
    if not await svc.auto_gate.allow(message.chat_id):
        return False
    await reply_digest(message, outcome, lang)
    return True
