"""DOCX → lines (headings, paragraphs, list items, prose table cells), streamed and bounded.

A .docx is a zip of XML parts.  ``word/document.xml`` is inflated in chunks and fed to
expat (:mod:`xml.parsers.expat`, the standard library's streaming parser) while the
*real* inflated bytes are counted, so neither the sizes the zip directory declares nor
the XML's size decide the cost: work stops at :data:`MAX_DOCX_XML_BYTES`, at
:data:`MAX_XML_DEPTH` nested elements, and once :data:`MAX_TEXT_CHARS` of text are read.
Nothing but the current paragraph (and table cell) is held in memory, and DTDs (entity
expansion) are refused.  A tree parser (python-docx/lxml) cost ~2.9 s and 22 MB per MB of
XML, so a 59 KB upload took a minute; this reads the same XML at ~20 MB/s in constant
memory.

The title is ``dc:title`` of ``docProps/core.xml``, else the Title-styled or leading
heading, else a short first line that reads as a headline.
"""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any
from xml.parsers import expat

from reader.limits import (
    _LIST_START,
    MAX_DOCX_UNPACKED_BYTES,
    MAX_DOCX_XML_BYTES,
    MAX_TEXT_CHARS,
    MAX_XML_DEPTH,
    MAX_XML_ELEMENTS,
    Document,
    plausible_title,
)
from summarizer.errors import UnsupportedInputError
from summarizer.text import content_length

__all__ = ["read_docx"]

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006}"
_DC_TITLE = "http://purl.org/dc/elements/1.1/}title"
_P, _T, _TBL, _TC, _R = _W + "p", _W + "t", _W + "tbl", _W + "tc", _W + "r"
_PPR, _PSTYLE, _NUMPR = _W + "pPr", _W + "pStyle", _W + "numPr"
_SDT, _GALLERY, _VAL = _W + "sdt", _W + "docPartGallery", _W + "val"
_FALLBACK = _MC + "Fallback"
#: Run children that stand for characters (python-docx reads them the same way).
_RUN_CHARS = {_W + "tab": "\t", _W + "br": "\n", _W + "cr": "\n", _W + "noBreakHyphen": "-"}
_CHUNK = 256 * 1024
#: styles.xml and core.xml are small in real files; more is not read.
_MAX_SIDE_PART_BYTES = 8 * 1024 * 1024
#: A first line up to this long (content units) may be the title when nothing else says.
_TITLE_MAX_UNITS = 40
_SENTENCE_END = tuple("。！？!?.；;")


class _Enough(Exception):
    """Enough text is read: stop parsing, keep what there is."""


def _refuse_dtd(*_: Any) -> None:
    raise UnsupportedInputError("corrupt", "the .docx holds a DTD (Word never writes one)")


def _inflate(zf: zipfile.ZipFile, name: str, cap: int) -> Iterator[bytes]:
    """Chunks of a zip member, counting the real inflated bytes (not the declared size)."""
    total = 0
    with zf.open(name) as member:
        stream: IO[bytes] = member
        while chunk := stream.read(_CHUNK):
            total += len(chunk)
            if total > cap:
                raise UnsupportedInputError(
                    "too_complex",
                    f"the .docx unpacks to more than {cap // 1048576} MB of XML",
                )
            yield chunk


def _too_deep() -> UnsupportedInputError:
    return UnsupportedInputError(
        "too_complex", f"the .docx nests XML more than {MAX_XML_DEPTH} deep"
    )


def _parse(
    zf: zipfile.ZipFile,
    name: str,
    cap: int,
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None],
    chars: Callable[[str], None],
    *,
    guard_depth: bool = True,
) -> None:
    """Feed one XML part to expat with the given handlers; DTDs are refused.

    With ``guard_depth`` the handlers are wrapped to refuse nesting past
    :data:`MAX_XML_DEPTH`; the body reader checks depth itself (one Python call
    less per element: expat calls back for every element, and that is the cost).
    """
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.buffer_size = 65536
    if guard_depth:
        depth = [0]

        def on_start(tag: str, attrs: dict[str, str]) -> None:
            depth[0] += 1
            if depth[0] > MAX_XML_DEPTH:
                raise _too_deep()
            start(tag, attrs)

        def on_end(tag: str) -> None:
            depth[0] -= 1
            end(tag)

        parser.StartElementHandler = on_start
        parser.EndElementHandler = on_end
    else:
        parser.StartElementHandler = start
        parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    try:
        for chunk in _inflate(zf, name, cap):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise UnsupportedInputError("corrupt", f"the .docx XML is malformed ({exc})") from exc


