"""HTML source pasted as text: keep the words, drop the markup.

Pure stdlib (no network, no trafilatura): a pasted page source or a snippet
with tags should be summarized as the text a browser would show.  As in a
browser, a line break inside a paragraph or an inline element (<a>, <b>,
<span>) is white space, not a new line: only block elements start lines, and
only <pre> keeps its breaks.  A break between two Han characters vanishes,
as CSS does for Chinese text (a space there would split a word).
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

from summarizer.text import HAN_RANGES

__all__ = ["html_to_text", "looks_like_html"]

_TAG = re.compile(
    r"<(?:!doctype|html|head|body|div|p|span|br|a|table|script|style|meta|li|ul|h[1-6])\b", re.I
)
_BLOCK_TAGS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 tr table section article header footer "
    "blockquote title dl dt dd figure figcaption aside main pre hr td th caption address "
    "details summary".split()
)
_PRE_TAGS = frozenset(("pre", "textarea", "listing"))
_BREAK = re.compile(r"[ \t\f\v]*\n\s*")
_MARK = "\x1e"  # a source line break, until the whole text is known (controls never survive)
_MARKED = re.compile(f"[ \\t]*{_MARK}[ \\t{_MARK}]*")
_HAN_MARKED = re.compile(
    f"(?<=[{HAN_RANGES}，。、；：！？）」』”])[ \\t]*{_MARK}[ \\t{_MARK}]*"
    f"(?=[{HAN_RANGES}，。、；：！？（「『“])"
)
_SKIP_TAGS = frozenset(
    "script style noscript template svg head nav footer form button iframe".split()
)


def looks_like_html(text: str) -> bool:
    """Page source or a markup-heavy snippet, not prose that mentions one tag."""
    head = text.lstrip()[:200].lower()
    if head.startswith(("<!doctype", "<html", "<?xml")):
        return True
    return len(_TAG.findall(text[:20000])) >= 5


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self.title: str | None = None
        self._in_title = False
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        if tag in _PRE_TAGS:
            self._pre += 1
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in _PRE_TAGS:
            self._pre = max(0, self._pre - 1)
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title and self.title is None and data.strip():
            self.title = data.strip()
        if not self._skip:
            self.parts.append(data if self._pre else _BREAK.sub(_MARK, data))


def _resolve_breaks(text: str) -> str:
    """Source line breaks inside running text: nothing between Han, else a space."""
    if _MARK not in text:
        return text
    return _MARKED.sub(" ", _HAN_MARKED.sub("", text))


def html_to_text(source: str) -> str:
    """Visible text of an HTML document, one block per line."""
    parser = _TextExtractor()
    try:
        parser.feed(source)
        parser.close()
    except Exception:  # html.parser is lenient; anything left is not worth failing for
        return unescape(re.sub(r"<[^>]+>", "\n", source))
    lines = (ln.strip() for ln in _resolve_breaks("".join(parser.parts)).split("\n"))
    return "\n".join(ln for ln in lines if ln)
