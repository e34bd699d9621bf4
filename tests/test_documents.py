"""Documents of every supported kind and encoding, made here, read back as lines of text."""

from __future__ import annotations

import io
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from docx.document import Document
from fpdf import FPDF

from reader.documents import (
    MAX_DOCUMENT_BYTES,
    MIN_PAGE_UNITS,
    SUPPORTED_EXTENSIONS,
    Page,
    classify_page,
    decode_text,
    extract_document,
    extract_page,
)
from reader.encodings import _common_hanzi
from summarizer.errors import NotArticleError, SummarizerError, UnsupportedInputError
from tests.fakes.cli import run_cli
from tests.fakes.documents import docx_bytes, pdf_bytes, scan_pdf

ROOT = Path(__file__).resolve().parents[1]

ZH_HANS = [
    "国家统计局周一公布数据显示，十月份社会消费品零售总额同比增长百分之四点八。",
    "分析人士指出，汽车和家电消费受到以旧换新政策的支撑，但餐饮收入增长放缓。",
    "房地产开发投资继续下降，新建商品房销售面积降幅有所收窄。",
]
ZH_HANT = [
    "主計總處週一公布數據顯示，十月份出口總額年增百分之四點八。",
    "分析師認為，出口數據優於預期，但內需仍然疲軟，政策支持力道可望加大。",
    "受房地產市場低迷影響，多家建商的銷售額繼續下降。",
]
EN = [
    "Acme Corp said on Tuesday that third-quarter revenue rose 12 percent to $3.4 billion, "
    "beating analyst estimates as demand for its cloud services accelerated.",
    "Chief executive Jane Doe told investors the company would expand its data centers in "
    "Europe and Asia next year, adding about 2,000 jobs.",
    "Net income climbed to $410 million, or 92 cents a share, from $350 million a year earlier.",
]
SHORT_HANS = ["公司宣布裁员。", "营收增长", "央行降准", "股价大跌。", "阿里巴巴"]
SHORT_HANT = ["公司宣布裁員。", "營收增長", "新台幣升值", "股價大跌。", "鴻海財報"]


def _reason(exc_info: pytest.ExceptionInfo[SummarizerError]) -> str:
    return str(getattr(exc_info.value, "reason", ""))


# --------------------------------------------------------------------------- .txt


@pytest.mark.parametrize(
    ("encoding", "lines", "label"),
    [
        ("utf-8", ZH_HANS, "utf-8"),
        ("utf-8-sig", ZH_HANT, "utf-8"),
        ("utf-16", ZH_HANS, "utf-16"),
        ("utf-16", EN, "utf-16"),
        ("gb18030", ZH_HANS, "gb18030"),
        ("gbk", ZH_HANS, "gb18030"),
        ("gbk", ZH_HANT, "gb18030"),  # GBK has Traditional characters too
        ("big5", ZH_HANT, "big5"),
        ("cp950", ZH_HANT, "big5"),
    ],
)
def test_txt_in_each_encoding(encoding: str, lines: list[str], label: str) -> None:
    text = "\n".join(lines)
    doc = extract_document(text.encode(encoding), "news.txt")
    assert doc.kind == "txt"
    assert doc.text == text  # exactly, BOM removed
    assert doc.encoding == label


@pytest.mark.parametrize("sample", SHORT_HANS)
def test_short_gbk_is_not_mistaken_for_another_encoding(sample: str) -> None:
    assert decode_text(sample.encode("gbk")) == (sample, "gb18030")


@pytest.mark.parametrize("sample", SHORT_HANT)
def test_short_big5_is_not_mistaken_for_another_encoding(sample: str) -> None:
    assert decode_text(sample.encode("big5")) == (sample, "big5")


@pytest.mark.parametrize(("codec", "label"), [("gb18030", "gb18030"), ("big5", "big5")])
def test_random_common_hanzi_round_trip(codec: str, label: str) -> None:
    """200 seeded strings of 30 common characters decode back in their own encoding."""
    rng = random.Random(20240518)
    pool = sorted(_common_hanzi())
    for _ in range(200):
        text = "".join(rng.choice(pool) for _ in range(30))
        try:
            data = text.encode(codec)
        except UnicodeEncodeError:
            continue  # a Simplified-only character has no Big5 code
        assert decode_text(data) == (text, label)