@dataclass(slots=True)
class _Para:
    style: str = ""
    numbered: bool = False
    parts: list[str] = field(default_factory=list)
    size: int = 0


class _BodyReader:
    """expat handlers that turn ``w:body`` into (style id, text) blocks as they close."""

    def __init__(self, max_elements: int = MAX_XML_ELEMENTS) -> None:
        self.max_elements = max_elements
        self.blocks: list[tuple[str, bool, str]] = []
        self.chars = 0
        self._stack: list[str] = []  # open element names (depth is capped, so is this)
        self._paras: list[_Para] = []  # open paragraphs (a text box nests one in another)
        self._tables = 0
        self._cell: list[str] | None = None
        self._seen: set[str] = set()
        self._fallback = 0  # inside mc:Fallback (a duplicate of the mc:Choice content)
        self._sdt: list[bool] = []  # open content controls: is it a table of contents?
        self._in_text = False
        self.elements = 0

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        stack = self._stack
        parent = stack[-1] if stack else ""
        stack.append(tag)
        self.elements += 1
        if self.elements > self.max_elements:
            if self.chars or any(p.size for p in self._paras):
                raise _Enough  # keep the text read so far: it is already a long document
            raise UnsupportedInputError(
                "too_complex", f"the .docx has over {self.max_elements:,} XML elements and no text"
            )
        if len(stack) > MAX_XML_DEPTH:
            raise _too_deep()
        if tag == _FALLBACK:
            self._fallback += 1
        if self._fallback:
            return
        if tag == _P:
            self._paras.append(_Para())
        elif tag == _T:
            self._in_text = bool(self._paras)
        elif tag in _RUN_CHARS and parent == _R:
            self._add(_RUN_CHARS[tag])
        elif tag == _PSTYLE and parent == _PPR and self._paras and not self._paras[-1].style:
            self._paras[-1].style = attrs.get(_VAL, "")
        elif tag == _NUMPR and parent == _PPR and self._paras:
            self._paras[-1].numbered = True
        elif tag == _TBL:
            self._tables += 1
            if self._tables == 1:
                self._seen = set()
        elif tag == _TC and self._tables == 1:
            self._cell = []
        elif tag == _SDT:
            self._sdt.append(False)
        elif tag == _GALLERY and self._sdt and "contents" in attrs.get(_VAL, "").lower():
            self._sdt[-1] = True  # a table of contents: page furniture, not the article

    def end(self, tag: str) -> None:
        self._stack.pop()
        if tag == _FALLBACK:
            self._fallback -= 1
            return
        if self._fallback:
            return
        if tag == _T:
            self._in_text = False
        elif tag == _P and self._paras:
            para = self._paras.pop()
            text = "".join(para.parts)
            if any(self._sdt):
                return
            if self._cell is not None:
                self._cell.append(text)
            else:
                self._emit(para.style, para.numbered, text)
        elif tag == _TC and self._tables == 1 and self._cell is not None:
            text = "\n".join(self._cell).strip()
            self._cell = None
            # layout tables hold prose; data tables (numbers, labels) are skipped
            if text and text not in self._seen and content_length(text) >= 20:
                self._seen.add(text)
                for line in text.splitlines():
                    self._emit("", False, line)
        elif tag == _TBL:
            self._tables -= 1
        elif tag == _SDT and self._sdt:
            self._sdt.pop()

    def flush(self) -> None:
        """Keep the paragraph that was open when reading stopped early."""
        if self._paras and self._paras[0].parts and not any(self._sdt):
            para = self._paras[0]
            self.blocks.append((para.style, para.numbered, "".join(para.parts)))
        self._paras.clear()

    def text(self, data: str) -> None:
        if self._in_text and not self._fallback:
            self._add(data)

    def _add(self, data: str) -> None:
        if not self._paras:
            return
        para = self._paras[-1]
        if para.size > MAX_TEXT_CHARS:
            raise _Enough
        para.parts.append(data)
        para.size += len(data)

    def _emit(self, style: str, numbered: bool, text: str) -> None:
        if not text.strip():
            return
        self.blocks.append((style, numbered, text))
        self.chars += len(text) + 1
        if self.chars > MAX_TEXT_CHARS:
            raise _Enough


