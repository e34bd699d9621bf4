"""Storage for daily digests: subscriptions, filters, settings, claims, parts, /forget.

Every test runs on both engines (``storage_target``: SQLite, then PostgreSQL).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.storage import Storage, utc_now
from summarizer import Digest, Stats

DIGEST = Digest("标题", ("第一句。",), (), ("DingTalk",), "zh-Hans", Stats(100, 10, 90, 8, 0.3))


@pytest.fixture
async def store(storage_target: str | Path) -> AsyncIterator[Storage]:
    s = await Storage.connect(storage_target)
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


async def test_forget_deletes_only_that_chat(store: Storage) -> None:
    for chat in (1, 2):
        await store.upsert_chat(chat, "private", language="en")
        a = await add(store, chat, 1)
        await store.set_subscription(chat, hour=8, minute=0, timezone="UTC")
        await store.add_filter(chat, "x")
        await store.set_auto(chat, True)
        await store.claim_delivery(chat, "2025-03-10", article_ids=[a], parts=["p"])
    await store.forget_chat(1)
    for table in (
        "chats",
        "articles",
        "subscriptions",
        "chat_filters",
        "chat_settings",
        "deliveries",
    ):
        rows = await store.db.fetchall(f"SELECT chat_id FROM {table} ORDER BY chat_id")
        assert rows == [(2,)], table
    assert await store.db.fetchone("SELECT count(*) FROM delivery_articles") == (1,)


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


async def test_purge_deletes_old_articles_and_finished_deliveries_only(store: Storage) -> None:
    now = utc_now()
    old = await store.add_article(
        chat_id=1,
        message_id=1,
        text_hash="old",
        text="old",
        digest=DIGEST,
        source="private",
        created_at=now - timedelta(days=40),
    )
    new = await add(store, 1, 2)
    cutoff = now - timedelta(days=30)
    sent = await store.claim_delivery(
        1, "2025-01-01", article_ids=[old.id], parts=[], now=now - timedelta(days=40)
    )
    sending = await store.claim_delivery(
        1, "2025-01-02", article_ids=[new], parts=["p"], now=now - timedelta(days=40)
    )
    assert sent is not None and sending is not None
    assert await store.purge_before(cutoff) == 1
    assert [a.id for a in await store.recent_articles(1, now - timedelta(days=90))] == [new]
    assert await store.delivery(1, "2025-01-01") is None  # finished and old: gone
    assert await store.delivery_article_ids(sending.id) == [new]  # still being sent: kept


async def test_a_delivery_lease_is_renewed_per_part_and_lost_to_a_takeover(store: Storage) -> None:
    t0 = datetime(2025, 3, 10, 8, 0, tzinfo=UTC)
    lease = timedelta(seconds=90)
    claimed = await store.claim_delivery(
        1, "2025-03-10", article_ids=[], parts=["p1", "p2", "p3"], now=t0, lease_until=t0 + lease
    )
    assert claimed is not None and claimed.lease_until == t0 + lease and claimed.attempts == 0
    assert (
        await store.claim_stale_deliveries(t0 + lease - timedelta(seconds=1), until=t0, limit=5)
        == []
    )
    one = await store.record_part(
        claimed.id, 501, held=claimed.lease_until, renew_until=t0 + 2 * lease
    )
    assert one.lease_until == t0 + 2 * lease  # renewed with the part
    # the holder stalls past its lease; another instance takes the delivery over
    late = t0 + 2 * lease
    [taken] = await store.claim_stale_deliveries(late, until=late + lease, limit=5)
    assert taken.id == claimed.id and taken.sent_ids == (501,) and taken.lease_until == late + lease
    # the stalled holder records the part it had in flight: kept, but the lease is not its own
    two = await store.record_part(
        claimed.id, 502, held=one.lease_until, renew_until=late + lease * 3
    )
    assert two.sent_ids == (501, 502) and two.lease_until == late + lease
    assert not await store.release_delivery(claimed.id, held=t0 + 2 * lease)  # not its lease
    assert await store.release_delivery(claimed.id, held=late + lease)
    three = await store.take_delivery(claimed.id, late, until=late + lease)
    assert three is not None and three.lease_until == late + lease
    done = await store.record_part(claimed.id, 503, held=three.lease_until, renew_until=late)
    assert done.status == "sent" and done.lease_until is None
    assert await store.take_delivery(claimed.id, late + lease * 9, until=late) is None


async def test_a_delivery_from_before_leases_is_stale_and_a_moved_time_wins(
    store: Storage,
) -> None:
    t0 = datetime(2025, 3, 10, 8, 0, tzinfo=UTC)
    claimed = await store.claim_delivery(1, "2025-03-10", article_ids=[], parts=["p"], now=t0)
    assert claimed is not None and claimed.lease_until is None  # as rows before migration 6
    [stale] = await store.claim_stale_deliveries(t0, until=t0 + timedelta(minutes=1), limit=5)
    assert stale.id == claimed.id
    # a subscription claimed by one instance and moved meanwhile keeps the new time
    await store.set_subscription(2, hour=8, minute=0, timezone="UTC", now=t0, next_due_at=t0)
    until = t0 + timedelta(minutes=1)
    [sub] = await store.claim_due_subscriptions(t0, until=until, limit=5)
    assert sub.chat_id == 2 and sub.next_due_at == t0
    assert await store.claim_due_subscriptions(t0, until=until, limit=5) == []  # leased
    moved = t0 + timedelta(hours=2)
    await store.set_subscription(2, hour=10, minute=0, timezone="UTC", now=t0, next_due_at=moved)
    assert not await store.advance_subscription(2, t0 + timedelta(days=1), held=until)
    assert await store.next_due_at(2) == moved
