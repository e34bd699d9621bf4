"""Storage for daily digests: subscriptions, filters, settings, claims, parts, /forget."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.storage import Storage, utc_now
from summarizer import Digest, Stats

DIGEST = Digest("标题", ("第一句。",), (), ("DingTalk",), "zh-Hans", Stats(100, 10, 90, 8, 0.3))


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Storage]:
    s = await Storage.connect(tmp_path / "bot.sqlite3")
    yield s
    await s.close()


async def add(store: Storage, chat_id: int, n: int) -> int:
    article = await store.add_article(
        chat_id=chat_id,
        message_id=n,
        text_hash=f"h{chat_id}-{n}",
        text=f"text {n}",
        digest=DIGEST,
        source="private",
    )
    return article.id


async def test_subscription_lifecycle(store: Storage) -> None:
    sub = await store.set_subscription(1, hour=21, minute=0, timezone="Asia/Taipei")
    assert (sub.hour, sub.minute, sub.timezone, sub.active) == (21, 0, "Asia/Taipei", True)
    await store.pause_subscription(1, "forbidden")
    paused = await store.subscription(1)
    assert paused is not None and not paused.active and paused.paused_reason == "forbidden"
    assert await store.subscriptions() == []
    again = await store.set_subscription(1, hour=7, minute=30, timezone="UTC")
    assert again.active and again.paused_reason is None and again.created_at == sub.created_at
    assert await store.delete_subscription(1) and not await store.delete_subscription(1)


async def test_filters_and_settings(store: Storage) -> None:
    assert await store.add_filter(1, "钉钉") == "added"
    assert await store.add_filter(1, "钉钉") == "exists"
    assert await store.add_filter(1, "WeChat", limit=3) == "added"
    assert await store.add_filter(1, "Alipay", limit=2) == "full"
    assert await store.filters(1) == ["钉钉", "WeChat"]
    assert await store.filters(1) == ["钉钉", "WeChat"] and await store.filters(2) == []
    assert await store.remove_filter(1, "钉钉") and not await store.remove_filter(1, "钉钉")
    assert (await store.chat_settings(1)).auto is False
    await store.set_auto(1, True)
    await store.set_empty_day(1, "one_line")
    settings = await store.chat_settings(1)
    assert settings.auto and settings.empty_day == "one_line"
    with pytest.raises(ValueError):
        await store.set_empty_day(1, "loud")


async def test_a_claim_is_once_per_chat_and_day_with_its_articles(store: Storage) -> None:
    a, b = await add(store, 1, 1), await add(store, 1, 2)
    since = utc_now() - timedelta(hours=1)
    assert [x.id for x, _ in await store.undelivered_articles(1, since)] == [a, b]
    claimed = await store.claim_delivery(1, "2025-03-10", article_ids=[a, b], parts=["p1", "p2"])
    assert (
        claimed is not None
        and claimed.status == "sending"
        and claimed.pending_parts
        == (
            "p1",
            "p2",
        )
    )
    assert await store.claim_delivery(1, "2025-03-10", article_ids=[a], parts=["x"]) is None
    assert await store.undelivered_articles(1, since) == []  # covered while being sent
    assert await store.claim_delivery(2, "2025-03-10", article_ids=[], parts=[]) is not None

    one = await store.record_part(claimed.id, 501)
    assert one.status == "sending" and one.sent_ids == (501,) and one.pending_parts == ("p2",)
    assert [d.id for d in await store.unfinished_deliveries()] == [claimed.id]
    two = await store.record_part(claimed.id, 502)
    assert two.status == "sent" and two.sent_ids == (501, 502)
    assert await store.record_part(claimed.id, 503) == two  # a sent delivery is final
    assert await store.unfinished_deliveries() == []
    assert await store.last_delivery_at(1) == claimed.created_at


async def test_an_empty_claim_is_sent_at_once_and_abandoning_gives_articles_back(
    store: Storage,
) -> None:
    empty = await store.claim_delivery(1, "2025-03-10", article_ids=[], parts=[])
    assert empty is not None and empty.status == "sent"
    a = await add(store, 1, 1)
    claimed = await store.claim_delivery(1, "2025-03-11", article_ids=[a], parts=["p"])
    assert claimed is not None
    await store.abandon_delivery(claimed.id)
    since = utc_now() - timedelta(hours=1)
    assert [x.id for x, _ in await store.undelivered_articles(1, since)] == [a]


async def test_forget_deletes_only_that_chat(store: Storage, tmp_path: Path) -> None:
    for chat in (1, 2):
        await store.upsert_chat(chat, "private", language="en")
        a = await add(store, chat, 1)
        await store.set_subscription(chat, hour=8, minute=0, timezone="UTC")
        await store.add_filter(chat, "x")
        await store.set_auto(chat, True)
        await store.claim_delivery(chat, "2025-03-10", article_ids=[a], parts=["p"])
    await store.forget_chat(1)
    with sqlite3.connect(tmp_path / "bot.sqlite3") as db:
        for table in (
            "chats",
            "articles",
            "subscriptions",
            "chat_filters",
            "chat_settings",
            "deliveries",
        ):
            rows = db.execute(f"SELECT chat_id FROM {table} ORDER BY chat_id").fetchall()
            assert rows == [(2,)], table
        assert db.execute("SELECT count(*) FROM delivery_articles").fetchone() == (1,)


async def test_the_filter_limit_holds_when_many_adds_race(store: Storage) -> None:
    # the count and the insert are one transaction: ten at once cannot pass a limit of 3
    results = await asyncio.gather(*(store.add_filter(5, f"term{i}", limit=3) for i in range(10)))
    assert sorted(results).count("added") == 3
    assert len(await store.filters(5)) == 3


async def test_a_failed_transaction_does_not_undo_a_write_made_beside_it(store: Storage) -> None:
    # another coroutine's statement waits for the transaction instead of joining it
    started = asyncio.Event()

    async def failing() -> None:
        async with store.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO chat_filters (chat_id, term, created_at) VALUES (7, 'doomed', 'x')"
            )
            started.set()
            await asyncio.sleep(0)  # let the other write be queued meanwhile
            raise RuntimeError("boom")

    async def beside() -> None:
        await started.wait()
        assert await store.add_filter(7, "kept") == "added"

    results = await asyncio.gather(failing(), beside(), return_exceptions=True)
    assert isinstance(results[0], RuntimeError) and results[1] is None
    assert await store.filters(7) == ["kept"]
