"""Feed bytes in, items out: RSS 0.9x/1.0/2.0 and Atom (feedparser), JSON Feed (by hand).

Feeds come from anyone's server, so :func:`parse_feed`:

- hands feedparser a byte *stream* plus the response headers, never a string:
  feedparser treats a ``str`` that looks like a URL as something to download
  (its own HTTP, past the SSRF guard) and bytes that name a file as a path to
  open, and with the headers it honours a declared GB2312 or Big5 charset;
- uses what feedparser's lenient parser recovers from malformed XML (``bozo``)
  and raises :class:`FeedError` only when nothing feed-like is left;
- returns plain text (tags stripped by :mod:`reader.feedtext`, entities
  decoded, ``<script>`` dropped), absolute http(s) links only, aware UTC dates
  (a date in the future is kept: it is what the feed says), and at most
  :data:`MAX_FEED_ITEMS` items, so a 100 000-item feed is capped, not refused
  (the bytes are cut before feedparser sees them, :mod:`reader.feedlimits`:
  it would spend ~15 s on 100 000 items; a capped 5 MB feed takes ~0.1–0.3 s);
- gives every item a ``key`` stable across fetches (guid, else link, else a
  hash of title and date) for the poller to recognise what it has seen.

:func:`discover_feeds` finds the feeds an HTML page announces (autodiscovery).
All of it is CPU work; :func:`reader.feedfetch.read_feed` runs it off the event loop.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import Any

import feedparser

from reader.encodings import decode_text
from reader.errors import FeedError
from reader.feeditems import (
    MAX_HTML_CHARS,
    Feed,
    FeedItem,
    FeedKind,
    clip,
    from_struct,
    http_url,
    item_key,
    unique_keys,
)
from reader.feedlimits import MAX_FEED_ITEMS, MAX_FEED_TAGS, bounded_xml
from reader.feedtext import html_to_text, inline_text, parse_html_page
from reader.jsonfeed import looks_json, parse_json_feed
from summarizer.errors import UnsupportedInputError

__all__ = [
    "FEED_TYPES",
    "MAX_FEED_ITEMS",
    "Feed",
    "FeedItem",
    "FeedKind",
    "discover_feeds",
    "parse_feed",
]

#: ``<link rel="alternate" type=...>`` values that announce a feed, for autodiscovery.
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/feed+json",
        "application/json",
    }
)

_XML_START = re.compile(rb"^\s*(?:\xef\xbb\xbf)?\s*<(?:\?xml|rss|feed|rdf:RDF|channel)\b", re.I)


def _line(text: str | None, limit: int) -> str | None:
    """Text already stripped of markup, as one line (titles), or None if empty."""
    return inline_text(text)[:limit] or None if text else None


def _detail_text(detail: object, fallback: object) -> str | None:
    """A feedparser text construct (``{"type", "value"}``) → plain text."""
    if isinstance(detail, Mapping):
        value = detail.get("value")
        kind = str(detail.get("type") or "")
        if isinstance(value, str):
            value = value[:MAX_HTML_CHARS]
            return html_to_text(value) if "html" in kind else html_to_text(value, plain=True)
    if isinstance(fallback, str):
        return html_to_text(fallback, plain=True)
    return None


def _entry_content(entry: Mapping[str, Any]) -> str | None:
    """The longest ``content`` block (``content:encoded``, Atom content) as text."""
    best: str | None = None
    for block in entry.get("content") or ():
        if not isinstance(block, Mapping) or not isinstance(block.get("value"), str):
            continue
        text = _detail_text(block, None)
        if text and (best is None or len(text) > len(best)):
            best = text
    return best


def _entry_url(entry: Mapping[str, Any], base: str) -> str | None:
    url = http_url(entry.get("link"), base)
    if url:
        return url
    for link in entry.get("links") or ():  # an Atom entry with only rel="related" links
        if isinstance(link, Mapping) and link.get("rel") in ("alternate", None):
            url = http_url(link.get("href"), base)
            if url:
                return url
    return None


def _xml_item(entry: dict[str, Any], base: str) -> FeedItem:
    url = _entry_url(entry, base)
    title = _line(_detail_text(entry.get("title_detail"), entry.get("title")), 1000)
    # dict.get: feedparser's own get() maps updated* to published* with a DeprecationWarning
    raw_date = dict.get(entry, "published") or dict.get(entry, "updated")
    published = from_struct(dict.get(entry, "published_parsed")) or from_struct(
        dict.get(entry, "updated_parsed")
    )
    content = _entry_content(entry)
    summary = _detail_text(entry.get("summary_detail"), entry.get("summary"))
    if summary == content:  # feedparser copies an Atom entry's content into its summary
        summary = None
    guid = entry.get("id")
    return FeedItem(
        key=item_key(guid, url, title, raw_date),
        url=url,
        title=title,
        published=published,
        content=clip(content),
        summary=clip(summary, 20_000),
    )


def _ttl(channel: Mapping[str, Any]) -> int | None:
    raw = channel.get("ttl")
    if isinstance(raw, str) and raw.strip().isdigit():
        minutes = int(raw.strip())
        if 0 < minutes <= 7 * 24 * 60:
            return minutes * 60
    return None


_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=""")


