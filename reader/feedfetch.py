"""Fetching feeds: conditional GETs through the guarded fetcher, and feeds found by autodiscovery.

A feed is polled every few minutes for as long as a chat follows it, so:

- the request carries ``If-None-Match`` / ``If-Modified-Since`` from the last
  answer, and a ``304`` comes back as ``not_modified`` with no body;
- what the server says about when to come back is handed to the poller:
  ``Cache-Control: max-age``, and ``Retry-After`` on ``429``/``503`` (seconds
  or an HTTP date, as :attr:`FetchError.retry_after`);
- a redirect chain of ``301``/``308`` only is reported as ``moved_to`` so the
  stored URL can follow it; one temporary hop keeps the old URL;
- everything else (SSRF guard, decoded-size cap, redirect limit and loops,
  one deadline) is :func:`reader.fetch.guarded_get`, the link fetcher's own
  download, never feedparser's HTTP.

:func:`read_feed` also parses, off the event loop, and follows an HTML page
to the first feed it announces.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from reader.errors import FeedError, FetchError
from reader.feeds import Feed, discover_feeds, parse_feed
from reader.fetch import MAX_REDIRECTS, Answer, guarded_get
from reader.guard import DEFAULT_TIMEOUT, HEADERS, check_url, for_log

__all__ = [
    "FEED_ACCEPT",
    "FEED_CONTENT_TYPES",
    "MAX_FEED_BYTES",
    "MAX_WAIT_SECONDS",
    "FeedAnswer",
    "fetch_feed_body",
    "read_feed",
]

log = logging.getLogger(__name__)

#: Largest feed read, counted decoded.  Busy feeds with full content are ~1 MB.
MAX_FEED_BYTES = 5 * 1024 * 1024
#: Content types read as a feed (or, ``text/html``, a page to discover one in);
#: ``octet-stream`` and ``text/plain`` are sniffed by the parser.
FEED_CONTENT_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "application/feed+json",
        "application/json",
        "text/html",
        "application/xhtml+xml",
        "text/plain",
        "application/octet-stream",
        "binary/octet-stream",
        "",
    }
)
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, text/html;q=0.5, */*;q=0.1"
)
_HTML = ("text/html", "application/xhtml+xml")
_PERMANENT = frozenset({301, 308})
_BACK_OFF = frozenset({429, 503})
_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*\"?(\d{1,10})", re.I)
#: Longest wait a server may ask for (a day, the issue's ceiling); longer asks are clipped.
MAX_WAIT_SECONDS = 24 * 3600


@dataclass(frozen=True, slots=True)
class FeedAnswer:
    """What one poll of a feed URL got, with what the poller stores for the next one."""

    url: str  # final URL after redirects
    moved_to: str | None  # set when every redirect hop was permanent (301/308)
    not_modified: bool  # 304
    body: bytes  # b"" on 304
    content_type: str
    charset: str | None
    etag: str | None
    last_modified: str | None
    max_age: int | None  # Cache-Control max-age, seconds


def _retry_after(headers: httpx.Headers) -> float | None:
    """``Retry-After`` in seconds: a number, or an HTTP date measured from the answer's ``Date``."""
    raw = headers.get("retry-after", "").strip()
    if not raw:
        return None
    if raw.isdigit():
        return float(min(int(raw), MAX_WAIT_SECONDS))
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    try:
        sent = email.utils.parsedate_to_datetime(headers.get("date", ""))
    except (TypeError, ValueError, IndexError):
        sent = datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    if sent.tzinfo is None:
        sent = sent.replace(tzinfo=UTC)
    return max(0.0, min((when - sent).total_seconds(), float(MAX_WAIT_SECONDS)))


