"""The readings of a page a reader sees when trafilatura's first one is thin.

The publisher's own copies (JSON-LD ``articleBody``, the ``<noscript>`` body, a
WeChat ``#js_content``), the ``<article>``/``<main>`` element or the block holding
most paragraph text; the signals that name the site (``og:site_name``, the
``<title>`` against the headline) and the captions and embedded posts to drop.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reader.limits import MIN_PAGE_UNITS, SHORT_PAGE_UNITS
from summarizer.text import HAN_RANGES, content_length

__all__ = [
    "TEASER_UNITS",
    "best_text",
    "drop_captions",
    "join_inline_breaks",
    "norm_key",
    "page_signals",
    "page_title",
    "parse_tree",
    "prose",
]

#: A paywalled page whose lede above the wall holds at least this many
#: content units (two short paragraphs) is read from its lede, not refused.
TEASER_UNITS = 120
#: Below this many units of prose, precision extraction has likely missed the
#: body (menus kept, article in <noscript>, a hidden WeChat container…).
_PROSE_LINE_UNITS = 12

_RAW_OPEN = re.compile(r"<(pre|textarea|script|style)\b", re.I)
_SOURCE_BREAK = re.compile(
    rf"(?P<han>(?<=[{HAN_RANGES}，。、；：！？）」』”])[ \t]*\r?\n\s*(?=[{HAN_RANGES}（「『“]))"
    r"|[ \t]*\r?\n\s*"
)
_SKIP = frozenset(
    "script style noscript template svg iframe button form nav select option figcaption".split()
)
_BLOCK = frozenset(
    "p div br li ul ol dl dt dd h1 h2 h3 h4 h5 h6 tr table section article header footer "
    "blockquote pre figure main aside hr".split()
)
_CAPTION_CLASS = re.compile(r"(?:^|[-_])(?:caption|credit|photo-?credit)s?(?:$|[-_])", re.I)
_EMBED_CLASS = re.compile(r"twitter-tweet|instagram-media|tiktok-embed|fb-post|weibo-card", re.I)


def join_inline_breaks(html: str) -> str:
    """Source line breaks outside <pre>/<script> are spaces (none between Han characters).

    A browser does not break a line where the source does (inside an <a> or
    <strong> wrapped by the editor); the text we read must not either.  One
    pass: each raw-text element is skipped with one search for its end tag.
    """

    def repl(m: re.Match[str]) -> str:
        return "" if m.group("han") is not None else " "

    lower = html.lower()
    out: list[str] = []
    pos = 0
    while pos < len(html):
        m = _RAW_OPEN.search(html, pos)
        start = len(html) if m is None else m.start()
        out.append(_SOURCE_BREAK.sub(repl, html[pos:start]))
        if m is None:
            break
        close = lower.find("</" + m.group(1).lower(), m.end())
        stop = len(html) if close < 0 else close
        out.append(html[start:stop])
        pos = stop
    return "".join(out)


def parse_tree(html: str) -> Any:
    import lxml.html

    try:
        parser = lxml.html.HTMLParser(encoding="utf-8")
        return lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=parser)
    except Exception:  # lxml refuses some broken documents; trafilatura alone then
        return None


def _text_of(el: Any) -> str:
    return re.sub(r"\s+", " ", str(el.text_content() or "")).strip()


def _block_text(el: Any) -> str:
    """The text a reader sees in ``el``: one line per block, inline runs joined by spaces."""
    from lxml import etree

    parts: list[str] = []
    walker = etree.iterwalk(el, events=("start", "end"))
    for event, node in walker:
        tag = node.tag if isinstance(node.tag, str) else ""
        skipped = tag in _SKIP and node is not el
        if event == "start":
            if skipped:
                walker.skip_subtree()
                continue
            if tag in _BLOCK:
                parts.append("\n")
            if node.text and tag:
                parts.append(node.text)
        else:
            if tag in _BLOCK and not skipped:
                parts.append("\n")
            if node.tail and node is not el:
                parts.append(node.tail)
    lines = (re.sub(r"\s+", " ", ln).strip() for ln in "".join(parts).split("\n"))
    return "\n".join(ln for ln in lines if ln)


def prose(text: str) -> int:
    """Units in lines long enough to be prose (menus and link lists are short lines)."""
    units = (content_length(ln) for ln in text.splitlines())
    return sum(n for n in units if n >= _PROSE_LINE_UNITS)


@dataclass(slots=True)
class _Signals:
    """What the page says about itself, beside its article text."""

    meta: dict[str, str]
    h1: list[str]
    captions: list[str]
    links: list[str]  # short blocks that are mostly a link
    bodies: list[str]  # JSON-LD articleBody
    fallbacks: list[str]  # <noscript>, #js_content, <article>, the largest block


def _json_ld(tree: Any) -> list[str]:
    import json

    bodies: list[str] = []

    def visit(node: Any) -> None:
        if isinstance(node, list):
            for n in node:
                visit(n)
        elif isinstance(node, dict):
            body = node.get("articleBody")
            if isinstance(body, str) and body.strip():
                bodies.append(body)
            for key in ("@graph", "mainEntity", "mainEntityOfPage"):
                if isinstance(node.get(key), (list, dict)):
                    visit(node[key])

    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            visit(json.loads(script.text or ""))
        except ValueError:
            continue
    out: list[str] = []
    for body in bodies:
        if "<" in body and ">" in body:
            frag = parse_tree(f"<html><body>{body}</body></html>")
            body = _block_text(frag) if frag is not None else body
        out.append(body.strip())
    return out


def page_signals(tree: Any) -> _Signals:
    import lxml.html

    meta: dict[str, str] = {}
    for m in tree.xpath("//meta[@content]"):
        key = (m.get("property") or m.get("name") or "").strip().lower()
        if key and key not in meta:
            meta[key] = re.sub(r"\s+", " ", m.get("content") or "").strip()
    h1 = [t for t in (_text_of(h) for h in tree.xpath("//h1")[:5]) if t]
    captions = [_text_of(c) for c in tree.xpath("//figcaption")]
    captions += [(img.get("alt") or "").strip() for img in tree.xpath("//img[@alt]")]
    captions += [meta[k] for k in ("og:image:alt", "twitter:image:alt") if k in meta]
    captions = [c for c in captions if content_length(c) >= 8]
    # a short paragraph or list item that is mostly a link: related stories, promos
    links: list[str] = []
    for block in tree.xpath("//p | //li"):
        text = _text_of(block)
        if 8 <= len(text) <= 120:
            linked = sum(len(_text_of(a)) for a in block.xpath(".//a"))
            if linked >= 0.6 * len(text):
                links.append(text)
    # drop embedded posts and captions so that no extraction reads them
    for el in list(tree.iter()):
        if not isinstance(el.tag, str) or el.tag in ("html", "body"):
            continue
        cls = el.get("class") or ""
        if _EMBED_CLASS.search(cls) or (
            any(_CAPTION_CLASS.search(c) for c in cls.split()) and len(_text_of(el)) <= 400
        ):
            el.drop_tree()
    bodies = _json_ld(tree)
    fallbacks: list[str] = []
    for ns in tree.xpath("//noscript"):
        inner = (ns.text or "") + "".join(lxml.html.tostring(c, encoding="unicode") for c in ns)
        if "<" in inner:
            frag = parse_tree(f"<html><body>{inner}</body></html>")
            if frag is not None:
                fallbacks.append(_block_text(frag))
    for el in tree.xpath('//*[@id="js_content"] | //article | //main'):
        fallbacks.append(_block_text(el))
    # the element holding the most paragraph text
    weight: dict[Any, int] = {}
    for para in tree.xpath("//p"):
        parent = para.getparent()
        if parent is not None:
            weight[parent] = weight.get(parent, 0) + content_length(_text_of(para))
    if weight:
        fallbacks.append(_block_text(max(weight, key=lambda k: weight[k])))
    return _Signals(meta, h1, captions, links, bodies, fallbacks)


def _remainder(longer: str, prefix: str) -> str | None:
    """What ``longer`` adds after ``prefix`` (compared letters and digits only)."""
    want = re.sub(r"[\W_]+", "", prefix).lower()
    if len(want) < 4:
        return None
    got = 0
    for i, ch in enumerate(longer):
        if re.match(r"[\W_]", ch):
            continue
        if got >= len(want) or ch.lower() != want[got]:
            return None if got < len(want) else longer[i:]
        got += 1
        if got == len(want):
            rest = longer[i + 1 :]
            return rest if rest.strip() else None
    return None


def _site_names(candidates: Sequence[str], meta: dict[str, str], sitename: str) -> list[str]:
    """Site names the page gives: og:site_name, and what one title adds to another."""
    sites = [meta.get(k, "") for k in ("og:site_name", "application-name", "twitter:site")]
    sites.append(sitename)
    for a in candidates:
        for b in candidates:
            rest = _remainder(b, a) if a and b and a != b else None
            if rest and re.match(r"\s*[-–—|｜_丨]", rest):
                sites.extend(p for p in re.split(r"\s*[-–—|｜_丨]\s*", rest) if p.strip())
    return [s.strip().lstrip("@") for s in sites if s and s.strip()]


def page_title(result: Any, raw_title: str, signals: _Signals | None, visible: str) -> str | None:
    """The headline: trafilatura's title (og:title, <h1> or <title>) less site and column names.

    Site names come from the page itself: ``og:site_name``, what the <title>
    adds to the og:title or <h1>, and a trailing part that the visible page
    repeats (a footer, a logo) more often than it shows the headline.
    """
    from html import unescape

    from summarizer.furniture import clean_title

    traf = (getattr(result, "title", None) or "").strip()
    meta = signals.meta if signals else {}
    h1 = signals.h1 if signals else []
    candidates = [
        unescape(t)
        for t in (traf, meta.get("og:title", ""), meta.get("twitter:title", ""), raw_title, *h1)
        if t
    ]
    base = traf or unescape(raw_title) or (h1[0] if h1 else "")
    if not base:
        return None
    sites = _site_names(candidates, meta, getattr(result, "sitename", None) or "")
    # a trailing part the page repeats outside its article is the site's name
    stem, *parts = re.split(r"\s+[-–—]\s+|\s*[|｜_丨]\s*", base)
    for part in parts:
        # (less the times the whole headline is shown: in the <h1>, in breadcrumbs)
        if 2 <= len(part) <= 20 and visible.count(part) - visible.count(stem) >= 2:
            sites.append(part)
    return clean_title(base, sites) or None


def norm_key(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).lower()


def drop_captions(lines: list[str], captions: Sequence[str]) -> list[str]:
    """Lines that repeat an image's caption or alt text are captions, not prose."""
    norms = [re.sub(r"[\W_]+", "", c).lower() for c in captions]
    norms = [n for n in norms if len(n) >= 12]
    out = []
    for ln in lines:
        n = re.sub(r"[\W_]+", "", ln).lower()
        if len(n) >= 12 and any(
            c.startswith(n) or (n.startswith(c) and len(n) <= len(c) + 30) for c in norms
        ):
            continue
        out.append(ln)
    return out


def best_text(precision: str, others: Sequence[str]) -> str:
    """``precision`` unless another reading holds clearly more prose.

    When precision found an article-sized lead (a short news flash), another
    reading must contain that lead: a sidebar of teasers may hold more prose
    than the flash itself.
    """
    best, best_prose = precision, prose(precision)
    if best_prose >= SHORT_PAGE_UNITS:
        return best
    leads = [ln for ln in precision.splitlines() if content_length(ln) >= _PROSE_LINE_UNITS]
    lead = re.sub(r"\s+", "", leads[0]) if leads and best_prose >= MIN_PAGE_UNITS else None
    for text in others:
        if lead is not None and lead not in re.sub(r"\s+", "", text):
            continue
        p = prose(text)
        if p > best_prose * 1.2 + 10:
            best, best_prose = text, p
    return best
