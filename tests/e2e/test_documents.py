# ruff: noqa: E501  (article lines are prose, one sentence a line)
"""Documents end to end: files made here, downloaded by the bot through getFile and the file URL.

Each format and encoding the bot reads gets a digest; files it cannot read
are refused with the list of those it can, and files over the size cap are
refused before anything is downloaded.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Harness
from tests.fakes.builders import command, document
from tests.fakes.documents import docx_bytes, pdf_bytes

# one running bot for the module's `bot` tests: each gets fresh chat ids (bot.user, bot.group)
pytestmark = pytest.mark.asyncio(loop_scope="module")


ZH_HANS_TXT = """云帆物流上调全年业绩预期
云帆物流周四发布公告，将全年营业收入预期上调至二百一十亿元，高于此前预计的一百九十亿元。
公司表示，跨境电商包裹量持续增长，第三季度国际业务收入同比增长百分之三十五。
同时，公司新开通的三条中欧班列线路已经实现盈利。
管理层提醒，燃油价格波动和海外需求变化仍可能影响第四季度业绩。
"""

ZH_HANT_TXT = """玉山電信推出企業專網服務
玉山電信週二宣布推出企業第五代行動通訊專網服務，首批客戶包括三家電子製造廠。
公司表示，專網可讓工廠的自動化設備即時連線，預計三年內吸引兩百家企業用戶。
玉山電信並將與設備商合作，在中部科學園區設立展示中心。
市場人士認為，企業專網是電信業者在手機用戶飽和後的新成長動力。
"""

HTML_DOC = """<!doctype html><html><head><meta charset="utf-8">
<title>Cobalt Bank expands lending to small exporters</title></head><body>
<article><h1>Cobalt Bank expands lending to small exporters</h1>
<p>Cobalt Bank said on Wednesday it would set aside $2 billion for loans to small exporters over the next two years.</p>
<p>The bank said demand for trade finance had grown sharply as firms shifted suppliers to Southeast Asia.</p>
<p>Its chief executive said the loans would be approved within five working days, far faster than before.</p>
<p>Analysts said the move could win the bank market share from larger rivals.</p>
</article></body></html>
"""

MARKDOWN_DOC = """# Lakeside Foods to open three plant-based factories

Lakeside Foods said on Friday it would open three factories making plant-based dairy products by 2026.

The company expects the plants to employ about 900 people and to double its production of oat milk.

Its plan includes:

- a factory in Ohio opening next summer;
- two more in Ontario and Bavaria;
- long-term contracts with local oat farmers.

