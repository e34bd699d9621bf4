"""OPML subscription lists: the feeds in one (import), and one for a chat's feeds (export).

OPML files come from users (exports of other readers), so :func:`parse_opml`
reads them with the standard library's expat in streaming mode and:

- refuses any ``<!ENTITY>`` declaration outright: OPML needs none, and that is
  where entity-expansion bombs and external entities live (expat 2.4+ also
  limits amplification itself; this does not rely on it);
- decodes the bytes first (the declared encoding, else sniffed: expat reads
  UTF-8/16 and Latin-1 only, while Chinese exports may say GB2312 or Big5);
- walks nested outlines (folders) of any depth up to :data:`MAX_OPML_DEPTH`,
  keeps each ``xmlUrl`` that is http(s) once, and stops at
  :data:`MAX_OPML_FEEDS` (a chat may follow 100; a longer list is cut, not refused).

``listparser`` (PyPI) reads more exotic formats (RDF lists, iGoogle), but
OPML is what readers export, and expat is already here and bounded.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import xml.parsers.expat
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from reader.encodings import decode_text
from reader.errors import FeedError
from summarizer.errors import UnsupportedInputError

__all__ = ["MAX_OPML_BYTES", "MAX_OPML_FEEDS", "OpmlFeed", "parse_opml", "write_opml"]

#: Feeds read from one file; more are ignored.
MAX_OPML_FEEDS = 1000
#: Largest OPML file read (an export of 1000 feeds is ~200 KB).
MAX_OPML_BYTES = 2 * 1024 * 1024
#: Outline nesting read (folders in folders); deeper outlines are skipped.
MAX_OPML_DEPTH = 32
_DECLARATION = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
# Characters XML 1.0 cannot hold at all, not even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    """One subscription: the feed's URL and the name the list gives it."""

    url: str
    title: str | None


class _Stop(Exception):
    """Raised from a handler to end the parse early (enough feeds, or an entity)."""


def _http(value: str | None) -> str | None:
    if not value or not value.strip():
        return None
    url = value.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.hostname else None


def _attr(attrs: dict[str, str], name: str) -> str | None:
    """An attribute by name, any case (exports write ``xmlUrl``, ``xmlurl``, ``XMLURL``)."""
    value = attrs.get(name)
    if value is None:
        lowered = name.lower()
        value = next((v for k, v in attrs.items() if k.lower() == lowered), None)
    return value


def _decoded(body: bytes) -> str:
    m = _DECLARATION.match(body[:200])
    try:
        text, _ = decode_text(body, m.group(1).decode("ascii") if m else None)
    except UnsupportedInputError as exc:
        raise FeedError("not_opml", "the file is not text, so not an OPML list") from exc
    return _XML_DECL.sub("", text.lstrip("\ufeff"), count=1)


def parse_opml(body: bytes) -> list[OpmlFeed]:
    """The feeds an OPML 1.0/2.0 file lists, in file order, each URL once.

    Raises :class:`FeedError` (``not_opml``) for anything that is not an OPML
    document (including XML that declares entities, and files over
    :data:`MAX_OPML_BYTES`).  A valid OPML with no feeds is an empty list.
    """
    if len(body) > MAX_OPML_BYTES:
        raise FeedError("not_opml", f"the OPML file is larger than {MAX_OPML_BYTES // 1024} KB")
    text = _decoded(body)
    found: dict[str, OpmlFeed] = {}
    stack: list[str] = []
    root: list[str] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if not root:
            root.append(name)
            if name.lower() != "opml":
                raise _Stop("root")
        stack.append(name)
        if name.lower() != "outline" or len(stack) > MAX_OPML_DEPTH + 2:
            return
        url = _http(_attr(attrs, "xmlUrl"))
        if url is None or url in found:
            return
        title = (_attr(attrs, "title") or _attr(attrs, "text") or "").strip()
        found[url] = OpmlFeed(url, re.sub(r"\s+", " ", title)[:300] or None)
        if len(found) >= MAX_OPML_FEEDS:
            raise _Stop("full")

    def end(name: str) -> None:
        stack.pop()

    def entity(*_args: object) -> None:
        raise _Stop("entity")

    parser = xml.parsers.expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.EntityDeclHandler = entity
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(text, True)
    except _Stop as stop:
        if str(stop) != "full":
            raise FeedError("not_opml", "this is not an OPML list of feeds") from None
    except (xml.parsers.expat.ExpatError, ValueError, RecursionError) as exc:
        if not found:
            raise FeedError("not_opml", "this is not a readable OPML list of feeds") from exc
        # a list cut off (or broken) after some feeds: keep what was read
    if not root or root[0].lower() != "opml":
        raise FeedError("not_opml", "this is not an OPML list of feeds")
    return list(found.values())


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def write_opml(feeds: Iterable[OpmlFeed], *, title: str) -> bytes:
    """An OPML 2.0 document (UTF-8) listing ``feeds``, readable by :func:`parse_opml` and others.

    Everything is escaped by ElementTree; characters XML cannot carry at all
    (control characters) are dropped rather than making the file invalid.
    """
    opml = ET.Element("opml", version="2.0")
    head = ET.SubElement(opml, "head")
    ET.SubElement(head, "title").text = _clean(title)
    body = ET.SubElement(opml, "body")
    for feed in feeds:
        name = _clean(feed.title or feed.url)
        ET.SubElement(body, "outline", type="rss", text=name, title=name, xmlUrl=_clean(feed.url))
    ET.indent(opml)
    return ET.tostring(opml, encoding="utf-8", xml_declaration=True) + b"\n"
