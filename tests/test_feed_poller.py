"""FeedPoller rounds with a manual clock, a fake fetcher, page reader and notifier,
and real SQLite storage: new items once (also across a restart), the first-fetch
flood guard, 304, one fetch for two chats, backoff and failing once, recovery,
permanent redirects, the per-round cap, concurrency bounds and polling intervals."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.feeds.backoff import MAX_WAIT, spread
from bot.feeds.jobs import FeedJobs, failing_notice, feed_fetcher
from bot.feeds.poller import FULL_CONTENT_UNITS, FeedPoller, RoundStats
from bot.links import LinkReader
from bot.messages import UiLanguage, stored_error_text
from bot.storage import Storage, StoredArticle, StoredFeed
from bot.summaries import Summaries
from reader.errors import FeedError, FetchError
from reader.feeds import Feed, FeedItem
from summarizer import Digest, Stats
from tests.fakes.clock import ManualClock
from tests.fakes.feed_server import FeedServer
from tests.fakes.feed_server import Item as ServedItem

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
POLL = 900
URL = "https://news.example/feed.xml"
LONG_BODY = "这是一篇足够长的文章正文。" * (FULL_CONTENT_UNITS // 10 + 5)


@dataclass
class Crowd:
    """Holds each caller until ``size`` are inside (or ``total`` have come); then, before
    letting that wave go, gives a caller past the bound loop turns to arrive.  ``peak`` is
    then the bound: reached (the wave filled) and not passed, with no real-time wait."""

    size: int = 0
    total: int = 0
    inside: int = 0
    came: int = 0
    peak: int = 0
    wave: asyncio.Event = field(default_factory=asyncio.Event)

    async def enter(self) -> None:
        self.came += 1
        self.inside += 1
        self.peak = max(self.peak, self.inside)
        if not self.size or self.inside >= self.size or self.came >= self.total:
            for _ in range(50):
                await asyncio.sleep(0)
            self.wave.set()
            self.wave = asyncio.Event()
            return
        wave = self.wave
        await asyncio.wait_for(wave.wait(), 10)

    def leave(self) -> None:
        self.inside -= 1


@dataclass(frozen=True)
class Answer:
    url: str
    moved_to: str | None = None
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None
    max_age: int | None = None


def item(n: int, *, hours_ago: float | None = 1.0, content: str | None = None) -> FeedItem:
    published = T0 - timedelta(hours=hours_ago) if hours_ago is not None else None
    return FeedItem(
        key=f"guid-{n}",
        url=f"https://news.example/a/{n}",
        title=f"第{n}条新闻",
        published=published,
        content=content if content is not None else f"{LONG_BODY}（第{n}篇）",
        summary=None,
    )


def feed_of(*items: FeedItem, title: str = "新闻源", ttl: int | None = None) -> Feed:
    return Feed(
        title=title, site_url="https://news.example/", items=items, ttl_seconds=ttl, kind="rss"
    )


@dataclass
class FakeFetcher:
    """Answers per URL: a Feed (200), "304", or an exception; records every request."""

    answers: dict[str, Feed | str | BaseException] = field(default_factory=dict)
    calls: list[tuple[str, str | None]] = field(default_factory=list)
    moved: dict[str, str] = field(default_factory=dict)
    max_age: int | None = None
    crowd: Crowd = field(default_factory=Crowd)

    async def __call__(
        self, url: str, *, etag: str | None, last_modified: str | None
    ) -> tuple[Answer, Feed | None]:
        self.calls.append((url, etag))
        await self.crowd.enter()
        self.crowd.leave()
        target = self.moved.get(url)
        answer = self.answers[target or url]
        if isinstance(answer, BaseException):
            raise answer
        final = target or url
        if answer == "304":
            return Answer(final, moved_to=target, not_modified=True, max_age=self.max_age), None
        assert isinstance(answer, Feed)
        return Answer(final, moved_to=target, etag='"e1"', max_age=self.max_age), answer


@dataclass
class Page:
    title: str | None
    text: str


@dataclass
class FakePages:
    texts: dict[str, str] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    crowd: Crowd = field(default_factory=Crowd)

    async def __call__(self, url: str) -> Page:
        self.calls.append(url)
        await self.crowd.enter()
        self.crowd.leave()
        if url not in self.texts:
            raise FetchError("http_status", "gone", detail="404")
        return Page("页面标题", self.texts[url])


@dataclass
class FakeNotifier:
    sent: list[tuple[int, str, int]] = field(default_factory=list)
    answer: bool = True

    async def __call__(self, chat_id: int, lang: UiLanguage, feed: StoredFeed) -> bool:
        self.sent.append((chat_id, lang, feed.id))
        return self.answer


def fake_summarize(text: str, title: str | None = None) -> Digest:
    return Digest(title, (text[:40],), (), (), "zh-Hans", Stats(len(text), 40, len(text), 40, 0.1))


@dataclass
class Rig:
    path: Path
    clock: ManualClock
    fetcher: FakeFetcher
    pages: FakePages
    notifier: FakeNotifier
    storage: Storage
    poller: FeedPoller

    def now(self) -> datetime:
        return T0 + timedelta(seconds=self.clock.time())

    async def round(self, after: float = 0) -> RoundStats:
        await self.clock.advance(after)
        return await self.poller.run_round()

    async def articles(self, chat_id: int) -> list[StoredArticle]:
        return await self.storage.recent_articles(chat_id, T0 - timedelta(days=30), limit=1000)

    async def feed(self, url: str = URL) -> StoredFeed:
        found = await self.storage.feed_by_url(url)
        assert found is not None
        return found

    async def restart(self) -> None:
        await self.storage.close()
        self.storage = await Storage.connect(self.path)
        self.poller = make_poller(self, fetch_concurrency=self.poller.fetch_concurrency)


def make_poller(rig: Rig, *, fetch_concurrency: int, feeds_in_flight: int = 24) -> FeedPoller:
    return FeedPoller(
        rig.storage,
        fetch=rig.fetcher,
        read_page=rig.pages,
        digester=Summaries(rig.storage, summarize_fn=fake_summarize),
        notifier=rig.notifier,
        clock=rig.now,
        poll_seconds=POLL,
        fetch_concurrency=fetch_concurrency,
        feeds_in_flight=feeds_in_flight,
    )


@pytest.fixture
async def rig(db_dir: Path) -> AsyncIterator[Rig]:
    path = db_dir / "bot.sqlite3"  # in RAM where there is a RAM disk: no fsync to wait for
    storage = await Storage.connect(path)
    r = Rig(path, ManualClock(), FakeFetcher(), FakePages(), FakeNotifier(), storage, None)  # type: ignore[arg-type]
    r.poller = make_poller(r, fetch_concurrency=3)
    yield r
    await r.storage.close()


async def follow(rig: Rig, *chats: int, url: str = URL) -> StoredFeed:
    feed = None
    for chat in chats:
        _, feed = await rig.storage.follow_feed(
            chat, url, title=None, site_url=None, limit=100, now=rig.now()
        )
    assert feed is not None
    return feed


async def test_new_items_once_also_across_a_restart(rig: Rig) -> None:
    await follow(rig, 1)
    rig.fetcher.answers[URL] = feed_of(item(1), item(2))
    stats = await rig.round()
    assert (stats.feeds, stats.new_items, stats.articles) == (1, 2, 2)
    urls = sorted(a.url or "" for a in await rig.articles(1))
    assert urls == ["https://news.example/a/1", "https://news.example/a/2"]
    assert {a.source for a in await rig.articles(1)} == {"feed"}
    # not due yet: nothing fetched
    assert (await rig.round(after=60)).feeds == 0
    rig.fetcher.answers[URL] = feed_of(item(3, hours_ago=0), item(1), item(2))
    await rig.round(after=2 * POLL)
    assert len(await rig.articles(1)) == 3
    await rig.restart()
    assert (await rig.round(after=2 * POLL)).new_items == 0
    assert len(await rig.articles(1)) == 3 and len(rig.fetcher.calls) == 3


async def test_first_fetch_delivers_only_the_last_day(rig: Rig) -> None:
    await follow(rig, 1)
    old = [item(n, hours_ago=30 + n) for n in range(10, 17)]
    rig.fetcher.answers[URL] = feed_of(item(1, hours_ago=2), item(2, hours_ago=23), *old)
    assert (await rig.round()).new_items == 2
    assert (await rig.feed()).etag is not None and (await rig.feed()).primed
    # later, one new item: only it; the old ones were recorded as seen
    rig.fetcher.answers[URL] = feed_of(item(3, hours_ago=0), item(1), *old)
    assert (await rig.round(after=2 * POLL)).new_items == 1
    assert len(await rig.articles(1)) == 3


async def test_first_fetch_of_an_undated_feed_takes_the_newest_five(rig: Rig) -> None:
    await follow(rig, 1)
    rig.fetcher.answers[URL] = feed_of(*(item(n, hours_ago=None) for n in range(8)))
    assert (await rig.round()).new_items == 5
    titles = sorted(a.digest.title or "" for a in await rig.articles(1))
    assert titles == sorted(f"第{n}条新闻" for n in range(5))


async def test_not_modified_costs_nothing_and_sends_the_validator(rig: Rig) -> None:
    await follow(rig, 1)
    rig.fetcher.answers[URL] = feed_of(item(1))
    await rig.round()
    rig.fetcher.answers[URL] = "304"
    stats = await rig.round(after=2 * POLL)
    assert (stats.not_modified, stats.new_items) == (1, 0)
    assert rig.fetcher.calls[-1] == (URL, '"e1"')
    stored = await rig.feed()
    assert stored.last_ok_at == rig.now() and stored.next_poll_at == rig.now() + timedelta(
        seconds=POLL
    )
    assert len(await rig.articles(1)) == 1


async def test_two_chats_one_fetch(rig: Rig) -> None:
    await follow(rig, 1, 2)
    rig.fetcher.answers[URL] = feed_of(item(1))
    await rig.round()
    assert rig.fetcher.calls == [(URL, None)]
    assert [len(await rig.articles(c)) for c in (1, 2, 3)] == [1, 1, 0]


async def test_backoff_failing_once_and_recovery(rig: Rig) -> None:
    await follow(rig, 1, 2)
    rig.fetcher.answers[URL] = FetchError("timeout", "slow")
    waits = []
    for _ in range(12):
        before = rig.now()
        await rig.round()
        feed = await rig.feed()
        waits.append((feed.next_poll_at - before).total_seconds())
        await rig.clock.advance((feed.next_poll_at - rig.now()).total_seconds())
    assert waits[:4] == [POLL, 2 * POLL, 4 * POLL, 8 * POLL]
    assert max(waits) == MAX_WAIT
    feed = await rig.feed()
    assert feed.failing and feed.failures == 12 and feed.last_error == "timeout"
    # each chat told once, however many failures followed
    assert sorted(c for c, _, _ in rig.notifier.sent) == [1, 2]
    rig.fetcher.answers[URL] = feed_of(item(1))
    await rig.round()
    healthy = await rig.feed()
    assert (healthy.failing, healthy.failures, healthy.last_error) == (False, 0, None)
    # failing again after recovering: told again
    rig.fetcher.answers[URL] = FeedError("not_feed", "html")
    for _ in range(12):
        await rig.clock.advance(((await rig.feed()).next_poll_at - rig.now()).total_seconds())
        await rig.round()
    assert len(rig.notifier.sent) == 4 and (await rig.feed()).last_error == "not_feed"


async def test_a_notice_that_could_not_be_sent_is_tried_again(rig: Rig) -> None:
    feed = await follow(rig, 1)
    await rig.storage.db.execute(
        "UPDATE feeds SET failing_since = ? WHERE id = ?", ("2026-02-27 08:00:00", feed.id)
    )
    rig.fetcher.answers[URL] = FetchError("network", "down")
    rig.notifier.answer = False
    await rig.round()
    rig.notifier.answer = True
    await rig.round(after=(await rig.feed()).next_poll_at.timestamp() - rig.now().timestamp())
    assert [c for c, _, _ in rig.notifier.sent] == [1, 1]
    await rig.round(after=MAX_WAIT)
    assert len(rig.notifier.sent) == 2


async def test_one_bad_feed_does_not_stop_the_others(rig: Rig) -> None:
    await follow(rig, 1)
    await follow(rig, 1, url="https://broken.example/rss")
    rig.fetcher.answers[URL] = feed_of(item(1))
    rig.fetcher.answers["https://broken.example/rss"] = RuntimeError("bug")
    stats = await rig.round()
    assert (stats.failed, stats.new_items) == (1, 1)
    broken = await rig.feed("https://broken.example/rss")
    assert broken.failures == 1 and broken.last_error == "internal"


async def test_permanent_redirect_updates_the_url_and_merges(rig: Rig) -> None:
    new_url = "https://news.example/new.xml"
    await follow(rig, 1)
    rig.fetcher.moved[URL] = new_url
    rig.fetcher.answers[new_url] = feed_of(item(1))
    await rig.round()
    assert await rig.storage.feed_by_url(URL) is None
    assert (await rig.feed(new_url)).primed
    # a chat following the old URL of a feed another row already has: one feed, one follow
    old_two = "https://news.example/old2.xml"
    await follow(rig, 2, url=old_two)
    rig.fetcher.moved[old_two] = new_url
    await rig.storage.db.execute("UPDATE feeds SET next_poll_at = ?", ("2026-03-02 00:00:00",))
    await rig.storage.db.execute(
        "UPDATE feeds SET next_poll_at = ? WHERE url = ?", ("2026-03-01 08:00:00", old_two)
    )
    await rig.round()
    assert await rig.storage.feed_by_url(old_two) is None
    assert await rig.storage.feed_followers((await rig.feed(new_url)).id) == [1, 2]


async def test_at_most_fifty_items_per_round_the_rest_next_round(rig: Rig) -> None:
    await follow(rig, 1)
    rig.fetcher.answers[URL] = feed_of(item(0))
    await rig.round()
    burst = [item(n, hours_ago=0) for n in range(1, 121)]
    rig.fetcher.answers[URL] = feed_of(*burst, item(0))
    counts = []
    for _ in range(3):
        await rig.clock.advance(((await rig.feed()).next_poll_at - rig.now()).total_seconds())
        counts.append((await rig.round()).new_items)
    assert counts == [50, 50, 20]
    # items were left over: the next fetch asked for everything, not "if none match"
    assert [etag for _, etag in rig.fetcher.calls[1:]] == ['"e1"', None, None]
    assert len(await rig.articles(1)) == 121


async def test_concurrency_is_bounded(rig: Rig) -> None:
    rig.poller = make_poller(rig, fetch_concurrency=3, feeds_in_flight=8)
    for n in range(40):
        url = f"https://f{n}.example/rss"
        await follow(rig, 1, url=url)
        # excerpts only: each item's page is read
        rig.fetcher.answers[url] = feed_of(
            *(item(100 * n + k, content="短摘要") for k in range(5)), title=f"F{n}"
        )
    rig.pages.texts = {
        u: LONG_BODY + u for u in (f"https://news.example/a/{n}" for n in range(4000))
    }
    rig.fetcher.crowd = Crowd(size=8, total=40)
    rig.pages.crowd = Crowd(size=3, total=200)
    stats = await rig.round()
    assert stats.feeds == 40 and stats.pages == 200 and stats.new_items == 200
    assert rig.fetcher.crowd.peak == 8 and rig.pages.crowd.peak == 3


async def test_item_text_page_then_summary_then_title(rig: Rig) -> None:
    await follow(rig, 1)
    full = item(1)
    from_page = FeedItem("k2", "https://news.example/p2", "有页面", T0, "短", None)
    from_summary = FeedItem("k3", "https://news.example/dead", "页面打不开", T0, None, "一段摘要")
    title_only = FeedItem("k4", None, "只有标题", T0, None, None)
    nothing = FeedItem("k5", None, None, T0, None, None)
    rig.pages.texts["https://news.example/p2"] = "页面正文" * 80
    rig.fetcher.answers[URL] = feed_of(full, from_page, from_summary, title_only, nothing)
    assert (await rig.round()).new_items == 4
    texts = {a.url: a for a in await rig.articles(1)}
    assert texts[full.url].digest.sentences[0].startswith("这是一篇")
    assert texts["https://news.example/p2"].digest.title == "页面标题"
    assert texts["https://news.example/dead"].digest.sentences == ("一段摘要",)
    assert texts[None].digest.sentences == ("只有标题",)
    assert rig.pages.calls == ["https://news.example/p2", "https://news.example/dead"]


async def test_intervals_ttl_max_age_retry_after_and_spread(rig: Rig) -> None:
    await follow(rig, 1)
    rig.fetcher.answers[URL] = feed_of(item(1), ttl=3600)
    await rig.round()
    first = (await rig.feed()).next_poll_at - rig.now()
    # the first poll lands at the URL's own offset within the interval
    assert first.total_seconds() == pytest.approx(3600 + spread(URL, POLL), abs=1)
    await rig.clock.advance(first.total_seconds())
    rig.fetcher.answers[URL] = feed_of(item(1), ttl=60)
    rig.fetcher.max_age = 7200
    await rig.round()
    assert ((await rig.feed()).next_poll_at - rig.now()).total_seconds() == 7200
    await rig.clock.advance(7200)
    rig.fetcher.max_age = 10 * 86_400
    await rig.round()
    assert ((await rig.feed()).next_poll_at - rig.now()).total_seconds() == MAX_WAIT
    await rig.clock.advance(MAX_WAIT)
    rig.fetcher.answers[URL] = FetchError("http_status", "busy", detail="429", retry_after=5000)
    await rig.round()
    stored = await rig.feed()
    assert (stored.next_poll_at - rig.now()).total_seconds() == 5000
    assert stored.last_error == "http_status:429"


async def test_feeds_added_together_are_spread_over_the_interval(rig: Rig) -> None:
    urls = [f"https://f{n}.example/rss" for n in range(50)]
    for url in urls:
        await follow(rig, 1, url=url)
        rig.fetcher.answers[url] = feed_of(item(1))
    await rig.round()
    offsets = sorted(
        [((await rig.feed(u)).next_poll_at - rig.now()).total_seconds() - POLL for u in urls]
    )
    assert offsets[0] >= 0 and offsets[-1] < POLL
    # spread, not bunched: at least 8 of 10 equal slices of the interval are used
    assert len({int(o // (POLL / 10)) for o in offsets}) >= 8


# --- the JobQueue adapter ------------------------------------------------------------


class GatedPoller(FeedPoller):
    """A poller whose rounds wait for the test (no storage, no feeds)."""

    def __init__(self) -> None:
        self.poll_seconds = 1
        self.gate = asyncio.Event()
        self.started = 0

    async def run_round(self) -> RoundStats:
        self.started += 1
        await self.gate.wait()
        return RoundStats(feeds=self.started)


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def test_rounds_never_overlap_and_a_kick_during_one_runs_another() -> None:
    poller = GatedPoller()
    jobs = FeedJobs(poller)
    assert jobs.tick == 1
    jobs.kick()
    await settle()
    jobs.kick()
    jobs.kick()
    await settle()
    assert poller.started == 1 and jobs.running
    poller.gate.set()
    await settle()
    assert poller.started == 2 and jobs.rounds == 2 and not jobs.running
    assert jobs.last == RoundStats(feeds=2)


async def test_stop_cancels_a_round_in_progress() -> None:
    poller = GatedPoller()
    jobs = FeedJobs(poller, tick=3)
    jobs.kick()
    await settle()
    await jobs.stop()
    assert not jobs.running and jobs.rounds == 0


def test_failing_notice_names_the_feed_escaped_with_the_reason() -> None:
    feed = StoredFeed(
        id=1, url="https://x.example/rss?a=1&b=2", title="<b>坏</b> & co", site_url=None,
        etag=None, last_modified=None, next_poll_at=T0, primed=True, last_ok_at=None,
        last_error="http_status:404", failures=9, failing_since=T0, failing=True, created_at=T0,
    )  # fmt: skip
    for lang in ("zh-Hans", "zh-Hant", "en"):
        notice = failing_notice(feed, lang)
        assert "&lt;b&gt;坏&lt;/b&gt; &amp; co" in notice and "a=1&amp;b=2" in notice
        assert notice.endswith(stored_error_text("http_status:404", lang))
    untitled = failing_notice(dataclasses.replace(feed, title=None), "en")
    assert "<b>x.example</b>" in untitled


# --- with the real fetcher, against feeds on 127.0.0.1 --------------------------------


async def test_a_real_feed_then_a_304(rig: Rig) -> None:
    links = LinkReader(allow_private=True)
    await links.open()
    try:
        with FeedServer() as server:
            body = "<p>" + "这是本地测试服务器上的一篇长文章。" * 30 + "</p>"
            posted = T0 - timedelta(hours=1)
            server.feed("/f.xml", "本地源", [ServedItem("g1", "第一条", "/a/1", posted, body)])
            rig.poller = FeedPoller(
                rig.storage,
                fetch=feed_fetcher(lambda: links.client, allow_private=True),
                read_page=links.read,
                digester=Summaries(rig.storage, summarize_fn=fake_summarize),
                notifier=rig.notifier,
                clock=rig.now,
                poll_seconds=POLL,
            )
            await follow(rig, 1, url=server.url("/f.xml"))
            first = await rig.round()
            assert (first.fetched, first.new_items, first.pages) == (1, 1, 0)
            second = await rig.round(after=2 * POLL)
            assert (second.not_modified, second.new_items) == (1, 0)
            last = server.answered("/f.xml")[-1]
            assert last.status == 304 and last.if_none_match == '"v1"'
            (article,) = await rig.articles(1)
            assert article.url == server.url("/a/1") and article.digest.title == "第一条"
    finally:
        await links.close()


async def test_an_item_that_cannot_be_digested_is_skipped_not_the_feed(rig: Rig) -> None:
    def picky(text: str, title: str | None = None) -> Digest:
        if "（第2篇）" in text:
            raise RuntimeError("summarizer bug")
        return fake_summarize(text, title)

    rig.poller.digester = Summaries(rig.storage, summarize_fn=picky)
    await follow(rig, 1)
    rig.fetcher.answers[URL] = feed_of(item(1), item(2), item(3))
    stats = await rig.round()
    assert (stats.failed, stats.new_items) == (0, 2)
    assert (await rig.feed()).failures == 0
    # counted as seen: not tried again next round
    assert (await rig.round(after=2 * POLL)).new_items == 0
