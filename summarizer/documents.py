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

trafilatura, pypdf, python-docx and charset-normalizer are imported inside
the functions that need them: ``python -m summarizer`` must start fast.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePath
from typing import Any, Literal

from summarizer.errors import NotArticleError, PageReason, UnsupportedInputError
from summarizer.text import HAN_RANGES, content_length

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "MIN_PAGE_UNITS",
    "SUPPORTED_EXTENSIONS",
    "Document",
    "DocumentKind",
    "Page",
    "classify_page",
    "decode_text",
    "ensure_article",
    "extract_document",
    "extract_page",
    "kind_for",
]

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


@dataclass(frozen=True, slots=True)
class Page:
    """The article of a web page: its title, its text (one block per line)."""

    title: str | None
    text: str
    url: str | None = None


# --------------------------------------------------------------------------- encodings

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
# Declared names that mean a narrower charset than the one actually used.
_CODEC_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "big5": "big5hkscs",
    "big5-hkscs": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "utf-8",
    "ascii": "utf-8",
}
# Strict candidates for Chinese text that is not UTF-8, scored by plausibility.
_CJK_CANDIDATES: tuple[tuple[str, str], ...] = (
    ("gb18030", "gb18030"),
    ("cp950", "big5"),
    ("big5hkscs", "big5"),
)
#: A CJK decoding is accepted when at least this share of its non-ASCII
#: characters are common hanzi or CJK punctuation.  Measured on 30 news
#: sentences (Simplified in GB18030; Traditional in GB18030 and Big5) and their
#: 2/3/4/6-character prefixes: right decodings score 1.0, wrong ones at most
#: 0.8, Shift-JIS read as GB18030 0.38; this picks 225/225, charset-normalizer
#: alone 102/225 (it answers cp949 or UTF-16-BE for short GBK/Big5 text).
CJK_MIN_SCORE = 0.7


@lru_cache(maxsize=1)
def _common_hanzi() -> frozenset[str]:
    """GB2312 level 1 (3,755 chars) ∪ Big5 frequent (5,401): derived from the codecs."""
    chars: set[str] = set()
    trails_gb = range(0xA1, 0xFF)
    for lead in range(0xB0, 0xD8):
        for trail in trails_gb:
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes((lead, trail)).decode("gb2312"))
    trails_big5 = [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
    for lead in range(0xA4, 0xC7):
        for trail in trails_big5:
            if (lead << 8 | trail) > 0xC67E:
                break
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes((lead, trail)).decode("big5"))
    return frozenset(chars)


def _cjk_score(text: str) -> float:
    """Share of non-ASCII characters that are common hanzi or CJK punctuation."""
    common = _common_hanzi()
    good = 0.0
    n = 0
    for ch in text:
        o = ord(ch)
        if o < 0x80:
            continue
        n += 1
        if (
            ch in common
            or 0x3000 <= o <= 0x303F  # CJK punctuation
            or 0xFF01 <= o <= 0xFF5E  # fullwidth forms
            or 0x2010 <= o <= 0x2027  # dashes, quotes, ellipsis
        ):
            good += 1
        elif 0x4E00 <= o <= 0x9FFF:
            good += 0.3  # a real but rare hanzi: names, places
    return good / n if n else 0.0


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 with no BOM: NULs in every other byte (ASCII-heavy text)."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0) / len(sample[0::2])
    odd = sample[1::2].count(0) / len(sample[1::2])
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def _codec(name: str) -> str:
    name = name.strip().strip("\"'").lower()
    return _CODEC_ALIASES.get(name, name)


