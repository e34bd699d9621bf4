"""Documents: a file sent in private (or replied to with ``/summary``) gets a digest.

An ``.opml`` file sent in private is a feed list: its feeds are followed
(:func:`bot.handlers.feeds.import_document`).

Size and type are checked from what Telegram says about the file before
anything is downloaded, so a 50 MB video or a zip costs one short reply.
The download goes through ``getFile`` and the bot's file URL
(``TELEGRAM_BASE_FILE_URL`` for a self-hosted Bot API server).  Reading the
file never runs on the event loop: :func:`reader.documents.extract_document_async`
reads DOCX/Markdown/text (bounded work) in a thread and PDF/HTML in a worker process
with time and memory limits, so a hostile upload costs its sender a refusal and
nobody else a stalled bot.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Document, Message, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackContext, MessageHandler, filters

from bot.handlers.common import answer_article, reply_html, ui_language
from bot.handlers.feeds import import_document, is_opml
from bot.messages import UiLanguage, error_text
from bot.messages import text as t
from bot.services import Services
from reader.documents import check_upload, extract_document_async
from summarizer.errors import NotArticleError, UnsupportedInputError

__all__ = ["DOCUMENT_FILTER", "answer_document", "register"]

log = logging.getLogger(__name__)

#: Files sent in private chats (in groups only ``/summary`` replying to one reads it).
DOCUMENT_FILTER = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE & filters.Document.ALL

AnyApp = Application[Any, Any, Any, Any, Any, Any]


async def answer_document(
    svc: Services,
    message: Message,
    document: Document,
    *,
    lang: UiLanguage,
    reply_to: int | None = None,
) -> None:
    """Download ``document``, read its text and reply with the digest (or why not).

    Replies go to ``reply_to`` (default: ``message``).
    """
    target = message.message_id if reply_to is None else reply_to
    name = document.file_name or ""
    try:
        check_upload(name, document.mime_type, document.file_size)
        async with svc.typing.while_slow(message):
            file = await message.get_bot().get_file(document.file_id)
            data = bytes(await file.download_as_bytearray())
            doc = await extract_document_async(data, name, document.mime_type)
    except TelegramError as exc:
        log.warning("could not download a document in chat %s: %s", message.chat_id, exc)
        await reply_html(message, t("file_download_failed", lang), reply_to=target)
        return
    except (NotArticleError, UnsupportedInputError) as exc:
        await reply_html(message, error_text(exc, lang, about="file"), reply_to=target)
        return
    log.info("document in chat %s: %s, %s", message.chat_id, doc.kind, doc.encoding or "-")
    await answer_article(
        svc,
        message,
        doc.text,
        lang=lang,
        source="document",
        reply_to=target,
        title=doc.title,
    )


def register(application: AnyApp, svc: Services) -> None:
    async def on_document(update: Update, context: CallbackContext[Any, Any, Any, Any]) -> None:
        message = update.effective_message
        if message is None or message.document is None:
            return
        if is_opml(message.document):  # a feed reader's export: follow its feeds
            await import_document(svc, message, message.document, lang=ui_language(update))
            return
        await answer_document(svc, message, message.document, lang=ui_language(update))

    application.add_handler(MessageHandler(DOCUMENT_FILTER, on_document))
