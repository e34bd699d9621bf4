"""What the feed poller is given: the fetcher, page reader, digester and notifier it calls.

Protocols, so :class:`~bot.feeds.poller.FeedPoller` depends on the shape of
:func:`reader.feedfetch.read_feed`, :meth:`bot.links.LinkReader.read`,
:meth:`bot.summaries.Summaries.digest_of` and :func:`bot.feeds.jobs.telegram_notifier`,
not on them: a test hands it fakes.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Protocol

from bot.messages import UiLanguage
from bot.storage import StoredFeed
from reader.feeds import Feed
from summarizer import Digest

__all__ = ["Digester", "FeedAnswerLike", "FeedFetcher", "Notifier", "PageLike"]


class FeedAnswerLike(Protocol):
    """What the poller reads of :class:`reader.feedfetch.FeedAnswer`."""

    @property
    def url(self) -> str: ...
    @property
    def moved_to(self) -> str | None: ...
    @property
    def not_modified(self) -> bool: ...
    @property
    def etag(self) -> str | None: ...
    @property
    def last_modified(self) -> str | None: ...
    @property
    def max_age(self) -> int | None: ...


class FeedFetcher(Protocol):
    """Like :func:`reader.feedfetch.read_feed` (client and address policy bound in)."""

    def __call__(
        self, url: str, *, etag: str | None, last_modified: str | None
    ) -> Awaitable[tuple[FeedAnswerLike, Feed | None]]: ...


class PageLike(Protocol):
    """What the poller reads of :class:`reader.fetch.FetchedPage`."""

    @property
    def title(self) -> str | None: ...
    @property
    def text(self) -> str: ...


class Digester(Protocol):
    """Like :meth:`bot.summaries.Summaries.digest_of`: text → (its hash, its digest)."""

    async def digest_of(self, text: str, *, title: str | None = None) -> tuple[str, Digest]: ...


class Notifier(Protocol):
    """Tells a chat, in its language, that a feed it follows is failing; True if sent."""

    async def __call__(self, chat_id: int, lang: UiLanguage, feed: StoredFeed) -> bool: ...
