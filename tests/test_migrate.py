"""``python -m bot migrate --to postgresql://…`` on a real server: everything arrives, ids and
order are kept, the new database goes on where the old one stopped, a non-empty target
is refused."""

from __future__ import annotations

import argparse
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

from bot.migrate import TargetNotEmptyError, copy_to_postgres, main
from bot.storage import Storage, utc_now
from summarizer import Digest, Stats

DIGEST = Digest("标题", ("第一句。",), (), ("DingTalk",), "zh-Hans", Stats(100, 10, 90, 8, 0.3))
GROUP = -1_009_876_543_210


async def _fill(path: Path) -> Storage:
    """A SQLite bot with a bit of everything; returned open."""
    store = await Storage.connect(path)
    await store.upsert_chat(GROUP, "supergroup", title="新闻组", language="zh-Hans")
    await store.set_user_language(7, "zh-tw")
    ids = []
    for n in range(3):
        article = await store.add_article(
            chat_id=GROUP,
            message_id=n,
            text_hash=f"h{n}",
            text=f"正文 {n} 100%?",
            digest=DIGEST,
            source="group",
            created_at=utc_now() - timedelta(hours=n),
            url=f"https://news.example.cn/{n}.html" if n else None,
        )
        ids.append(article.id)
    await store.set_subscription(GROUP, hour=8, minute=30, timezone="Asia/Taipei")
    for term in ("钉钉", "Alipay", "WeChat"):  # not alphabetical: the order must survive
        await store.add_filter(GROUP, term)
    await store.set_auto(GROUP, True)
    claimed = await store.claim_delivery(GROUP, "2025-03-10", article_ids=ids, parts=["a", "b"])
    assert claimed is not None
    await store.record_part(claimed.id, 900)
    return store


async def test_everything_is_copied_and_the_copy_goes_on(tmp_path: Path, postgres_url: str) -> None:
    source = tmp_path / "bot.sqlite3"
    old = await _fill(source)
    since = utc_now() - timedelta(days=1)
    before = (
        await old.chat(GROUP),
        await old.recent_articles(GROUP, since),
        await old.filters(GROUP),
        await old.subscriptions(),
        await old.chat_settings(GROUP),
        await old.unfinished_deliveries(),
        await old.user_language(7),
    )
    await old.close()

    report = await copy_to_postgres(source, postgres_url)
    assert report.rows["articles"] == 3 and report.rows["chat_filters"] == 3
    assert report.rows["deliveries"] == 1 and report.rows["delivery_articles"] == 3
    assert urlsplit(postgres_url).password not in report.describe()

    new = await Storage.connect(postgres_url)
    try:
        after = (
            await new.chat(GROUP),
            await new.recent_articles(GROUP, since),
            await new.filters(GROUP),
            await new.subscriptions(),
            await new.chat_settings(GROUP),
            await new.unfinished_deliveries(),
            await new.user_language(7),
        )
        assert after == before
        # it goes on: new ids after the copied ones, the half-sent digest finishes there
        added = await new.add_article(
            chat_id=GROUP, message_id=9, text_hash="h9", text="t", digest=DIGEST, source="group"
        )
        assert added.id > max(a.id for a in before[1])
        assert await new.add_filter(GROUP, "Baidu") == "added"
        assert (await new.filters(GROUP))[-1] == "Baidu"
        [half] = before[5]
        done = await new.record_part(half.id, 901)
        assert done.status == "sent" and done.sent_ids == (900, 901)
        second = await new.claim_delivery(GROUP, "2025-03-11", article_ids=[added.id], parts=["c"])
        assert second is not None and second.id > half.id
    finally:
        await new.close()


async def test_a_target_with_data_is_refused_and_left_alone(
    tmp_path: Path, postgres_url: str
) -> None:
    source = tmp_path / "bot.sqlite3"
    await (await _fill(source)).close()
    await copy_to_postgres(source, postgres_url)
    with pytest.raises(TargetNotEmptyError):
        await copy_to_postgres(source, postgres_url)
    with psycopg.connect(postgres_url) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone() == (3,)
        conn.execute("CREATE TABLE someone_elses (x int)")
    other = tmp_path / "other.sqlite3"
    await (await _fill(other)).close()
    with psycopg.connect(postgres_url) as conn:
        conn.execute("DROP TABLE articles")  # fewer of ours, plus a foreign one: still refused
    with pytest.raises(TargetNotEmptyError, match="someone_elses"):
        await copy_to_postgres(other, postgres_url)


def test_the_command_prints_a_summary_and_exit_statuses(
    tmp_path: Path,
    postgres_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import asyncio

    source = tmp_path / "bot.sqlite3"
    asyncio.run(_close_filled(source))
    monkeypatch.setenv("DATABASE_PATH", str(source))
    monkeypatch.chdir(tmp_path)
    password = urlsplit(postgres_url).password
    assert main(argparse.Namespace(to=postgres_url, home=tmp_path, force=False)) == 0
    out, err = capsys.readouterr()
    assert "copied" in out and "chat_filters" in out and password not in out + err
    assert main(argparse.Namespace(to=postgres_url, home=tmp_path, force=False)) == 2
    out, err = capsys.readouterr()
    assert "not empty" in err and password not in out + err
    assert main(argparse.Namespace(to="mysql://x:y@h/db", home=tmp_path, force=False)) == 2
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "missing.sqlite3"))
    assert main(argparse.Namespace(to=postgres_url, home=tmp_path, force=False)) == 2
    assert "no SQLite database" in capsys.readouterr().err
    assert not (tmp_path / "missing.sqlite3").exists()  # never created an empty one


async def _close_filled(path: Path) -> None:
    await (await _fill(path)).close()
