"""DOCX (python-docx) → lines: headings, paragraphs, list items, tables."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from reader.limits import _LIST_START, MAX_DOCX_UNPACKED_BYTES, MAX_TEXT_CHARS, Document
from summarizer.errors import UnsupportedInputError
from summarizer.text import content_length


def _docx_unpacked_size(data: bytes) -> int:
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
            if "word/document.xml" not in names:
                raise UnsupportedInputError("corrupt", "the file is not a Word .docx document")
            return sum(info.file_size for info in zf.infolist())
    except zipfile.BadZipFile as exc:
        raise UnsupportedInputError("corrupt", "the .docx file is damaged") from exc


def _docx_blocks(doc: Any) -> Iterable[tuple[str, str]]:
    """(style name, text) of each paragraph, and of table cells that read as prose."""
    from docx.table import Table

    for item in doc.iter_inner_content():
        if isinstance(item, Table):
            seen: set[str] = set()
            for row in item.rows:
                for cell in row.cells:
                    text = cell.text.strip()
                    # layout tables hold prose; data tables (numbers, labels) are skipped
                    if text and text not in seen and content_length(text) >= 20:
                        seen.add(text)
                        for line in text.splitlines():
                            yield "", line
            continue
        try:
            style = item.style.name if item.style is not None else ""
        except Exception:  # a dangling style id: treat as a plain paragraph
            style = ""
        ppr = item._p.pPr
        if ppr is not None and ppr.numPr is not None and not style.startswith("List"):
            style = "List Paragraph"
        yield style or "", item.text


def _read_docx(data: bytes) -> Document:
    if _docx_unpacked_size(data) > MAX_DOCX_UNPACKED_BYTES:
        raise UnsupportedInputError("too_large", "the .docx unpacks to more than the limit")
    import docx

    try:
        doc = docx.Document(io.BytesIO(data))
        blocks = list(_docx_blocks(doc))
        core_title = (doc.core_properties.title or "").strip()
    except UnsupportedInputError:
        raise
    except Exception as exc:  # python-docx raises KeyError, lxml errors, ...
        raise UnsupportedInputError("corrupt", "the .docx file cannot be read") from exc
    lines: list[str] = []
    title: str | None = core_title or None
    number = 0
    for style, raw in blocks:
        text = raw.strip()
        if not text:
            continue
        if style == "Title" or (style == "Heading 1" and not lines):
            title = title or text
        if style.startswith("List Number"):
            number += 1
            lines.append(f"{number}. {text}")
            continue
        number = 0
        if style.startswith(("List", "List Paragraph")) and not _LIST_START.match(text):
            lines.append(f"- {text}")
        else:
            lines.append(text)
    return Document(title, "\n".join(lines)[:MAX_TEXT_CHARS], "docx")
