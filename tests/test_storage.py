"""Storage: migrations, WAL, articles per chat, and durability when the process is killed.

Tests taking ``storage_target`` run on both engines (SQLite, then PostgreSQL);
the rest are about SQLite's file (WAL, a killed process, an old file upgraded).
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest

from bot.storage import MIGRATIONS, Storage, utc_now
from summarizer import Digest, Stats

ROOT = Path(__file__).resolve().parents[1]
DIGEST = Digest(
    title="标题",
    sentences=("第一句。",),
    key_points=("要点",),
    tags=("DingTalk",),
    language="zh-Hans",
    stats=Stats(100, 10, 90, 8, 0.3),
)


async def test_new_database_is_migrated_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "bot.sqlite3"
    store = await Storage.connect(path)
    try:
        assert await store.schema_version() == len(MIGRATIONS)
    finally:
        await store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"chats", "users", "articles"} <= tables


async def test_reopening_runs_no_migration_twice(storage_target: str | Path) -> None:
    path = storage_target
    await (await Storage.connect(path)).close()
    store = await Storage.connect(path)  # would fail with "table chats already exists"
    await store.close()


async def test_a_later_migration_is_applied_to_an_old_database(storage_target: str | Path) -> None:
    path = storage_target
    await (await Storage.connect(path)).close()
    extra = "CREATE TABLE later_feature (chat_id INTEGER PRIMARY KEY, hour INTEGER NOT NULL);"
    store = await Storage.connect(path, migrations=(*MIGRATIONS, extra))
    try:
        assert await store.schema_version() == len(MIGRATIONS) + 1
    finally:
        await store.close()


async def test_a_failing_migration_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    await (await Storage.connect(path)).close()
    broken = "CREATE TABLE half_done (x INTEGER); INSERT INTO no_such_table VALUES (1);"
    with pytest.raises(sqlite3.OperationalError):
        await Storage.connect(path, migrations=(*MIGRATIONS, broken))
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (len(MIGRATIONS),)
        assert (
            db.execute("SELECT name FROM sqlite_master WHERE name='half_done'").fetchone() is None
        )


async def test_a_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    with pytest.raises(RuntimeError, match="newer"):
        await Storage.connect(path)


async def test_articles_are_stored_once_per_chat_and_shared_by_hash(
    storage_target: str | Path,
) -> None:
    store = await Storage.connect(storage_target)
    try:
        first = await store.add_article(
            chat_id=1, message_id=10, text_hash="h1", text="文", digest=DIGEST, source="private"
        )
        again = await store.add_article(
            chat_id=1, message_id=11, text_hash="h1", text="文", digest=DIGEST, source="private"
        )
        assert again == first and first.message_id == 10
        assert first.digest == DIGEST and first.tags == ("DingTalk",)
        assert await store.digest_for_hash("h1") == DIGEST
        assert await store.digest_for_hash("other") is None
        assert await store.article(2, "h1") is None  # another chat has not seen it
    finally:
        await store.close()


async def test_recent_articles_window_order_and_limit(storage_target: str | Path) -> None:
    store = await Storage.connect(storage_target)
    now = utc_now()
    try:
        for i, hours_ago in enumerate([30, 5, 3, 1]):
            await store.add_article(
                chat_id=-100,
                message_id=i,
                text_hash=f"h{i}",
                text=f"text {i}",
                digest=DIGEST,
                source="group",
                created_at=now - timedelta(hours=hours_ago),
            )
        recent = await store.recent_articles(-100, now - timedelta(hours=24))
        assert [a.message_id for a in recent] == [1, 2, 3]  # oldest first, 30h ago left out
        newest = await store.recent_articles(-100, now - timedelta(hours=24), limit=2)
        assert [a.message_id for a in newest] == [2, 3]  # the newest two
        assert await store.recent_articles(-999, now - timedelta(hours=24)) == []
        # the same window with each article's text, for the /summary roll-up
        with_text = await store.recent_articles_with_text(-100, now - timedelta(hours=24))
        assert [(a, body) for a, body in with_text] == [(a, f"text {a.message_id}") for a in recent]
        newest_with_text = await store.recent_articles_with_text(
            -100, now - timedelta(hours=24), limit=2
        )
        assert [a for a, _ in newest_with_text] == newest
    finally:
        await store.close()


async def test_chats_and_users(storage_target: str | Path) -> None:
    store = await Storage.connect(storage_target)
    try:
        await store.upsert_chat(5, "private", language="zh-Hant")
        await store.upsert_chat(5, "private", username="reader")  # no language: kept
        chat = await store.chat(5)
        assert chat is not None
        assert (chat.type, chat.username, chat.language) == ("private", "reader", "zh-Hant")
        await store.set_user_language(5, "zh-hk")
        await store.set_user_language(5, "en")
        assert await store.user_language(5) == "en"
        assert await store.user_language(6) is None
        assert await store.chat(6) is None
    finally:
        await store.close()


def test_a_killed_process_loses_no_acknowledged_write(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    script = textwrap.dedent(
        f"""
        import asyncio, os, signal
        from summarizer import Digest
        from bot.storage import Storage

        async def main():
            store = await Storage.connect({str(path)!r})
            for i in range(20):
                await store.add_article(chat_id=1, message_id=i, text_hash=f"h{{i}}",
                                        text="t", digest=Digest(None, ("s",)), source="private")
            print("written", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)  # no close, no checkpoint

        asyncio.run(main())
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert "written" in result.stdout
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM articles").fetchone() == (20,)


async def test_using_a_closed_storage_is_an_error(storage_target: str | Path) -> None:
    store = Storage(storage_target)
    assert not store.is_open
    with pytest.raises(RuntimeError, match="not open"):
        await store.chat(1)
    await store.close()  # closing twice (or never opened) is harmless


async def test_articles_keep_the_link_they_were_read_from(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    # a database from before links: only the first migration, one pasted article
    with sqlite3.connect(path) as db:
        db.executescript(MIGRATIONS[0])
        db.execute("PRAGMA user_version = 1")
        db.execute(
            "INSERT INTO articles (chat_id, message_id, text_hash, text, digest_json, source,"
            " created_at) VALUES (1, 1, 'h1', 't', ?, 'private', '2024-01-01 00:00:00')",
            (json.dumps(DIGEST.to_dict()),),
        )
    db.close()
    store = await Storage.connect(path)
    try:
        pasted = await store.article(1, "h1")
        assert pasted is not None and pasted.url is None  # upgraded in place, nothing lost
        linked = await store.add_article(
            chat_id=1,
            message_id=2,
            text_hash="h2",
            text="t2",
            digest=DIGEST,
            source="link",
            url="https://news.example.cn/a/1.html",
        )
        assert linked.url == "https://news.example.cn/a/1.html"
        again = await store.article(1, "h2")
        assert again is not None and again.url == "https://news.example.cn/a/1.html"
    finally:
        await store.close()
