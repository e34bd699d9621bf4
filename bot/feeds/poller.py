"""One polling round over every due feed: fetch once, find new items, digest, fan out.

:class:`FeedPoller` knows no Telegram and no JobQueue (:mod:`bot.feeds.jobs`
runs it): storage, the feed fetcher, the page reader, the digester, the
notifier and the clock are all given to it, so a test drives a round with
fakes and a manual clock.

A round claims the feeds due when it starts (a lease, so a second process
or an overlapping round never polls the same feed) and works through them
with at most :attr:`FeedPoller.feeds_in_flight` feeds and
``fetch_concurrency`` item pages in flight.  Each feed's outcome is its
own: a slow feed holds one worker, a failing one (or one raising something
unexpected) backs off, and neither stops the round for the others.
Outcomes are written in batches (:meth:`~bot.storage.feed_polls.FeedPollQueries.record_polls`),
one commit for many feeds.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.feeds.backoff import answer_wait, failure_wait, next_poll
from bot.feeds.ports import Digester, FeedAnswerLike, FeedFetcher, Notifier, PageLike
from bot.messages import language_for
from bot.storage import Storage, StoredFeed, utc_now
from bot.storage.feed_polls import (
    DigestedItem,
    FeedFailed,
    FeedFetched,
    FeedNotModified,
    FeedPoll,
    SeenItem,
)
from reader.errors import FeedError, FetchError
from reader.feeds import FeedItem
from reader.guard import for_log
from summarizer import UnsupportedInputError
from summarizer.text import content_length

__all__ = [
    "FEEDS_IN_FLIGHT",
    "FIRST_FETCH_UNDATED",
    "FIRST_FETCH_WINDOW",
    "FULL_CONTENT_UNITS",
    "LEASE",
    "MAX_ITEMS_PER_ROUND",
    "Digester",
    "FeedAnswerLike",
    "FeedFetcher",
    "FeedPoller",
    "Notifier",
    "PageLike",
    "RoundStats",
    "error_code",
    "first_fetch_items",
]

log = logging.getLogger(__name__)

#: Feeds fetched at once: enough to hide slow servers, few enough for one small machine.
FEEDS_IN_FLIGHT = 24
#: New items digested from one feed in one round; the rest wait for the next round.
MAX_ITEMS_PER_ROUND = 50
#: A feed's first fetch delivers only items published this recently ...
FIRST_FETCH_WINDOW = timedelta(hours=24)
#: ... or, in a feed without dates, its first (newest) few.
FIRST_FETCH_UNDATED = 5
#: A feed's own content this long (Han characters plus words) is the article
#: itself; shorter is an excerpt (RSS descriptions run 1–3 sentences, well
#: under it) and the item's page is read instead.
FULL_CONTENT_UNITS = 200
#: How long a claimed feed stays ours: a round's feed takes seconds; a dead
#: process's feeds are claimed again after this.
LEASE = timedelta(minutes=15)
#: Outcomes written per transaction.
WRITE_BATCH = 200


@dataclass(slots=True)
class RoundStats:
    """What one round did (logged, and read by tests and the benchmark)."""

    feeds: int = 0
    fetched: int = 0
    not_modified: int = 0
    failed: int = 0
    new_items: int = 0
    articles: int = 0
    pages: int = 0
    warned: int = 0


def error_code(exc: BaseException) -> str:
    """``reason`` or ``reason:detail`` of a reader error (what ``/feed list`` words), else
    ``internal``."""
    if isinstance(exc, FetchError):
        return f"{exc.reason}:{exc.detail}" if exc.detail else exc.reason
    if isinstance(exc, FeedError):
        return exc.reason
    return "internal"


def first_fetch_items(items: Sequence[FeedItem], now: datetime) -> list[FeedItem]:
    """The flood guard: what a feed's first fetch delivers (the rest only count as seen)."""
    if not any(item.published is not None for item in items):
        return list(items[:FIRST_FETCH_UNDATED])
    since = now - FIRST_FETCH_WINDOW
    return [i for i in items if i.published is not None and i.published >= since]


def _unique(items: Sequence[FeedItem]) -> list[FeedItem]:
    seen: set[str] = set()
    kept = []
    for item in items:
        if item.key not in seen:
            seen.add(item.key)
            kept.append(item)
    return kept


def _seen(item: FeedItem) -> SeenItem:
    return SeenItem(item.key, item.url, item.title, item.published)