def test_utf16_without_bom_is_recognised() -> None:
    text = "\n".join(EN)
    assert decode_text(text.encode("utf-16-le")) == (text, "utf-16-le")
    assert decode_text(text.encode("utf-16-be")) == (text, "utf-16-be")


def test_declared_charset_wins_when_it_decodes() -> None:
    text = "\n".join(ZH_HANS)
    assert decode_text(text.encode("gbk"), "GB2312")[0] == text
    # a wrong declaration is ignored rather than producing mojibake
    assert decode_text(text.encode("gbk"), "utf-8")[0] == text


def test_windows_1252_english_is_decoded() -> None:
    text = (
        "It\u2019s a \u201cgood\u201d quarter \u2014 revenue rose 12% to \u20ac3.4bn, "
        "said Jos\u00e9 M\u00fcller.\n"
    )
    assert decode_text((text * 3).encode("cp1252"))[0] == text * 3


def test_binary_txt_is_refused() -> None:
    with pytest.raises(UnsupportedInputError) as exc_info:
        extract_document(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "a.txt")
    assert exc_info.value.reason == "binary"


def test_empty_file_is_refused() -> None:
    with pytest.raises(UnsupportedInputError) as exc_info:
        extract_document(b" \n\t ", "a.txt")
    assert exc_info.value.reason == "empty"


# --------------------------------------------------------------------------- .html


def _html(paras: list[str], title: str, charset: str = "utf-8") -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paras)
    return f"""<!doctype html><html><head><meta charset="{charset}">
<title>{title} - 示例财经网</title></head><body>
<nav><a href="/">首页</a> <a href="/finance">财经</a> <a href="/login">登录</a></nav>
<div class="sidebar"><h3>热门文章</h3><ul><li><a href="/a1">某公司发布新品</a></li></ul></div>
<article><h1>{title}</h1>{body}</article>
<div class="comments"><h3>网友评论</h3><p>这个数据不太好啊，大家怎么看？</p></div>
<footer><p>版权所有 示例财经网</p></footer></body></html>"""


def test_html_document_keeps_paragraph_lines_and_drops_page_furniture() -> None:
    html = _html(ZH_HANS, "十月消费数据公布")
    doc = extract_document(html.encode(), "page.html")
    assert doc.kind == "html"
    assert doc.title == "十月消费数据公布"
    assert doc.text.split("\n") == ZH_HANS  # title not repeated, one paragraph per line
    for furniture in ("首页", "热门文章", "网友评论", "版权所有"):
        assert furniture not in doc.text


def test_html_in_gbk_with_meta_charset() -> None:
    html = _html(ZH_HANS, "十月消费数据公布", charset="gbk")
    doc = extract_document(html.encode("gbk"), "page.htm")
    assert doc.text.split("\n") == ZH_HANS
    assert doc.encoding == "gb18030"


def test_html_document_that_is_a_verification_page_is_refused() -> None:
    html = (
        "<html><head><title>微信公众平台</title></head><body><h2>环境异常</h2>"
        "<p>当前环境异常，完成验证后即可继续访问。</p></body></html>"
    )
    with pytest.raises(NotArticleError) as exc_info:
        extract_document(html.encode(), "saved.html")
    assert exc_info.value.reason == "verification_page"


# --------------------------------------------------------------------------- .md


