"""The digest service: stored digests are reused; one text is summarized once at a time."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from bot.storage import Storage
from bot.summaries import Summaries, text_hash
from summarizer import Digest, UnsupportedInputError, summarize
from tests.articles import EN_ARTICLE


def test_text_hash_ignores_whitespace_differences_only() -> None:
    assert text_hash("a  b\n") == text_hash(" a b")
    assert text_hash("a b") != text_hash("ab")


async def test_concurrent_identical_texts_are_summarized_once(tmp_path: Path) -> None:
    storage = await Storage.connect(tmp_path / "db.sqlite3")
    gate = threading.Event()
    calls = 0

    def slow(text: str) -> Digest:
        nonlocal calls
        calls += 1
        gate.wait(timeout=10)
        return summarize(text)

    service = Summaries(storage, summarize_fn=slow)
    try:
        tasks = [
            asyncio.create_task(
                service.digest(EN_ARTICLE, chat_id=chat, message_id=1, source="private")
            )
            for chat in (1, 2, 3)
        ]
        async with asyncio.timeout(10):
            while service.joined < 2:  # the other two wait for the first one's summary
                await asyncio.sleep(0.01)
        gate.set()
        outcomes = await asyncio.gather(*tasks)
        assert calls == 1 and service.summarized == 1
        assert len({o.digest for o in outcomes}) == 1
        again = await service.digest(EN_ARTICLE, chat_id=4, message_id=9, source="private")
        assert again.cached and service.summarized == 1
        assert [a.chat_id for a in await service.recent(4)] == [4]
    finally:
        await storage.close()


async def test_unsupported_input_is_raised_and_nothing_stored(tmp_path: Path) -> None:
    storage = await Storage.connect(tmp_path / "db.sqlite3")
    service = Summaries(storage)
    try:
        with pytest.raises(UnsupportedInputError):
            await service.digest("😀😀😀", chat_id=1, message_id=1, source="private")
        assert await service.recent(1) == []
        # and the failure is not remembered: the same text fails the same way again
        with pytest.raises(UnsupportedInputError):
            await service.digest("😀😀😀", chat_id=1, message_id=2, source="private")
    finally:
        await storage.close()


async def test_a_separate_title_heads_the_digest_and_the_link_is_stored(tmp_path: Path) -> None:
    storage = await Storage.connect(tmp_path / "db.sqlite3")
    service = Summaries(storage)
    body = EN_ARTICLE.split("\n", 1)[1]  # a page's text: its title comes apart
    try:
        linked = await service.digest(
            body,
            chat_id=1,
            message_id=1,
            source="link",
            title="Page title from <title>",
            url="https://news.example.com/a/1",
        )
        assert linked.digest.title == "Page title from <title>"
        assert linked.article.url == "https://news.example.com/a/1"
        # the same text without that title is another article (its headline differs)
        plain = await service.digest(body, chat_id=1, message_id=2, source="private")
        assert not plain.cached and plain.digest.title != "Page title from <title>"
        assert plain.article.url is None
        assert text_hash(body, "Page title from <title>") != text_hash(body)
    finally:
        await storage.close()