def decode_text(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode text bytes; return ``(text, encoding)``.

    Order: a BOM; the ``declared`` charset (HTTP header, ``<meta>``) if the
    bytes decode strictly with it; strict UTF-8; GB18030 and Big5 scored by
    how many characters are common hanzi (charset-normalizer alone mistakes
    short GBK/Big5 samples for cp949 or UTF-16); then charset-normalizer for
    everything else (cp1252, Shift-JIS, ...).  Raises
    :class:`UnsupportedInputError` (``binary``, ``undecodable``).
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), codec.replace("-sig", "")
            except UnicodeDecodeError:
                break
    if declared:
        codec = _codec(declared)
        try:
            return data.decode(codec), codec
        except (UnicodeDecodeError, LookupError):
            pass
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        try:
            return data.decode(utf16), utf16
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:8192]:
        raise UnsupportedInputError("binary", "the file is binary data, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best: tuple[float, str, str] | None = None
    for codec, label in _CJK_CANDIDATES:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        score = _cjk_score(text)
        if best is None or score > best[0]:
            best = (score, text, label)
    if best is not None and best[0] >= CJK_MIN_SCORE:
        return best[1], best[2]
    from charset_normalizer import from_bytes

    match = from_bytes(data).best()
    if match is not None:
        return str(match), match.encoding
    if best is not None:
        return best[1], best[2]
    raise UnsupportedInputError("undecodable", "the text is in an encoding I cannot recognise")


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def _html_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii") if m else None


# --------------------------------------------------------------------------- documents


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


def extract_document(data: bytes, filename: str, mime_type: str | None = None) -> Document:
    """Read a document's text, keeping its line structure.

    The kind comes from the file name's extension, else the MIME type, else
    the first bytes (``%PDF-``, a zip, ``<html``).  Raises
    :class:`UnsupportedInputError` (``too_large``, ``unsupported_format``,
    ``empty``, ``binary``, ``undecodable``, ``no_text_layer``, ``corrupt``,
    ``encrypted``) and, for HTML, :class:`NotArticleError`.
    """
    if len(data) > MAX_DOCUMENT_BYTES:
        raise UnsupportedInputError(
            "too_large",
            f"the file is {len(data) / 1048576:.1f} MB; the limit is "
            f"{MAX_DOCUMENT_BYTES // 1048576} MB",
        )
    kind = kind_for(filename, mime_type)
    suffix = PurePath(filename).suffix.lower()
    if kind is None and suffix in ("", ".bin", ".dat"):
        mime = (mime_type or "").split(";")[0].strip().lower()
        textual = not mime or mime.startswith("text/") or mime == "application/octet-stream"
        kind = _sniff(data) or ("txt" if not suffix and textual else None)
    if kind is None:
        raise _unsupported(filename)
    if not data.strip():
        raise UnsupportedInputError("empty", "the file is empty")
    if kind == "pdf":
        doc = _read_pdf(data)
    elif kind == "docx":
        doc = _read_docx(data)
    elif kind == "html":
        text, enc = decode_text(data, _html_charset(data))
        page = extract_page(text)
        doc = Document(page.title, page.text, "html", enc)
    else:
        text, enc = decode_text(data)
        text = text.lstrip("\ufeff")
        title: str | None = None
        if kind == "md":
            title, text = _markdown_to_text(text)
        doc = Document(title, text[:MAX_TEXT_CHARS], kind, enc)
    if not doc.text.strip():
        raise UnsupportedInputError("empty", "the file has no text")
    return doc


# --- markdown

_MD_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n(?:---|\.\.\.)\s*\n", re.S)
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_MD_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_MD_RULE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_MD_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_MD_QUOTE = re.compile(r"^\s{0,3}>\s?")
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_MD_LINK_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+\S+")
_MD_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_MD_CODE = re.compile(r"`([^`]+)`")
_MD_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_EM_STAR = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_MD_EM_UNDER = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
_MD_STRIKE = re.compile(r"~~(.+?)~~")
_MD_HTML_TAG = re.compile(r"</?[A-Za-z][^>\n]*>")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")


def _md_inline(line: str) -> str:
    line = _MD_IMAGE.sub("", line)
    line = _MD_LINK.sub(r"\1", line)
    line = _MD_REF_LINK.sub(r"\1", line)
    line = _MD_AUTOLINK.sub(r"\1", line)
    line = _MD_CODE.sub(r"\1", line)
    line = _MD_STRONG.sub(r"\2", line)
    line = _MD_EM_STAR.sub(r"\1", line)
    line = _MD_EM_UNDER.sub(r"\1", line)
    line = _MD_STRIKE.sub(r"\1", line)
    line = _MD_HTML_TAG.sub("", line)
    return _MD_ESCAPE.sub(r"\1", line)


def _markdown_to_text(source: str) -> tuple[str | None, str]:
    """Light Markdown stripping: markup goes, lines (and list markers) stay."""
    title: str | None = None
    source = source.replace("\r\n", "\n").replace("\r", "\n")
    fm = _MD_FRONT_MATTER.match(source)
    if fm:
        source = source[fm.end() :]
        m = re.search(r"^title:\s*[\"']?(.*?)[\"']?\s*$", fm.group(1), re.M)
        if m and m.group(1):
            title = m.group(1)
    out: list[str] = []
    in_fence = False
    for raw in source.split("\n"):
        if _MD_FENCE.match(raw):
            in_fence = not in_fence
            continue
        if in_fence:
            out.append(raw)
            continue
        if _MD_LINK_DEF.match(raw) or ("|" in raw and _MD_TABLE_SEP.match(raw)):
            continue
        if _MD_RULE.match(raw):
            continue
        if _MD_SETEXT.match(raw) and out and out[-1].strip():
            if title is None and raw.strip().startswith("=") and len(out) == 1:
                title = out[-1].strip()
            continue  # the underline of a heading: the line above is the heading
        line = raw
        while _MD_QUOTE.match(line):
            line = _MD_QUOTE.sub("", line, count=1)
        h = _MD_HEADING.match(line)
        if h:
            line = h.group(2)
            if title is None and h.group(1) == "#" and not any(x.strip() for x in out):
                title = _md_inline(line).strip() or None
        if line.strip().startswith("|") and line.strip().endswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            line = "  ".join(c for c in cells if c)
        out.append(_md_inline(line).rstrip())
    return title, "\n".join(out).strip("\n")


# --- pdf

_SENTENCE_END = tuple("。！？!?.；;:：…")
_CLOSERS = "”’」』）)》】\"'"
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-–—]?\s*\d{1,4}\s*[-–—]?|page\s+\d+(?:\s+of\s+\d+)?|第\s*\d+\s*页(?:\s*/?\s*共\s*\d+\s*页)?)\s*$",
    re.I,
)
_LIST_START = re.compile(
    r"^\s*(?:[•·●▪◦‣∙・◆■★▶►✓✔➢➤\-*–—]|\(?\d{1,2}[.)、．]|[（(][0-9一二三四五六七八九十]{1,3}[）)]|"
    r"[一二三四五六七八九十]{1,2}[、．]|[①-⑳])"
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


# --- docx


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


# --------------------------------------------------------------------------- pages

_TITLE_TAG = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)

