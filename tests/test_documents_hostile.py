"""Hostile uploads: each is refused (or read within the caps) with a reason, never a traceback.

The files are made here, kilobytes each, whatever they claim to unpack to
(tests/fakes/hostile_docs.py).  Speed is measured in bench/bench_hostile_docs.py; the
one timing check here is the event-loop heartbeat the bot relies on.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reader.documents as documents
from reader.documents import decode_text, extract_document, extract_document_async
from reader.docx import read_docx
from reader.isolate import read_in_worker
from reader.limits import (
    MAX_DOCX_XML_BYTES,
    MAX_PDF_STREAM_BYTES,
    MAX_TEXT_CHARS,
    MAX_XML_ELEMENTS,
)
from summarizer.errors import UnsupportedInputError
from tests.fakes import hostile_docs as h
from tests.fakes.cli import run_cli

ROOT = Path(__file__).resolve().parents[1]
_HEAD = h.docx_paragraphs_xml([])[: -len(b"</w:body></w:document>")]
_TAIL = b"</w:body></w:document>"
_PARA = b"<w:p><w:r><w:t>Revenue rose.</w:t></w:r></w:p>"
ZH = "云帆物流周四发布公告，全年营业收入预期上调。\n公司表示，跨境电商包裹量持续增长。\n"
EN = "Acme said on Tuesday that revenue rose 12 percent, beating estimates.\n"


def _reason(data: bytes, name: str) -> str:
    with pytest.raises(UnsupportedInputError) as exc_info:
        extract_document(data, name)
    return exc_info.value.reason


def _docx_of(*chunks: bytes, **kwargs: object) -> bytes:
    return h.docx_package([_HEAD, *chunks, _TAIL], **kwargs)  # type: ignore[arg-type]


#: A megabyte over the cap is as far over it as a gigabyte, and cheaper to make.
_OVER_STREAM_CAP = MAX_PDF_STREAM_BYTES + 2**20


@functools.cache
def _shared_stream_over_the_cap() -> bytes:
    """40 pages showing one content stream that inflates past the stream cap (made once)."""
    return h.pdf_shared_stream(40, _OVER_STREAM_CAP)


@functools.cache
def _flate_bomb() -> bytes:
    """One page whose content inflates past the stream cap (made once)."""
    return h.pdf_huge_stream(_OVER_STREAM_CAP)


# --------------------------------------------------------------------------- .docx


def test_docx_xml_is_counted_as_it_really_inflates() -> None:
    """An honest directory entry over the XML cap: stopped at the cap, not parsed whole."""
    mark = b'<w:bookmarkStart w:id="1" w:name="' + b"x" * 65536 + b'"/>'
    count = MAX_DOCX_XML_BYTES // len(mark) + 16
    data = _docx_of(*h.repeat_chunks(mark, count * len(mark)))
    assert len(data) < 1_000_000
    assert _reason(data, "big.docx") == "too_complex"


def test_docx_whose_directory_under_declares_its_size() -> None:
    """The zip says 4 KB; the member inflates to 4 MB of paragraphs (readable text, were
    the lie ignored).  Refused, never read past the lie."""
    body = list(h.repeat_chunks(_PARA * 1000, 4_000_000 - 4_000_000 % len(_PARA)))
    data = h.docx_package([_HEAD, *body, _TAIL], declared_size=4096)
    assert _reason(data, "lying.docx") == "corrupt"


def test_docx_whose_directory_over_declares_its_size_is_read_by_its_real_bytes() -> None:
    data = h.docx_package(h.docx_paragraphs_xml(["Revenue rose."]), declared_size=10**8)
    assert extract_document(data, "lying.docx").text == "Revenue rose."


def test_docx_deep_nesting_is_refused() -> None:
    data = _docx_of(b"<w:sdt><w:sdtContent>" * 100_000)
    assert _reason(data, "deep.docx") == "too_complex"


def test_docx_with_more_empty_elements_than_the_cap_is_refused() -> None:
    """Elements without text: refused at the element cap, read (and empty) under it.

    The real cap is a million elements, a second of expat calls to reach; the check is
    the same with a small cap, and the reader's default is the real one (last line).
    """
    cap = 10_000
    over = _docx_of(*h.repeat_chunks(b"<w:p/>" * 1000, 6 * (cap + 1000)))
    with pytest.raises(UnsupportedInputError) as exc_info:
        read_docx(over, max_elements=cap)
    assert exc_info.value.reason == "too_complex"
    assert f"over {cap:,} XML elements" in str(exc_info.value)
    under = _docx_of(*h.repeat_chunks(b"<w:p/>" * 1000, 6 * (cap - 1000)))
    assert read_docx(under, max_elements=cap).text == ""
    assert _reason(under, "empty.docx") == "empty"  # and the upload is refused as empty
    assert inspect.signature(read_docx).parameters["max_elements"].default == MAX_XML_ELEMENTS


def test_docx_entity_expansion_is_refused() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        b'<w:document xmlns:w="' + h.W_NS.encode() + b'"><w:body><w:p><w:r><w:t>&c;</w:t>'
        b"</w:r></w:p></w:body></w:document>"
    )
    assert _reason(h.docx_package(laughs), "laughs.docx") == "corrupt"


def test_docx_text_is_capped_and_kept_in_order() -> None:
    """More paragraphs than the text cap holds: the first ones are kept, reading stops."""
    n = MAX_TEXT_CHARS // len("Revenue rose.\n") + 20_000
    doc = extract_document(_docx_of(*h.repeat_chunks(_PARA * 1000, n * len(_PARA))), "long.docx")
    assert MAX_TEXT_CHARS - 100 < len(doc.text) <= MAX_TEXT_CHARS
    assert set(doc.text.split("\n")[:-1]) == {"Revenue rose."}


def test_docx_title_without_core_properties_is_the_first_heading() -> None:
    xml = h.docx_paragraphs_xml([("Heading1", "Acme lifts its outlook"), EN.strip()])
    doc = extract_document(h.docx_package(xml), "acme.docx")
    assert doc.title == "Acme lifts its outlook"
    assert doc.text.split("\n") == ["Acme lifts its outlook", EN.strip()]


def test_docx_title_from_a_short_first_line_but_not_from_prose() -> None:
    short = h.docx_package(h.docx_paragraphs_xml(["云帆物流上调全年预期", *ZH.split()]))
    assert extract_document(short, "a.docx").title == "云帆物流上调全年预期"
    prose = h.docx_package(h.docx_paragraphs_xml([EN.strip(), EN.strip()]))
    assert extract_document(prose, "b.docx").title is None


def test_docx_core_title_wins_and_placeholders_do_not() -> None:
    xml = h.docx_paragraphs_xml([("Heading1", "Heading text"), EN.strip()])
    assert extract_document(h.docx_package(xml, core_title="Acme Q3"), "a.docx").title == "Acme Q3"
    placeholder = h.docx_package(xml, core_title="Microsoft Word - q3.docx")
    assert extract_document(placeholder, "a.docx").title == "Heading text"


def test_docx_style_names_come_from_styles_xml() -> None:
    """Chinese Word names its styles by number ids; the names say heading and list."""
    xml = h.docx_paragraphs_xml(
        [("1", "经营概况"), ("a5", "营收增长百分之十二"), ("a5", "净利润创新高"), ZH.split()[0]]
    )
    styles = {"1": "heading 1", "a5": "List Bullet"}
    doc = extract_document(h.docx_package(xml, styles=styles), "zh.docx")
    assert doc.title == "经营概况"
    assert doc.text.split("\n") == [
        "经营概况",
        "- 营收增长百分之十二",
        "- 净利润创新高",
        ZH.split()[0],
    ]


def test_docx_fallback_copies_and_tables_of_contents_are_skipped() -> None:
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    w = h.W_NS
    xml = (
        f'<w:document xmlns:w="{w}" xmlns:mc="{mc}"><w:body>'
        '<w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/>'
        "</w:docPartObj></w:sdtPr><w:sdtContent><w:p><w:r><w:t>Contents 1</w:t></w:r></w:p>"
        "</w:sdtContent></w:sdt>"
        "<w:p><w:r><mc:AlternateContent><mc:Choice><w:t>Boxed</w:t></mc:Choice>"
        "<mc:Fallback><w:t>Boxed</w:t></mc:Fallback></mc:AlternateContent>"
        "<w:t> text</w:t><w:tab/><w:t>end</w:t></w:r></w:p>"
        "</w:body></w:document>"
    ).encode()
    assert extract_document(h.docx_package(xml), "a.docx").text == "Boxed text\tend"


# --------------------------------------------------------------------------- .pdf


def test_pdf_stream_shared_by_many_pages_over_the_stream_cap() -> None:
    assert _reason(_shared_stream_over_the_cap(), "shared.pdf") == "too_complex"


def test_pdf_shared_stream_is_read_once() -> None:
    """40 pages showing one content stream: its text once, not 40 times."""
    doc = extract_document(h.pdf_shared_stream(40, 64 * 20), "shared.pdf")
    assert doc.text.count("Quarterly revenue rose again.") == 20


def test_pdf_flate_bomb() -> None:
    assert _reason(_flate_bomb(), "bomb.pdf") == "too_complex"


def test_pdf_self_referencing_length() -> None:
    assert _reason(h.pdf_self_length(), "self.pdf") == "corrupt"


def test_worker_past_its_time_is_killed() -> None:
    """A page whose text takes pypdf many seconds: the worker is stopped at the limit.

    A file read first warms the worker (its start-up would count against the limit), so
    the limit can be half a second, still far below the ~15 s pypdf spends on this page.
    """
    warm = read_in_worker("pdf", h.pdf_shared_stream(1, 64 * 20))
    assert "Quarterly revenue rose again." in warm.text
    line = b"BT /F1 12 Tf 72 720 Td (" + b"A" * 5000 + b") Tj ET\n"
    data = h._pages_pdf(1, [h._stream(line * 4000)])  # 20 MB of text operators
    with pytest.raises(UnsupportedInputError) as exc_info:
        read_in_worker("pdf", data, timeout=0.5)
    assert exc_info.value.reason == "too_complex"
    assert "over 0.5 s" in str(exc_info.value)  # the timeout, not some other refusal


def test_worker_past_its_memory_is_refused() -> None:
    """An address-space limit the parser cannot work in: too_complex, not a crash."""
    data = h.pdf_shared_stream(1, 64 * 20)
    with pytest.raises(UnsupportedInputError) as exc_info:
        read_in_worker("pdf", data, memory=24 * 1024 * 1024)
    assert exc_info.value.reason == "too_complex"


# --------------------------------------------------------------------------- .md


@pytest.mark.parametrize(
    "line",
    ["[", "![", "<a", "<http://a", "**a ", "__a ", "`a", "~~a", "[a](", "[a][", "> ", "*a"],
)
def test_markdown_pathological_lines(line: str) -> None:
    """200,000-character lines of what a backtracking pattern chokes on: read in one pass."""
    text = line * (200_000 // len(line))
    doc = extract_document((text + "\n\n" + EN).encode(), "notes.md")
    assert doc.text.endswith(EN.strip())
    assert len(doc.text) >= len(EN.strip())


def test_markdown_heading_with_many_closing_hashes() -> None:
    doc = extract_document(("# Acme " + "#" * 100_000 + "x\n\n" + EN).encode(), "a.md")
    assert doc.title is not None and doc.title.startswith("Acme #")
    closed = extract_document(("# Acme results ###\n\n" + EN).encode(), "b.md")
    assert closed.title == "Acme results"


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
@pytest.mark.parametrize("text", [ZH, ZH.replace("\n", "")], ids=["lines", "one-line"])
def test_chinese_utf16_and_utf32_without_bom(codec: str, text: str) -> None:
    doc = extract_document(text.encode(codec), "news.txt")
    assert (doc.text, doc.encoding) == (text, codec)


@pytest.mark.parametrize("declared", ["undefined", "x-user-defined", "base64", "utf-7", "bogus"])
def test_unknown_or_non_text_declared_charsets_fall_back_to_detection(declared: str) -> None:
    assert decode_text(ZH.encode("gbk"), declared) == (ZH, "gb18030")
    assert decode_text(EN.encode(), declared) == (EN, "utf-8")


def test_html_upload_with_meta_charset_undefined() -> None:
    paras = "".join(f"<p>{EN.strip()} Report {i}.</p>" for i in range(12))
    html = (
        '<!doctype html><html><head><meta charset="undefined"><title>Acme</title></head>'
        f"<body><article><h1>Acme lifts outlook</h1>{paras}</article></body></html>"
    )
    doc = extract_document(html.encode(), "page.html")
    assert "Report 11." in doc.text


@settings(max_examples=200, deadline=None)
@given(
    data=st.binary(max_size=64),
    declared=st.sampled_from([None, "utf-7", "unicode_escape", "utf-16", "utf-8", "undefined"]),
)
def test_decoding_never_returns_lone_surrogates(data: bytes, declared: str | None) -> None:
    try:
        text, _ = decode_text(data, declared)
    except UnsupportedInputError:
        return
    text.encode("utf-8")  # raises on a lone surrogate


def test_utf7_payload_declared_is_not_decoded_as_utf7() -> None:
    text, codec = decode_text(b"a+2D0-b", "utf-7")
    assert (text, codec) == ("a+2D0-b", "utf-8")


# --------------------------------------------------------------------------- the bot's entry


async def test_hostile_files_are_read_off_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bloated DOCX and a PDF bomb through the bot's entry are read on another thread,
    and the event loop is free meanwhile: it answers a coroutine the reading thread asks
    for (it would never answer if the read held the loop; no clock involved)."""
    loop = asyncio.get_running_loop()
    loop_thread = threading.get_ident()
    answered: list[str] = []

    def reading(*args: Any) -> Any:
        assert threading.get_ident() != loop_thread
        answered.append(asyncio.run_coroutine_threadsafe(_free(), loop).result(timeout=30))
        return extract_document(*args)

    monkeypatch.setattr(documents, "extract_document", reading)
    n = MAX_TEXT_CHARS // len("Revenue rose.\n") + 1000
    bloated = _docx_of(*h.repeat_chunks(_PARA * 1000, n * len(_PARA)))
    doc = await extract_document_async(bloated, "bloat.docx")
    with pytest.raises(UnsupportedInputError):
        await extract_document_async(_shared_stream_over_the_cap(), "bomb.pdf")
    assert len(doc.text) <= MAX_TEXT_CHARS
    assert answered == ["free", "free"]


