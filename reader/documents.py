"""Documents and web pages in, plain article text out.

Pure: bytes in, text out; no network, no Telegram, no database.  The bot and
the CLI fetch or download the bytes, this module reads them:

- :func:`extract_document` reads ``.txt`` (any common encoding, see
  :func:`decode_text`), ``.md``, ``.html``/``.htm``, ``.pdf`` (its text
  layer) and ``.docx``, keeping line structure (headings, paragraphs, list
  items), because the summarizer reads structure from lines.
- :func:`extract_page` extracts the article of an HTML page (trafilatura) and
  refuses pages that are not the article (:func:`classify_page`): anti-bot
  verification, login walls, paywalls, error pages, near-empty pages.  A
  digest of "please verify you are human" must never be made.

Whatever a file claims, reading it is bounded: DOCX is streamed with caps
(:mod:`reader.docx`), Markdown is parsed by linear scans, and PDF and HTML, whose
parsers cannot be bounded from outside, are read in a worker process with time and
memory limits (:mod:`reader.isolate`).  Every failure is an
:class:`UnsupportedInputError` with a reason, never a traceback.

trafilatura, pypdf and charset-normalizer are imported inside the functions that
need them: ``python -m summarizer`` must start fast.
"""

from __future__ import annotations

import asyncio
from pathlib import PurePath

from reader.docx import read_docx
from reader.encodings import _html_charset, decode_text
from reader.limits import (
    _KIND_BY_EXTENSION,
    _KIND_BY_MIME,
    MAX_DOCUMENT_BYTES,
    MAX_TEXT_CHARS,
    MIN_PAGE_UNITS,
    SUPPORTED_EXTENSIONS,
    Document,
    DocumentKind,
)
from reader.markdown import _markdown_to_text
from reader.page import Page, classify_page, ensure_article, extract_page
from reader.pdf import read_pdf
from summarizer.errors import UnsupportedInputError

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "MIN_PAGE_UNITS",
    "SUPPORTED_EXTENSIONS",
    "Document",
    "DocumentKind",
    "Page",
    "check_upload",
    "classify_page",
    "decode_text",
    "ensure_article",
    "extract_document",
    "extract_document_async",
    "extract_page",
    "kind_for",
    "read_inline",
]

#: Kinds read in a worker process (their parsers cannot be bounded from outside).
_ISOLATED: frozenset[DocumentKind] = frozenset({"pdf", "html"})


def kind_for(filename: str | None, mime_type: str | None = None) -> DocumentKind | None:
    """The document kind a file name (or, failing that, a MIME type) announces."""
    if filename:
        kind = _KIND_BY_EXTENSION.get(PurePath(filename).suffix.lower())
        if kind is not None:
            return kind
    if mime_type:
        return _KIND_BY_MIME.get(mime_type.split(";")[0].strip().lower())
    return None


def _sniff(data: bytes) -> DocumentKind | None:
    head = data[:1024].lstrip()
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    if head[:15].lower().startswith((b"<!doctype html", b"<html")):
        return "html"
    return None


def _unsupported(filename: str) -> UnsupportedInputError:
    suffix = PurePath(filename).suffix.lower() or filename or "this file"
    hint = " (save it as .docx)" if suffix in (".doc", ".rtf", ".odt", ".wps") else ""
    return UnsupportedInputError(
        "unsupported_format",
        f"{suffix} files are not supported{hint}; supported: {', '.join(SUPPORTED_EXTENSIONS)}",
    )


#: Names without a telling extension: the extractor sniffs the bytes (``%PDF-``, a zip, html).
_SNIFFED_SUFFIXES = ("", ".bin", ".dat")


def check_upload(filename: str | None, mime_type: str | None, size: int | None) -> None:
    """Refuse a file before downloading it, from what the sender's client says about it.

    Raises :class:`UnsupportedInputError` ``too_large`` past :data:`MAX_DOCUMENT_BYTES`,
    ``unsupported_format`` when neither the name nor the MIME type promises a kind
    :func:`extract_document` reads (a name without a telling extension is sniffed later).
    """
    if size is not None and size > MAX_DOCUMENT_BYTES:
        raise UnsupportedInputError(
            "too_large",
            f"the file is {size / 1048576:.1f} MB; the limit is {MAX_DOCUMENT_BYTES // 1048576} MB",
        )
    name = filename or ""
    if kind_for(name, mime_type) is None and PurePath(name).suffix.lower() not in _SNIFFED_SUFFIXES:
        raise _unsupported(name)


def read_inline(kind: DocumentKind, data: bytes) -> Document:
    """Read ``data`` as ``kind`` in this process (the worker's half of PDF and HTML)."""
    if kind == "pdf":
        return read_pdf(data)
    if kind == "docx":
        return read_docx(data)
    if kind == "html":
        text, enc = decode_text(data, _html_charset(data))
        page = extract_page(text)
        return Document(page.title, page.text, "html", enc)
    text, enc = decode_text(data)
    text = text.lstrip("\ufeff")
    title: str | None = None
    if kind == "md":
        title, text = _markdown_to_text(text[:MAX_TEXT_CHARS])
    return Document(title, text[:MAX_TEXT_CHARS], kind, enc)


def extract_document(data: bytes, filename: str, mime_type: str | None = None) -> Document:
    """Read a document's text, keeping its line structure.

    The kind comes from the file name's extension, else the MIME type, else
    the first bytes (``%PDF-``, a zip, ``<html``).  Raises
    :class:`UnsupportedInputError` (``too_large``, ``unsupported_format``,
    ``empty``, ``binary``, ``undecodable``, ``no_text_layer``, ``corrupt``,
    ``encrypted``, ``too_complex``) and, for HTML, :class:`NotArticleError`.
    Blocks for up to :data:`~reader.limits.WORKER_TIMEOUT_S` (PDF, HTML) or a
    few seconds (a DOCX at its caps): call it from a thread, or use
    :func:`extract_document_async`.
    """
    if len(data) > MAX_DOCUMENT_BYTES:
        raise UnsupportedInputError(
            "too_large",
            f"the file is {len(data) / 1048576:.1f} MB; the limit is "
            f"{MAX_DOCUMENT_BYTES // 1048576} MB",
        )
    kind = kind_for(filename, mime_type)
    suffix = PurePath(filename).suffix.lower()
    if kind is None and suffix in _SNIFFED_SUFFIXES:
        mime = (mime_type or "").split(";")[0].strip().lower()
        textual = not mime or mime.startswith("text/") or mime == "application/octet-stream"
        kind = _sniff(data) or ("txt" if not suffix and textual else None)
    if kind is None:
        raise _unsupported(filename)
    if not data.strip():
        raise UnsupportedInputError("empty", "the file is empty")
    if kind in _ISOLATED:
        from reader.isolate import read_in_worker

        doc = read_in_worker(kind, data)
    else:
        doc = read_inline(kind, data)
    if not doc.text.strip():
        raise UnsupportedInputError("empty", "the file has no text")
    return doc


async def extract_document_async(
    data: bytes, filename: str, mime_type: str | None = None
) -> Document:
    """:func:`extract_document` off the event loop (a thread that waits on the worker)."""
    return await asyncio.to_thread(extract_document, data, filename, mime_type)
