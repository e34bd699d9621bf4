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
MAX_TEXT_CHARS = 2_000_000

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


#: A line that starts a list item (bullets, 1. 1) （一） 一、 ①): PDF and DOCX keep these apart.
_LIST_START = re.compile(
    r"^\s*(?:[•·●▪◦‣∙・◆■★▶►✓✔➢➤\-*–—]|\(?\d{1,2}[.)、．]|[（(][0-9一二三四五六七八九十]{1,3}[）)]|"
    r"[一二三四五六七八九十]{1,2}[、．]|[①-⑳])"
)