async def _free() -> str:
    return "free"


# --------------------------------------------------------------------------- the CLI


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("bomb.pdf", _flate_bomb),
        ("self.pdf", h.pdf_self_length),
        ("deep.docx", lambda: _docx_of(b"<w:sdt><w:sdtContent>" * 100_000)),
    ],
)
def test_cli_refuses_hostile_files_in_one_line(tmp_path: Path, name: str, build: object) -> None:
    path = tmp_path / name
    path.write_bytes(build())  # type: ignore[operator]
    result = run_cli(str(path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


_GOOD_DOCX = h.docx_package(
    h.docx_paragraphs_xml([("Heading1", "Acme lifts outlook"), EN.strip(), ("ListBullet", "Q3")]),
    core_title="Acme",
    styles={"Heading1": "heading 1", "ListBullet": "List Bullet"},
)


@settings(max_examples=150, deadline=None)
@given(
    flips=st.lists(
        st.tuples(st.integers(0, len(_GOOD_DOCX) - 1), st.integers(0, 255)), min_size=1, max_size=8
    )
)
def test_damaged_docx_bytes_never_escape_as_other_errors(flips: list[tuple[int, int]]) -> None:
    data = bytearray(_GOOD_DOCX)
    for at, value in flips:
        data[at] = value
    with contextlib.suppress(UnsupportedInputError):  # a refusal is fine; nothing else is
        extract_document(bytes(data), "fuzz.docx")
