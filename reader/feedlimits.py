"""Caps on a feed's XML bytes, applied before feedparser sees them.

feedparser does all its work in one call and costs ~20 µs of Python per
element, so a hostile 5 MB feed could hold the CPU for a minute: 100 000
items (~15 s), 800 000 nested or empty elements (~18 s), one tag with
20 000 attributes (the SAX layer looks each one up linearly: ~6 s, growing
with the square).  The bytes are checked and cut first, with regular
expressions that run at C speed (milliseconds for 5 MB):

- the feed is cut before its ``MAX_FEED_ITEMS + 1``-th item, or before the
  item in which the ``MAX_FEED_TAGS``-th tag (or ``MAX_FEED_ENTITIES``-th
  entity reference) comes, and the elements
  still open there (``rss``/``channel``, ``rdf:RDF``, ``feed``) are closed;
  feeds list newest first, so what is cut is the oldest;
- a first item (or a header) that alone holds more tags than that, or a tag
  over ``MAX_TAG_BYTES`` long outside CDATA, is refused as too complex;
- UTF-16/32 is recoded to UTF-8 first, or the patterns would not see a tag.
"""

from __future__ import annotations

import codecs
import itertools
import re

from reader.errors import FeedError

__all__ = ["MAX_FEED_ENTITIES", "MAX_FEED_ITEMS", "MAX_FEED_TAGS", "MAX_TAG_BYTES", "bounded_xml"]

#: Items kept from one feed (in feed order).  Real feeds hold 10–100; the poller
#: looks at new ones only, and a feed of 100 000 is someone's archive or an attack.
MAX_FEED_ITEMS = 500
#: Tags (XML elements, and HTML tags in CDATA content) read from one feed: feedparser
#: spends ~17 µs on each element, so ~0.7 s at worst; a 20-item full-content feed has
#: ~5 000, a 500-item one may have more and is cut to its newest items.
MAX_FEED_TAGS = 40_000
#: Entity and character references (``&lt;`` of escaped HTML) read: expat hands each
#: to feedparser as a separate piece of text, ~1.2 µs each, so ~0.4 s at worst.
MAX_FEED_ENTITIES = 300_000
#: Longest tag outside CDATA: 8 KB is ~1 000 attributes, which the SAX layer
#: still handles in milliseconds; real feed tags are under 1 KB.
MAX_TAG_BYTES = 8 * 1024

_ITEM_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)[\s>/]")
_TAG_START = re.compile(rb"<[A-Za-z_]")
_ENTITY = re.compile(rb"&")
# An unterminated comment or CDATA runs to the end (``\Z``), as for a parser: a pattern
# that failed there instead would rescan the rest from every opener, quadratically.
_NOISE = re.compile(rb"<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)|<[?!][^<>]*(?:>|\Z)", re.S)
_TAG = re.compile(rb"<(/?)([A-Za-z_][\w.:-]*)[^<>]*?(/?)>")
_LONG_TAG = re.compile(rb"<[A-Za-z_][^<>]{%d}" % MAX_TAG_BYTES)
# A DOCTYPE's internal subset (``<!DOCTYPE rss [ <!ENTITY where "Dock 4"> ]>``).  A few flat
# entities are real (feedparser expands them); nested ones ("billion laughs") make the SAX
# layer spend seconds on a few hundred bytes before feedparser sees a character, and a long
# value referenced often multiplies the feed.  Such a subset is dropped: its entities stay
# unexpanded.  Only the head of a document holds one.
_INTERNAL_SUBSET = re.compile(rb"(<!DOCTYPE[^\[>]*)\[.*?\]\s*>", re.S | re.I)
_DECLARATION = re.compile(rb"""<!ENTITY\s+([\w.:-]+)\s+(?:"([^"]*)"|'([^']*)')""")
_REFERENCE = re.compile(rb"&([\w.:-]+);")
_HEAD_BYTES = 64 * 1024
#: What the expansion of a kept subset's entities may add to a feed.
MAX_EXPANSION_BYTES = 1024 * 1024
MAX_SUBSET_BYTES = 4 * 1024
_ENCODING = re.compile(rb"""^(\s*<\?xml[^>]*?encoding\s*=\s*)["'][^"']*["']""")
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_WIDE_BY_NULS = (
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<", "utf-16-be"),
    (b"<\x00", "utf-16-le"),
)


def _too_complex(why: str) -> FeedError:
    return FeedError("unreadable", f"the feed is too complex to read ({why})")


