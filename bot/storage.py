"""The bot's SQLite database (aiosqlite): schema, migrations and every query.

Nothing else in the bot writes SQL.  The connection runs in autocommit mode
with WAL and ``synchronous=FULL``, so each write is durable as soon as its
``await`` returns: killing the process loses nothing that was acknowledged.

Migrations are an ordered list; ``PRAGMA user_version`` records how many
have run.  A later feature appends a migration, never edits an old one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from summarizer import Digest

__all__ = ["MIGRATIONS", "ChatInfo", "Storage", "StoredArticle", "utc_now"]

#: Migration ``i`` brings the schema from version ``i`` to ``i + 1``.
MIGRATIONS: tuple[str, ...] = (
    # 1: chats, users' language, articles
    """
    CREATE TABLE chats (
        chat_id     INTEGER PRIMARY KEY,
        type        TEXT NOT NULL,
        title       TEXT,
        username    TEXT,
        language    TEXT,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );
    CREATE TABLE users (
        user_id        INTEGER PRIMARY KEY,
        language_code  TEXT,
        updated_at     TEXT NOT NULL
    );
    CREATE TABLE articles (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        chat_id      INTEGER NOT NULL,
        message_id   INTEGER,
        text_hash    TEXT NOT NULL,
        text         TEXT NOT NULL,
        digest_json  TEXT NOT NULL,
        tags         TEXT NOT NULL DEFAULT '[]',
        source       TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        UNIQUE (chat_id, text_hash)
    );
    CREATE INDEX articles_by_hash ON articles (text_hash);
    CREATE INDEX articles_by_chat_time ON articles (chat_id, created_at);
    """,
)

_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _ts(when: datetime) -> str:
    return when.astimezone(UTC).strftime(_TIME_FORMAT)


def _parse_ts(value: str) -> datetime:
    return datetime.strptime(value, _TIME_FORMAT).replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class ChatInfo:
    chat_id: int
    type: str
    title: str | None
    username: str | None
    language: str | None


@dataclass(frozen=True, slots=True)
class StoredArticle:
    id: int
    chat_id: int
    message_id: int | None
    text_hash: str
    digest: Digest
    tags: tuple[str, ...]
    source: str
    created_at: datetime


_ARTICLE_COLUMNS = "id, chat_id, message_id, text_hash, digest_json, tags, source, created_at"


def _article(row: Iterable[Any]) -> StoredArticle:
    id_, chat_id, message_id, text_hash, digest_json, tags, source, created_at = row
    return StoredArticle(
        id=id_,
        chat_id=chat_id,
        message_id=message_id,
        text_hash=text_hash,
        digest=Digest.from_dict(json.loads(digest_json)),
        tags=tuple(json.loads(tags)),
        source=source,
        created_at=_parse_ts(created_at),
    )


class Storage:
    """The bot's database.  Build it anywhere; :meth:`open` it in the event loop.

    ``Storage(path)`` does no I/O, so the application can be wired before
    the loop runs; ``post_init`` opens it and ``post_shutdown`` closes it.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = path
        self._conn: aiosqlite.Connection | None = None
        # what was last written, so a chat or user seen again costs no write
        self._known_chats: dict[int, tuple[str, str | None, str | None, str | None]] = {}
        self._known_users: dict[int, str | None] = {}

    @classmethod
    async def connect(cls, path: str | Path) -> Storage:
        storage = cls(path)
        await storage.open()
        return storage

    @property
    def is_open(self) -> bool:
        return self._conn is not None

    @property
    def _db(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("storage is not open")
        return self._conn

    async def open(self) -> None:
        """Open (creating the file and its directory if needed) and migrate."""
        if self._conn is not None:
            return
        if str(self.path) != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        db = await aiosqlite.connect(self.path, isolation_level=None)
        try:
            await db.execute("PRAGMA journal_mode = WAL")
            await db.execute("PRAGMA synchronous = FULL")
            await db.execute("PRAGMA busy_timeout = 5000")
            self._conn = db
            await self._migrate()
        except BaseException:
            self._conn = None
            await db.close()
            raise

    async def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            await conn.close()

    async def schema_version(self) -> int:
        async with self._db.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def _migrate(self) -> None:
        version = await self.schema_version()
        if version > len(MIGRATIONS):
            raise RuntimeError(
                f"database schema version {version} is newer than this bot ({len(MIGRATIONS)})"
            )
        for target, sql in enumerate(MIGRATIONS[version:], start=version + 1):
            try:
                await self._db.executescript(
                    f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {target};\nCOMMIT;"
                )
            except BaseException:
                if self._db.in_transaction:
                    await self._db.execute("ROLLBACK")
                raise

    # --- chats and users ---------------------------------------------------

    async def upsert_chat(
        self,
        chat_id: int,
        type: str,
        *,
        title: str | None = None,
        username: str | None = None,
        language: str | None = None,
    ) -> None:
        """Record a chat; ``language`` (a UI language) is kept when not given."""
        row = (type, title, username, language)
        if self._known_chats.get(chat_id) == row:
            return
        now = _ts(utc_now())
        await self._db.execute(
            """
            INSERT INTO chats (chat_id, type, title, username, language, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (chat_id) DO UPDATE SET
                type = excluded.type,
                title = excluded.title,
                username = excluded.username,
                language = COALESCE(excluded.language, chats.language),
                updated_at = excluded.updated_at
            """,
            (chat_id, type, title, username, language, now, now),
        )
        self._known_chats[chat_id] = row

    async def chat(self, chat_id: int) -> ChatInfo | None:
        async with self._db.execute(
            "SELECT chat_id, type, title, username, language FROM chats WHERE chat_id = ?",
            (chat_id,),
        ) as cur:
            row = await cur.fetchone()
        return ChatInfo(*row) if row else None

    async def set_user_language(self, user_id: int, language_code: str | None) -> None:
        if user_id in self._known_users and self._known_users[user_id] == language_code:
            return
        await self._db.execute(
            """
            INSERT INTO users (user_id, language_code, updated_at) VALUES (?, ?, ?)
            ON CONFLICT (user_id) DO UPDATE SET
                language_code = excluded.language_code, updated_at = excluded.updated_at
            """,
            (user_id, language_code, _ts(utc_now())),
        )
        self._known_users[user_id] = language_code

    async def user_language(self, user_id: int) -> str | None:
        async with self._db.execute(
            "SELECT language_code FROM users WHERE user_id = ?", (user_id,)
        ) as cur:
            row = await cur.fetchone()
        return row[0] if row else None

    # --- articles ------------------------------------------------------------

    async def digest_for_hash(self, text_hash: str) -> Digest | None:
        """A stored digest of the same text from any chat (digests depend on text only)."""
        async with self._db.execute(
            "SELECT digest_json FROM articles WHERE text_hash = ? ORDER BY id LIMIT 1",
            (text_hash,),
        ) as cur:
            row = await cur.fetchone()
        return Digest.from_dict(json.loads(row[0])) if row else None

    async def article(self, chat_id: int, text_hash: str) -> StoredArticle | None:
        async with self._db.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE chat_id = ? AND text_hash = ?",
            (chat_id, text_hash),
        ) as cur:
            row = await cur.fetchone()
        return _article(row) if row else None

    async def add_article(
        self,
        *,
        chat_id: int,
        message_id: int | None,
        text_hash: str,
        text: str,
        digest: Digest,
        source: str,
        created_at: datetime | None = None,
    ) -> StoredArticle:
        """Store an article once per chat; a repeat returns the first copy."""
        await self._db.execute(
            """
            INSERT INTO articles
                (chat_id, message_id, text_hash, text, digest_json, tags, source, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (chat_id, text_hash) DO NOTHING
            """,
            (
                chat_id,
                message_id,
                text_hash,
                text,
                json.dumps(digest.to_dict(), ensure_ascii=False),
                json.dumps(list(digest.tags), ensure_ascii=False),
                source,
                _ts(created_at or utc_now()),
            ),
        )
        stored = await self.article(chat_id, text_hash)
        assert stored is not None  # just inserted, or there already
        return stored

    async def recent_articles(
        self, chat_id: int, since: datetime, *, limit: int = 50
    ) -> list[StoredArticle]:
        """The newest ``limit`` articles stored for ``chat_id`` since ``since``, oldest first."""
        async with self._db.execute(
            f"""
            SELECT {_ARTICLE_COLUMNS} FROM articles
            WHERE chat_id = ? AND created_at >= ?
            ORDER BY created_at DESC, id DESC LIMIT ?
            """,
            (chat_id, _ts(since), limit),
        ) as cur:
            rows = await cur.fetchall()
        return [_article(r) for r in reversed(list(rows))]
