"""Not a handler: how private chats and /summary answer the articles behind links
(fetch, digest, reply with the title linked).

Used by private chats (a message that is mostly links) and by ``/summary``
(``/summary <url>``, or replying to a message with links).  Each link gets
its own reply, in the links' order: one digest per article keeps each
under Telegram's 4096-character limit and lets a failure be said about the
one link it concerns.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import Message

from bot.errors import FetchError
from bot.handlers.common import reply_html
from bot.messages import UiLanguage, error_text
from bot.messages import text as t
from bot.render import link_host, render_digest
from bot.services import Services
from reader.fetch import FetchedPage
from summarizer import UnsupportedInputError

__all__ = ["answer_links"]

log = logging.getLogger(__name__)


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
    async with svc.typing.while_slow(message):
        results = await svc.links.read_all(urls)
    # each link is answered on its own: one that fails (even a failed reply) must not
    # cost the others theirs; the first reply failure is raised at the end for on_error
    failure: Exception | None = None
    for url, result in zip(urls, results, strict=True):
        try:
            await _answer_one(svc, message, url, result, lang=lang, target=target)
        except Exception as exc:
            failure = failure or exc
    if failure is not None:
        raise failure


async def _answer_one(
    svc: Services,
    message: Message,
    url: str,
    result: FetchedPage | FetchError,
    *,
    lang: UiLanguage,
    target: int,
) -> None:
    """Reply to one link: its digest, or why not."""
    failed = t("link_failed", lang, host=link_host(url))
    if isinstance(result, FetchError):
        await reply_html(message, failed + error_text(result, lang), reply_to=target)
        return
    try:
        async with svc.typing.while_slow(message):
            outcome = await svc.summaries.digest(
                result.text,
                chat_id=message.chat_id,
                message_id=target,
                source="link",
                title=result.title,
                url=result.url,
            )
    except UnsupportedInputError as exc:
        await reply_html(message, failed + error_text(exc, lang), reply_to=target)
        return
    except Exception as exc:
        log.exception("digesting the article at %s failed", link_host(url))
        await reply_html(message, failed + error_text(exc, lang), reply_to=target)
        return
    await reply_html(message, render_digest(outcome.digest, lang, url=result.url), reply_to=target)
