"""What ``/feed`` does for a chat: follow, list, unfollow, import and export its news feeds.

No Telegram here (the handlers in :mod:`bot.handlers.feeds` word and send the
results), and no SQL (storage's follow API does the atomic part: the
per-chat limit is counted and the follow inserted in one transaction).  A
refusal is an exception with a stable reason (:class:`~bot.errors.CommandError`,
:class:`~reader.errors.FetchError`, :class:`~reader.errors.FeedError`) that
:func:`bot.messages.error_text` words in the reader's language.

``/feed add`` fetches the feed at once (with autodiscovery, through the bot's
one guarded HTTP client): a URL that is not a feed is refused before anything
is stored, and the reply can name the feed and count its items.  The poller
fetches it again on its next tick (the follow makes the feed due now), which
is when its items are recorded: the first fetch's rule (only the last day's
items count as new) lives in one place, the poller.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import httpx

from bot.errors import CommandError
from bot.storage import Storage
from bot.storage.feeds import ChatFeed, StoredFeed
from reader.errors import FeedError, FetchError, ReaderError
from reader.feedfetch import read_feed
from reader.guard import check_url, for_log
from reader.opml import OpmlFeed, parse_opml, write_opml

__all__ = [
    "EXPORT_NAME",
    "IMPORT_CONCURRENCY",
    "Added",
    "FeedFollowing",
    "ImportLine",
    "ImportReport",
    "display_title",
    "normalize_url",
]

log = logging.getLogger(__name__)

#: Feeds of one OPML import fetched at once (each is checked before it is followed).
IMPORT_CONCURRENCY = 8
#: The file name ``/feed export`` sends.
EXPORT_NAME = "feeds.opml"


@dataclass(frozen=True, slots=True)
class Added:
    """What ``/feed add`` did: ``added`` or ``exists``; ``items``: the feed's count now
    (``None`` when it was not fetched, because the chat follows it already)."""

    result: Literal["added", "exists"]
    feed: StoredFeed
    title: str
    items: int | None


@dataclass(frozen=True, slots=True)
class ImportLine:
    """One feed of an OPML file and what became of it (``error`` says why it failed)."""

    url: str
    title: str
    result: Literal["added", "exists", "failed"]
    error: BaseException | None = None


@dataclass(frozen=True, slots=True)
class ImportReport:
    lines: tuple[ImportLine, ...]

    def count(self, result: Literal["added", "exists", "failed"]) -> int:
        return sum(1 for line in self.lines if line.result == result)

    @property
    def failed(self) -> tuple[ImportLine, ...]:
        return tuple(line for line in self.lines if line.result == "failed")


def normalize_url(raw: str, *, allow_private: bool = False) -> str:
    """A typed feed address as the URL to fetch and store, or ``CommandError("feed_bad_url")``.

    People type ``36kr.com/feed`` or paste ``<https://…>``; a scheme-less
    address is read as https.  The guard's own check refuses other schemes,
    ports and (unless allowed) private addresses before any connection.
    """
    value = raw.strip().strip("<>").strip()
    if not value or any(ch.isspace() for ch in value):
        raise CommandError("feed_bad_url", value=raw.strip()[:200])
    if "://" not in value:
        value = "https://" + value
    try:
        return str(check_url(value, allow_private=allow_private))
    except FetchError as exc:
        if exc.reason == "bad_url":
            raise CommandError("feed_bad_url", value=raw.strip()[:200]) from exc
        raise


def display_title(title: str | None, url: str) -> str:
    """A feed's name for people: its own title, else its host (a feed may have no title)."""
    name = " ".join((title or "").split())
    if name:
        return name
    try:
        return httpx.URL(url).host or url
    except (httpx.InvalidURL, ValueError):
        return url