def test_markdown_markup_is_stripped_and_lines_kept() -> None:
    md = "\n".join(
        [
            "---",
            "title: 季度报告",
            "author: 编辑部",
            "---",
            "# 公司**营收**增长",
            "",
            "本季度 *营收* 同比增长，详见[公告](https://example.com/a)与`附表`。",
            "![图](chart.png)",
            "",
            "## 要点",
            "- 营收增长百分之十二",
            "- 净利润创新高",
            "1. 扩大海外市场",
            "",
            "> 管理层表示将继续投资。",
            "",
            "| 指标 | 数值 |",
            "|---|---|",
            "| 营收 | 34亿 |",
            "",
            "```",
            "code line",
            "```",
            "***",
            "file_name_with_underscores and 5*3*2 stay",
        ]
    )
    doc = extract_document(md.encode(), "report.md")
    assert doc.kind == "md"
    assert doc.title == "季度报告"  # front matter beats the first heading
    lines = doc.text.split("\n")
    assert lines[0] == "公司营收增长"
    assert "本季度 营收 同比增长，详见公告与附表。" in lines
    assert "要点" in lines
    assert "- 营收增长百分之十二" in lines and "1. 扩大海外市场" in lines
    assert "管理层表示将继续投资。" in lines
    assert "营收  34亿" in lines
    assert "code line" in lines
    assert "file_name_with_underscores and 5*3*2 stay" in lines
    for markup in ("**", "](", "![", "```", "|---", "***", "title:"):
        assert markup not in doc.text


def test_markdown_title_from_first_heading() -> None:
    doc = extract_document(b"# Acme results\n\nRevenue rose.\n", "a.markdown")
    assert doc.title == "Acme results"
    assert doc.text.split("\n")[0] == "Acme results"


# --------------------------------------------------------------------------- .pdf


def test_pdf_text_layer_with_wrapped_lines_rejoined() -> None:
    doc = extract_document(pdf_bytes(EN, title="Acme Q3", heading="Acme revenue jumps"), "q3.pdf")
    assert doc.kind == "pdf"
    assert doc.title == "Acme Q3"
    lines = doc.text.split("\n")
    assert lines[0] == "Acme revenue jumps"  # a heading stays its own line
    assert lines[1:] == EN  # sentences wrapped at the page edge are whole again


def test_pdf_title_that_is_a_file_name_is_ignored() -> None:
    doc = extract_document(pdf_bytes(EN, title="Microsoft Word - q3.docx"), "q3.pdf")
    assert doc.title is None


def test_pdf_without_text_layer() -> None:
    with pytest.raises(UnsupportedInputError) as exc_info:
        extract_document(scan_pdf(), "scan.pdf")
    assert exc_info.value.reason == "no_text_layer"


def test_password_protected_pdf() -> None:
    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="reader")
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 6, EN[0])
    with pytest.raises(UnsupportedInputError) as exc_info:
        extract_document(bytes(pdf.output()), "locked.pdf")
    assert exc_info.value.reason == "encrypted"


def test_damaged_pdf() -> None:
    with pytest.raises(UnsupportedInputError) as exc_info:
        extract_document(b"%PDF-1.4\nthis is not really a pdf", "broken.pdf")
    assert exc_info.value.reason == "corrupt"


def test_kind_from_mime_type_or_magic_when_the_name_says_nothing() -> None:
    data = pdf_bytes(EN)
    assert extract_document(data, "file", "application/pdf").kind == "pdf"
    assert extract_document(data, "download").kind == "pdf"  # sniffed %PDF-
    assert extract_document("\n".join(EN).encode(), "notes").kind == "txt"
    assert extract_document("\n".join(EN).encode(), "notes", "application/octet-stream").text
    with pytest.raises(UnsupportedInputError) as exc_info:
        extract_document(b"GIF89a....", "picture", "image/gif")
    assert exc_info.value.reason == "unsupported_format"


# --------------------------------------------------------------------------- .docx


def _report(d: Document) -> None:
    d.add_paragraph("季度经营报告", style="Title")
    d.add_heading("一、经营概况", level=1)
    d.add_paragraph(ZH_HANS[0])
    d.add_paragraph("营收增长百分之十二", style="List Bullet")
    d.add_paragraph("净利润创新高", style="List Bullet")
    d.add_paragraph("扩大海外市场", style="List Number")
    d.add_paragraph("控制经营成本", style="List Number")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "营收"
    table.cell(0, 1).text = "34亿"
    table.cell(1, 0).text = ZH_HANS[1]  # a layout table holding prose
    d.add_paragraph(ZH_HANS[2])


def _docx() -> bytes:
    return docx_bytes(title="", build=_report)