def _style_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """``w:styleId`` → ``w:name`` from ``word/styles.xml`` (Chinese Word uses ids like "1")."""
    names: dict[str, str] = {}
    if "word/styles.xml" not in zf.namelist():
        return names
    current: list[str] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == _W + "style":
            current[:] = [attrs.get(_W + "styleId", "")]
        elif tag == _W + "name" and current and current[0]:
            names[current[0]] = attrs.get(_VAL, "")

    try:
        _parse(zf, "word/styles.xml", _MAX_SIDE_PART_BYTES, start, lambda _: None, lambda _: None)
    except UnsupportedInputError:
        return names  # unreadable styles: fall back to the ids themselves
    return names


def _core_title(zf: zipfile.ZipFile) -> str | None:
    if "docProps/core.xml" not in zf.namelist():
        return None
    parts: list[str] = []
    inside = [False]

    def start(tag: str, _attrs: dict[str, str]) -> None:
        inside[0] = tag == _DC_TITLE

    def end(_tag: str) -> None:
        inside[0] = False

    def chars(data: str) -> None:
        if inside[0] and len(parts) < 100:
            parts.append(data)

    try:
        _parse(zf, "docProps/core.xml", _MAX_SIDE_PART_BYTES, start, end, chars)
    except UnsupportedInputError:
        return None
    return plausible_title("".join(parts)[:1000])


def _style_name(style_id: str, names: dict[str, str]) -> str:
    """The style's name, lower-case ("heading 1", "list bullet"); ids spelled out if unnamed."""
    name = names.get(style_id) or re.sub(r"(?<=[a-z])(?=[A-Z0-9])", " ", style_id)
    return name.strip().lower()


def _headline(line: str) -> bool:
    return content_length(line) <= _TITLE_MAX_UNITS and not line.endswith(_SENTENCE_END)


def read_docx(data: bytes, *, max_elements: int = MAX_XML_ELEMENTS) -> Document:
    """Read a .docx's text; :class:`UnsupportedInputError` (``corrupt``, ``too_complex``).

    ``max_elements`` is :data:`MAX_XML_ELEMENTS` but for tests, which prove the cap
    with a small one instead of a million expat calls.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if "word/document.xml" not in zf.namelist():
                raise UnsupportedInputError("corrupt", "the file is not a Word .docx document")
            if sum(info.file_size for info in infos) > MAX_DOCX_UNPACKED_BYTES:
                raise UnsupportedInputError(
                    "too_complex", "the .docx says it unpacks to more than the limit"
                )
            body = _BodyReader(max_elements)
            with contextlib.suppress(_Enough):  # enough text: keep what is read
                _parse(
                    zf,
                    "word/document.xml",
                    MAX_DOCX_XML_BYTES,
                    body.start,
                    body.end,
                    body.text,
                    guard_depth=False,
                )
            body.flush()
            names = _style_names(zf)
            core_title = _core_title(zf)
    except UnsupportedInputError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        # a damaged zip, a CRC mismatch (a member longer than its directory entry says),
        # an unknown compression method, a truncated member
        raise UnsupportedInputError("corrupt", "the .docx file is damaged") from exc
    except NotImplementedError as exc:
        raise UnsupportedInputError("corrupt", "the .docx uses an unknown compression") from exc
    return _lines(body.blocks, names, core_title)


def _lines(
    blocks: list[tuple[str, bool, str]], names: dict[str, str], core_title: str | None
) -> Document:
    lines: list[str] = []
    title = core_title
    first_heading: str | None = None
    number = 0
    for style_id, numbered, raw in blocks:
        text = raw.strip()
        if not text:
            continue
        style = _style_name(style_id, names) if style_id else ""
        if numbered and not style.startswith("list"):
            style = "list paragraph"
        if style == "title" or (style == "heading 1" and not lines):
            title = title or text
        if style.startswith("heading") and not lines:
            first_heading = text
        if style.startswith("list number"):
            number += 1
            lines.append(f"{number}. {text}")
            continue
        number = 0
        if style.startswith("list") and not _LIST_START.match(text):
            lines.append(f"- {text}")
        else:
            lines.append(text)
    if title is None and lines:
        first = first_heading or (lines[0] if _headline(lines[0]) else None)
        title = plausible_title(first) if first else None
    return Document(title, "\n".join(lines)[:MAX_TEXT_CHARS], "docx")
