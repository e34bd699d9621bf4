"""Hostile uploads, made small here: bloated or lying DOCX zips, PDFs with shared huge streams.

Each builder returns the file's bytes (kilobytes, whatever they claim to unpack to), so
tests and ``bench/bench_hostile_docs.py`` make them on the fly and nothing big is stored.
The DOCX zips are written by hand (not with :mod:`zipfile`) so that the sizes a zip
*declares* can differ from what it really inflates to.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable, Iterator

__all__ = [
    "W_NS",
    "docx_package",
    "docx_paragraphs_xml",
    "markdown_brackets",
    "pdf_huge_stream",
    "pdf_self_length",
    "pdf_shared_stream",
    "raw_zip",
    "repeat_chunks",
]

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" '
    b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    b"</Types>"
)
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
_DOC_HEAD = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W_NS}"><w:body>'
).encode()
_DOC_TAIL = b"</w:body></w:document>"


def repeat_chunks(chunk: bytes, total: int) -> Iterator[bytes]:
    """``chunk`` repeated until ``total`` bytes (the last one cut): huge content, tiny memory."""
    left = total
    while left > 0:
        part = chunk[:left]
        left -= len(part)
        yield part


def docx_paragraphs_xml(paragraphs: Iterable[str | tuple[str, str]]) -> bytes:
    """A ``word/document.xml`` body: each item a paragraph, or ``(style id, text)``."""
    parts = [_DOC_HEAD]
    for item in paragraphs:
        style, text = item if isinstance(item, tuple) else ("", item)
        ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
        parts.append(f"<w:p>{ppr}<w:r><w:t>{text}</w:t></w:r></w:p>".encode())
    parts.append(_DOC_TAIL)
    return b"".join(parts)


def raw_zip(entries: Iterable[tuple[str, Iterable[bytes], int | None]]) -> bytes:
    """A deflated zip of ``(name, chunks, declared size or None for the true size)``.

    A declared size differing from the true one is what a lying zip directory says:
    readers that trust it allocate or stop by it; the inflated bytes say otherwise.
    """
    out = bytearray()
    central = bytearray()
    count = 0
    for name, chunks, declared in entries:
        comp = zlib.compressobj(9, zlib.DEFLATED, -15)
        body = bytearray()
        crc = 0
        size = 0
        for chunk in chunks:
            crc = zlib.crc32(chunk, crc)
            size += len(chunk)
            body += comp.compress(chunk)
        body += comp.flush()
        usize = size if declared is None else declared
        fname = name.encode()
        offset = len(out)
        fields = (20, 0, 8, 0, 0x21, crc, len(body), usize, len(fname), 0)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields) + fname + body
        central += (
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(body),
                usize,
                len(fname),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + fname
        )
        count += 1
    start = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(central), start, 0)
    return bytes(out)


def docx_package(
    document: bytes | Iterable[bytes],
    *,
    core_title: str | None = None,
    declared_size: int | None = None,
    styles: dict[str, str] | None = None,
) -> bytes:
    """A .docx (content types, rels, ``word/document.xml``, optional ``docProps/core.xml``).

    ``document`` may be chunks (for XML far larger than memory should hold);
    ``declared_size`` makes the zip directory lie about ``document.xml``'s size;
    ``styles`` (style id → name) becomes ``word/styles.xml``.
    """
    chunks = [document] if isinstance(document, bytes) else document
    entries: list[tuple[str, Iterable[bytes], int | None]] = [
        ("[Content_Types].xml", [_CONTENT_TYPES], None),
        ("_rels/.rels", [_RELS], None),
    ]
    if core_title is not None:
        core = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<dc:title>{core_title}</dc:title></cp:coreProperties>"
        ).encode()
        entries.append(("docProps/core.xml", [core], None))
    if styles is not None:
        defs = "".join(
            f'<w:style w:type="paragraph" w:styleId="{sid}"><w:name w:val="{name}"/></w:style>'
            for sid, name in styles.items()
        )
        xml = f'<?xml version="1.0" encoding="UTF-8"?><w:styles xmlns:w="{W_NS}">{defs}</w:styles>'
        entries.append(("word/styles.xml", [xml.encode()], None))
    entries.append(("word/document.xml", chunks, declared_size))
    return raw_zip(entries)


def _pdf(objects: list[bytes]) -> bytes:
    """Objects 1..n (``objects[0]`` the catalog) with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


def _stream(data: bytes, *, length: bytes | None = None) -> bytes:
    packed = zlib.compress(data, 9)
    declared = length if length is not None else str(len(packed)).encode()
    return (
        b"<< /Length " + declared + b" /Filter /FlateDecode >>\nstream\n" + packed + b"\nendstream"
    )


def _pages_pdf(n_pages: int, contents: list[bytes]) -> bytes:
    """Catalog 1, pages 2, font 3, content streams 4.., then n pages sharing them in turn."""
    first_page = 4 + len(contents)
    kids = " ".join(f"{first_page + i} 0 R" for i in range(n_pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        *contents,
    ]
    for i in range(n_pages):
        content = 4 + i % len(contents)
        objects.append(
            (
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                f"/Resources << /Font << /F1 3 0 R >> >> /Contents {content} 0 R >>"
            ).encode()
        )
    return _pdf(objects)


def pdf_shared_stream(n_pages: int = 40, stream_bytes: int = 70_000_000) -> bytes:
    """One content stream of ``stream_bytes`` text operators, the content of every page."""
    line = b"BT /F1 12 Tf 72 720 Td (Quarterly revenue rose again.) Tj ET\n"
    data = line * (stream_bytes // len(line))
    return _pages_pdf(n_pages, [_stream(data)])


def pdf_huge_stream(stream_bytes: int = 300_000_000) -> bytes:
    """One page whose content inflates to ``stream_bytes`` of spaces (a flate bomb)."""
    comp = zlib.compressobj(9)
    packed = b"".join(comp.compress(c) for c in repeat_chunks(b" " * 1_048_576, stream_bytes))
    packed += comp.flush()
    content = (
        f"<< /Length {len(packed)} /Filter /FlateDecode >>\nstream\n".encode()
        + packed
        + b"\nendstream"
    )
    return _pages_pdf(1, [content])


def pdf_self_length() -> bytes:
    """A page whose content stream's ``/Length`` is a reference to the stream object itself."""
    text = b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET\n"
    return _pages_pdf(1, [_stream(text, length=b"4 0 R")])


def markdown_brackets(n: int = 100_000) -> bytes:
    """One Markdown line of ``n`` opening brackets (regex backtracking bait), then prose."""
    return b"[" * n + b"\n\nAcme said revenue rose 12 percent in the third quarter.\n"
