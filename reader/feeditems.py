"""What a parsed feed is (:class:`Feed`, :class:`FeedItem`) and the rules every format shares.

RSS/Atom (:mod:`reader.feeds`) and JSON Feed (:mod:`reader.jsonfeed`) items are
made the same way: links resolved against the feed's URL and kept only if they
are http(s) (no ``javascript:``), dates as aware UTC, text clipped, and a key
that stays the same across fetches so an item is recognised when seen again.
"""

from __future__ import annotations

import calendar
import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import urljoin, urlsplit

import feedparser

__all__ = [
    "MAX_HTML_CHARS",
    "MAX_ITEM_CHARS",
    "Feed",
    "FeedItem",
    "FeedKind",
    "clip",
    "from_struct",
    "from_text",
    "http_url",
    "item_key",
    "unique_keys",
]

#: Characters kept of one item's content: an article, not a book (the summarizer
#: reads far less; see :data:`reader.limits.MAX_TEXT_CHARS`).
MAX_ITEM_CHARS = 200_000
#: Characters of one item's HTML turned into text (five times what is kept, for markup).
MAX_HTML_CHARS = 5 * MAX_ITEM_CHARS
FeedKind = Literal["rss", "atom", "json"]


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One entry of a feed, as plain text with an absolute link."""

    key: str  # guid/id, else link, else "h:" + sha1(title + date): stable across fetches
    url: str | None  # absolute http(s) link, or None
    title: str | None  # plain text (tags stripped, entities decoded)
    published: datetime | None  # aware UTC (updated if no published)
    content: str | None  # the feed's full content as plain text, if any
    summary: str | None  # plain text


@dataclass(frozen=True, slots=True)
class Feed:
    """A parsed feed: its name, its site and its newest items (feed order)."""

    title: str | None
    site_url: str | None
    items: tuple[FeedItem, ...]  # at most MAX_FEED_ITEMS (capped, never an error)
    ttl_seconds: int | None  # RSS <ttl> (minutes * 60) or None
    kind: FeedKind


def http_url(value: object, base: str) -> str | None:
    """``value`` resolved against ``base`` if it is then an http(s) URL with a host."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        absolute = urljoin(base, value.strip())
        parts = urlsplit(absolute)
    except ValueError:  # "http://[oops"
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return absolute


def item_key(guid: object, url: str | None, title: str | None, date: object) -> str:
    """guid/id, else the link, else ``"h:"`` + sha1 of title and date (as the feed wrote it)."""
    if isinstance(guid, (str, int)) and not isinstance(guid, bool) and str(guid).strip():
        return str(guid).strip()[:1000]
    if url:
        return url[:1000]
    digest = hashlib.sha1(f"{title or ''}\x00{date or ''}".encode("utf-8", "replace"))
    return "h:" + digest.hexdigest()


def from_struct(value: object) -> datetime | None:
    """feedparser's UTC ``struct_time`` → aware datetime (``None`` if out of range)."""
    if not isinstance(value, time.struct_time):
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def from_text(value: object) -> datetime | None:
    """An RFC 3339 (JSON Feed) date, else anything feedparser's date parsers read."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return from_struct(feedparser.datetimes._parse_date(text[:100]))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)  # RFC 3339 requires an offset; assume UTC
    return parsed.astimezone(UTC)


def clip(text: str | None, limit: int = MAX_ITEM_CHARS) -> str | None:
    return text[:limit] if text else None


def unique_keys(items: Iterable[FeedItem]) -> tuple[FeedItem, ...]:
    """``items`` in order, each key once (the first): a feed that lists a guid twice
    must not make the poller deliver one story twice in a round."""
    seen: set[str] = set()
    kept: list[FeedItem] = []
    for item in items:
        if item.key not in seen:
            seen.add(item.key)
            kept.append(item)
    return tuple(kept)
