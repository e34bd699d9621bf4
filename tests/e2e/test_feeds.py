"""News feeds end to end: /feed against the fake Bot API, feeds from a local server.

The real application polls feeds served by
:class:`tests.fakes.feed_server.FeedServer` on 127.0.0.1, which records every
request.  A test moves the bot's clock past the feeds' next poll and runs a
round itself (:func:`next_round`, through :meth:`bot.feeds.jobs.FeedJobs.run_now`),
so it waits for no poll interval and knows what each round did; between two
such rounds the tick (every 5 s, feeds polled every minute) finds nothing
due.  One test keeps the real tick: ``FEED_POLL_SECONDS=1`` on the real
clock, every round found by the JobQueue alone.  Every other wait is on a
condition with a deadline (a request the server saw, a row the bot stored, a
message the fake Bot API got); that something did *not* happen is shown after
a later event that would have revealed it (the next round's 304), never after
a sleep.
"""

from __future__ import annotations

import asyncio
import html
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest

from bot.feeds.poller import RoundStats
from bot.storage import StoredFeed
from reader.opml import OpmlFeed, parse_opml, write_opml
from tests.e2e.conftest import WAIT, Harness, Starter
from tests.fakes.builders import command, document
from tests.fakes.feed_server import FeedServer, Item, article_text
from tests.fakes.moved_clock import MovedClock
from tests.fakes.telegram_html import parse_html

USER, OTHER = 5151, 5252
GROUP, ADMIN, MEMBER = -1005151, 71, 72
OLD = datetime.now(UTC) - timedelta(days=3)  # before the first fetch's 24-hour window
T = TypeVar("T")

# On PostgreSQL too: the tests of what the feeds' tables hold (adding, refusing, importing,
# who may change them, a shared fetch, a restart mid-round).  The others test rounds,
# rendering and failure reports, which the engine does not touch.
both_engines = pytest.mark.both_engines

#: Feeds on 127.0.0.1, polled every minute: far longer than a test, so rounds come when
#: a test runs them, or when a feed is added (its first fetch is due at once).
FEED_SETTINGS: dict[str, Any] = {"feed_poll_seconds": 60, "fetch_allow_private_networks": True}
#: The real tick on the real clock: a feed is polled every second or two by itself.
TICKING: dict[str, Any] = {**FEED_SETTINGS, "feed_poll_seconds": 1}
#: Past any feed's next poll: the interval, plus on the first poll after priming the
#: feed's spread within it (less than another interval).  Minutes, not hours: the digest
#: is dated by the bot's clock (in Asia/Shanghai), so a test crosses midnight rarely.
ROUND = timedelta(seconds=2 * 60 + 1)


@pytest.fixture
def clock() -> MovedClock:
    return MovedClock()


async def next_round(h: Harness, clock: MovedClock, by: timedelta = ROUND) -> RoundStats:
    """Move the bot's clock on by ``by`` and run a round now; what it did.

    A round running (a tick's, a kick's) is finished first, before the clock moves, so the
    feeds due after the move are this round's alone.
    """
    jobs = h.services.feed_jobs
    await jobs.run_now()
    clock.move(by)
    stats = await jobs.run_now()
    assert stats is not None, "the round failed as a whole (see the log)"
    return stats


def story(feed: int, number: int, *, published: datetime | None = None, **fields: Any) -> Item:
    """An article-length item (the feed's own content is the text: no page to fetch)."""
    title, body = article_text(feed, number)
    return Item(
        guid=f"f{feed}-{number}",
        title=fields.pop("title", title),
        link=fields.pop("link", f"https://news.example/{feed}/{number}"),
        published=published or datetime.now(UTC),
        content=body,
        **fields,
    )


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        server.feed("/tech.xml", "Tech Daily", [story(1, 0, published=OLD)])
        server.feed("/biz.atom", "商业观察", [story(2, 0, published=OLD)], kind="atom")
        server.discovery_page("/blog", "/biz.atom", title="A business blog")
        server.page("/plain", "<!doctype html><title>x</title><body><p>no feed here</p></body>")
        yield server