def test_docx_keeps_headings_lists_and_prose() -> None:
    doc = extract_document(_docx(), "report.docx")
    assert doc.kind == "docx"
    assert doc.title == "季度经营报告"
    assert doc.text.split("\n") == [
        "季度经营报告",
        "一、经营概况",
        ZH_HANS[0],
        "- 营收增长百分之十二",
        "- 净利润创新高",
        "1. 扩大海外市场",
        "2. 控制经营成本",
        ZH_HANS[1],  # the data cells (营收 / 34亿) are skipped
        ZH_HANS[2],
    ]


def test_docx_core_title_is_used() -> None:
    doc = extract_document(docx_bytes(EN, title="Acme Q3"), "acme.docx")
    assert doc.title == "Acme Q3"
    assert doc.text.split("\n") == EN


@pytest.mark.parametrize(
    "data",
    [b"PK\x03\x04 not a zip at all", b"plain text pretending"],
    ids=["bad-zip", "not-zip"],
)
def test_damaged_docx(data: bytes) -> None:
    with pytest.raises(UnsupportedInputError) as exc_info:
        extract_document(data, "broken.docx")
    assert exc_info.value.reason == "corrupt"


def test_zip_that_is_not_a_word_document() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(UnsupportedInputError) as exc_info:
        extract_document(buf.getvalue(), "fake.docx")
    assert exc_info.value.reason == "corrupt"


# --------------------------------------------------------------------------- limits and types


@pytest.mark.parametrize("name", ["sheet.xlsx", "photo.png", "old.doc", "slides.pptx"])
def test_unsupported_types_list_the_supported_ones(name: str) -> None:
    with pytest.raises(UnsupportedInputError) as exc_info:
        extract_document(b"whatever", name)
    assert exc_info.value.reason == "unsupported_format"
    message = str(exc_info.value)
    assert all(ext in message for ext in SUPPORTED_EXTENSIONS)
    if name.endswith(".doc"):
        assert ".docx" in message.split(";")[0]  # "save it as .docx"


def test_over_the_size_cap() -> None:
    with pytest.raises(UnsupportedInputError) as exc_info:
        extract_document(b"a" * (MAX_DOCUMENT_BYTES + 1), "huge.txt")
    assert exc_info.value.reason == "too_large"
    # exactly at the cap is still read
    assert extract_document(b"a" * MAX_DOCUMENT_BYTES, "big.txt").kind == "txt"


# --------------------------------------------------------------------------- pages

ARTICLE_ZH = "\n".join(ZH_HANS * 2)


@pytest.mark.parametrize(
    ("title", "text", "reason"),
    [
        (
            "微信公众平台",
            "环境异常\n当前环境异常，完成验证后即可继续访问。\n去验证",
            "verification_page",
        ),
        (None, "请在微信客户端打开链接", "verification_page"),
        (
            "Just a moment...",
            "Checking your browser before accessing example.com.",
            "verification_page",
        ),
        (
            "Attention Required! | Cloudflare",
            "Please complete the security check.",
            "verification_page",
        ),
        ("Example", "Please solve the CAPTCHA below to continue.", "verification_page"),
        ("深度报道", "本文为会员专享内容。\n登录后查看全文", "login_wall"),
        ("Markets", "Sign in to continue reading this story.", "login_wall"),
        ("独家", ZH_HANS[0] + "\n订阅后阅读全文", "paywall"),
        ("Acme results", EN[0] + "\nSubscribe to read the full story.", "paywall"),
        ("404 Not Found", "The requested URL was not found on this server.", "error_page"),
        ("出错了", "抱歉，您访问的页面不存在或已被删除。", "error_page"),
        (None, "该内容已被发布者删除", "error_page"),
        ("Page not found", "Sorry!", "error_page"),
        ("首页", "首页\n财经\n股票", "too_little_text"),
        ("Acme", "", "too_little_text"),
    ],
)
def test_pages_that_are_not_articles(title: str | None, text: str, reason: str) -> None:
    assert classify_page(Page(title, text)) == reason


def test_real_articles_pass_even_when_they_mention_the_markers() -> None:
    long_en = " ".join(EN * 6) + (
        " Cloudflare said its captcha replacement reduced the 'Just a moment...' screens, and "
        "publishers reported that 'Subscribe to read' prompts converted better this year."
    )
    assert classify_page(Page("Acme results", long_en)) is None
    assert classify_page(Page("消费数据", ARTICLE_ZH)) is None
    # a short but real news flash
    flash = ZH_HANS[0] + ZH_HANS[1]
    assert classify_page(Page("快讯", flash)) is None


