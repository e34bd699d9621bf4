"""The HTML in feeds → plain text, and HTML pages → a tree to look for feed links in.

Feed titles, summaries and content hold HTML (escaped or in CDATA), sometimes
``<script>``; the bot shows them as text, so every tag goes and only the
words stay.  A real HTML parser (lxml's libxml2, C speed, lenient with broken
markup) does this, not a regular expression: ``<b>`` inside an attribute, a
``>`` in a comment or an unclosed tag would fool one.  Block elements become
line breaks because the summarizer reads one block per line.
"""

from __future__ import annotations

import html
import re

import lxml.etree
import lxml.html
import lxml.html.defs

from reader.encodings import _html_charset, decode_text
from summarizer.errors import UnsupportedInputError

__all__ = ["html_to_text", "inline_text", "parse_html_page", "plain_title"]

_ENTITY = re.compile(r"&(?:#\d+|#x[0-9A-Fa-f]+|\w+);")
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)[\s/>]")
#: Tag names that make "plain" text HTML: a title "Lantern <Tech>" keeps its brackets.
_HTML_TAGS = frozenset(lxml.html.defs.tags)
_DROPPED = ("script", "style", "noscript", "template", "iframe", "object", "svg", "math")
_BLOCKS = frozenset(
    {
        "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
        "blockquote", "pre", "section", "article", "table", "figure", "figcaption",
        "header", "footer", "dd", "dt", "hr", "aside", "main", "nav", "details",
    }
)  # fmt: skip
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u3000\u200b]+")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.I)


def _lines(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def inline_text(text: str) -> str:
    """Whitespace (line breaks too) collapsed to single spaces: a title is one line."""
    return _SPACES.sub(" ", re.sub(r"\s+", " ", text)).strip()


def _looks_like_html(value: str) -> bool:
    if _ENTITY.search(value):
        return True
    return any(m.group(1).lower() in _HTML_TAGS for m in _TAG_NAME.finditer(value))


def plain_title(value: object, limit: int = 1000) -> str | None:
    """A title (which may hold HTML, even ``<script>``) as one line of plain text, or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    return inline_text(html_to_text(value[: limit * 5], plain=True))[:limit] or None


def html_to_text(value: str, *, plain: bool = False) -> str:
    """HTML (or text that may hold some) → plain text, one block per line.

    ``plain=True`` (feedparser says ``text/plain``): parsed only if it looks
    like markup or holds entities, since RSS titles are "plain" yet often carry
    ``&lt;b&gt;``-escaped tags; a real plain ``a < b`` or ``<Tech>`` (no HTML
    tag name) is kept as written.
    """
    if not value:
        return ""
    if plain and not _looks_like_html(value):
        return _lines(value)
    try:
        root = lxml.html.fragment_fromstring(_XML_DECL.sub("", value), create_parent="div")
    except (lxml.etree.ParserError, ValueError):  # nothing parsable: fall back to entities
        return _lines(html.unescape(re.sub(r"<[^>]*>", " ", value)))
    for el in list(root.iter(*_DROPPED)):
        el.drop_tree()
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag in _BLOCKS:
            el.tail = "\n" + (el.tail or "")
            if el.tag != "br":
                el.text = "\n" + (el.text or "")
    for comment in list(root.iter(lxml.etree.Comment, lxml.etree.ProcessingInstruction)):
        comment.drop_tree()
    return _lines(root.text_content())


def parse_html_page(body: bytes, charset: str | None = None) -> lxml.html.HtmlElement | None:
    """A web page's tree (its ``<head>`` is what autodiscovery reads), or ``None``.

    Decoded here (the header's charset, else the page's ``<meta>``, else
    sniffed) so lxml never guesses; lxml refuses a ``str`` that still carries
    an XML encoding declaration, so that is dropped first.
    """
    if not body.strip():
        return None
    try:
        text, _ = decode_text(body, charset or _html_charset(body))
    except UnsupportedInputError:  # binary or undecodable: no page, so no feed links
        return None
    try:
        return lxml.html.document_fromstring(_XML_DECL.sub("", text))
    except (lxml.etree.ParserError, ValueError):
        return None
