"""Web pages → their article (trafilatura), refusing pages that are not the article.

The refusals (verification, login, paywall, error pages) are :mod:`reader.classify`'s;
the fallback readings of a thin page and the site-name signals are
:mod:`reader.readings`'.
"""

from __future__ import annotations

import re
from typing import Any

from reader.classify import classify_page, ensure_article, without_wall
from reader.encodings import _html_charset, decode_text
from reader.limits import SHORT_PAGE_UNITS, Page
from reader.readings import (
    TEASER_UNITS,
    best_text,
    drop_captions,
    join_inline_breaks,
    norm_key,
    page_signals,
    page_title,
    parse_tree,
    prose,
)
from summarizer.text import content_length

__all__ = ["TEASER_UNITS", "Page", "classify_page", "ensure_article", "extract_page"]

_TITLE_TAG = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)


def _same(a: str, b: str) -> bool:
    return re.sub(r"\s+", "", a) == re.sub(r"\s+", "", b)


def extract_page(html: str | bytes, url: str | None = None, *, encoding: str | None = None) -> Page:
    """The article of an HTML page: title and text, one paragraph per line.

    trafilatura with ``favor_precision`` (measured on pages with navigation,
    sidebars and comments: recall mode keeps menu links on short pages,
    precision mode does not; both keep every paragraph of long ones).  When
    precision finds little prose the page is read as a reader sees it:
    recall mode, the JSON-LD ``articleBody``, the ``<noscript>`` copy, a
    WeChat ``#js_content``, the ``<article>`` or the block holding most
    paragraphs, whichever holds clearly more prose.  Embedded posts and
    photo captions are dropped; the title loses the site's name (found from
    the page's own ``og:site_name`` and titles) and column tags.

    Raises :class:`NotArticleError` when :func:`classify_page` finds a reason
    (except a paywalled teaser whose lede holds :data:`TEASER_UNITS`, which is
    read from its lede), and :class:`UnsupportedInputError` for undecodable bytes.
    """
    if isinstance(html, bytes):
        html, _ = decode_text(html, encoding or _html_charset(html))
    import trafilatura

    from summarizer.html import html_to_text

    raw_title_match = _TITLE_TAG.search(html[:200_000])
    raw_title = re.sub(r"\s+", " ", raw_title_match.group(1)).strip() if raw_title_match else ""
    visible = html_to_text(html[:500_000])[:20_000]
    joined = join_inline_breaks(html)
    tree = parse_tree(joined)
    signals = page_signals(tree) if tree is not None else None
    source: Any = joined
    if tree is not None:
        import lxml.html

        source = lxml.html.tostring(tree, encoding="unicode")

    def read(precision: bool) -> Any:
        return trafilatura.bare_extraction(
            source,
            url=url,
            favor_precision=precision,
            favor_recall=not precision,
            include_comments=False,
            include_tables=True,
            with_metadata=True,
        )

    result: Any = read(True)
    text = (getattr(result, "text", None) or "").strip()
    if prose(text) < SHORT_PAGE_UNITS:
        recall = read(False)
        # the publisher's own copies first; recall mode (which keeps menus) last
        others = [*signals.bodies, *signals.fallbacks] if signals is not None else []
        others.append((getattr(recall, "text", None) or "").strip())
        best = best_text(text, others)
        if best is not text and result is None:
            result = recall
        text = best
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if signals is not None:
        lines = drop_captions(lines, signals.captions)
        link_lines = {norm_key(t) for t in signals.links}
        lines = [ln for ln in lines if norm_key(ln) not in link_lines]
    title = page_title(result, raw_title, signals, visible)
    for head in {title, (getattr(result, "title", None) or "").strip()}:
        if head and lines and _same(lines[0], head):
            lines = lines[1:]
    page = Page(title, "\n".join(lines), url)
    reason = classify_page(page, html_title=raw_title, visible_text=visible)
    if reason == "paywall":
        lede = without_wall(page.text)
        if content_length(lede) >= TEASER_UNITS:
            return Page(title, lede, url)
    return ensure_article(page, html_title=raw_title, visible_text=visible)