def test_comment_and_footer_prompts_under_a_full_article_are_not_walls() -> None:
    assert classify_page(Page("消费数据", ARTICLE_ZH + "\n请登录后发表评论")) is None
    text = "\n".join(EN * 4) + "\nPlease sign in to comment.\nAlready a subscriber? Sign in"
    assert classify_page(Page("Acme", text)) is None


def test_long_article_ending_in_a_paywall_line_is_a_paywall() -> None:
    text = "\n".join(EN * 8) + "\nSubscribe to read"
    assert classify_page(Page("Acme", text)) == "paywall"


def test_verification_words_only_in_the_visible_text_still_count() -> None:
    page = Page("example.com", "example.com")
    assert classify_page(page, visible_text="Checking if the site connection is secure") == (
        "verification_page"
    )
    assert classify_page(Page(None, ""), html_title="Just a moment...") == "verification_page"


def test_too_little_text_threshold() -> None:
    assert classify_page(Page(None, "营" * (MIN_PAGE_UNITS - 1))) == "too_little_text"
    assert classify_page(Page(None, "营" * MIN_PAGE_UNITS)) is None


CLOUDFLARE = """<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>
<div><h1>news.example</h1><h2>Checking if the site connection is secure</h2>
<noscript>Enable JavaScript and cookies to continue</noscript></div></body></html>"""


def test_extract_page_refuses_a_challenge_page() -> None:
    with pytest.raises(NotArticleError) as exc_info:
        extract_page(CLOUDFLARE, "https://news.example/a")
    assert exc_info.value.reason == "verification_page"


def test_extract_page_returns_title_and_lines() -> None:
    page = extract_page(_html(ZH_HANS, "十月消费数据公布").encode(), "https://news.example/a")
    assert page.title == "十月消费数据公布"
    assert page.text.split("\n") == ZH_HANS
    assert page.url == "https://news.example/a"


# --------------------------------------------------------------------------- CLI and start-up


def test_cli_reads_documents(tmp_path: Path) -> None:
    gbk = tmp_path / "news.txt"
    gbk.write_bytes(("十月消费数据公布\n" + ARTICLE_ZH).encode("gbk"))
    pdf = tmp_path / "acme.pdf"
    pdf.write_bytes(pdf_bytes(EN * 2, title="Acme Q3 results"))
    report = tmp_path / "report.docx"
    report.write_bytes(_docx())
    for path, expected in (
        (gbk, "十月消费数据公布"),
        (pdf, "Acme Q3 results"),
        (report, "季度经营报告"),
    ):
        result = run_cli(str(path))
        assert result.returncode == 0, result.stderr
        assert expected in result.stdout


def test_cli_errors_are_one_line(tmp_path: Path) -> None:
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(scan_pdf())
    image = tmp_path / "chart.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    for path, words in ((scan, "no text layer"), (image, "supported")):
        result = run_cli(str(path))
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert words in result.stderr


def test_heavy_libraries_are_imported_lazily() -> None:
    code = (
        "import sys, reader.documents\n"
        "heavy = {'trafilatura', 'pypdf', 'docx', 'charset_normalizer', 'lxml'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_uploads_are_checked_before_download_from_what_the_client_says() -> None:
    from reader.documents import check_upload

    check_upload("report.pdf", "application/pdf", 1000)
    check_upload("scan.bin", None, 1000)  # no telling extension: sniffed after download
    check_upload(None, "text/markdown", None)
    for name, mime, size, reason in [
        ("big.pdf", "application/pdf", MAX_DOCUMENT_BYTES + 1, "too_large"),
        ("clip.mp4", "video/mp4", 1000, "unsupported_format"),
        ("old.doc", "application/msword", 1000, "unsupported_format"),
    ]:
        with pytest.raises(UnsupportedInputError) as caught:
            check_upload(name, mime, size)
        assert caught.value.reason == reason
