"""Summaries: article text → digest, remembered per chat (the bot's summarizing service).

Summarizing is CPU-bound (jieba), so it runs in a worker thread and the
event loop keeps serving other chats.  A text seen before (in any chat) is
answered from storage; the same text arriving twice at once is summarized
once.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from bot.storage import Storage, StoredArticle, utc_now
from summarizer import Digest, summarize

__all__ = ["Summaries", "Summarized", "text_hash"]

_WS = re.compile(r"\s+")
log = logging.getLogger(__name__)


def text_hash(text: str, title: str | None = None) -> str:
    """Identity of an article: SHA-256 of its NFC text with whitespace runs collapsed.

    A ``title`` given apart from the text (a page's or a document's) is part
    of the identity: it changes the digest's headline.
    """
    if title and title.strip():
        text = f"{title.strip()}\n{text}"
    norm = _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Summarized:
    """A digest for a chat: whether it came from storage, and the article as stored."""

    digest: Digest
    cached: bool
    article: StoredArticle


class Summaries:
    """Digests articles for chats, reusing stored digests."""

    def __init__(
        self,
        storage: Storage,
        *,
        summarize_fn: Callable[..., Digest] = summarize,
    ) -> None:
        self.storage = storage
        #: The summarizer (replaceable: tests count or slow it down), called as
        #: ``summarize_fn(text)`` or, for pages and documents, ``summarize_fn(text, title=…)``.
        self.summarize_fn = summarize_fn
        self._inflight: dict[str, asyncio.Future[Digest]] = {}
        #: How many texts were actually summarized (not answered from storage).
        self.summarized = 0
        #: How many calls shared a summary already under way for the same text.
        self.joined = 0

    async def digest(
        self,
        text: str,
        *,
        chat_id: int,
        message_id: int | None,
        source: str,
        title: str | None = None,
        url: str | None = None,
    ) -> Summarized:
        """Digest ``text`` for ``chat_id`` and remember it there.

        ``title`` is the headline when the text comes with one apart (a web
        page's, a document's); ``url`` is stored with the article when it was
        read from a link.

        Raises :class:`summarizer.UnsupportedInputError` for text that cannot
        be summarized.
        """
        key = text_hash(text, title)
        stored = await self.storage.digest_for_hash(key)
        cached = stored is not None
        if stored is not None:
            log.debug("digest %s for chat %s: from storage", key[:12], chat_id)
            digest = stored
        else:
            started = time.perf_counter()
            digest = await self._summarize_once(key, text, title)
            log.debug(
                "digest %s for chat %s: summarized %d chars in %.0f ms",
                key[:12],
                chat_id,
                len(text),
                (time.perf_counter() - started) * 1000,
            )
        article = await self.storage.add_article(
            chat_id=chat_id,
            message_id=message_id,
            text_hash=key,
            text=text,
            digest=digest,
            source=source,
            url=url,
        )
        return Summarized(digest=digest, cached=cached, article=article)

    async def digest_of(self, text: str, *, title: str | None = None) -> tuple[str, Digest]:
        """``text``'s hash and digest, from storage if any chat has it, storing nothing.

        For callers that store the article themselves, in several chats at
        once (a feed item fanned out to every following chat).
        """
        key = text_hash(text, title)
        stored = await self.storage.digest_for_hash(key)
        if stored is not None:
            return key, stored
        return key, await self._summarize_once(key, text, title)

    async def recent(self, chat_id: int, *, hours: float = 24.0) -> list[StoredArticle]:
        return await self.storage.recent_articles(chat_id, utc_now() - timedelta(hours=hours))

    async def _summarize_once(self, key: str, text: str, title: str | None) -> Digest:
        pending = self._inflight.get(key)
        if pending is not None:
            self.joined += 1
            return await asyncio.shield(pending)
        future: asyncio.Future[Digest] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            if title and title.strip():
                digest = await asyncio.to_thread(self.summarize_fn, text, title=title)
            else:
                digest = await asyncio.to_thread(self.summarize_fn, text)
            self.summarized += 1
            future.set_result(digest)
            return digest
        except asyncio.CancelledError:
            future.cancel()
            raise
        except Exception as exc:
            future.set_exception(exc)
            future.exception()  # mark retrieved: waiters (if any) re-raise it themselves
            raise
        finally:
            del self._inflight[key]
