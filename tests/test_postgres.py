"""The PostgreSQL engine on a real server: migrations under the lock, refusals that name
DATABASE_URL and never the password, and what SQLite did not make us think about (ids
beyond 32 bits, ``%`` and ``?`` in values)."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from bot.config import Settings
from bot.errors import ConfigError
from bot.storage import MIGRATIONS, Storage
from bot.storage.engine import SchemaTooNewError
from bot.storage.postgres import DatabaseUnavailableError, PostgresDatabase, redact_url
from tests.e2e.bot_process import bot_env, fake_settings
from tests.fakes.telegram_server import TOKEN, FakeTelegram
from tests.pg import Cluster

BIG_CHAT = -1_001_234_567_890  # a supergroup id: more than 32 bits


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens once it is closed


def _with_password(url: str, password: str) -> str:
    parts = urlsplit(url)
    netloc = f"{parts.username}:{password}@{parts.hostname}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _versions(url: str) -> list[int]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT version FROM schema_version ORDER BY version").fetchall()
    return [r[0] for r in rows]


async def test_two_instances_starting_together_migrate_once(postgres_url: str) -> None:
    first, second = Storage(postgres_url), Storage(postgres_url)
    await asyncio.gather(first.open(), second.open())
    try:
        assert await first.schema_version() == await second.schema_version() == len(MIGRATIONS)
        assert _versions(postgres_url) == list(range(1, len(MIGRATIONS) + 1))
    finally:
        await asyncio.gather(first.close(), second.close())


async def test_a_newer_schema_is_refused_naming_the_setting(postgres_url: str) -> None:
    await (await Storage.connect(postgres_url)).close()
    with psycopg.connect(postgres_url) as conn:
        conn.execute("INSERT INTO schema_version VALUES (%s, 'later')", (len(MIGRATIONS) + 3,))
    with pytest.raises(SchemaTooNewError, match=r"DATABASE_URL .* newer than this bot") as info:
        await Storage.connect(postgres_url)
    assert isinstance(info.value, ConfigError)  # start-up stops with exit status 2
    assert urlsplit(postgres_url).password not in str(info.value)


async def test_a_failing_migration_changes_nothing(postgres_url: str) -> None:
    await (await Storage.connect(postgres_url)).close()
    broken = "CREATE TABLE half_done (x INTEGER); INSERT INTO no_such_table VALUES (1);"
    with pytest.raises(psycopg.errors.UndefinedTable):
        await Storage.connect(postgres_url, migrations=(*MIGRATIONS, broken))
    assert _versions(postgres_url)[-1] == len(MIGRATIONS)
    with psycopg.connect(postgres_url) as conn:
        assert conn.execute("SELECT to_regclass('half_done')").fetchone() == (None,)


@pytest.mark.parametrize("problem", ["no server", "wrong password", "no such database"])
async def test_an_unusable_server_names_database_url_never_the_password(
    postgres_cluster: Cluster, problem: str
) -> None:
    secret = "Pa55-w0rd-never-shown"
    url = {
        "no server": f"postgresql://postgres:{secret}@127.0.0.1:{_closed_port()}/zhaiyao",
        "wrong password": _with_password(postgres_cluster.url(), secret),
        "no such database": _with_password(
            postgres_cluster.url("missing_db"), postgres_cluster.password
        ),
    }[problem]
    store = Storage(url)
    with pytest.raises(DatabaseUnavailableError, match=r"^DATABASE_URL ") as info:
        await store.open()
    message = str(info.value)
    assert secret not in message and postgres_cluster.password not in message
    assert redact_url(url) in message and not store.is_open


async def test_connections_the_server_dropped_are_replaced(postgres_url: str) -> None:
    store = await Storage.connect(postgres_url)
    try:
        await store.upsert_chat(BIG_CHAT, "supergroup")
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            killed = admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchone()
        assert killed is not None and killed[0] >= 1  # the pool's connection is gone
        chat = await store.chat(BIG_CHAT)
        assert chat is not None and chat.type == "supergroup"
    finally:
        await store.close()


def test_start_up_with_an_unreachable_database_exits_2_without_the_password(
    tmp_path: Path,
) -> None:
    import subprocess
    import sys

    secret = "Pa55-w0rd-never-shown"
    url = f"postgresql://zhaiyao:{secret}@127.0.0.1:{_closed_port()}/zhaiyao"
    with FakeTelegram() as fake:
        env = bot_env(**{**fake_settings(fake, tmp_path), "DATABASE_URL": url})
        result = subprocess.run(
            [sys.executable, "-m", "bot"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "DATABASE_URL postgresql://zhaiyao@127.0.0.1:" in result.stderr
    assert secret not in output and TOKEN not in output


def test_settings_choose_the_engine_and_keep_the_password_secret(tmp_path: Path) -> None:
    url = "postgresql://bot:hunter2-long@db.internal:5432/zhaiyao"
    settings = Settings(token=TOKEN, database_path=tmp_path / "x.sqlite3", database_url=url)
    store = Storage.from_settings(settings)
    assert isinstance(store.db, PostgresDatabase)
    assert store.where == "postgresql://bot@db.internal:5432/zhaiyao"
    assert "hunter2-long" not in repr(settings) and "hunter2-long" in settings.secrets
    sqlite = Storage.from_settings(Settings(token=TOKEN, database_path=tmp_path / "x.sqlite3"))
    assert sqlite.db.engine == "sqlite"


async def test_ids_beyond_32_bits_and_awkward_text(storage_target: str | Path) -> None:
    store = await Storage.connect(storage_target)
    try:
        await store.upsert_chat(BIG_CHAT, "supergroup", title="100% ? 'quoted'")
        chat = await store.chat(BIG_CHAT)
        assert chat is not None and chat.title == "100% ? 'quoted'"
        for term in ("b?", "a%", "c'"):  # insertion order, not alphabetical
            assert await store.add_filter(BIG_CHAT, term) == "added"
        assert await store.filters(BIG_CHAT) == ["b?", "a%", "c'"]
        await store.set_subscription(BIG_CHAT, hour=23, minute=59, timezone="Asia/Taipei")
        [sub] = await store.subscriptions()
        assert sub.chat_id == BIG_CHAT
    finally:
        await store.close()


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("postgresql://bot:hunter2-long@db:notaport/zhaiyao", "malformed"),
        ("mysql://bot:hunter2-long@db/zhaiyao", "must be a PostgreSQL URL"),
        ("postgresql://bot:hunter2-long@db:5432", "names no database"),
    ],
)
def test_a_wrong_url_is_a_setting_error_without_the_password(
    url: str, says: str, tmp_path: Path
) -> None:
    from bot.config import load_settings

    with pytest.raises(ConfigError, match=f"^DATABASE_URL.*{says}") as info:
        load_settings({"TELEGRAM_BOT_TOKEN": TOKEN, "DATABASE_URL": url}, dotenv_path=None)
    assert "hunter2-long" not in str(info.value)


async def _until_someone_waits_for_an_advisory_lock(url: str) -> None:
    """Poll ``pg_locks`` (this test's database only) until a session waits for an advisory lock."""
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        for _ in range(1000):
            cur = await conn.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            )
            row = await cur.fetchone()
            if row and row[0]:
                return
            await asyncio.sleep(0.01)
    raise AssertionError("nobody waited for the advisory lock")


async def test_a_limit_check_waits_for_another_instance_holding_the_chat(
    postgres_url: str,
) -> None:
    one, two = Storage(postgres_url), Storage(postgres_url)
    await asyncio.gather(one.open(), two.open())
    try:
        async with one.db.transaction(lock="chat_filters:9") as tx:
            await tx.execute(
                "INSERT INTO chat_filters (chat_id, term, created_at) VALUES (9, 'first', 'x')"
            )
            # at READ COMMITTED the other instance would count 0 and insert: it must wait
            other = asyncio.create_task(two.add_filter(9, "second", limit=1))
            await _until_someone_waits_for_an_advisory_lock(postgres_url)
        assert await other == "full"
        assert await two.filters(9) == ["first"]
        # a day's digest is claimed by exactly one instance
        claims = await asyncio.gather(
            *(s.claim_delivery(9, "2025-03-10", article_ids=[], parts=["p"]) for s in (one, two))
        )
        assert sum(c is not None for c in claims) == 1
    finally:
        await asyncio.gather(one.close(), two.close())