def _screen(response: httpx.Response) -> bool:
    """200 with a feed-ish type: read it; 304: no body; anything else: :class:`FetchError`."""
    status = response.status_code
    if status == 304:
        return False
    if status >= 300 or status < 200:
        retry = _retry_after(response.headers) if status in _BACK_OFF else None
        raise FetchError(
            "http_status", f"the site answered HTTP {status}", detail=str(status), retry_after=retry
        )
    mime = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if mime not in FEED_CONTENT_TYPES and not mime.endswith(("+xml", "+json")):
        raise FetchError("unsupported_type", f"the link is {mime}, not a feed", detail=mime)
    return True


def _max_age(headers: httpx.Headers) -> int | None:
    m = _MAX_AGE.search(headers.get("cache-control", ""))
    return min(int(m.group(1)), MAX_WAIT_SECONDS) if m else None


def _answer(got: Answer, start: str) -> FeedAnswer:
    final = str(got.url)
    permanent = bool(got.redirects) and all(s in _PERMANENT for s in got.redirects)
    return FeedAnswer(
        url=final,
        moved_to=final if permanent and final != start else None,
        not_modified=got.status == 304,
        body=got.body,
        content_type=got.mime,
        charset=got.charset,
        etag=got.headers.get("etag") or None,
        last_modified=got.headers.get("last-modified") or None,
        max_age=_max_age(got.headers),
    )


async def fetch_feed_body(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    client: httpx.AsyncClient | None = None,
    allow_private: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = MAX_FEED_BYTES,
    max_redirects: int = MAX_REDIRECTS,
) -> FeedAnswer:
    """One conditional GET of a feed URL, or :class:`FetchError` (and nothing else).

    ``etag``/``last_modified`` are the previous answer's validators.  Reasons
    are :func:`reader.fetch.fetch_url`'s; ``http_status`` for 429/503 carries
    ``retry_after`` (seconds) when the server said when to come back.
    """
    headers = dict(HEADERS)
    headers["Accept"] = FEED_ACCEPT
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    got = await guarded_get(
        url,
        allow_private=allow_private,
        client=client,
        timeout=timeout,
        max_bytes=max_bytes,
        max_redirects=max_redirects,
        headers=headers,
        screen=_screen,
    )
    answer = _answer(got, str(check_url(url, allow_private=allow_private)))
    log.info("feed %s: HTTP %d, %d bytes", for_log(got.url), got.status, len(got.body))
    return answer


def _is_html(answer: FeedAnswer) -> bool:
    if answer.content_type in _HTML:
        return True
    head = answer.body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html"))


async def read_feed(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    client: httpx.AsyncClient | None = None,
    allow_private: bool = False,
    discover: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
) -> tuple[FeedAnswer, Feed | None]:
    """Fetch and parse a feed: ``(answer, feed)``; ``feed`` is ``None`` on a 304.

    With ``discover``, an HTML page is followed to the first feed it announces
    (``answer.url`` is then that feed's URL, fetched unconditionally); a page
    announcing none is ``FeedError("no_feed")``.  Parsing runs in a thread,
    never on the event loop.  Raises :class:`FetchError` or :class:`FeedError`.
    """
    answer = await fetch_feed_body(
        url,
        etag=etag,
        last_modified=last_modified,
        client=client,
        allow_private=allow_private,
        timeout=timeout,
    )
    if answer.not_modified:
        return answer, None
    if _is_html(answer):
        if not discover:
            raise FeedError("not_feed", "this is a web page, not a feed")
        found = await asyncio.to_thread(
            discover_feeds, answer.body, url=answer.url, charset=answer.charset
        )
        if not found:
            raise FeedError("no_feed", "the page announces no RSS, Atom or JSON feed")
        log.info("feed discovered on %s: %s", for_log(answer.url), for_log(found[0]))
        answer = await fetch_feed_body(
            found[0], client=client, allow_private=allow_private, timeout=timeout
        )
        if _is_html(answer):
            raise FeedError("no_feed", "the feed the page announces is a web page")
    feed = await asyncio.to_thread(
        parse_feed,
        answer.body,
        url=answer.url,
        content_type=answer.content_type,
        charset=answer.charset,
    )
    return answer, feed
