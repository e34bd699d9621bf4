"""The domain service: article text → digest, remembered per chat.

Summarizing is CPU-bound (jieba), so it runs in a worker thread and the
event loop keeps serving other chats.  A text seen before (in any chat) is
answered from storage; the same text arriving twice at once is summarized
once.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import re
import time
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from bot.storage import Storage, StoredArticle, utc_now
from summarizer import Digest, summarize

__all__ = ["SLOW_AFTER", "DigestService", "Outcome", "text_hash"]

_WS = re.compile(r"\s+")
log = logging.getLogger(__name__)

#: Seconds of summarizing after which the chat is shown "typing…".
SLOW_AFTER = 1.0


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
class Outcome:
    digest: Digest
    cached: bool
    article: StoredArticle


class DigestService:
    """Digests articles for chats, reusing stored digests."""

    def __init__(
        self,
        storage: Storage,
        *,
        summarize_fn: Callable[..., Digest] = summarize,
        slow_after: float = SLOW_AFTER,
    ) -> None:
        self.storage = storage
        #: The summarizer (replaceable: tests count or slow it down), called as
        #: ``summarize_fn(text)`` or, for pages and documents, ``summarize_fn(text, title=…)``.
        self.summarize_fn = summarize_fn
        self.slow_after = slow_after
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
        on_slow: Callable[[], Awaitable[object]] | None = None,
        title: str | None = None,
        url: str | None = None,
    ) -> Outcome:
        """Digest ``text`` for ``chat_id`` and remember it there.

        ``title`` is the headline when the text comes with one apart (a web
        page's, a document's); ``url`` is stored with the article when it was
        read from a link.

        ``on_slow`` runs once if summarizing takes longer than ``slow_after``
        seconds (e.g. to show "typing…": not worth a request for the usual
        few milliseconds); its failures are not this call's failures.
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
            work = asyncio.ensure_future(self._summarize_once(key, text, title))
            if on_slow is not None:
                done, _ = await asyncio.wait({work}, timeout=self.slow_after)
                if not done:
                    with contextlib.suppress(Exception):
                        await on_slow()
            digest = await work
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
        return Outcome(digest=digest, cached=cached, article=article)

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
