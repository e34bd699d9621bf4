"""Links in messages → fetched articles, with one shared, address-checked HTTP client.

:mod:`reader.fetch` does the safe fetching; this module decides *which* links of
a message to read and holds the client the whole bot shares (one connection
pool instead of one per link).  The client is made in ``post_init`` and
closed in ``post_shutdown``, like the database.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

import httpx
from telegram import Message, MessageEntity

from bot.errors import FetchError
from reader.fetch import MAX_FETCH_BYTES, MAX_REDIRECTS, FetchedPage, fetch_url
from reader.guard import DEFAULT_TIMEOUT, Network, for_log, make_client
from reader.urls import find_urls, pick_article_urls
from summarizer import looks_like_article

__all__ = [
    "MAX_LINKS",
    "LinkReader",
    "links_to_read",
    "message_urls",
    "text_without_urls",
]

log = logging.getLogger(__name__)

#: Links read from one message at most (each gets its own digest).
MAX_LINKS = 3


def message_urls(message: Message) -> list[str]:
    """Every http(s) link in a message, in order, without duplicates.

    Links typed in the text or caption, and those hidden behind words
    (``text_link`` entities: a channel's "原文链接" or "Read more").
    """
    text = message.text if message.text is not None else message.caption
    entities = message.entities if message.text is not None else message.caption_entities
    found = find_urls(text or "")
    for entity in entities:
        if entity.type == MessageEntity.TEXT_LINK and entity.url:
            for url in find_urls(entity.url):
                if url not in found:
                    found.append(url)
    return found


def text_without_urls(text: str, urls: Sequence[str]) -> str:
    """``text`` with the links taken out: what the message says besides them."""
    for url in sorted(urls, key=len, reverse=True):
        text = text.replace(url, " ")
    return text


def links_to_read(text: str, urls: Sequence[str], *, pick: bool = True) -> list[str] | None:
    """The links to fetch instead of digesting ``text``, or ``None`` to digest the text.

    A message that is an article in itself (a forwarded channel post ending
    in a "source" link) is digested as text: the post is what was shared.
    A message that is mostly a link ("看看这篇 https://…") reads the link.
    ``pick`` keeps only article-like links (no videos, images, home pages,
    ``t.me``), at most :data:`MAX_LINKS`, so the list may be empty; without
    it the first :data:`MAX_LINKS` links are read as given (someone asked
    for them).
    """
    if not urls or looks_like_article(text_without_urls(text, urls)):
        return None
    return pick_article_urls(urls, MAX_LINKS) if pick else list(urls[:MAX_LINKS])


class LinkReader:
    """Fetches links for every chat through one guarded :class:`httpx.AsyncClient`.

    Build it anywhere; :meth:`open` it in the event loop.  ``timeout``,
    ``max_bytes`` and ``max_redirects`` are :mod:`reader.fetch`'s defaults (about
    10 s, 5 MB, 5 redirects); they are attributes so a test can shorten them
    on a running bot without a setting nobody else needs.
    """

    def __init__(
        self,
        *,
        allow_private: bool,
        timeout: float = DEFAULT_TIMEOUT,
        max_bytes: int = MAX_FETCH_BYTES,
        max_redirects: int = MAX_REDIRECTS,
        network: Network | None = None,
    ) -> None:
        self.allow_private = allow_private
        self.network = network  # under the address check: the system's DNS and sockets
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self._client: httpx.AsyncClient | None = None

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            raise RuntimeError("the link reader is not open")
        return self._client

    async def open(self) -> None:
        if self._client is None:
            self._client = make_client(
                allow_private=self.allow_private, timeout=self.timeout, network=self.network
            )

    async def close(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            await client.aclose()

    async def read(self, url: str) -> FetchedPage:
        """One link's article, or :class:`~bot.errors.FetchError`."""
        return await fetch_url(
            url,
            allow_private=self.allow_private,
            client=self.client,
            timeout=self.timeout,
            max_bytes=self.max_bytes,
            max_redirects=self.max_redirects,
        )

    async def read_all(self, urls: Sequence[str]) -> list[FetchedPage | FetchError]:
        """Each link's article or why not, in the links' order, fetched concurrently.

        Every link's outcome is its own: :func:`~reader.fetch.fetch_url` raises
        only :class:`FetchError`, and should anything else escape it, that one
        link fails (``network``) while the others still get their articles
        (``gather`` would otherwise drop every result for one exception).
        """

        async def one(url: str) -> FetchedPage | FetchError:
            try:
                return await self.read(url)
            except FetchError as exc:
                return exc
            except Exception as exc:
                log.exception("reading %s failed unexpectedly", for_log(url))
                error = FetchError("network", f"the link could not be read ({type(exc).__name__})")
                error.__cause__ = exc
                return error

        return list(await asyncio.gather(*(one(u) for u in urls)))
