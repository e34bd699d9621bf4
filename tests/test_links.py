"""Which links of a message the bot reads, and when it digests the text instead."""

from __future__ import annotations

from telegram import Message

from bot.links import MAX_LINKS, links_to_read, message_urls, text_without_urls
from tests.articles import ZH_HANS_ARTICLE


def message(payload: dict[str, object]) -> Message:
    base: dict[str, object] = {
        "message_id": 1,
        "date": 0,
        "chat": {"id": 1, "type": "private"},
    }
    parsed = Message.de_json({**base, **payload}, None)  # type: ignore[arg-type]
    assert parsed is not None
    return parsed


def test_message_urls_include_links_behind_words_in_order() -> None:
    text = "看这篇https://a.example.cn/1，还有这里"
    entity = {"type": "text_link", "offset": 13, "length": 2, "url": "https://b.example.com/2"}
    plain = {"type": "url", "offset": 3, "length": 23}
    got = message_urls(message({"text": text, "entities": [plain, entity]}))
    assert got == ["https://a.example.cn/1", "https://b.example.com/2"]


def test_message_urls_read_captions_and_ignore_other_schemes() -> None:
    entity = {"type": "text_link", "offset": 0, "length": 4, "url": "tg://user?id=1"}
    got = message_urls(
        message(
            {
                "caption": "more https://c.example.org/3.html",
                "caption_entities": [entity],
                "photo": [{"file_id": "p", "file_unique_id": "u", "width": 1, "height": 1}],
            }
        )
    )
    assert got == ["https://c.example.org/3.html"]


def test_a_short_message_with_links_reads_the_article_like_ones() -> None:
    urls = [
        "https://t.me/channel/5",
        "https://a.example.cn/news/1.html",
        "https://a.example.cn/chart.png",
        "https://b.example.com/2",
        "https://c.example.com/3",
        "https://d.example.com/4",
    ]
    text = "今天的几篇：" + " ".join(urls)
    assert links_to_read(text, urls) == urls[1:2] + urls[3:5]
    assert len(links_to_read(text, urls) or []) == MAX_LINKS
    # asked for by name (/summary <url>): as given, up to the limit
    assert links_to_read(text, urls, pick=False) == urls[:MAX_LINKS]
    # only non-articles: nothing to read, but still not a text to digest
    assert links_to_read("看 https://t.me/c/1", ["https://t.me/c/1"]) == []


def test_an_article_with_a_source_link_is_digested_as_text() -> None:
    url = "https://news.example.cn/a/1.html"
    text = ZH_HANS_ARTICLE + "\n原文链接：" + url
    assert links_to_read(text, [url]) is None
    assert links_to_read("no links here at all", []) is None


def test_text_without_urls_removes_longer_links_first() -> None:
    urls = ["https://a.cn/1", "https://a.cn/1/more"]
    assert text_without_urls("x https://a.cn/1/more y https://a.cn/1", urls).split() == ["x", "y"]