async def ask(h: Harness, chat_id: int, text: str, **fields: Any) -> str:
    """Send a command; the bot's (single) answer as the reader sees it (HTML parsed)."""
    before = len(h.fake.sent(chat_id))
    h.fake.send(chat_id, **fields, **command(text))
    update_id = h.fake.last_update_id
    sent = await h.fake.wait_sent(chat_id, before + 1)
    # this update handled to the end (not h.settled(): after a restart, the updates the
    # first run handled are not this run's)
    await h.fake.wait_for(lambda: update_id in h.tracker.done, what=f"update {update_id}")
    return parse_html(sent[-1].text)


async def until(probe: Callable[[], Awaitable[T | None]], what: str, timeout: float = WAIT) -> T:
    """Await ``probe`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        found = await probe()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.02)


async def primed(h: Harness, url: str) -> StoredFeed:
    """The feed once the poller has fetched it for the first time."""
    return await stored_state(h, url, lambda feed: feed.primed)


async def stored_state(h: Harness, url: str, test: Callable[[StoredFeed], bool]) -> StoredFeed:
    """The stored feed once ``test`` holds for it (what the poller last wrote)."""

    async def probe() -> StoredFeed | None:
        feed = await h.services.storage.feed_by_url(url)
        return feed if feed is not None and test(feed) else None

    return await until(probe, f"the stored state of {url}")


async def feed_articles(h: Harness, chat_id: int, count: int) -> list[str]:
    """The chat's feed articles' texts once there are ``count`` of them."""

    async def probe() -> list[str] | None:
        since = datetime.now(UTC) - timedelta(days=7)
        rows = await h.services.storage.recent_articles_with_text(chat_id, since)
        found = [body for article, body in rows if article.source == "feed"]
        return found if len(found) >= count else None

    return await until(probe, f"{count} feed article(s) in chat {chat_id}")


@both_engines
async def test_add_by_url_and_by_autodiscovery_then_list(start: Starter, feeds: FeedServer) -> None:
    async with start(**FEED_SETTINGS) as h:
        added = await ask(h, USER, f"/feed add {feeds.url('/tech.xml')}")
        assert "Now following Tech Daily (1 items in the feed now)" in added
        assert "/subscribe 08:30" in added  # no digest here yet: says how to get one
        await ask(h, USER, "/subscribe 08:00 UTC")
        found = await ask(h, USER, f"/feed add {feeds.url('/blog')}", language_code="zh-hans")
        assert "已关注 商业观察" in found and feeds.url("/biz.atom") in found
        assert "每日摘要" in found and "/subscribe 08:30" not in found
        again = await ask(h, USER, f"/feed {feeds.url('/tech.xml')}")
        assert again == "This chat already follows Tech Daily."
        await primed(h, feeds.url("/tech.xml"))
        await primed(h, feeds.url("/biz.atom"))
        listing = await ask(h, USER, "/feed")
        assert listing.startswith("Feeds followed here (2/100)")
        assert f"1. Tech Daily\n{feeds.url('/tech.xml')}\nlast read " in listing
        assert f"2. 商业观察\n{feeds.url('/biz.atom')}\nlast read " in listing


@both_engines
async def test_what_is_not_a_feed_is_refused_and_nothing_is_stored(
    start: Starter, feeds: FeedServer
) -> None:
    async with start(**FEED_SETTINGS) as h:
        page = await ask(h, USER, f"/feed add {feeds.url('/plain')}")
        assert page == "That page is not a feed and announces none."
        gone = await ask(h, USER, f"/feed add {feeds.url('/nothing.xml')}", language_code="zh-hant")
        assert "HTTP 404" in gone
        assert "isn't a valid link" in await ask(h, USER, "/feed add two words")
        assert "Usage: /feed add URL" in await ask(h, USER, "/feed frobnicate")
        assert await h.services.storage.chat_feeds(USER) == []
        assert await ask(h, USER, "/feed list") == (
            "This chat follows no feeds. Add one with /feed add URL."
        )


async def test_a_new_item_reaches_the_digest_after_the_next_round_and_only_once(
    start: Starter, feeds: FeedServer, clock: MovedClock
) -> None:
    async with start(clock=clock, **FEED_SETTINGS) as h:
        await ask(h, USER, f"/feed add {feeds.url('/tech.xml')}")
        await primed(h, feeds.url("/tech.xml"))
        stats = await next_round(h, clock)  # conditional from now on, and nothing new
        assert (stats.feeds, stats.not_modified, stats.new_items) == (1, 1, 0)
        assert feeds.count("/tech.xml", 304) == 1
        assert await ask(h, USER, "/digest") == "No new articles since the last digest."

        fresh = story(1, 1)
        feeds.add_items("/tech.xml", fresh)
        stats = await next_round(h, clock)
        assert (stats.fetched, stats.new_items, stats.articles) == (1, 1, 1)
        [text] = await feed_articles(h, USER, 1)
        assert "Northwind 1 Group" in text or "星河1号科技" in text
        preview = await ask(h, USER, "/digest")
        assert "1 articles, 1 stories" in preview
        assert f"{fresh.title[:20]}" in preview and " · Tech Daily" in preview
        digest_html = h.fake.sent(USER)[-1].params["text"]
        assert f'<a href="{fresh.link}">' in digest_html

        for _ in range(2):  # the next rounds: 304, no change
            stats = await next_round(h, clock)
            assert (stats.not_modified, stats.new_items) == (1, 0)
        assert feeds.count("/tech.xml", 304) == 3
        assert len(await feed_articles(h, USER, 1)) == 1
        again = await ask(h, USER, "/digest")  # the same, but for its date (the clock moved)
        assert again.splitlines()[1:] == preview.splitlines()[1:]
        assert again.startswith("Daily digest · ") and "1 articles, 1 stories" in again


@both_engines
async def test_two_chats_following_one_feed_share_one_fetch(
    start: Starter, feeds: FeedServer, clock: MovedClock
) -> None:
    async with start(clock=clock, **FEED_SETTINGS) as h:
        await ask(h, USER, f"/feed add {feeds.url('/tech.xml')}")
        await ask(h, OTHER, f"/feed add {feeds.url('/tech.xml')}")
        primed_feed = await primed(h, feeds.url("/tech.xml"))
        assert (await next_round(h, clock)).not_modified == 1
        full_answers = feeds.count("/tech.xml", 200)
        feeds.add_items("/tech.xml", story(1, 2))
        stats = await next_round(h, clock)
        assert (stats.feeds, stats.fetched, stats.new_items) == (1, 1, 1)
        await feed_articles(h, USER, 1)
        await feed_articles(h, OTHER, 1)
        assert (await next_round(h, clock)).not_modified == 1
        assert feeds.count("/tech.xml", 200) == full_answers + 1  # one fetch for both chats
        assert len(await h.services.storage.feed_followers(primed_feed.id)) == 2
        # each digest carries it once
        for chat in (USER, OTHER):
            assert "1 articles, 1 stories" in await ask(h, chat, "/digest")


@both_engines
async def test_restart_in_the_middle_repeats_nothing(
    start: Starter, feeds: FeedServer, clock: MovedClock
) -> None:
    async with start(clock=clock, **FEED_SETTINGS) as first:
        await ask(first, USER, f"/feed add {feeds.url('/tech.xml')}")
        await primed(first, feeds.url("/tech.xml"))
        feeds.add_items("/tech.xml", story(1, 3))
        assert (await next_round(first, clock)).new_items == 1
        await feed_articles(first, USER, 1)
        # the next round's fetch hangs: the bot stops in the middle of it
        feeds.add_items("/tech.xml", story(1, 4))
        arrived = feeds.hold("/tech.xml")
        await first.services.feed_jobs.run_now()  # (nothing left running)
        clock.move(ROUND)
        first.services.feed_jobs.kick()
        await first.fake.wait_for(arrived.is_set, what="a round in flight")
    feeds.release("/tech.xml")
    feeds.add_items("/tech.xml", story(1, 5))  # and one more while the bot is down
    async with start(clock=clock, **FEED_SETTINGS) as second:
        # the start-up tick takes the feed the stopped round gave back
        texts = await feed_articles(second, USER, 3)
        stats = await next_round(second, clock)
        assert (stats.not_modified, stats.new_items) == (1, 0)
        assert len(await feed_articles(second, USER, 3)) == 3 == len(texts)
        preview = await ask(second, USER, "/digest")
        assert "3 articles, " in preview  # (generated stories in one script may merge)


async def test_a_failing_feed_is_reported_once_and_recovers(
    start: Starter, feeds: FeedServer, clock: MovedClock
) -> None:
    async with start(clock=clock, **FEED_SETTINGS) as h:
        await ask(h, USER, f"/feed add {feeds.url('/tech.xml')}")
        await primed(h, feeds.url("/tech.xml"))
        feeds.fail("/tech.xml", 503)
        assert (await next_round(h, clock)).failed == 1
        await stored_state(h, feeds.url("/tech.xml"), lambda f: f.last_error is not None)
        listing = await ask(h, USER, "/feed list")
        assert "the last read failed: The site answered with an error (HTTP 503)" in listing

        def notices() -> list[str]:
            return [c.text for c in h.fake.sent(USER) if "has failed to load for a day" in c.text]

        # a day of failures later (the clock jumps; backoff waits pass with it)
        stats = await next_round(h, clock, timedelta(hours=25))
        assert (stats.failed, stats.warned) == (1, 1)
        [notice] = notices()  # sent within the round
        assert "<b>Tech Daily</b>" in notice and "Why: The site answered" in notice
        stats = await next_round(h, clock, timedelta(hours=35))  # more failures: no second notice
        assert (stats.failed, stats.warned) == (1, 0)
        assert "failing since" in await ask(h, USER, "/feed list")
        feeds.heal("/tech.xml")
        stats = await next_round(h, clock, timedelta(hours=60))
        assert (stats.feeds, stats.failed) == (1, 0)
        await stored_state(h, feeds.url("/tech.xml"), lambda f: not f.failing and not f.last_error)
        listing = await ask(h, USER, "/feed list")
        assert "last read" in listing and "fail" not in listing
        assert len(notices()) == 1  # told once, though it failed for days


async def test_titles_holding_markup_are_shown_as_text(
    start: Starter, feeds: FeedServer, clock: MovedClock
) -> None:
    hostile = '<script>alert("x")</script> & <b>News</b>'
    # a feed title is HTML (its tags are stripped): one that *shows* markup is escaped in
    # the feed, and reaches the bot as these characters
    feeds.feed("/evil.xml", html.escape(hostile), [story(3, 0, published=OLD)])
    async with start(clock=clock, **FEED_SETTINGS) as h:
        added = await ask(h, USER, f"/feed add {feeds.url('/evil.xml')}")
        assert f"Now following {hostile}" in added
        raw = h.fake.sent(USER)[-1].params["text"]
        assert "&lt;script&gt;" in raw and "<script>" not in raw
        await primed(h, feeds.url("/evil.xml"))
        assert hostile in await ask(h, USER, "/feed list")
        item_title = html.escape("<img src=x onerror=alert(1)> 标题")
        feeds.add_items("/evil.xml", story(3, 1, title=item_title))
        assert (await next_round(h, clock)).new_items == 1
        await feed_articles(h, USER, 1)
        preview = await ask(h, USER, "/digest")
        assert hostile[:30] in preview  # the line names the feed (clipped), as text
        # (the fake Bot API rejects malformed HTML: the fixture fails the test on any 400)


async def test_one_chats_feed_never_reaches_another_chats_digest(
    start: Starter, feeds: FeedServer
) -> None:
    # the one test on the real tick: no round here is run by the test
    async with start(**TICKING) as h:
        await ask(h, USER, f"/feed add {feeds.url('/tech.xml')}")
        await ask(h, OTHER, f"/feed add {feeds.url('/biz.atom')}")
        await primed(h, feeds.url("/tech.xml"))
        await primed(h, feeds.url("/biz.atom"))
        feeds.add_items("/tech.xml", story(1, 5))
        feeds.add_items("/biz.atom", story(2, 5))
        await feed_articles(h, USER, 1)
        # (found by a tick's round: a feed is due a second or more after it was primed,
        # and nothing but the JobQueue starts a round here)
        await feed_articles(h, OTHER, 1)
        mine, theirs = await ask(h, USER, "/digest"), await ask(h, OTHER, "/digest")
        assert "Tech Daily" in mine and "商业观察" not in mine
        assert "商业观察" in theirs and "Tech Daily" not in theirs


@both_engines
async def test_opml_import_in_private_and_export(start: Starter, feeds: FeedServer) -> None:
    opml = write_opml(
        [
            OpmlFeed(feeds.url("/tech.xml"), "Tech"),
            OpmlFeed(feeds.url("/blog"), "Blog"),
            OpmlFeed(feeds.url("/missing.xml"), "Missing feed"),
        ],
        title="export",
    )
    async with start(**FEED_SETTINGS) as h:
        h.fake.add_file("opml-1", opml, "documents/feeds.opml")
        before = len(h.fake.sent(USER))
        h.fake.send(USER, **document("opml-1", "feeds.opml", "text/x-opml", len(opml)))
        [report] = (await h.fake.wait_sent(USER, before + 1))[before:]
        shown = parse_html(report.text)
        assert shown.startswith("OPML import: 2 added, 0 already here, 1 failed.")
        assert "• Missing feed: The site answered with an error (HTTP 404)" in shown
        h.fake.send(USER, **command("/feed export"))
        await h.fake.wait_for(lambda: h.fake.calls("sendDocument"), what="the export")
        [sent] = h.fake.calls("sendDocument")
        assert sent.ok and sent.params["caption"] == "2 feeds (OPML)"
        assert parse_opml(sent.params["document"]) == [
            OpmlFeed(feeds.url("/tech.xml"), "Tech Daily"),
            OpmlFeed(feeds.url("/biz.atom"), "商业观察"),
        ]


@both_engines
async def test_in_a_group_only_admins_change_feeds(start: Starter, feeds: FeedServer) -> None:
    start.fake.chat(GROUP, "supergroup", title="Desk")
    start.fake.set_member_status(GROUP, ADMIN, "administrator")
    opml = write_opml([OpmlFeed(feeds.url("/tech.xml"), None)], title="x")
    async with start(**FEED_SETTINGS) as h:
        h.fake.add_file("opml-g", opml, "documents/g.opml")
        shared = h.fake.send(GROUP, user_id=MEMBER, **document("opml-g", "g.opml"))
        await h.settled()
        assert h.fake.sent(GROUP) == []  # a file in a group is nobody's command
        for text in (f"/feed add {feeds.url('/tech.xml')}", "/feed remove 1", "/feed export"):
            assert await ask(h, GROUP, text, user_id=MEMBER) == (
                "Only the group's admins can change this."
            )
        refused = await ask(h, GROUP, "/feed import", user_id=MEMBER, reply_to_message=shared)
        assert refused == "Only the group's admins can change this."
        assert await h.services.storage.chat_feeds(GROUP) == []
        usage = await ask(h, GROUP, "/feed import", user_id=ADMIN)
        assert "reply to it with /feed import" in usage
        report = await ask(h, GROUP, "/feed import", user_id=ADMIN, reply_to_message=shared)
        assert report.startswith("OPML import: 1 added")
        assert "1. Tech Daily" in await ask(h, GROUP, "/feed", user_id=MEMBER)  # anyone looks
        removed = await ask(h, GROUP, "/feed remove 1", user_id=ADMIN)
        assert removed == "Stopped following Tech Daily."
        assert await h.services.storage.feed_by_url(feeds.url("/tech.xml")) is None


async def test_the_group_roll_up_leaves_feeds_out_and_forget_drops_them(
    start: Starter, feeds: FeedServer, clock: MovedClock
) -> None:
    start.fake.chat(GROUP, "supergroup", title="Desk")
    start.fake.set_member_status(GROUP, ADMIN, "administrator")
    async with start(clock=clock, **FEED_SETTINGS) as h:
        await ask(h, GROUP, f"/feed add {feeds.url('/tech.xml')}", user_id=ADMIN)
        await primed(h, feeds.url("/tech.xml"))
        feeds.add_items("/tech.xml", story(1, 6))
        assert (await next_round(h, clock)).new_items == 1
        await feed_articles(h, GROUP, 1)
        assert "Tech Daily" in await ask(h, GROUP, "/digest", user_id=MEMBER)
        # /summary alone sums up what members shared: nothing yet
        roll_up = await ask(h, GROUP, "/summary", user_id=MEMBER)
        assert "in the last 24 hours" in roll_up and "Tech Daily" not in roll_up
        assert not roll_up.startswith("Shared here")  # the usage answer, not a roll-up
        await ask(h, GROUP, "/forget", user_id=ADMIN)
        question = h.fake.sent(GROUP)[-1]
        h.fake.press(question.response["result"], "forget:yes", user_id=ADMIN)
        await h.fake.wait_for(lambda: h.fake.calls("editMessageText"), what="forgotten")
        assert await h.services.storage.chat_feeds(GROUP) == []
        assert await h.services.storage.feed_by_url(feeds.url("/tech.xml")) is None
