"""fetch_feed_body / read_feed against an HTTP server on 127.0.0.1 that records requests."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import reader.feedfetch as feedfetch
from reader.errors import FeedError, FetchError
from reader.feedfetch import MAX_FEED_BYTES, fetch_feed_body, read_feed
from reader.guard import make_client
from tests.fakes.http_server import HttpServer, redirect, response
from tests.fakes.network import FakeInternet

RSS = (
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Pier News</title>'
    b"<link>/</link><ttl>30</ttl><item><title>Ferry timetable changes</title><link>/n/1</link>"
    b"<guid>pier-1</guid></item><item><title>New ticket office</title><link>/n/2</link></item>"
    b"</channel></rss>"
)
RSS_TYPE = ("Content-Type", "application/rss+xml")
PAGE = (
    b'<!doctype html><html><head><title>Pier</title><link rel="alternate" '
    b'type="application/rss+xml" href="/feed.xml"></head><body>Hi</body></html>'
)
GB_RSS = (
    '<rss version="2.0"><channel><title>码头新闻</title>'
    "<item><title>渡轮时刻表调整</title></item></channel></rss>"
).encode("gb2312")
JSON_FEED = (
    b'{"version": "https://jsonfeed.org/version/1.1", "title": "Pier JSON", '
    b'"items": [{"id": "j1", "url": "/j/1", "title": "From JSON"}]}'
)


def _routes() -> dict[str, Any]:
    feed_headers = [
        RSS_TYPE,
        ("ETag", '"v2"'),
        ("Last-Modified", "Tue, 01 Dec 2026 08:00:00 GMT"),
        ("Cache-Control", "public, max-age=600"),
    ]
    return {
        "/feed.xml": response(RSS, headers=feed_headers),
        "/same": response(status="304 Not Modified", headers=[("ETag", '"v2"')]),
        "/perm1": redirect("/perm2", "301 Moved Permanently"),
        "/perm2": redirect("/feed.xml", "308 Permanent Redirect"),
        "/temp": redirect("/feed.xml", "302 Found"),
        "/mixed": redirect("/temp", "301 Moved Permanently"),
        "/loop-a": redirect("/loop-b", "301 Moved Permanently"),
        "/loop-b": redirect("/loop-a", "301 Moved Permanently"),
        "/busy": response(
            b"slow down", status="429 Too Many Requests", headers=[("Retry-After", "120")]
        ),
        "/down": response(
            b"maintenance",
            status="503 Service Unavailable",
            headers=[
                ("Date", "Tue, 01 Dec 2026 08:00:00 GMT"),
                ("Retry-After", "Tue, 01 Dec 2026 08:01:30 GMT"),
            ],
        ),
        "/gone": response(b"gone", status="410 Gone"),
        "/big": response(b"<rss>" + b" " * (MAX_FEED_BYTES + 10), headers=[RSS_TYPE]),
        "/page.html": response(PAGE),
        "/nolinks.html": response(b"<!doctype html><html><head></head><body>x</body></html>"),
        "/image": response(b"\x89PNG....", headers=[("Content-Type", "image/png")]),
        "/octet": response(RSS, headers=[("Content-Type", "application/octet-stream")]),
        "/gb": response(GB_RSS, headers=[("Content-Type", "application/rss+xml; charset=gb2312")]),
        "/feed.json": response(JSON_FEED, headers=[("Content-Type", "application/feed+json")]),
        "/not-xml": response(b"<?xml version='1.0'?><nofeed><<<", headers=[RSS_TYPE]),
    }


@pytest.fixture
def server() -> Iterator[HttpServer]:
    with HttpServer(_routes()) as s:
        yield s


@pytest.fixture
async def client() -> Any:
    async with make_client(allow_private=True) as c:
        yield c


async def test_feed_answer_carries_validators_and_max_age(
    server: HttpServer, client: httpx.AsyncClient
) -> None:
    answer = await fetch_feed_body(server.url("/feed.xml"), client=client, allow_private=True)
    assert answer.url == server.url("/feed.xml")
    assert answer.body == RSS and not answer.not_modified and answer.moved_to is None
    assert answer.content_type == "application/rss+xml"
    assert (answer.etag, answer.last_modified) == ('"v2"', "Tue, 01 Dec 2026 08:00:00 GMT")
    assert answer.max_age == 600
    accept = server.requests[-1].headers["accept"]
    assert "application/rss+xml" in accept and "application/feed+json" in accept


async def test_conditional_headers_are_sent_and_304_is_not_modified(
    server: HttpServer, client: httpx.AsyncClient
) -> None:
    answer, feed = await read_feed(
        server.url("/same"),
        etag='"v2"',
        last_modified="Tue, 01 Dec 2026 08:00:00 GMT",
        client=client,
        allow_private=True,
    )
    sent = server.requests[-1].headers
    assert sent["if-none-match"] == '"v2"'
    assert sent["if-modified-since"] == "Tue, 01 Dec 2026 08:00:00 GMT"
    assert answer.not_modified and answer.body == b"" and feed is None
    assert answer.etag == '"v2"'


async def test_no_validators_no_conditional_headers(
    server: HttpServer, client: httpx.AsyncClient
) -> None:
    await fetch_feed_body(server.url("/feed.xml"), client=client, allow_private=True)
    sent = server.requests[-1].headers
    assert "if-none-match" not in sent and "if-modified-since" not in sent


@pytest.mark.parametrize(
    ("path", "moved"),
    [("/perm1", True), ("/temp", False), ("/mixed", False), ("/feed.xml", False)],
)
async def test_moved_to_only_when_every_hop_is_permanent(
    server: HttpServer, client: httpx.AsyncClient, path: str, moved: bool
) -> None:
    answer = await fetch_feed_body(server.url(path), client=client, allow_private=True)
    assert answer.url == server.url("/feed.xml")
    assert answer.moved_to == (server.url("/feed.xml") if moved else None)


async def test_redirect_loop_is_refused(server: HttpServer, client: httpx.AsyncClient) -> None:
    with pytest.raises(FetchError) as caught:
        await fetch_feed_body(server.url("/loop-a"), client=client, allow_private=True)
    assert caught.value.reason == "too_many_redirects"
    # a URL may come back once (a redirect that sets a cookie); the third visit is refused
    assert server.hits == ["/loop-a", "/loop-b", "/loop-a", "/loop-b"]


@pytest.mark.parametrize(
    ("path", "status", "retry"),
    [("/busy", "429", 120.0), ("/down", "503", 90.0), ("/gone", "410", None)],
)
async def test_http_errors_carry_retry_after(
    server: HttpServer, client: httpx.AsyncClient, path: str, status: str, retry: float | None
) -> None:
    with pytest.raises(FetchError) as caught:
        await fetch_feed_body(server.url(path), client=client, allow_private=True)
    assert (caught.value.reason, caught.value.detail) == ("http_status", status)
    assert caught.value.retry_after == retry


async def test_size_cap(server: HttpServer, client: httpx.AsyncClient) -> None:
    with pytest.raises(FetchError) as caught:
        await fetch_feed_body(server.url("/big"), client=client, allow_private=True)
    assert caught.value.reason == "too_large"


async def test_not_a_feed_type_is_refused_before_reading(
    server: HttpServer, client: httpx.AsyncClient
) -> None:
    with pytest.raises(FetchError) as caught:
        await read_feed(server.url("/image"), client=client, allow_private=True)
    assert (caught.value.reason, caught.value.detail) == ("unsupported_type", "image/png")


async def test_private_address_refused_unless_allowed(server: HttpServer) -> None:
    with pytest.raises(FetchError) as caught:
        await read_feed(server.url("/feed.xml"))
    assert caught.value.reason == "blocked_address"
    assert server.hits == []
    _, feed = await read_feed(server.url("/feed.xml"), allow_private=True)
    assert feed is not None and feed.title == "Pier News"


async def test_public_name_through_the_guard(server: HttpServer) -> None:
    internet = FakeInternet()
    async with make_client(network=internet.network) as guarded:
        url = f"http://news.test:{server.port}/feed.xml"
        answer, feed = await read_feed(url, client=guarded)
    assert answer.url == url and feed is not None
    assert feed.items[0].url == f"http://news.test:{server.port}/n/1"


async def test_read_feed_parses_off_the_event_loop(
    server: HttpServer, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[int] = []
    real = feedfetch.parse_feed

    def spy(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.get_ident())
        return real(*args, **kwargs)

    monkeypatch.setattr(feedfetch, "parse_feed", spy)
    _, feed = await read_feed(server.url("/feed.xml"), client=client, allow_private=True)
    assert feed is not None and feed.ttl_seconds == 1800
    assert [i.key for i in feed.items] == ["pier-1", server.url("/n/2")]
    assert threads and threads[0] != threading.get_ident()


async def test_autodiscovery_follows_the_announced_feed(
    server: HttpServer, client: httpx.AsyncClient
) -> None:
    answer, feed = await read_feed(server.url("/page.html"), client=client, allow_private=True)
    assert server.hits == ["/page.html", "/feed.xml"]
    assert answer.url == server.url("/feed.xml")
    assert feed is not None and feed.title == "Pier News"


async def test_page_without_feed_and_discovery_off(
    server: HttpServer, client: httpx.AsyncClient
) -> None:
    with pytest.raises(FeedError) as caught:
        await read_feed(server.url("/nolinks.html"), client=client, allow_private=True)
    assert caught.value.reason == "no_feed"
    with pytest.raises(FeedError) as off:
        await read_feed(server.url("/page.html"), client=client, allow_private=True, discover=False)
    assert off.value.reason == "not_feed"
    assert server.served("/feed.xml") == 0


@pytest.mark.parametrize(
    ("path", "title"),
    [("/octet", "Pier News"), ("/gb", "码头新闻"), ("/feed.json", "Pier JSON")],
)
async def test_types_and_header_charsets(
    server: HttpServer, client: httpx.AsyncClient, path: str, title: str
) -> None:
    _, feed = await read_feed(server.url(path), client=client, allow_private=True)
    assert feed is not None and feed.title == title


async def test_unreadable_feed_is_a_feed_error(
    server: HttpServer, client: httpx.AsyncClient
) -> None:
    with pytest.raises(FeedError) as caught:
        await read_feed(server.url("/not-xml"), client=client, allow_private=True)
    assert caught.value.reason == "unreadable"


async def test_mock_transport_timeout_is_a_fetch_error() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("no answer", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(slow)) as mock:
        with pytest.raises(FetchError) as caught:
            await fetch_feed_body("https://feeds.example/rss", client=mock)
    assert caught.value.reason == "timeout"
