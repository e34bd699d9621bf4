"""PDF text layer (pypdf) → lines, unwrapping the lines a PDF wrapped at its column edge.

pypdf is told the reader's own limits (:data:`MAX_PDF_STREAM_BYTES` per inflated stream);
a page whose content is the same stream object as an earlier page's is read once, and
reading stops at :data:`MAX_PDF_PAGES` pages or :data:`MAX_TEXT_CHARS` characters.  What
pypdf cannot be told (its time, its memory) the worker process bounds
(:mod:`reader.isolate`); :func:`read_pdf` runs there.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

__all__ = ["read_pdf"]

from reader.limits import (
    _LIST_START,
    MAX_PDF_PAGES,
    MAX_PDF_STREAM_BYTES,
    MAX_TEXT_CHARS,
    Document,
    plausible_title,
)
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
    return plausible_title(title) if isinstance(title, str) else None


def _limits() -> Any:
    """pypdf's own limits, tightened to the reader's (a context manager; pypdf ≥ 6)."""
    import contextlib

    try:
        from pypdf import apply_configuration
    except ImportError:  # an older pypdf: its module-level defaults and the worker's limits
        return contextlib.nullcontext()
    cap = MAX_PDF_STREAM_BYTES
    return apply_configuration(
        zlib_maximum_output_length=cap,
        lzw_maximum_output_length=cap,
        run_length_maximum_output_length=cap,
        array_based_stream_maximum_output_length=cap,
        stream_decoding_work_maximum_length=4 * cap,
        image_maximum_buffer_size=cap,
    )


def _contents_key(page: Any) -> object:
    """What identifies a page's content stream(s): the indirect objects it points to."""
    raw = page.get("/Contents")
    refs = raw if isinstance(raw, list) else [raw]
    key = []
    for ref in refs:
        idnum = getattr(ref, "idnum", None)
        if idnum is None:
            return id(page)  # a direct object: nothing to share
        key.append((idnum, getattr(ref, "generation", 0)))
    return tuple(key)


def _page_lines(reader: Any) -> list[str]:
    lines: list[str] = []
    total = 0
    seen: set[object] = set()
    for i, page in enumerate(reader.pages):
        if i >= MAX_PDF_PAGES or total > MAX_TEXT_CHARS:
            break
        key = _contents_key(page)
        if key in seen:
            continue  # the same content stream again (40 pages sharing one 70 MB stream)
        seen.add(key)
        text = page.extract_text() or ""
        total += len(text)
        lines.extend(text.splitlines())
    return lines


def read_pdf(data: bytes) -> Document:
    """Read a PDF's text layer; :class:`UnsupportedInputError` (``corrupt``, ``encrypted``,
    ``no_text_layer``, ``too_complex``).  Unbounded in time: run it in the worker."""
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError

    try:
        with _limits():
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                try:
                    unlocked = bool(reader.decrypt(""))
                except Exception:  # pypdf needs 'cryptography' for AES; either way: locked
                    unlocked = False
                if not unlocked:
                    raise UnsupportedInputError("encrypted", "the PDF is password-protected")
            lines = _page_lines(reader)
            title = _pdf_title(reader)
    except UnsupportedInputError:
        raise
    except LimitReachedError as exc:
        if "self reference" in str(exc):  # pypdf's name for a /Length pointing at itself
            raise UnsupportedInputError("corrupt", "the PDF refers to itself endlessly") from exc
        raise UnsupportedInputError(
            "too_complex", "the PDF unpacks to more than the reader's limits"
        ) from exc
    except RecursionError as exc:  # e.g. a stream whose /Length refers to itself
        raise UnsupportedInputError("corrupt", "the PDF refers to itself endlessly") from exc
    except MemoryError as exc:
        raise UnsupportedInputError("too_complex", "the PDF needs too much memory") from exc
    except Exception as exc:  # pypdf raises PdfReadError, ValueError, KeyError, ... on junk
        raise UnsupportedInputError("corrupt", "the PDF is damaged and cannot be read") from exc
    text = "\n".join(_unwrap_lines(lines))
    if content_length(text) < 5:
        raise UnsupportedInputError(
            "no_text_layer",
            "the PDF has no text layer (a scan or images only); send the text instead",
        )
    return Document(title, text, "pdf")
