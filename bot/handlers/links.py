"""Answering with the articles behind links: fetch, digest, reply with the title linked.

Used by private chats (a message that is mostly links) and by ``/summary``
(``/summary <url>``, or replying to a message with links).  Each link gets
its own reply, in the links' order: one digest per article keeps each
under Telegram's 4096-character limit and lets a failure be said about the
one link it concerns.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence

from telegram import Message

from bot.errors import FetchError
from bot.handlers.common import reply_html, typing
from bot.messages import UiLanguage, error_text
from bot.messages import text as t
from bot.render import link_host, render_digest
from bot.service import SLOW_AFTER
from bot.services import Services
from summarizer import UnsupportedInputError

__all__ = ["answer_links", "typing_while_slow"]


@contextlib.asynccontextmanager
async def typing_while_slow(message: Message, after: float = SLOW_AFTER) -> AsyncIterator[None]:
    """Show "typing…" in ``message``'s chat if the block takes longer than ``after`` seconds.

    Fetching a page or downloading a file can take seconds; a quick one is
    not worth an extra request.  Failing to show it is not the block's failure.
    """
    show = typing(message)

    async def later() -> None:
        await asyncio.sleep(after)
        with contextlib.suppress(Exception):
            await show()

    task = asyncio.create_task(later())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def answer_links(
    svc: Services,
    message: Message,
    urls: Sequence[str],
    *,
    lang: UiLanguage,
    reply_to: int | None = None,
) -> None:
    """Fetch ``urls`` (concurrently) and reply to each with its digest or why not.

    Replies go to ``reply_to`` (default: ``message``), the message the
    articles are stored under.  No links at all (none looked like an
    article) gets a short explanation.
    """
    target = message.message_id if reply_to is None else reply_to
    if not urls:
        await reply_html(message, t("links_none", lang), reply_to=target)
        return
    async with typing_while_slow(message):
        results = await svc.links.read_all(urls)
    for url, result in zip(urls, results, strict=True):
        if isinstance(result, FetchError):
            why = t("link_failed", lang, host=link_host(url)) + error_text(result, lang)
            await reply_html(message, why, reply_to=target)
            continue
        try:
            outcome = await svc.digests.digest(
                result.text,
                chat_id=message.chat_id,
                message_id=target,
                source="link",
                on_slow=typing(message),
                title=result.title,
                url=result.url,
            )
        except UnsupportedInputError as exc:
            why = t("link_failed", lang, host=link_host(url)) + error_text(exc, lang)
            await reply_html(message, why, reply_to=target)
            continue
        await reply_html(
            message, render_digest(outcome.digest, lang, url=result.url), reply_to=target
        )
