"""JSON Feed 1.0/1.1 (jsonfeed.org), read by hand: feedparser does not read it.

The format is small (``version``, ``title``, ``home_page_url``, ``items`` with
``id``, ``url``/``external_url``, ``title``, ``content_html``/``content_text``,
``summary``, ``date_published``/``date_modified``), and anything else in the
JSON is ignored.  Items get the same treatment as RSS ones
(:mod:`reader.feeditems`), and the same budget of HTML tags
(:data:`reader.feedlimits.MAX_FEED_TAGS`): the HTML inside is parsed too.
"""

from __future__ import annotations

import json

from reader.errors import FeedError
from reader.feeditems import (
    MAX_HTML_CHARS,
    Feed,
    FeedItem,
    clip,
    from_text,
    http_url,
    item_key,
    unique_keys,
)
from reader.feedlimits import MAX_FEED_ITEMS, MAX_FEED_TAGS
from reader.feedtext import html_to_text, plain_title

__all__ = ["looks_json", "parse_json_feed"]


def looks_json(body: bytes, content_type: str | None) -> bool:
    """JSON rather than XML: an object first, and no content type saying otherwise."""
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    head = body[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"{") and (not mime or "json" in mime or not head.startswith(b"<"))


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _json_item(entry: object, base: str) -> FeedItem | None:
    if not isinstance(entry, dict):
        return None
    url = http_url(entry.get("url"), base) or http_url(entry.get("external_url"), base)
    title = plain_title(entry.get("title"))
    html = _str(entry.get("content_html"))
    html = html[:MAX_HTML_CHARS] if html else None
    content = html_to_text(html) if html else None
    plain = _str(entry.get("content_text"))
    if not content and plain:
        content = html_to_text(plain, plain=True)
    summary_raw = _str(entry.get("summary"))
    summary = html_to_text(summary_raw, plain=True) if summary_raw else None
    raw_date = _str(entry.get("date_published")) or _str(entry.get("date_modified"))
    guid = entry.get("id")
    return FeedItem(
        key=item_key(guid, url, title, raw_date),
        url=url,
        title=title,
        published=from_text(raw_date),
        content=clip(content),
        summary=clip(summary, 20_000),
    )


def parse_json_feed(body: bytes, url: str, charset: str | None) -> Feed:
    """A JSON Feed's bytes → :class:`Feed`; :class:`FeedError` (``unreadable``: not
    JSON, or nested too deep; ``not_feed``: JSON without a jsonfeed.org ``version``)."""
    try:
        doc = json.loads(body.decode(charset or "utf-8-sig", "replace"))
    except (ValueError, RecursionError, LookupError) as exc:
        raise FeedError("unreadable", "the JSON feed is not valid JSON") from exc
    version = doc.get("version") if isinstance(doc, dict) else None
    entries = doc.get("items") if isinstance(doc, dict) else None
    if not (isinstance(version, str) and "jsonfeed.org" in version) or not isinstance(
        entries, list
    ):
        raise FeedError("not_feed", "this JSON is not a JSON Feed")
    items: list[FeedItem] = []
    tags = 0  # the same budget of HTML tags as an XML feed (reader.feedlimits)
    for entry in entries:
        if isinstance(entry, dict):
            tags += sum(v.count("<") for v in entry.values() if isinstance(v, str))
        if tags > MAX_FEED_TAGS and items:
            break  # newest first: what is cut is the oldest
        item = _json_item(entry, url)
        if item is not None:
            items.append(item)
            if len(items) >= MAX_FEED_ITEMS:
                break
    return Feed(
        title=plain_title(doc.get("title"), 300),
        site_url=http_url(doc.get("home_page_url"), url),
        items=unique_keys(items),
        ttl_seconds=None,
        kind="json",
    )
