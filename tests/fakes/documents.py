"""Well-formed PDF and DOCX files for tests, made at run time with fpdf2 and python-docx.

The one place tests make ordinary documents (the malformed and hostile ones,
written byte by byte, are in :mod:`tests.fakes.hostile_docs`).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable

import docx
from docx.document import Document
from fpdf import FPDF

__all__ = ["docx_bytes", "pdf_bytes", "scan_pdf"]


def pdf_bytes(
    paragraphs: Iterable[str], *, title: str | None = None, heading: str | None = None
) -> bytes:
    """A one-page PDF with a text layer: ``heading`` in bold, then each paragraph wrapped at
    the page edge (a reader has to join the lines again), ``title`` in its metadata."""
    pdf = FPDF()
    if title:
        pdf.set_title(title)
    pdf.add_page()
    if heading:
        pdf.set_font("Helvetica", style="B", size=14)
        pdf.multi_cell(0, 8, heading, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=12)
    for paragraph in paragraphs:
        pdf.multi_cell(0, 6, paragraph, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    return bytes(pdf.output())


def scan_pdf() -> bytes:
    """A PDF with a drawing and no text layer, as a scanner makes them."""
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 80, 60, style="F")
    return bytes(pdf.output())


def docx_bytes(
    paragraphs: Iterable[str] = (),
    *,
    title: str | None = None,
    build: Callable[[Document], None] | None = None,
) -> bytes:
    """A DOCX of plain ``paragraphs`` with ``title`` as its core title; ``build`` may add
    headings, lists and tables to the document first."""
    d = docx.Document()
    if title is not None:
        d.core_properties.title = title
    if build is not None:
        build(d)
    for paragraph in paragraphs:
        d.add_paragraph(paragraph)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()
