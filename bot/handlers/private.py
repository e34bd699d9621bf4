"""Private chats: any article-length text, typed, pasted, forwarded or captioned, gets a digest.

Forwarded messages (and long pastes the client may have split) go through
a :class:`~bot.ingest.Rejoiner` so an article sent in parts is one digest,
replying to its first part.  Short chit-chat gets a one-line hint.  A
message that is mostly links gets the digests of the articles behind them
(see :func:`bot.links.links_to_read`); a part of a split forward never does.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackContext, MessageHandler, filters

from bot.handlers.common import answer_article, ui_language
from bot.handlers.link_answers import answer_links
from bot.ingest import (
    DIRECT_PREFIX,
    Part,
    application_rejoiner,
    join_parts,
    message_text,
    part_from_message,
    rejoin_key,
)
from bot.links import links_to_read, message_urls
from bot.services import Services

__all__ = ["ARTICLE_FILTER", "register"]

#: New private messages with text or a caption, commands aside.
ARTICLE_FILTER = (
    filters.ChatType.PRIVATE
    & filters.UpdateType.MESSAGE
    & ((filters.TEXT & ~filters.COMMAND) | filters.CAPTION)
)

AnyApp = Application[Any, Any, Any, Any, Any, Any]


def register(application: AnyApp, svc: Services) -> None:
    async def flush(parts: list[Part]) -> None:
        first = parts[0]
        update = first.update
        assert isinstance(update, Update) and update.effective_message is not None
        await answer_article(
            svc,
            update.effective_message,
            join_parts(parts),
            lang=ui_language(update),
            source="private" if first.key.startswith(DIRECT_PREFIX) else "forward",
        )

    rejoiner = application_rejoiner(
        application, svc.settings.forward_merge_seconds, flush, store=svc.storage, scope="private"
    )

    async def on_article(update: Update, context: CallbackContext[Any, Any, Any, Any]) -> None:
        message = update.effective_message
        if message is None:
            return
        text = message_text(message) or ""
        async with rejoiner.turn(message.chat_id):  # this chat's parts join in order
            key = await rejoin_key(message, text, rejoiner)
            joins = key is not None and await rejoiner.pending(message.chat_id, key)
            links = None if joins else links_to_read(text, message_urls(message))
            # stopping (not running): no time to wait for parts
            if links is None and key is not None and application.running:
                await rejoiner.add(part_from_message(message, text, key, update))
                return
        if links is not None:  # mostly a link (or a few): read the articles behind them
            await answer_links(svc, message, links, lang=ui_language(update))
        else:
            await answer_article(svc, message, text, lang=ui_language(update), source="private")

    application.add_handler(MessageHandler(ARTICLE_FILTER, on_article))
