"""Storage for feeds: follows, the follow limit, unfollow and /forget, polling records."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.storage import Storage, StoredFeed
from bot.storage.feed_polls import (
    DigestedItem,
    FeedFailed,
    FeedFetched,
    FeedNotModified,
    SeenItem,
)
from summarizer import Digest, Stats

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
URL = "https://news.example/feed.xml"


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Storage]:
    s = await Storage.connect(tmp_path / "bot.sqlite3")
    yield s
    await s.close()


async def test_follow_stores_one_feed_per_url_due_at_once(store: Storage) -> None:
    result, feed = await store.follow_feed(1, URL, title="新闻", site_url=None, limit=5, now=T0)
    assert result == "added" and feed is not None
    assert (feed.url, feed.title, feed.next_poll_at, feed.primed) == (URL, "新闻", T0, False)
    assert (feed.failures, feed.failing, feed.last_ok_at, feed.created_at) == (0, False, None, T0)
    again, same = await store.follow_feed(1, URL, title="x", site_url=None, limit=5, now=T0)
    assert again == "exists" and same is not None and same.id == feed.id
    other, shared = await store.follow_feed(2, URL, title=None, site_url=None, limit=5, now=T0)
    assert other == "added" and shared is not None and shared.id == feed.id
    assert shared.title == "新闻"  # a known feed keeps its title
    assert await store.feed_followers(feed.id) == [1, 2]
    found = await store.feed_by_url(URL)
    assert found == shared and await store.feed_by_url(URL + "?x") is None


async def test_follow_limit_is_checked_with_the_insert(store: Storage) -> None:
    async def follow(n: int) -> str:
        result, _ = await store.follow_feed(
            7, f"https://f{n}.example/rss", title=None, site_url=None, limit=3, now=T0
        )
        return result

    results = await asyncio.gather(*(follow(n) for n in range(6)))
    assert sorted(results) == ["added"] * 3 + ["full"] * 3
    assert len(await store.chat_feeds(7)) == 3
    full, none = await store.follow_feed(7, URL, title=None, site_url=None, limit=3, now=T0)
    assert (full, none) == ("full", None) and await store.feed_by_url(URL) is None
    # one the chat already follows is "exists", not "full"
    first = (await store.chat_feeds(7))[0].feed
    assert (await store.follow_feed(7, first.url, title=None, site_url=None, limit=3))[0] == (
        "exists"
    )


async def test_chat_feeds_in_follow_order(store: Storage) -> None:
    for n, minutes in ((1, 5), (2, 0), (3, 5)):
        await store.follow_feed(
            1,
            f"https://f{n}.example/rss",
            title=f"F{n}",
            site_url=None,
            limit=10,
            now=T0 + timedelta(minutes=minutes),
        )
    listed = await store.chat_feeds(1)
    assert [c.feed.title for c in listed] == ["F2", "F1", "F3"]
    later = T0 + timedelta(minutes=5)
    assert [c.added_at for c in listed] == [T0, later, later]
    assert await store.chat_feeds(2) == []


async def test_unfollow_drops_a_feed_nobody_follows(store: Storage) -> None:
    _, feed = await store.follow_feed(1, URL, title=None, site_url=None, limit=5, now=T0)
    await store.follow_feed(2, URL, title=None, site_url=None, limit=5, now=T0)
    assert feed is not None
    assert await store.unfollow_feed(1, feed.id)
    assert not await store.unfollow_feed(1, feed.id)
    assert await store.feed(feed.id) is not None  # chat 2 still follows it
    assert await store.unfollow_feed(2, feed.id)
    assert await store.feed(feed.id) is None and await store.feed_by_url(URL) is None


async def test_forget_drops_follows_and_orphaned_feeds(store: Storage) -> None:
    _, shared = await store.follow_feed(1, URL, title=None, site_url=None, limit=5, now=T0)
    _, own = await store.follow_feed(
        1, "https://own.example/atom", title=None, site_url=None, limit=5, now=T0
    )
    await store.follow_feed(2, URL, title=None, site_url=None, limit=5, now=T0)
    assert shared is not None and own is not None
    await store.forget_chat(1)
    assert await store.chat_feeds(1) == []
    assert await store.feed(own.id) is None
    assert await store.feed(shared.id) is not None
    assert await store.feed_followers(shared.id) == [2]


# --- polling records -------------------------------------------------------------

DIGEST = Digest("标题", ("第一句。",), (), ("DingTalk",), "zh-Hans", Stats(100, 10, 90, 8, 0.3))


def digested(key: str, text: str | None = None) -> DigestedItem:
    body = text or f"正文 {key}"
    return DigestedItem(
        SeenItem(key, f"https://news.example/{key}", key), body, f"h-{body}", DIGEST
    )


async def followed(store: Storage, *chats: int, url: str = URL) -> StoredFeed:
    feed = None
    for chat in chats:
        _, feed = await store.follow_feed(chat, url, title="源", site_url=None, limit=9, now=T0)
    assert feed is not None
    return feed


def fetched(
    feed: StoredFeed, *new: DigestedItem, seen: tuple[str, ...] = (), at: datetime = T0
) -> FeedFetched:
    return FeedFetched(
        feed.id,
        at,
        at + timedelta(minutes=15),
        etag='"v1"',
        title="新闻源",
        seen=tuple(SeenItem(k) for k in seen),
        new=new,
    )


async def test_claim_leases_due_feeds_once(store: Storage) -> None:
    feed = await followed(store, 1)
    await followed(store, 1, url="https://later.example/rss")
    await store.db.execute(
        "UPDATE feeds SET next_poll_at = ? WHERE url = ?",
        ("2026-03-01 09:00:00", "https://later.example/rss"),
    )
    lease = timedelta(minutes=15)
    assert [f.id for f in await store.claim_due_feeds(T0, lease=lease, limit=10)] == [feed.id]
    assert await store.claim_due_feeds(T0, lease=lease, limit=10) == []  # leased
    # a lease that ran out (its poller died) is claimed again
    later = T0 + timedelta(minutes=16)
    assert [f.id for f in await store.claim_due_feeds(later, lease=lease, limit=10)] == [feed.id]
    await store.release_feeds([feed.id])
    assert len(await store.claim_due_feeds(later, lease=lease, limit=1)) == 1


async def test_fan_out_one_article_per_following_chat_once(store: Storage) -> None:
    feed = await followed(store, 1, 2)
    written = await store.record_polls([fetched(feed, digested("a"), seen=("old",))])
    assert (written.items, written.articles) == (1, 2)
    for chat in (1, 2):
        (article,) = await store.recent_articles(chat, T0 - timedelta(hours=1))
        assert (article.source, article.url, article.message_id) == (
            "feed",
            "https://news.example/a",
            None,
        )
        origin = await store.db.fetchone("SELECT origin FROM articles WHERE id = ?", (article.id,))
        assert origin == ("新闻源",)
    assert await store.known_item_keys(feed.id, ["a", "old", "new"]) == {"a", "old"}
    again = await store.record_polls([fetched(feed, digested("a"))])
    assert (again.items, again.articles) == (0, 0)
    stored = await store.feed(feed.id)
    assert stored is not None and stored.primed and stored.etag == '"v1"'
    assert stored.title == "新闻源"  # the feed's own, latest title
    assert stored.last_ok_at == T0 and stored.next_poll_at == T0 + timedelta(minutes=15)


async def test_same_story_twice_is_one_article(store: Storage) -> None:
    feed = await followed(store, 1)
    other = await followed(store, 1, url="https://other.example/rss")
    await store.record_polls([fetched(feed, digested("a", "同一篇"))])
    written = await store.record_polls([fetched(other, digested("b", "同一篇"))])
    assert (written.items, written.articles) == (1, 0)
    assert len(await store.recent_articles(1, T0 - timedelta(hours=1))) == 1


async def test_failures_count_and_failing_after_a_day(store: Storage) -> None:
    feed = await followed(store, 1, 2)
    for hours in (0, 12):
        at = T0 + timedelta(hours=hours)
        written = await store.record_polls([FeedFailed(feed.id, at, at, "timeout")])
        assert written.failing == []
    at = T0 + timedelta(hours=24)
    written = await store.record_polls([FeedFailed(feed.id, at, at, "http_status:503")])
    assert written.failing == [feed.id]
    stored = await store.feed(feed.id)
    assert stored is not None
    assert (stored.failures, stored.failing, stored.failing_since) == (3, True, T0)
    assert stored.last_error == "http_status:503"
    assert await store.chats_to_warn(feed.id) == [(1, None), (2, None)]
    await store.mark_warned(feed.id, 1)
    assert await store.chats_to_warn(feed.id) == [(2, None)]
    await store.record_polls([FeedNotModified(feed.id, at, at)])
    recovered = await store.feed(feed.id)
    assert recovered is not None
    assert (recovered.failures, recovered.failing, recovered.last_error) == (0, False, None)
    assert await store.chats_to_warn(feed.id) == []
    await store.db.execute("UPDATE feeds SET failing = 1 WHERE id = ?", (feed.id,))
    assert await store.chats_to_warn(feed.id) == [(1, None), (2, None)]  # told again


async def test_move_merges_into_the_feed_at_the_new_url(store: Storage) -> None:
    old = await followed(store, 1, 2)
    new_url = "https://news.example/new.xml"
    target = await followed(store, 2, 3, url=new_url)
    await store.record_polls([fetched(old, digested("a"))])
    assert await store.move_feed(old.id, new_url) == target.id
    assert await store.feed(old.id) is None
    assert await store.feed_followers(target.id) == [1, 2, 3]
    assert await store.known_item_keys(target.id, ["a"]) == {"a"}
    lone = await followed(store, 4, url="https://lone.example/rss")
    assert await store.move_feed(lone.id, "https://lone.example/feed") == lone.id
    moved = await store.feed(lone.id)
    assert moved is not None and moved.url == "https://lone.example/feed"


async def test_late_follower_gets_the_last_day(store: Storage) -> None:
    feed = await followed(store, 1)
    await store.record_polls([fetched(feed, digested("old"), at=T0 - timedelta(hours=30))])
    await store.record_polls([fetched(feed, digested("fresh"), at=T0 - timedelta(hours=2))])
    result, _ = await store.follow_feed(5, URL, title=None, site_url=None, limit=9, now=T0)
    assert result == "added"
    (copy,) = await store.recent_articles(5, T0 - timedelta(days=3))
    assert copy.url == "https://news.example/fresh" and copy.source == "feed"
    assert copy.created_at == T0  # reaches the chat's next digest


async def test_retention_prunes_old_keys_but_not_what_the_feed_shows(store: Storage) -> None:
    feed = await followed(store, 1)
    month_ago = T0 - timedelta(days=40)
    await store.record_polls([fetched(feed, seen=("gone", "still"), at=month_ago)])
    await store.record_polls([fetched(feed, seen=("still",), at=month_ago + timedelta(hours=1))])
    await store.purge_before(T0 - timedelta(days=30))
    # "still" was in the feed's latest answer (a month of 304s since): it stays
    assert await store.known_item_keys(feed.id, ["gone", "still"]) == {"still"}
