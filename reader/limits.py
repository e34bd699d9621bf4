"""Caps on work and the result type shared by every document format.

Each format module (:mod:`reader.markdown`, :mod:`reader.pdf`, :mod:`reader.docx`,
:mod:`reader.page`) reads bytes into a :class:`Document`; the caps here hold whatever
a file claims about itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

#: Largest document read (bytes).  Telegram bots may download up to 20 MB; a
#: news article or report over 10 MB is a book or a scan, not a digest's input.
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
#: What :func:`extract_document` reads, in the order error messages list them.
SUPPORTED_EXTENSIONS: tuple[str, ...] = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")
#: A page whose article text is shorter than this (content units: Han
#: characters plus Latin words) is not an article; a news flash is ~60.
MIN_PAGE_UNITS = 40
#: Pages shorter than this are checked for verification/login/paywall/error
#: wording anywhere; longer ones only in their title and closing lines, so an
#: article *about* captchas or paywalls is not refused.
SHORT_PAGE_UNITS = 250
#: Caps on work, whatever the file claims: pages read from a PDF, bytes a
#: DOCX may unpack to (zip bombs), characters of text kept.
MAX_PDF_PAGES = 300
MAX_DOCX_UNPACKED_BYTES = 200 * 1024 * 1024
#: Characters of text kept.  The summarizer analyses the first 4,000 sentences
#: (~200,000 characters) of an article; 500,000 keep all of those with room to spare,
#: and what is cut would only cost time in the steps that read every line.
MAX_TEXT_CHARS = 500_000
#: XML of ``word/document.xml`` read, counted as it really inflates (the zip directory's
#: sizes can lie).  A 300-page report is ~5 MB of XML.
MAX_DOCX_XML_BYTES = 32 * 1024 * 1024
#: XML elements read from it: the parse costs ~1 µs per element (expat calls back for
#: each), and real text reaches :data:`MAX_TEXT_CHARS` well before (~20 per paragraph).
MAX_XML_ELEMENTS = 1_000_000
#: Element nesting allowed in DOCX XML (Word's deepest, nested tables, is ~30).
MAX_XML_DEPTH = 256
#: Bytes one PDF stream may inflate to (a page's content is rarely over 1 MB; a flate
#: bomb is hundreds of MB).  Handed to pypdf's own limits.
MAX_PDF_STREAM_BYTES = 32 * 1024 * 1024
#: The worker process that reads PDF and HTML files (parsers that cannot be bounded
#: from outside): its wall-clock limit and its address-space limit (``RLIMIT_AS``).
#: Past either the file is refused as ``too_complex``; the whole CLI run stays under
#: 20 s and 400 MB whatever the file.
WORKER_TIMEOUT_S = 10.0
WORKER_MEMORY_BYTES = 320 * 1024 * 1024
#: Workers one process runs at once (more uploads wait their turn).
MAX_WORKERS = 2

DocumentKind = Literal["txt", "md", "html", "pdf", "docx"]

_KIND_BY_EXTENSION: dict[str, DocumentKind] = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
    ".docx": "docx",
}
_KIND_BY_MIME: dict[str, DocumentKind] = {
    "text/plain": "txt",
    "text/markdown": "md",
    "text/x-markdown": "md",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}


@dataclass(frozen=True, slots=True)
class Document:
    """Text read from a file; ``kind`` is the format it was read as."""

    title: str | None
    text: str
    kind: str
    encoding: str | None = None  # for txt/md/html: the encoding detected or declared


def plausible_title(title: str | None) -> str | None:
    """``title`` stripped, or None when it is a placeholder or a file name, not a headline."""
    if not isinstance(title, str):
        return None
    title = re.sub(r"\s+", " ", title).strip()
    low = title.lower()
    if (
        not title
        or len(title) > 300
        or low in ("untitled", "无标题", "無標題", "document", "word document")
        or re.search(r"\.(docx?|pdf|pptx?|xlsx?|txt|indd|tex)$", low)
        or low.startswith("microsoft word - ")
    ):
        return None
    return title


#: A line that starts a list item (bullets, 1. 1) （一） 一、 ①): PDF and DOCX keep these apart.
_LIST_START = re.compile(
    r"^\s*(?:[•·●▪◦‣∙・◆■★▶►✓✔➢➤\-*–—]|\(?\d{1,2}[.)、．]|[（(][0-9一二三四五六七八九十]{1,3}[）)]|"
    r"[一二三四五六七八九十]{1,2}[、．]|[①-⑳])"
)


@dataclass(frozen=True, slots=True)
class Page:
    """The article of a web page: its title, its text (one block per line)."""

    title: str | None
    text: str
    url: str | None = None
