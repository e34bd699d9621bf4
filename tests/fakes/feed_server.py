"""News feeds on 127.0.0.1 that change while a test runs, and say who asked for what.

The shared :class:`~tests.fakes.http_server.HttpServer` with answers that
depend on the request: feeds that gain items between two polls, answers to
conditional requests (``ETag`` / ``Last-Modified`` → 304), failures switched on
and off, requests held unanswered (to stop the bot in the middle of a round),
HTML pages that announce a feed (autodiscovery), and a record of every answer
with its status, so a test can wait for "the poller came back and got a 304"
instead of sleeping.

Feeds are written here (RSS 2.0, Atom or JSON Feed) from :class:`Item` values;
titles are escaped once as XML/JSON text, and feed readers treat a title as
HTML, so a title that should *show* ``<script>`` is escaped once more by the
caller.  :meth:`FeedServer.synthetic`
serves thousands of generated feeds for the benchmark; ``python -m
tests.fakes.feed_server --synthetic N`` runs that in its own process (so the
benchmark's peak RSS is the bot's alone) and advances a round on ``POST /_advance``.
"""

from __future__ import annotations

import argparse
import html
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any, Literal

from tests.fakes.feed_stories import article_text
from tests.fakes.http_server import HttpServer, Request, Route, response

#: ``article_text`` (from :mod:`tests.fakes.feed_stories`) is what the synthetic feeds hold.
__all__ = ["Answer", "FeedServer", "Item", "article_text"]

Kind = Literal["rss", "atom", "json"]
_TYPES: dict[Kind, str] = {
    "rss": "application/rss+xml",
    "atom": "application/atom+xml",
    "json": "application/feed+json",
}


@dataclass(frozen=True, slots=True)
class Item:
    """One feed entry; ``content`` is HTML (article-length, so the bot needs no page)."""

    guid: str
    title: str
    link: str | None = None
    published: datetime | None = None
    content: str | None = None
    summary: str | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    """One request the server answered: path, the headers that matter, and the status."""

    path: str
    if_none_match: str | None
    if_modified_since: str | None
    status: int
    at: float  # time.monotonic()


@dataclass(slots=True)
class _Feed:
    title: str
    items: list[Item]
    kind: Kind
    version: int = 1
    modified: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def etag(self) -> str:
        return f'"v{self.version}"'


def _rfc822(when: datetime) -> str:
    return format_datetime(when.astimezone(UTC), usegmt=True)


def _esc(s: str) -> str:
    return html.escape(s, quote=True)


def render_feed(feed: _Feed, base: str) -> bytes:
    """The feed as its kind's bytes (newest item first, as publishers write them)."""
    items = list(reversed(feed.items))
    if feed.kind == "json":
        doc: dict[str, Any] = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": feed.title,
            "home_page_url": base + "/",
            "items": [
                {
                    "id": it.guid,
                    "title": it.title,
                    **({"url": it.link} if it.link else {}),
                    **({"date_published": it.published.isoformat()} if it.published else {}),
                    **({"content_html": it.content} if it.content else {}),
                    **({"summary": it.summary} if it.summary else {}),
                }
                for it in items
            ],
        }
        return json.dumps(doc, ensure_ascii=False).encode()
    if feed.kind == "atom":
        entries = "".join(
            f"<entry><id>{_esc(it.guid)}</id><title>{_esc(it.title)}</title>"
            + (f'<link href="{_esc(it.link)}"/>' if it.link else "")
            + (f"<updated>{it.published.isoformat()}</updated>" if it.published else "")
            + (f'<content type="html">{_esc(it.content)}</content>' if it.content else "")
            + (f"<summary>{_esc(it.summary)}</summary>" if it.summary else "")
            + "</entry>"
            for it in items
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?>'
            f'<feed xmlns="http://www.w3.org/2005/Atom"><title>{_esc(feed.title)}</title>'
            f'<link href="{base}/"/><id>{base}/</id>'
            f"<updated>{feed.modified.isoformat()}</updated>{entries}</feed>"
        ).encode()
    rss_items = "".join(
        f'<item><guid isPermaLink="false">{_esc(it.guid)}</guid><title>{_esc(it.title)}</title>'
        + (f"<link>{_esc(it.link)}</link>" if it.link else "")
        + (f"<pubDate>{_rfc822(it.published)}</pubDate>" if it.published else "")
        + ("<content:encoded>" + _esc(it.content) + "</content:encoded>" if it.content else "")
        + (f"<description>{_esc(it.summary)}</description>" if it.summary else "")
        + "</item>"
        for it in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>{_esc(feed.title)}</title><link>{base}/</link>"
        f"<description>{_esc(feed.title)}</description>{rss_items}</channel></rss>"
    ).encode()


