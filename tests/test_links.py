"""Which links of a message the bot reads, when it digests the text instead, and that each
link fails alone (a hostile link, a bug below, a refused reply never cost the others)."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from telegram import Message

import bot.links as links
from bot.errors import FetchError
from bot.handlers.link_answers import answer_links
from bot.links import MAX_LINKS, LinkReader, links_to_read, message_urls, text_without_urls
from bot.typing_indicator import TypingIndicator
from summarizer import summarize
from tests.articles import ZH_HANS_ARTICLE
from tests.fakes.article_server import ARTICLES, ArticleServer
from tests.fakes.hostile_server import HostileServer, compressed, response


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


# --------------------------------------------------------------------------- one link, one fate


RETAIL, FREIGHT = "/news/pearl-river-retail", "/news/harbor-freight"


@pytest.fixture
def site() -> Iterator[ArticleServer]:
    with ArticleServer() as server:
        yield server


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    stacked = compressed(compressed(b"<p>" + b"x" * 100_000, "gzip"), "gzip")
    routes = {
        "/stacked": response(stacked, headers=[("Content-Encoding", "gzip, gzip")]),
        "/short": response(b"<html>", length=4000),
    }
    with HostileServer(routes) as server:
        yield server


async def test_hostile_links_fail_alone(site: ArticleServer, hostile: HostileServer) -> None:
    reader = LinkReader(allow_private=True)
    await reader.open()
    try:
        got = await reader.read_all(
            [site.url(RETAIL), hostile.url("/stacked"), hostile.url("/short"), site.url(FREIGHT)]
        )
    finally:
        await reader.close()
    first, stacked, short, last = got
    assert not isinstance(first, FetchError) and first.title == ARTICLES[RETAIL].title
    assert isinstance(stacked, FetchError) and stacked.reason == "unsupported_encoding"
    assert isinstance(short, FetchError) and short.reason == "network"
    assert not isinstance(last, FetchError) and last.title == ARTICLES[FREIGHT].title


async def test_an_unexpected_exception_costs_only_its_own_link(
    site: ArticleServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = links.fetch_url

    async def flaky(url: str, **kwargs: Any) -> Any:
        if url.endswith("/boom"):
            raise RuntimeError("a bug somewhere below")
        return await real(url, **kwargs)

    monkeypatch.setattr(links, "fetch_url", flaky)
    reader = LinkReader(allow_private=True)
    await reader.open()
    try:
        first, boom, last = await reader.read_all(
            [site.url(RETAIL), site.url("/boom"), site.url(FREIGHT)]
        )
    finally:
        await reader.close()
    assert isinstance(boom, FetchError) and boom.reason == "network"
    assert not isinstance(first, FetchError) and not isinstance(last, FetchError)
    assert (first.title, last.title) == (ARTICLES[RETAIL].title, ARTICLES[FREIGHT].title)


class _Message:
    """Just enough of a Telegram message for :func:`answer_links` (replies are recorded)."""

    message_id = 7
    chat_id = 1

    def __init__(self, fail_on: str | None = None) -> None:
        self.replies: list[str] = []
        self._fail_on = fail_on

    async def reply_text(self, text: str, **kwargs: Any) -> _Message:
        if self._fail_on and self._fail_on in text:
            raise RuntimeError("Telegram refused this one")
        self.replies.append(text)
        return self

    def get_bot(self) -> Any:
        async def send_chat_action(*args: Any, **kwargs: Any) -> bool:
            return True

        return SimpleNamespace(send_chat_action=send_chat_action)


def _page(title: str, text: str, url: str) -> Any:
    return SimpleNamespace(title=title, text=text, url=url)


def _services(results: list[Any], broken_title: str) -> Any:
    async def read_all(urls: Any) -> list[Any]:
        return results

    async def digest(text: str, *, title: str | None = None, **kwargs: Any) -> Any:
        if title == broken_title:
            raise ValueError("the summarizer tripped on this one")
        return SimpleNamespace(digest=summarize(text, title=title))

    return SimpleNamespace(
        links=SimpleNamespace(read_all=read_all),
        summaries=SimpleNamespace(digest=digest),
        typing=TypingIndicator(after=3600.0),  # the real one; never due in these tests
    )


async def test_every_link_gets_its_reply_whatever_fails() -> None:
    urls = [f"https://news{i}.example.cn/a/{i}.html" for i in range(4)]
    retail, freight = ARTICLES[RETAIL], ARTICLES[FREIGHT]
    results = [
        _page(retail.title, "\n".join(retail.paragraphs), urls[0]),
        FetchError("too_large", "big"),
        _page("Broken", "\n".join(freight.paragraphs), urls[2]),  # digesting raises
        _page(freight.title, "\n".join(freight.paragraphs), urls[3]),
    ]
    message = _Message()
    await answer_links(_services(results, "Broken"), message, urls, lang="en")  # type: ignore[arg-type]
    assert len(message.replies) == 4
    assert retail.title in message.replies[0]
    assert message.replies[1].startswith("Couldn't read the article at news1.example.cn")
    assert message.replies[2].startswith("Couldn't read the article at news2.example.cn")
    assert "Sorry" in message.replies[2]
    assert freight.title in message.replies[3]


async def test_a_failed_reply_does_not_stop_the_next_and_is_raised_after() -> None:
    urls = ["https://a.example.cn/1.html", "https://b.example.cn/2.html"]
    results = [FetchError("timeout", "slow"), FetchError("network", "down")]
    message = _Message(fail_on="a.example.cn")
    with pytest.raises(RuntimeError, match="refused"):
        await answer_links(_services(results, ""), message, urls, lang="en")  # type: ignore[arg-type]
    assert len(message.replies) == 1 and "b.example.cn" in message.replies[0]