# Markers are matched case-insensitively as substrings.  Each list holds the
# Simplified and the Traditional spelling; they must be specific phrases, not
# words a short news item could contain, nor the comment-box and footer prompts
# under full articles ("请登录后发表评论", "Already a subscriber?").
_VERIFICATION = (
    "环境异常",
    "環境異常",
    "完成验证后即可继续访问",
    "完成驗證後即可繼續訪問",
    "请在微信客户端打开链接",
    "請在微信客戶端打開鏈接",
    "人机验证",
    "人機驗證",
    "安全验证",
    "安全驗證",
    "拖动下方滑块",
    "请完成下方验证",
    "访问过于频繁",
    "訪問過於頻繁",
    "just a moment...",
    "checking your browser",
    "checking if the site connection is secure",
    "enable javascript and cookies to continue",
    "verify you are human",
    "verify you are a human",
    "verifying you are human",
    "are you a robot",
    "captcha",
    "attention required! | cloudflare",
    "ddos protection by",
    "unusual traffic from your computer",
)
_LOGIN = (
    "登录后查看",
    "登录后阅读",
    "登录后可查看",
    "登录后继续阅读",
    "登录后可继续阅读",
    "请登录后查看",
    "请登录后阅读",
    "请登录后继续阅读",
    "请先登录",
    "登入後查看",
    "登入後閱讀",
    "登錄後查看",
    "請登入",
    "請先登入",
    "sign in to continue",
    "log in to continue",
    "login to continue",
    "sign in to read",
    "log in to read",
    "please log in to read",
    "please sign in to read",
    "you must be logged in to read",
    "create a free account to continue",
)
_PAYWALL = (
    "订阅后阅读全文",
    "訂閱後閱讀全文",
    "订阅后阅读",
    "訂閱後閱讀",
    "订阅即可阅读",
    "付费阅读",
    "付費閱讀",
    "付费后阅读",
    "购买后阅读全文",
    "开通会员阅读",
    "开通会员后阅读",
    "subscribe to read",
    "subscribe to continue reading",
    "subscribe to unlock",
    "subscribers only",
    "for subscribers only",
    "this article is for subscribers",
    "this content is for subscribers",
    "to continue reading this article",
)
_ERROR_TEXT = (
    "页面不存在",
    "頁面不存在",
    "页面未找到",
    "找不到页面",
    "找不到網頁",
    "您访问的页面不存在",
    "该内容已被发布者删除",
    "此内容因违规无法查看",
    "内容已删除",
    "內容已刪除",
    "文章不存在",
    "文章已删除",
    "page not found",
    "404 not found",
    "error 404",
    "404 error",
    "the page you requested could not be found",
    "the page you are looking for",
    "this page does not exist",
    "this page doesn't exist",
)
_ERROR_TITLE = re.compile(
    r"^\s*(?:(?:error\s*)?[45]\d\d\b|not found|forbidden|access denied|service unavailable|"
    r"bad gateway|internal server error|error\b)",
    re.I,
)