def _sniffed_charset(body: bytes) -> str | None:
    """The charset of a feed that declares none and is not UTF-8 (a GB2312 or Big5 feed
    served without one), by :func:`reader.encodings.decode_text`'s hanzi scoring.

    feedparser alone would fall back to windows-1252 and garble every character.
    A sample is enough; it is cut after a ``>``, which is never inside a GBK or Big5
    character (their second bytes start at 0x40).
    """
    if _DECLARED.match(body[:200]) or _utf8(body):
        return None
    sample = body[: 64 * 1024]
    sample = sample[: sample.rfind(b">") + 1] or sample
    try:
        return decode_text(sample)[1]
    except UnsupportedInputError:
        return None


def _utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _parse_xml(
    body: bytes, url: str, content_type: str | None, charset: str | None, max_tags: int
) -> Feed:
    body, recoded = bounded_xml(body, charset, max_tags=max_tags)
    if recoded:
        charset = None  # now UTF-8, whatever the header said
    elif charset is None:
        charset = _sniffed_charset(body)
    # No content-location: feedparser would resolve guids against it too, and a
    # guid must not change when the feed moves; links are resolved here instead.
    headers: dict[str, str] = {}
    mime = (content_type or "").split(";", 1)[0].strip() or "application/xml"
    # The header's charset wins over the XML declaration (RFC 7303), as feedparser does.
    headers["content-type"] = f"{mime}; charset={charset}" if charset else mime
    result = feedparser.parse(
        io.BytesIO(body),
        response_headers=headers,
        resolve_relative_uris=False,  # links are resolved here; HTML becomes text anyway
        sanitize_html=False,  # the text is stripped of all markup below
    )
    version = str(result.get("version") or "")
    if not version:
        if result.get("bozo") and _XML_START.match(body[:512]):
            why = type(result.get("bozo_exception")).__name__
            raise FeedError("unreadable", f"the feed's XML is too broken to read ({why})")
        raise FeedError("not_feed", "this is not an RSS, Atom or JSON feed")
    channel = result.get("feed") or {}
    items = unique_keys(_xml_item(e, url) for e in result.get("entries", ())[:MAX_FEED_ITEMS])
    return Feed(
        title=_line(_detail_text(channel.get("title_detail"), channel.get("title")), 300),
        site_url=http_url(channel.get("link"), url),
        items=items,
        ttl_seconds=_ttl(channel),
        kind="atom" if version.startswith("atom") else "rss",
    )


_HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.S
)

_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]")


def parse_feed(
    body: bytes,
    *,
    url: str,
    content_type: str | None = None,
    charset: str | None = None,
    max_tags: int = MAX_FEED_TAGS,
) -> Feed:
    """An RSS, Atom or JSON feed's bytes → :class:`Feed`, or :class:`FeedError`.

    ``url`` is where the bytes came from: relative links are resolved against
    it.  ``content_type``/``charset`` are the response's (a declared charset
    is honoured).  Reasons: ``not_feed`` (an HTML page, an image, JSON that is
    not a JSON Feed), ``unreadable`` (XML or JSON too broken to recover).
    ``max_tags``: the XML is cut before the item in which this many tags are passed
    (:func:`reader.feedlimits.bounded_xml`).
    """
    if not body.strip():
        raise FeedError("not_feed", "the feed is empty")
    if _HTML_START.match(body[:1024]) and not _FEED_ROOT.search(body[:4096]):
        raise FeedError("not_feed", "this is a web page, not a feed")
    if looks_json(body, content_type):
        return parse_json_feed(body, url, charset)
    try:
        return _parse_xml(body, url, content_type, charset, max_tags)
    except FeedError:
        raise
    except Exception as exc:  # feedparser tripping on a hostile feed fails this feed only
        raise FeedError("unreadable", f"the feed could not be read ({type(exc).__name__})") from exc


def discover_feeds(body: bytes, *, url: str, charset: str | None = None) -> list[str]:
    """The feed URLs an HTML page announces, in page order, without duplicates.

    ``<link rel="alternate" type="application/rss+xml">`` (and Atom, JSON
    Feed) anywhere in the page; each ``href`` resolved against ``<base
    href>`` (itself against ``url``), and kept only if it is http(s).
    """
    root = parse_html_page(body, charset)
    if root is None:
        return []
    base = url
    for el in root.iter("base"):
        href = http_url(el.get("href"), url)
        if href:
            base = href
            break
    found: list[str] = []
    for el in root.iter("link"):
        rels = (el.get("rel") or "").lower().split()
        mime = (el.get("type") or "").split(";", 1)[0].strip().lower()
        if "alternate" not in rels or mime not in FEED_TYPES:
            continue
        href = http_url(el.get("href"), base)
        if href and href not in found:
            found.append(href)
    return found