Lakeside's shares rose 3 percent after the announcement.
"""

PDF_LINES = [
    "Meridian Motors recalls 40,000 electric vans over a brake software fault",
    "Meridian Motors said on Tuesday it would recall about 40,000 electric delivery vans because of a software fault that can delay braking.",
    "The company said owners would receive an update over the air within two weeks and that no accidents had been reported.",
    "Meridian added that the recall would cost less than $30 million and would not change its forecast for the year.",
]

DOCX_PARAGRAPHS = [
    "松涛软件发布新一代办公套件，内置智能写作助手，面向中小企业按月收费。",
    "公司表示，新套件支持多人同时编辑，并能自动生成会议纪要。",
    "松涛软件预计明年企业付费用户将增长一倍，海外版本将于春季上线。",
]


def quoted_from(call_text: str, source: str) -> list[str]:
    """The digest's sentences (between title and footer), each checked to be the source's own."""
    body = call_text.split("\n\n")[1]
    sentences = [line for line in body.split("\n") if line]
    assert sentences and all(s in source for s in sentences), sentences
    return sentences


def send_file(
    bot: Harness,
    content: bytes,
    name: str | None,
    mime: str | None,
    *,
    chat_id: int | None = None,
    language_code: str = "en",
    size: int | None = None,
    caption: str | None = None,
) -> dict[str, object]:
    file_id = f"file-{len(bot.fake.calls())}-{name}"
    bot.fake.add_file(file_id, content, f"documents/{name or 'file'}")
    return bot.fake.send(
        bot.user if chat_id is None else chat_id,
        language_code=language_code,
        **document(file_id, name, mime, len(content) if size is None else size, caption),
    )


async def test_gb18030_text_file(bot: Harness) -> None:
    message = send_file(
        bot, ZH_HANS_TXT.encode("gb18030"), "云帆.txt", "text/plain", language_code="zh-CN"
    )
    [call] = await bot.fake.wait_sent(bot.user)
    assert call.reply_to == message["message_id"]
    assert call.text.startswith("<b>云帆物流上调全年业绩预期</b>")
    quoted_from(call.text, ZH_HANS_TXT)
    assert "约 1 分钟读完" in call.text
    [download] = bot.fake.calls("getFile")
    assert download.params["file_id"].endswith("云帆.txt")
    [stored] = await bot.services.summaries.recent(bot.user)
    assert (stored.source, stored.url) == ("document", None)


async def test_big5_text_file(bot: Harness) -> None:
    send_file(bot, ZH_HANT_TXT.encode("big5"), "news.txt", "text/plain", language_code="zh-TW")
    [call] = await bot.fake.wait_sent(bot.user)
    assert call.text.startswith("<b>玉山電信推出企業專網服務</b>")
    quoted_from(call.text, ZH_HANT_TXT)
    assert "約 1 分鐘讀完" in call.text


async def test_html_file(bot: Harness) -> None:
    send_file(bot, HTML_DOC.encode(), "cobalt.html", "text/html")
    [call] = await bot.fake.wait_sent(bot.user)
    assert call.text.startswith("<b>Cobalt Bank expands lending to small exporters</b>")
    assert "<p>" not in call.text
    quoted_from(call.text, HTML_DOC)


async def test_markdown_file(bot: Harness) -> None:
    send_file(bot, MARKDOWN_DOC.encode(), "lakeside.md", None)  # no MIME type: the name says
    [call] = await bot.fake.wait_sent(bot.user)
    assert call.text.startswith("<b>Lakeside Foods to open three plant-based factories</b>")
    assert "# " not in call.text
    quoted_from(call.text, MARKDOWN_DOC)


async def test_pdf_file(bot: Harness) -> None:
    send_file(
        bot,
        pdf_bytes(PDF_LINES[1:], title=PDF_LINES[0], heading=PDF_LINES[0]),
        "recall.pdf",
        "application/pdf",
    )
    [call] = await bot.fake.wait_sent(bot.user)
    assert call.text.startswith(f"<b>{PDF_LINES[0]}</b>")
    quoted_from(call.text, " ".join(PDF_LINES))
    assert "words →" in call.text


async def test_docx_file_with_a_caption_is_read_as_the_document(bot: Harness) -> None:
    send_file(
        bot,
        docx_bytes(DOCX_PARAGRAPHS, title="松涛软件发布新一代办公套件"),
        "新品.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        caption="看看这个",  # the file is the article, not the caption
        language_code="zh-hans",
    )
    [call] = await bot.fake.wait_sent(bot.user)
    assert call.text.startswith("<b>松涛软件发布新一代办公套件</b>")
    quoted_from(call.text, "".join(DOCX_PARAGRAPHS))


async def test_unsupported_types_get_the_list_without_a_download(bot: Harness) -> None:
    send_file(bot, b"PK\x03\x04" + b"\x00" * 64, "photos.zip", "application/zip")
    send_file(bot, b"MZ" + b"\x00" * 64, "setup.exe", "application/x-msdownload")
    first, second = await bot.fake.wait_sent(bot.user, 2)
    for call in (first, second):
        assert call.text == (
            "I can't read that kind of file. Files I can read: .txt .md .html .htm .pdf .docx"
        )
    assert bot.fake.calls("getFile") == []


async def test_a_file_over_the_cap_is_refused_without_a_download(bot: Harness) -> None:
    send_file(
        bot,
        b"%PDF-1.4 small",
        "annual-report.pdf",
        "application/pdf",
        size=11 * 1024 * 1024,  # what Telegram says it is
        language_code="zh-hans",
    )
    [call] = await bot.fake.wait_sent(bot.user)
    assert call.text == "这个文件太大了（上限 10 MB），我没有下载。"
    assert bot.fake.calls("getFile") == []


async def test_a_damaged_file_gets_a_clear_message(bot: Harness) -> None:
    send_file(bot, b"PK\x03\x04 not really a zip", "broken.docx", None)
    [call] = await bot.fake.wait_sent(bot.user)
    assert call.text == "That file is damaged, or its content doesn't match its type."


async def test_a_missing_download_gets_a_clear_message(bot: Harness) -> None:
    bot.fake.send(bot.user, **document("never-uploaded", "notes.txt", "text/plain", 100))
    [call] = await bot.fake.wait_sent(bot.user)
    assert call.text == "I couldn't download that file. Please send it again."


async def test_group_documents_only_via_summary(bot: Harness) -> None:
    bot.fake.chat(bot.group, "supergroup", title="Desk")
    shared = send_file(bot, ZH_HANS_TXT.encode("gbk"), "memo.txt", "text/plain", chat_id=bot.group)
    await bot.settled()
    assert bot.fake.sent(bot.group) == [] and bot.fake.calls("getFile") == []  # not asked: silent

    bot.fake.send(bot.group, user_id=bot.user, reply_to_message=shared, **command("/summary"))
    [call] = await bot.fake.wait_sent(bot.group)
    assert call.reply_to == shared["message_id"]  # under the file
    assert call.text.startswith("<b>云帆物流上调全年业绩预期</b>")
    [stored] = await bot.services.summaries.recent(bot.group)
    assert stored.source == "document"