def _has(haystacks: Iterable[str], markers: Sequence[str]) -> bool:
    return any(m in h for h in haystacks for m in markers)


def _tail(text: str, n: int = 3) -> list[str]:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return [ln.lower() for ln in lines[-n:] if content_length(ln) <= 60]


def classify_page(
    page: Page, *, html_title: str | None = None, visible_text: str | None = None
) -> PageReason | None:
    """Why ``page`` is not an article, or ``None`` when it reads as one.

    ``html_title`` (the raw ``<title>``) and ``visible_text`` (all text a
    browser shows) are scanned for verification wording too, because
    extraction may drop a challenge page's only words.  Short pages are
    checked anywhere; long ones only in their titles and closing lines, so an
    article that merely mentions captchas or paywalls is not refused.
    """
    text = page.text or ""
    units = content_length(text)
    titles = [t.lower() for t in (page.title, html_title) if t]
    body = text.lower()
    short = units < SHORT_PAGE_UNITS
    everything = [body, (visible_text or "").lower()]
    if _has(titles, _VERIFICATION) or (short and _has(everything, _VERIFICATION)):
        return "verification_page"
    tail = _tail(text)
    if (short and _has([body], _LOGIN)) or _has(tail, _LOGIN):
        return "login_wall"
    if (short and _has([body], _PAYWALL)) or _has(tail, _PAYWALL):
        return "paywall"
    if short and any(_ERROR_TITLE.match(t) for t in titles):
        return "error_page"
    if _has(titles, _ERROR_TEXT) or (short and _has([body], _ERROR_TEXT)):
        return "error_page"
    if units < MIN_PAGE_UNITS:
        return "too_little_text"
    return None


_NOT_ARTICLE_MESSAGES: dict[PageReason, str] = {
    "verification_page": "the page is a verification (anti-bot) page, not the article",
    "login_wall": "the article is behind a login",
    "paywall": "the article is behind a paywall",
    "error_page": "the page is an error page (the article may have been removed)",
    "too_little_text": "the page has too little text to be an article",
}


def ensure_article(
    page: Page, *, html_title: str | None = None, visible_text: str | None = None
) -> Page:
    """``page`` itself, or :class:`NotArticleError` when :func:`classify_page` objects."""
    reason = classify_page(page, html_title=html_title, visible_text=visible_text)
    if reason is not None:
        raise NotArticleError(reason, _NOT_ARTICLE_MESSAGES[reason])
    return page


def _same(a: str, b: str) -> bool:
    return re.sub(r"\s+", "", a) == re.sub(r"\s+", "", b)


def extract_page(html: str | bytes, url: str | None = None, *, encoding: str | None = None) -> Page:
    """The article of an HTML page: title and text, one paragraph per line.

    trafilatura with ``favor_precision`` (measured on pages with navigation,
    sidebars and comments: recall mode keeps menu links on short pages,
    precision mode does not; both keep every paragraph of long ones).  Raises
    :class:`NotArticleError` when :func:`classify_page` finds a reason, and
    :class:`UnsupportedInputError` for undecodable bytes.
    """
    if isinstance(html, bytes):
        html, _ = decode_text(html, encoding or _html_charset(html))
    import trafilatura

    from summarizer.html import html_to_text

    result: Any = None
    for precision in (True, False):
        result = trafilatura.bare_extraction(
            html,
            url=url,
            favor_precision=precision,
            include_comments=False,
            include_tables=True,
            with_metadata=True,
        )
        if result is not None and (result.text or "").strip():
            break
    raw_title_match = _TITLE_TAG.search(html[:200_000])
    raw_title = re.sub(r"\s+", " ", raw_title_match.group(1)).strip() if raw_title_match else ""
    title = (getattr(result, "title", None) or "").strip() or raw_title or None
    text = (getattr(result, "text", None) or "").strip()
    lines = [ln.strip() for ln in text.splitlines()]
    if title and lines and _same(lines[0], title):
        lines = lines[1:]
    page = Page(title, "\n".join(ln for ln in lines if ln), url)
    visible = html_to_text(html[:500_000])[:20_000]
    return ensure_article(page, html_title=raw_title, visible_text=visible)