class FeedPoller:
    """Polls every due feed once per round; see the module docstring."""

    def __init__(
        self,
        storage: Storage,
        *,
        fetch: FeedFetcher,
        read_page: Callable[[str], Awaitable[PageLike]],
        digester: Digester,
        notifier: Notifier,
        clock: Callable[[], datetime] = utc_now,
        poll_seconds: float = 900,
        fetch_concurrency: int = 4,
        feeds_in_flight: int = FEEDS_IN_FLIGHT,
        max_items: int = MAX_ITEMS_PER_ROUND,
        lease: timedelta = LEASE,
    ) -> None:
        self.storage = storage
        self.fetch = fetch
        self.read_page = read_page
        self.digester = digester
        self.notifier = notifier
        self.clock = clock
        self.poll_seconds = poll_seconds
        self.fetch_concurrency = max(1, fetch_concurrency)
        self.feeds_in_flight = max(1, feeds_in_flight)
        self.max_items = max_items
        self.lease = lease

    # --- a round -----------------------------------------------------------------

    async def run_round(self) -> RoundStats:
        """Poll every feed due now; returns what was done.  Never raises for one feed."""
        started = self.clock()
        stats = RoundStats()
        pages = asyncio.Semaphore(self.fetch_concurrency)
        queue: deque[StoredFeed] = deque()
        claiming = asyncio.Lock()
        done = False

        async def next_feed() -> StoredFeed | None:
            nonlocal done
            async with claiming:
                if not queue and not done:
                    claimed = await self.storage.claim_due_feeds(
                        started, lease=self.lease, limit=self.feeds_in_flight * 4
                    )
                    done = not claimed
                    queue.extend(claimed)
                return queue.popleft() if queue else None

        writer = _Writer(self.storage, stats)

        active: set[int] = set()

        async def work() -> None:
            while (feed := await next_feed()) is not None:
                active.add(feed.id)
                writer.put(await self._poll(feed, pages, stats))
                active.discard(feed.id)

        writer.start()
        try:
            async with asyncio.TaskGroup() as group:
                for _ in range(self.feeds_in_flight):
                    group.create_task(work())
        finally:
            failing = await writer.close()
            unpolled = [f.id for f in queue] + sorted(active)
            if unpolled:  # cut short: let the next round have them at once
                await self.storage.release_feeds(unpolled)
        for feed_id in failing:
            await self._warn(feed_id, stats)
        if stats.feeds:
            log.info(
                "feed round: %d feeds (%d fetched, %d not modified, %d failed), %d new items, "
                "%d articles, %d pages read",
                stats.feeds,
                stats.fetched,
                stats.not_modified,
                stats.failed,
                stats.new_items,
                stats.articles,
                stats.pages,
            )
        return stats

    # --- one feed ----------------------------------------------------------------

    async def _poll(
        self, feed: StoredFeed, pages: asyncio.Semaphore, stats: RoundStats
    ) -> FeedPoll:
        stats.feeds += 1
        try:
            return await self._poll_feed(feed, pages, stats)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if isinstance(exc, FetchError | FeedError):
                log.info("feed %s failed: %s", for_log(feed.url), exc)
            else:
                log.exception("feed %s failed unexpectedly", for_log(feed.url))
            stats.failed += 1
            failures = feed.failures + 1
            retry_after = exc.retry_after if isinstance(exc, FetchError) else None
            wait = failure_wait(self.poll_seconds, failures, retry_after=retry_after)
            now = self.clock()
            return FeedFailed(
                feed.id, now, self._next(now, wait, feed.url, first=False), error_code(exc)
            )

    async def _poll_feed(
        self, feed: StoredFeed, pages: asyncio.Semaphore, stats: RoundStats
    ) -> FeedPoll:
        answer, parsed = await self.fetch(
            feed.url, etag=feed.etag, last_modified=feed.last_modified
        )
        feed_id = feed.id
        url = feed.url
        if answer.moved_to and answer.moved_to != feed.url:
            log.info("feed %s moved to %s", for_log(feed.url), for_log(answer.moved_to))
            feed_id = await self.storage.move_feed(feed.id, answer.moved_to)
            url = answer.moved_to
        now = self.clock()
        if answer.not_modified or parsed is None:
            stats.not_modified += 1
            wait = answer_wait(self.poll_seconds, max_age=answer.max_age)
            return FeedNotModified(feed_id, now, self._next(now, wait, url, first=False))
        stats.fetched += 1
        items = _unique(parsed.items)
        known = await self.storage.known_item_keys(feed_id, [i.key for i in items])
        unknown = [i for i in items if i.key not in known]
        first = not feed.primed
        candidates = first_fetch_items(unknown, now) if first else unknown
        take, left = candidates[: self.max_items], candidates[self.max_items :]
        digested = await asyncio.gather(*(self._digest(i, pages, stats) for i in take))
        new = tuple(d for d in digested if d is not None)
        waiting = {i.key for i in left} | {d.item.key for d in new}
        wait = answer_wait(self.poll_seconds, ttl=parsed.ttl_seconds, max_age=answer.max_age)
        return FeedFetched(
            feed_id,
            now,
            self._next(now, wait, url, first=first),
            # items left for later: no validators, so the next fetch is a full answer
            etag=None if left else answer.etag,
            last_modified=None if left else answer.last_modified,
            title=parsed.title,
            site_url=parsed.site_url,
            seen=tuple(_seen(i) for i in items if i.key not in waiting),
            new=new,
        )

    def _next(self, now: datetime, wait: float, url: str, *, first: bool) -> datetime:
        return next_poll(now, wait, url=url, poll_seconds=self.poll_seconds, first=first)

    # --- one item ------------------------------------------------------------------

    async def _digest(
        self, item: FeedItem, pages: asyncio.Semaphore, stats: RoundStats
    ) -> DigestedItem | None:
        """The item's text and digest, or None for an item with nothing to show.

        An item that cannot be digested at all is logged and counted as seen:
        one bad item must not fail its feed round after round.
        """
        found = await self._text(item, pages, stats)
        if found is None:
            return None
        text, title = found
        try:
            try:
                key, digest = await self.digester.digest_of(text, title=title)
            except UnsupportedInputError:
                if not item.title or text == item.title:
                    return None
                text = item.title
                key, digest = await self.digester.digest_of(text)
        except Exception:
            log.exception("feed item %s could not be digested", item.key[:80])
            return None
        return DigestedItem(_seen(item), text, key, digest)

    async def _text(
        self, item: FeedItem, pages: asyncio.Semaphore, stats: RoundStats
    ) -> tuple[str, str | None] | None:
        """Feed content if article-length, else the page, else summary/excerpt, else title."""
        content = (item.content or "").strip()
        if content and content_length(content) >= FULL_CONTENT_UNITS:
            return content, item.title
        if item.url:
            try:
                async with pages:
                    stats.pages += 1
                    page = await self.read_page(item.url)
                if page.text.strip():
                    return page.text, page.title or item.title
            except FetchError as exc:
                log.debug("item page %s not read: %s", for_log(item.url), exc)
            except Exception:
                log.exception("item page %s failed unexpectedly", for_log(item.url))
        excerpt = max(content, (item.summary or "").strip(), key=len)
        if excerpt:
            return excerpt, item.title
        if item.title and item.title.strip():
            return item.title.strip(), None
        return None

    # --- failing feeds -------------------------------------------------------------

    async def _warn(self, feed_id: int, stats: RoundStats) -> None:
        """Tell each following chat once that the feed is failing (in its language)."""
        feed = await self.storage.feed(feed_id)
        if feed is None:
            return
        for chat_id, language in await self.storage.chats_to_warn(feed_id):
            try:
                sent = await self.notifier(chat_id, language_for(language), feed)
            except Exception:
                log.exception("telling chat %s that feed %s fails failed", chat_id, feed_id)
                continue
            if sent:
                stats.warned += 1
                await self.storage.mark_warned(feed_id, chat_id)


class _Writer:
    """Writes outcomes in batches while the round goes on (one commit for many feeds)."""

    def __init__(self, storage: Storage, stats: RoundStats) -> None:
        self.storage = storage
        self.stats = stats
        self.pending: list[FeedPoll] = []
        self.failing: list[int] = []
        self._wake = asyncio.Event()
        self._closed = False
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="feed-writer")

    def put(self, poll: FeedPoll) -> None:
        self.pending.append(poll)
        self._wake.set()

    async def close(self) -> list[int]:
        """Write what is pending and stop; the feeds that became failing."""
        self._closed = True
        self._wake.set()
        if self._task is not None:
            await self._task
        return self.failing

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self.pending:
                batch, self.pending = self.pending[:WRITE_BATCH], self.pending[WRITE_BATCH:]
                try:
                    written = await self.storage.record_polls(batch)
                except Exception:  # their leases run out; they are polled again
                    log.exception("could not record %d feed polls", len(batch))
                    continue
                self.stats.new_items += written.items
                self.stats.articles += written.articles
                self.failing.extend(written.failing)
            if self._closed:
                return