_REASONS = {200: "OK", 304: "Not Modified", 404: "Not Found", 429: "Too Many Requests"}


class FeedServer(HttpServer):
    """``with FeedServer() as feeds: feeds.feed("/a.xml", "Title", items)``; then ``url``."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(host=host, port=port)
        self.answers: list[Answer] = []
        self.round = 0
        self._feeds: dict[str, _Feed] = {}
        self._pages: dict[str, tuple[bytes, str]] = {}
        self._faults: dict[str, tuple[int, int | None]] = {}
        self._holds: dict[str, tuple[threading.Event, threading.Event]] = {}
        self._synthetic: tuple[int, int, int] | None = None  # feeds, items, new per round
        self._state = threading.Lock()

    # --- what is served ----------------------------------------------------------

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def feed(
        self,
        path: str,
        title: str,
        items: list[Item] | None = None,
        *,
        kind: Kind = "rss",
        headers: dict[str, str] | None = None,
    ) -> None:
        """Serve (or replace) a feed at ``path``; ``headers`` are added to each 200."""
        with self._state:
            self._feeds[path] = _Feed(title, list(items or ()), kind, headers=dict(headers or {}))

    def add_items(self, path: str, *items: Item) -> None:
        """New entries: the feed's ETag and Last-Modified change with them."""
        with self._state:
            feed = self._feeds[path]
            feed.items.extend(items)
            feed.version += 1
            feed.modified = max(
                datetime.now(UTC).replace(microsecond=0), feed.modified + timedelta(seconds=1)
            )

    def page(self, path: str, body: str, ctype: str = "text/html; charset=utf-8") -> None:
        with self._state:
            self._pages[path] = (body.encode(), ctype)

    def discovery_page(self, path: str, feed_path: str, title: str = "News") -> None:
        """An HTML page announcing the feed at ``feed_path`` in its ``<head>``."""
        kind = self._feeds[feed_path].kind if feed_path in self._feeds else "rss"
        self.page(
            path,
            f"<!doctype html><html><head><title>{_esc(title)}</title>"
            f'<link rel="alternate" type="{_TYPES[kind]}" title="{_esc(title)}" '
            f'href="{feed_path}"></head><body><h1>{_esc(title)}</h1></body></html>',
        )

    def fail(self, path: str, status: int = 500, *, times: int | None = None) -> None:
        """Answer ``path`` with ``status`` (``times`` requests, or until :meth:`heal`)."""
        with self._state:
            self._faults[path] = (status, times)

    def heal(self, path: str) -> None:
        with self._state:
            self._faults.pop(path, None)

    def hold(self, path: str) -> threading.Event:
        """Keep requests for ``path`` unanswered until :meth:`release`; the returned event
        is set when one has arrived (so a test can stop the bot in the middle of a round)."""
        arrived, go = threading.Event(), threading.Event()
        with self._state:
            self._holds[path] = (arrived, go)
        return arrived

    def release(self, path: str) -> None:
        with self._state:
            held = self._holds.pop(path, None)
        if held is not None:
            held[1].set()

    def synthetic(self, feeds: int, items: int = 20, new_per_round: int = 2) -> None:
        """Serve ``/s/0`` … ``/s/{feeds-1}``: ``items`` generated stories each, of which
        ``new_per_round`` are new after every :meth:`advance` (ETag ``"r{round}"``)."""
        with self._state:
            self._synthetic = (feeds, items, new_per_round)

    def advance(self) -> None:
        with self._state:
            self.round += 1

    # --- what was asked ------------------------------------------------------------

    def answered(self, path: str | None = None) -> list[Answer]:
        with self._state:
            return [a for a in self.answers if path is None or a.path == path]

    def count(self, path: str, status: int | None = None) -> int:
        return sum(1 for a in self.answered(path) if status is None or a.status == status)

    # --- answering -------------------------------------------------------------------

    def _synthetic_feed(self, path: str) -> tuple[bytes, str] | None:
        if self._synthetic is None or not path.startswith("/s/"):
            return None
        feeds, size, new = self._synthetic
        try:
            index = int(path[3:])
        except ValueError:
            return None
        if not 0 <= index < feeds:
            return None
        newest = self.round * new + size  # items 0 .. newest-1 exist; the last `size` are shown
        now = datetime.now(UTC).replace(microsecond=0)
        items = []
        for number in range(newest - size, newest):
            title, body = article_text(index, number)
            # the first `size` are two days old: the priming round takes none
            age = timedelta(days=2 if number < size else 0, minutes=newest - number)
            items.append(
                Item(
                    f"s{index}-{number}", title, f"{self.base}/s/{index}/{number}", now - age, body
                )
            )
        feed = _Feed(f"Synthetic feed {index}", items, "rss", version=self.round)
        return render_feed(feed, self.base), f'"r{self.round}"'

    def _answer_for(
        self, path: str, inm: str | None, ims: str | None
    ) -> tuple[int, bytes, dict[str, str]]:
        with self._state:
            fault = self._faults.get(path)
            if fault is not None:
                status, times = fault
                if times is not None:
                    if times <= 1:
                        self._faults.pop(path)
                    else:
                        self._faults[path] = (status, times - 1)
                return status, b"error", {"Content-Type": "text/plain"}
            if path == "/_advance":
                self.round += 1
                return 200, str(self.round).encode(), {"Content-Type": "text/plain"}
            generated = self._synthetic_feed(path)
            if generated is not None:
                body, etag = generated
                if inm == etag:
                    return 304, b"", {"ETag": etag}
                return 200, body, {"Content-Type": _TYPES["rss"], "ETag": etag}
            feed = self._feeds.get(path)
            if feed is not None:
                validators = {"ETag": feed.etag, "Last-Modified": _rfc822(feed.modified)}
                if _not_modified(feed, inm, ims):
                    return 304, b"", validators
                ctype = f"{_TYPES[feed.kind]}; charset=utf-8"
                body = render_feed(feed, self.base)
                return 200, body, {"Content-Type": ctype, **validators, **feed.headers}
            if path in self._pages:
                body, ctype = self._pages[path]
                return 200, body, {"Content-Type": ctype}
        return 404, b"<h1>Not Found</h1>", {"Content-Type": "text/html"}

    def route_for(self, request: Request) -> Route | None:
        """Every answer depends on the request (its path, its validators, the faults set)."""
        with self._state:
            held = self._holds.get(request.path)
        if held is not None:
            held[0].set()
            held[1].wait(timeout=60)
        inm = request.headers.get("if-none-match")
        ims = request.headers.get("if-modified-since")
        status, body, headers = self._answer_for(request.path, inm, ims)
        with self._state:
            self.answers.append(Answer(request.path, inm, ims, status, time.monotonic()))
        line = f"{status} {_REASONS.get(status, 'Error')}"
        return response(body, status=line, headers=list(headers.items()))

    def __exit__(self, *exc: object) -> None:
        for path in list(self._holds):
            self.release(path)
        super().__exit__(*exc)


def _not_modified(feed: _Feed, inm: str | None, ims: str | None) -> bool:
    """RFC 9110: If-None-Match decides when present; else If-Modified-Since."""
    if inm is not None:
        return feed.etag in [tag.strip() for tag in inm.split(",")]
    if ims is not None:
        try:
            return feed.modified <= parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
    return False


def _main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve generated feeds (for bench/).")
    parser.add_argument("--synthetic", type=int, required=True, metavar="FEEDS")
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--new", type=int, default=2)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    with FeedServer(port=args.port) as server:
        server.synthetic(args.synthetic, args.items, args.new)
        print(server.port, flush=True)  # the parent reads the port from the first line
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    _main()