class FeedFollowing:
    """A chat's feeds: the domain behind ``/feed``.

    ``client`` returns the bot's shared guarded HTTP client (it exists only
    once the application has started, so it is looked up per call);
    ``on_follow`` is called after a feed was followed (the poller's
    :meth:`~bot.feeds.jobs.FeedJobs.kick`: the new feed is due now, so its
    first poll need not wait for the next tick).
    """

    def __init__(
        self,
        storage: Storage,
        *,
        client: Callable[[], httpx.AsyncClient | None],
        max_per_chat: int,
        allow_private: bool = False,
        on_follow: Callable[[], None] | None = None,
    ) -> None:
        self.storage = storage
        self.client = client
        self.max_per_chat = max_per_chat
        self.allow_private = allow_private
        self.on_follow = on_follow

    # --- following --------------------------------------------------------------

    async def add(self, chat_id: int, raw_url: str) -> Added:
        """Fetch ``raw_url`` (a feed, or a page announcing one) and follow it.

        Raises :class:`CommandError` (``feed_bad_url``, ``feed_too_many``),
        :class:`FetchError` or :class:`FeedError` (``no_feed``, ``not_feed``,
        ``unreadable``); nothing is stored then.
        """
        url = normalize_url(raw_url, allow_private=self.allow_private)
        for followed in await self.storage.chat_feeds(chat_id):
            if followed.feed.url == url:  # no fetch needed to say so
                known = followed.feed
                return Added("exists", known, display_title(known.title, known.url), None)
        answer, parsed = await read_feed(
            url, client=self.client(), allow_private=self.allow_private
        )
        if parsed is None:  # a 304 to an unconditional request: a broken server
            raise FeedError("unreadable", "the server answered 304 to a plain request")
        result, feed = await self.storage.follow_feed(
            chat_id,
            answer.url,
            title=parsed.title,
            site_url=parsed.site_url,
            limit=self.max_per_chat,
        )
        if result == "full" or feed is None:
            raise CommandError("feed_too_many", max=self.max_per_chat)
        log.info("chat %s follows %s (%s)", chat_id, for_log(feed.url), result)
        if result == "added" and self.on_follow is not None:
            self.on_follow()
        title = display_title(parsed.title or feed.title, feed.url)
        return Added(result, feed, title, len(parsed.items))

    async def feeds(self, chat_id: int) -> list[ChatFeed]:
        """The chat's feeds, in the order ``/feed list`` numbers them (from 1)."""
        return await self.storage.chat_feeds(chat_id)

    async def remove(self, chat_id: int, which: str) -> StoredFeed:
        """Stop following the feed numbered ``which`` in the list, or with that URL.

        Raises ``CommandError("feed_not_found")`` when there is none.
        """
        value = which.strip()
        feeds = await self.storage.chat_feeds(chat_id)
        target: StoredFeed | None = None
        if value.isdigit():
            number = int(value)
            if 1 <= number <= len(feeds):
                target = feeds[number - 1].feed
        else:
            try:
                url = normalize_url(value, allow_private=True)  # only compared, never fetched
            except (CommandError, FetchError):
                url = value
            target = next((f.feed for f in feeds if f.feed.url in (url, value)), None)
        if target is None or not await self.storage.unfollow_feed(chat_id, target.id):
            raise CommandError("feed_not_found", value=value[:200])
        log.info("chat %s no longer follows %s", chat_id, for_log(target.url))
        return target

    # --- OPML --------------------------------------------------------------------------

    async def export(self, chat_id: int, *, title: str) -> tuple[bytes, int]:
        """The chat's feeds as an OPML document, and how many it lists."""
        feeds = await self.storage.chat_feeds(chat_id)
        body = write_opml((OpmlFeed(f.feed.url, f.feed.title) for f in feeds), title=title)
        return body, len(feeds)

    async def import_opml(self, chat_id: int, body: bytes) -> ImportReport:
        """Follow every feed an OPML file lists; what happened to each, in the file's order.

        Raises ``FeedError("not_opml")`` for a file that is no OPML.  Feeds the
        chat follows already are not fetched; feeds stored for other chats are
        followed as they are (the poller knows them) unless they are failing;
        the rest are fetched, at
        most :data:`IMPORT_CONCURRENCY` at a time, and followed only if they
        read as feeds.  Follows are stored one by one in file order, so the
        limit cuts the file's tail.
        """
        entries = await asyncio.to_thread(parse_opml, body)
        followed = {f.feed.url: f.feed.title for f in await self.storage.chat_feeds(chat_id)}
        gate = asyncio.Semaphore(IMPORT_CONCURRENCY)

        async def check(entry: OpmlFeed) -> tuple[str, str | None, str | None] | BaseException:
            """(url to store, title, site) of a feed to follow, or why not."""
            try:
                url = normalize_url(entry.url, allow_private=self.allow_private)
            except (CommandError, ReaderError) as exc:
                return exc
            if url in followed:
                return url, followed[url] or entry.title, None
            known = await self.storage.feed_by_url(url)
            if known is not None and not known.failing:  # a failing one is checked: why
                return url, known.title or entry.title, known.site_url
            async with gate:
                try:
                    answer, parsed = await read_feed(
                        url, client=self.client(), allow_private=self.allow_private
                    )
                except ReaderError as exc:
                    return exc
                except Exception as exc:  # one broken feed never sinks the whole import
                    log.exception("importing %s failed unexpectedly", for_log(url))
                    return exc
            if parsed is None:
                return FeedError("unreadable", "304 to a plain request")
            return answer.url, parsed.title or entry.title, parsed.site_url

        checked = await asyncio.gather(*(check(entry) for entry in entries))
        lines: list[ImportLine] = []
        for entry, outcome in zip(entries, checked, strict=True):
            lines.append(await self._follow_checked(chat_id, entry, outcome))
        report = ImportReport(tuple(lines))
        if report.count("added") and self.on_follow is not None:
            self.on_follow()
        return report

    async def _follow_checked(
        self,
        chat_id: int,
        entry: OpmlFeed,
        outcome: tuple[str, str | None, str | None] | BaseException,
    ) -> ImportLine:
        if isinstance(outcome, BaseException):
            return ImportLine(entry.url, display_title(entry.title, entry.url), "failed", outcome)
        url, title, site = outcome
        result, feed = await self.storage.follow_feed(
            chat_id, url, title=title, site_url=site, limit=self.max_per_chat
        )
        name = display_title(title or (feed.title if feed else None), url)
        if result == "full":
            error = CommandError("feed_too_many", max=self.max_per_chat)
            return ImportLine(url, name, "failed", error)
        return ImportLine(url, name, result)
