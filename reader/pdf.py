"""PDF text layer (pypdf) → lines, unwrapping the lines a PDF wrapped at its column edge."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

from reader.limits import _LIST_START, MAX_PDF_PAGES, MAX_TEXT_CHARS, Document
from summarizer.errors import UnsupportedInputError
from summarizer.text import HAN_RANGES, content_length

_SENTENCE_END = tuple("。！？!?.；;:：…")
_CLOSERS = "”’」』）)》】\"'"
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-–—]?\s*\d{1,4}\s*[-–—]?|page\s+\d+(?:\s+of\s+\d+)?|第\s*\d+\s*页(?:\s*/?\s*共\s*\d+\s*页)?)\s*$",
    re.I,
)
_HAN_CHAR = re.compile(f"[{HAN_RANGES}，、：；（）《》“”]")


def _display_width(line: str) -> int:
    return sum(2 if _HAN_CHAR.match(ch) else 1 for ch in line)


def _unwrap_lines(lines: Sequence[str]) -> list[str]:
    """Join the lines a PDF wrapped at the column edge back into paragraphs.

    A line is a wrapped one when it is nearly as wide as the page's long
    lines and does not end a sentence; the next line continues it unless it
    starts a list item.  Headings (short lines) and list items stay lines.
    """
    clean = [ln.strip() for ln in lines]
    clean = [ln for ln in clean if ln and not _PAGE_NUMBER.match(ln)]
    if not clean:
        return []
    widths = sorted(_display_width(ln) for ln in clean)
    full = widths[min(len(widths) - 1, int(len(widths) * 0.8))]
    out: list[str] = [clean[0]]
    last = clean[0]  # the previous physical line
    for line in clean[1:]:
        wrapped = (
            _display_width(last) >= 0.6 * full
            and not last.rstrip(_CLOSERS).endswith(_SENTENCE_END)
            and not _LIST_START.match(line)
        )
        if wrapped:
            glue = "" if (_HAN_CHAR.match(last[-1]) or _HAN_CHAR.match(line[0])) else " "
            out[-1] += glue + line
        else:
            out.append(line)
        last = line
    return out


def _pdf_title(reader: Any) -> str | None:
    try:
        meta = reader.metadata
        title = meta.title if meta is not None else None
    except Exception:  # malformed info dictionary: not worth failing for
        return None
    if not isinstance(title, str):
        return None
    title = title.strip()
    low = title.lower()
    if (
        not title
        or low in ("untitled", "无标题", "無標題", "document")
        or re.search(r"\.(docx?|pdf|pptx?|xlsx?|txt|indd|tex)$", low)
        or low.startswith("microsoft word - ")
    ):
        return None
    return title


def _read_pdf(data: bytes) -> Document:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                unlocked = bool(reader.decrypt(""))
            except Exception:  # pypdf needs 'cryptography' for AES; either way: locked
                unlocked = False
            if not unlocked:
                raise UnsupportedInputError("encrypted", "the PDF is password-protected")
        pages = reader.pages
        lines: list[str] = []
        total = 0
        for i, page in enumerate(pages):
            if i >= MAX_PDF_PAGES or total > MAX_TEXT_CHARS:
                break
            text = page.extract_text() or ""
            total += len(text)
            lines.extend(text.splitlines())
    except UnsupportedInputError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise UnsupportedInputError("corrupt", "the PDF is damaged and cannot be read") from exc
    text = "\n".join(_unwrap_lines(lines))
    if content_length(text) < 5:
        raise UnsupportedInputError(
            "no_text_layer",
            "the PDF has no text layer (a scan or images only); send the text instead",
        )
    return Document(_pdf_title(reader), text, "pdf")