def _as_utf8(body: bytes, charset: str | None) -> tuple[bytes, bool]:
    """UTF-16/32 bytes (by BOM, NUL pattern or declared charset) → UTF-8, and whether recoded."""
    codec = next((c for bom, c in _WIDE_BOMS if body.startswith(bom)), None)
    if codec is None:
        codec = next(
            (
                c
                for head, c in _WIDE_BY_NULS
                if body.lstrip(b"\x00")[:0] == b"" and body.startswith(head)
            ),
            None,
        )
    if (
        codec is None
        and charset
        and charset.lower().replace("_", "-").startswith(("utf-16", "utf-32"))
    ):
        codec = charset
    if codec is None:
        return body, False
    try:
        text = body.decode(codec)
    except (UnicodeError, LookupError) as exc:
        raise FeedError("unreadable", "the feed's UTF-16 text is broken") from exc
    utf8 = text.lstrip("\ufeff").encode("utf-8")
    return _ENCODING.sub(rb'\1"utf-8"', utf8, count=1), True


def _limit(body: bytes, pattern: re.Pattern[bytes], marker: bytes, cap: int) -> int | None:
    """Where the ``cap + 1``-th match of ``pattern`` starts (``None``: there are not that many)."""
    if body.count(marker) <= cap:  # C speed; the matches are only walked when needed
        return None
    over = next(itertools.islice(pattern.finditer(body), cap, None), None)
    return over.start() if over is not None else None


def _closing_tags(header: bytes) -> bytes:
    """Closing tags for the elements ``header`` (the bytes before the first item) leaves open."""
    stack: list[bytes] = []
    for closing, name, empty in (m.groups() for m in _TAG.finditer(_NOISE.sub(b"", header))):
        if empty:
            continue
        if not closing:
            stack.append(name)
        elif name in stack:
            del stack[len(stack) - 1 - stack[::-1].index(name) :]
    return b"".join(b"</%s>" % name for name in reversed(stack))


def _harmless(subset: bytes, body: bytes) -> bool:
    """Whether a DOCTYPE's internal subset only declares a few flat entities used sparingly."""
    if len(subset) > MAX_SUBSET_BYTES or b"%" in subset:  # parameter entities
        return False
    values = {m[1]: m[2] or m[3] for m in _DECLARATION.finditer(subset)}
    if any(b"&" in value or b"<" in value for value in values.values()):
        return False  # nested references, or markup to expand
    longest = max((len(v) for v in values.values()), default=0)
    uses = sum(1 for m in _REFERENCE.finditer(body) if m[1] in values)
    return uses * longest <= MAX_EXPANSION_BYTES


def bounded_xml(
    body: bytes, charset: str | None = None, *, max_tags: int = MAX_FEED_TAGS
) -> tuple[bytes, bool]:
    """``body`` within the caps (see the module doc), and whether it was recoded to UTF-8.

    ``max_tags`` is :data:`MAX_FEED_TAGS` but for tests, which prove the cut with a
    small cap instead of feedparser reading 40 000 tags.

    Raises :class:`FeedError` (``unreadable``) when it cannot be brought within them.
    """
    body, recoded = _as_utf8(body, charset)
    head = body[:_HEAD_BYTES]
    subset = _INTERNAL_SUBSET.search(head) if b"[" in head else None
    if subset is not None and not _harmless(subset.group(0), body):
        body = _INTERNAL_SUBSET.sub(rb"\1>", head, count=1) + body[_HEAD_BYTES:]
    if _LONG_TAG.search(_NOISE.sub(b"", body)):
        raise _too_complex(f"a tag longer than {MAX_TAG_BYTES // 1024} KB")
    starts = [m.start() for m in itertools.islice(_ITEM_START.finditer(body), MAX_FEED_ITEMS + 1)]
    cut = starts[MAX_FEED_ITEMS] if len(starts) > MAX_FEED_ITEMS else None
    limits = (
        (_limit(body, _TAG_START, b"<", max_tags), f"more than {max_tags} tags"),
        (_limit(body, _ENTITY, b"&", MAX_FEED_ENTITIES), f"over {MAX_FEED_ENTITIES} entities"),
    )
    for over, why in limits:
        if over is None:
            continue
        before = [s for s in starts if s <= over]
        if len(before) < 2:  # the header or the first item alone is over the cap
            raise _too_complex(why)
        cut = before[-1] if cut is None else min(cut, before[-1])
    if cut is None:
        return body, recoded
    return body[:cut] + _closing_tags(body[: starts[0]]), recoded
