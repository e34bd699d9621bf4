"""``/feed``'s domain against real SQLite and feeds on 127.0.0.1; the digest line's feed name.

:class:`~bot.feeds.following.FeedFollowing` fetches through the guarded
client like the bot does (private addresses allowed, as in the e2e tests),
so these tests prove what is stored, what is refused with which reason, and
that nothing is fetched that need not be (the feed server counts requests).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from bot.errors import CommandError
from bot.feeds.following import FeedFollowing, ImportLine, ImportReport, normalize_url
from bot.handlers.feeds import report_text
from bot.messages import MESSAGES, error_text, stored_error_text
from bot.render_daily import render_daily
from bot.storage import Storage
from reader.errors import FeedError, FetchError
from reader.guard import make_client
from reader.opml import OpmlFeed, parse_opml, write_opml
from summarizer import summarize
from summarizer.compose import DailyItem, compose
from tests.fakes.feed_server import FeedServer, Item, article_text
from tests.fakes.telegram_html import parse_html

CHAT, OTHER = 101, 202
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def items(prefix: str, n: int) -> list[Item]:
    out = []
    for i in range(n):
        title, body = article_text(len(prefix), i)
        out.append(Item(f"{prefix}-{i}", title, f"https://news.example/{prefix}/{i}", NOW, body))
    return out


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        server.feed("/tech.xml", "Tech Daily", items("tech", 3))
        server.feed("/biz.atom", "商业观察", items("biz", 2), kind="atom")
        server.feed("/j.json", "JSON News", items("json", 4), kind="json")
        server.discovery_page("/blog", "/biz.atom", title="A blog")
        server.page("/plain", "<!doctype html><html><head><title>x</title></head><body>hi</body>")
        yield server


@pytest.fixture
async def storage(db_dir: Path) -> AsyncIterator[Storage]:
    store = await Storage.connect(db_dir / "feeds.sqlite3")
    try:
        yield store
    finally:
        await store.close()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(allow_private=True) as c:
        yield c


@pytest.fixture
def following(storage: Storage, client: httpx.AsyncClient) -> FeedFollowing:
    return FeedFollowing(storage, client=lambda: client, max_per_chat=3, allow_private=True)


async def test_add_fetches_names_counts_and_stores_the_feed(
    following: FeedFollowing, feeds: FeedServer, storage: Storage
) -> None:
    added = await following.add(CHAT, feeds.url("/tech.xml"))
    assert (added.result, added.title, added.items) == ("added", "Tech Daily", 3)
    [followed] = await storage.chat_feeds(CHAT)
    assert followed.feed.url == feeds.url("/tech.xml") and followed.feed.title == "Tech Daily"
    assert not followed.feed.primed  # the poller records its items, not /feed add
    json_feed = await following.add(CHAT, feeds.url("/j.json"))
    assert (json_feed.title, json_feed.items) == ("JSON News", 4)


async def test_a_page_that_announces_a_feed_follows_the_feed(
    following: FeedFollowing, feeds: FeedServer, storage: Storage
) -> None:
    added = await following.add(CHAT, feeds.url("/blog"))
    assert added.feed.url == feeds.url("/biz.atom")  # the feed, not the page
    assert (added.title, added.items) == ("商业观察", 2)
    assert [f.feed.url for f in await storage.chat_feeds(CHAT)] == [feeds.url("/biz.atom")]


async def test_not_a_feed_is_refused_and_nothing_is_stored(
    following: FeedFollowing, feeds: FeedServer, storage: Storage
) -> None:
    with pytest.raises(FeedError) as page:
        await following.add(CHAT, feeds.url("/plain"))
    assert page.value.reason == "no_feed"
    with pytest.raises(FetchError) as missing:
        await following.add(CHAT, feeds.url("/gone.xml"))
    assert missing.value.reason == "http_status"
    assert await storage.chat_feeds(CHAT) == []
    assert await storage.feed_by_url(feeds.url("/plain")) is None


async def test_already_followed_says_so_without_fetching_again(
    following: FeedFollowing, feeds: FeedServer
) -> None:
    await following.add(CHAT, feeds.url("/tech.xml"))
    fetched = feeds.count("/tech.xml")
    again = await following.add(CHAT, feeds.url("/tech.xml"))
    assert again.result == "exists" and again.title == "Tech Daily"
    assert feeds.count("/tech.xml") == fetched
    # another chat follows the same stored feed: one row, two follows
    other = await following.add(OTHER, feeds.url("/tech.xml"))
    assert other.result == "added" and other.feed.id == again.feed.id


async def test_the_limit_refuses_the_next_feed(
    following: FeedFollowing, feeds: FeedServer, storage: Storage
) -> None:
    for path in ("/tech.xml", "/biz.atom", "/j.json"):
        await following.add(CHAT, feeds.url(path))
    feeds.feed("/fourth.xml", "Fourth", items("fourth", 1))
    with pytest.raises(CommandError) as full:
        await following.add(CHAT, feeds.url("/fourth.xml"))
    assert full.value.reason == "feed_too_many" and full.value.values == {"max": 3}
    assert len(await storage.chat_feeds(CHAT)) == 3
    assert await storage.feed_by_url(feeds.url("/fourth.xml")) is None


def test_typed_addresses_are_normalized_or_refused() -> None:
    assert normalize_url("36kr.com/feed") == "https://36kr.com/feed"
    assert normalize_url(" <https://example.com/rss> ") == "https://example.com/rss"
    for bad in ("", "two words", "http://"):
        with pytest.raises(CommandError) as refused:
            normalize_url(bad)
        assert refused.value.reason == "feed_bad_url"
    with pytest.raises(FetchError) as scheme:
        normalize_url("ftp://example.com/feed")
    assert scheme.value.reason == "bad_scheme"
    with pytest.raises(FetchError) as private:
        normalize_url("http://127.0.0.1/feed")
    assert private.value.reason == "blocked_address"


async def test_remove_by_number_or_url_and_a_feed_nobody_follows_goes(
    following: FeedFollowing, feeds: FeedServer, storage: Storage
) -> None:
    for path in ("/tech.xml", "/biz.atom", "/j.json"):
        await following.add(CHAT, feeds.url(path))
    await following.add(OTHER, feeds.url("/biz.atom"))
    removed = await following.remove(CHAT, "2")
    assert removed.url == feeds.url("/biz.atom")
    assert await storage.feed_by_url(feeds.url("/biz.atom")) is not None  # OTHER follows it
    assert (await following.remove(CHAT, feeds.url("/j.json"))).title == "JSON News"
    assert await storage.feed_by_url(feeds.url("/j.json")) is None  # nobody follows it now
    assert [f.feed.title for f in await following.feeds(CHAT)] == ["Tech Daily"]
    for missing in ("2", "0", feeds.url("/j.json"), "whatever"):
        with pytest.raises(CommandError) as none:
            await following.remove(CHAT, missing)
        assert none.value.reason == "feed_not_found"


async def test_export_lists_the_chats_feeds_in_order(
    following: FeedFollowing, feeds: FeedServer
) -> None:
    body, count = await following.export(CHAT, title="empty")
    assert count == 0 and parse_opml(body) == []
    for path in ("/j.json", "/tech.xml"):
        await following.add(CHAT, feeds.url(path))
    body, count = await following.export(CHAT, title="Desk <feeds>")
    assert count == 2
    assert parse_opml(body) == [
        OpmlFeed(feeds.url("/j.json"), "JSON News"),
        OpmlFeed(feeds.url("/tech.xml"), "Tech Daily"),
    ]


async def test_import_reports_added_already_there_and_failed_with_reasons(
    storage: Storage, client: httpx.AsyncClient, feeds: FeedServer
) -> None:
    following = FeedFollowing(storage, client=lambda: client, max_per_chat=10, allow_private=True)
    await following.add(CHAT, feeds.url("/tech.xml"))
    await following.add(OTHER, feeds.url("/j.json"))  # stored for another chat already
    fetched = (feeds.count("/tech.xml"), feeds.count("/j.json"))
    opml = write_opml(
        [
            OpmlFeed(feeds.url("/tech.xml"), "Tech"),
            OpmlFeed(feeds.url("/blog"), "Blog"),
            OpmlFeed(feeds.url("/missing.xml"), "Missing"),
            OpmlFeed(feeds.url("/plain"), None),
            OpmlFeed(feeds.url("/j.json"), "JSON"),
        ],
        title="mine",
    )
    report = await following.import_opml(CHAT, opml)
    assert [(line.title, line.result) for line in report.lines] == [
        ("Tech Daily", "exists"),
        ("商业观察", "added"),
        ("Missing", "failed"),
        (feeds.url("/plain"), "failed"),  # no title: the OPML names it by its URL
        ("JSON News", "added"),
    ]
    reasons = [getattr(line.error, "reason", None) for line in report.failed]
    assert reasons == ["http_status", "no_feed"]
    # followed already, or stored for another chat: not fetched again
    assert (feeds.count("/tech.xml"), feeds.count("/j.json")) == fetched
    listed = {f.feed.url for f in await storage.chat_feeds(CHAT)}
    assert listed == {feeds.url(p) for p in ("/tech.xml", "/biz.atom", "/j.json")}


async def test_import_past_the_limit_fails_the_tail_and_bad_files_are_refused(
    following: FeedFollowing, feeds: FeedServer, storage: Storage
) -> None:
    for path in ("/a", "/b", "/c", "/d"):
        feeds.feed(path + ".xml", f"Feed {path}", items(path, 1))
    opml = write_opml(
        [OpmlFeed(feeds.url(p + ".xml"), None) for p in "/a /b /c /d".split()], title="x"
    )
    report = await following.import_opml(CHAT, opml)
    assert [line.result for line in report.lines] == ["added", "added", "added", "failed"]
    error = report.failed[0].error
    assert isinstance(error, CommandError) and error.reason == "feed_too_many"
    assert len(await storage.chat_feeds(CHAT)) == 3
    with pytest.raises(FeedError) as not_opml:
        await following.import_opml(CHAT, b"<html><body>not a list</body></html>")
    assert not_opml.value.reason == "not_opml"


def test_the_import_report_is_one_valid_message_however_many_failed() -> None:
    hostile = "<script>alert(1)</script>" * 20
    lines = [
        ImportLine(f"https://x.example/{i}", hostile, "failed", FetchError("timeout", "t"))
        for i in range(1000)
    ]
    lines.append(ImportLine("https://ok.example/", "OK", "added"))
    for lang in ("en", "zh-Hans", "zh-Hant"):
        report = report_text(ImportReport(tuple(lines)), lang)
        plain = parse_html(report)  # Telegram would parse it
        assert len(plain.encode("utf-16-le")) // 2 <= 4096
        assert "<script>" in plain  # shown as text, never markup
        assert MESSAGES["fetch_timeout"][lang] in plain
    en = report_text(ImportReport(tuple(lines)), "en")
    assert en.startswith("<b>OPML import</b>: 1 added, 0 already here, 1000 failed.")
    assert "more failed" in en


def test_stored_errors_are_worded_like_raised_ones() -> None:
    assert stored_error_text("timeout", "en") == MESSAGES["fetch_timeout"]["en"]
    assert "HTTP 404" in stored_error_text("http_status:404", "zh-Hans")
    assert stored_error_text("no_feed", "zh-Hant") == MESSAGES["feed_no_feed"]["zh-Hant"]
    assert stored_error_text("something new", "en") == MESSAGES["feed_unknown_error"]["en"]
    assert stored_error_text(None, "en") == MESSAGES["feed_unknown_error"]["en"]
    for reason in ("not_feed", "unreadable", "no_feed", "not_opml"):
        worded = error_text(FeedError(reason, "x"), "en")
        assert worded == MESSAGES[f"feed_{reason}"]["en"]


def test_a_digest_line_names_its_feed_escaped_after_the_gist() -> None:
    title, body = article_text(3, 1, zh=False)
    text = title + "\n" + body.replace("<p>", "").replace("</p>", "\n")
    hostile = '<script>alert("x")</script> & Co'
    feed_item = DailyItem(
        "000000000001", summarize(text), text, NOW, link="https://n.example/1", origin=hostile
    )
    title2, body2 = article_text(4, 2, zh=True)
    text2 = title2 + "\n" + body2.replace("<p>", "").replace("</p>", "\n")
    shared = DailyItem("000000000002", summarize(text2), text2, NOW - timedelta(hours=1))
    [part] = render_daily(compose([feed_item, shared]), NOW.date(), "en")
    plain = parse_html(part)
    feed_line = next(line for line in plain.splitlines() if "alert" in line)
    assert feed_line.endswith(f" · {hostile}")
    assert '<a href="https://n.example/1">' in part and "&lt;script&gt;" in part
    other_line = next(line for line in plain.splitlines() if "星河" in line)
    assert " · " not in other_line  # a shared article names no feed


async def test_the_roll_up_reads_only_what_members_shared(storage: Storage) -> None:
    title, body = article_text(5, 5, zh=False)
    text = title + "\n" + body
    for i, source in enumerate(("feed", "group")):
        await storage.add_article(
            chat_id=CHAT,
            message_id=None if source == "feed" else 7,
            text_hash=f"h{i}",
            text=text + str(i),
            digest=summarize(text),
            source=source,
            created_at=NOW,
            origin="Tech Daily" if source == "feed" else None,
        )
    everything = await storage.recent_articles_with_text(CHAT, NOW - timedelta(hours=1))
    assert sorted(a.source for a, _ in everything) == ["feed", "group"]
    assert {a.origin for a, _ in everything} == {"Tech Daily", None}
    shared = await storage.recent_articles_with_text(
        CHAT, NOW - timedelta(hours=1), shared_only=True
    )
    assert [a.source for a, _ in shared] == ["group"]


async def test_a_long_feed_list_is_split_into_valid_messages() -> None:
    """100 feeds with long hostile titles and URLs: every part parses and fits."""
    from types import SimpleNamespace
    from zoneinfo import ZoneInfo

    from bot.handlers.feeds import list_parts
    from bot.storage.feeds import ChatFeed, StoredFeed

    def stored(i: int) -> ChatFeed:
        feed = StoredFeed(
            id=i, url=f"https://feeds.example/{'x' * 400}/{i}", title="<b>&amp;</b>" * 40,
            site_url=None, etag=None, last_modified=None, next_poll_at=NOW, primed=True,
            last_ok_at=NOW if i % 3 else None, last_error="http_status:500" if i % 5 == 0 else None,
            failures=0, failing_since=NOW if i % 7 == 0 else None, failing=i % 7 == 0,
            created_at=NOW,
        )  # fmt: skip
        return ChatFeed(feed, NOW)

    feeds = [stored(i) for i in range(1, 101)]

    async def chat_feeds(chat_id: int) -> list[ChatFeed]:
        return feeds

    async def timezone(chat_id: int) -> ZoneInfo:
        return ZoneInfo("Asia/Taipei")

    svc = SimpleNamespace(
        feeds=SimpleNamespace(feeds=chat_feeds),
        daily=SimpleNamespace(digests=SimpleNamespace(timezone=timezone)),
        settings=SimpleNamespace(feed_max_per_chat=100),
    )
    parts = await list_parts(svc, CHAT, "zh-Hant")  # type: ignore[arg-type]
    assert len(parts) > 1
    shown = [parse_html(part) for part in parts]
    assert all(len(p.encode("utf-16-le")) // 2 <= 4096 for p in shown)
    text = "\n".join(shown)
    assert all(f"\n{i}. <b>&amp;</b>" in "\n" + text for i in range(1, 101))  # as text
    assert "2026年12月1日 20:00" in text  # last read, in the chat's zone
    assert "從 2026年12月1日 20:00 起一直讀取失敗" in text and "HTTP 500" in text
