"""The bot's SQLite database (aiosqlite): schema, migrations and every query.

Nothing else in the bot writes SQL.  The connection runs in autocommit mode
with WAL and ``synchronous=FULL``, so each write is durable as soon as its
``await`` returns: killing the process loses nothing that was acknowledged.

Migrations are an ordered list; ``PRAGMA user_version`` records how many
have run.  A later feature appends a migration, never edits an old one.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from summarizer import Digest

__all__ = [
    "EMPTY_DAY_POLICIES",
    "MIGRATIONS",
    "ChatInfo",
    "ChatSettings",
    "Delivery",
    "Storage",
    "StoredArticle",
    "Subscription",
    "utc_now",
]

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
    # 2: the link an article was read from (NULL for pasted text and documents)
    "ALTER TABLE articles ADD COLUMN url TEXT;",
    # 3: daily digest subscriptions, filters, per-chat settings, deliveries (exactly once)
    """
    CREATE TABLE subscriptions (
        chat_id        INTEGER PRIMARY KEY,
        hour           INTEGER NOT NULL,
        minute         INTEGER NOT NULL,
        second         INTEGER NOT NULL DEFAULT 0,
        timezone       TEXT NOT NULL,
        active         INTEGER NOT NULL DEFAULT 1,
        paused_reason  TEXT,
        created_at     TEXT NOT NULL,
        updated_at     TEXT NOT NULL
    );
    CREATE TABLE chat_filters (
        chat_id     INTEGER NOT NULL,
        term        TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        PRIMARY KEY (chat_id, term)
    );
    CREATE TABLE chat_settings (
        chat_id     INTEGER PRIMARY KEY,
        auto        INTEGER NOT NULL DEFAULT 0,
        empty_day   TEXT NOT NULL DEFAULT 'silent',
        updated_at  TEXT NOT NULL
    );
    CREATE TABLE deliveries (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        chat_id     INTEGER NOT NULL,
        local_date  TEXT NOT NULL,
        status      TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'abandoned')),
        parts       TEXT NOT NULL,
        sent_ids    TEXT NOT NULL DEFAULT '[]',
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        UNIQUE (chat_id, local_date)
    );
    CREATE TABLE delivery_articles (
        delivery_id  INTEGER NOT NULL,
        article_id   INTEGER NOT NULL,
        PRIMARY KEY (delivery_id, article_id)
    );
    CREATE INDEX delivery_articles_by_article ON delivery_articles (article_id);
    """,
)

_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
T = TypeVar("T")


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
    url: str | None = None  # the link it was read from, if any


_ARTICLE_COLUMNS = "id, chat_id, message_id, text_hash, digest_json, tags, source, created_at, url"


def _article(row: Iterable[Any]) -> StoredArticle:
    id_, chat_id, message_id, text_hash, digest_json, tags, source, created_at, url = row
    return StoredArticle(
        id=id_,
        chat_id=chat_id,
        message_id=message_id,
        text_hash=text_hash,
        digest=Digest.from_dict(json.loads(digest_json)),
        tags=tuple(json.loads(tags)),
        source=source,
        created_at=_parse_ts(created_at),
        url=url,
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
        url: str | None = None,
    ) -> StoredArticle:
        """Store an article once per chat; a repeat returns the first copy."""
        await self._db.execute(
            """
            INSERT INTO articles
                (chat_id, message_id, text_hash, text, digest_json, tags, source, created_at, url)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
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
                url,
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

    async def recent_articles_with_text(
        self, chat_id: int, since: datetime, *, limit: int = 500
    ) -> list[tuple[StoredArticle, str]]:
        """Like :meth:`recent_articles`, each with its text (what ``compose`` compares)."""
        async with self._db.execute(
            f"""
            SELECT {_ARTICLE_COLUMNS}, text FROM articles
            WHERE chat_id = ? AND created_at >= ?
            ORDER BY created_at DESC, id DESC LIMIT ?
            """,
            (chat_id, _ts(since), limit),
        ) as cur:
            rows = await cur.fetchall()
        return [(_article(r[:-1]), r[-1]) for r in reversed(list(rows))]

    # --- daily digests: subscriptions, filters, chat settings ------------------

    async def set_subscription(
        self,
        chat_id: int,
        *,
        hour: int,
        minute: int,
        timezone: str,
        second: int = 0,
        now: datetime | None = None,
    ) -> Subscription:
        """Subscribe ``chat_id`` (or move its time); a paused subscription is active again."""
        when = _ts(now or utc_now())
        await self._db.execute(
            """
            INSERT INTO subscriptions
                (chat_id, hour, minute, second, timezone, active, paused_reason,
                 created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, 1, NULL, ?, ?)
            ON CONFLICT (chat_id) DO UPDATE SET
                hour = excluded.hour, minute = excluded.minute, second = excluded.second,
                timezone = excluded.timezone, active = 1, paused_reason = NULL,
                updated_at = excluded.updated_at
            """,
            (chat_id, hour, minute, second, timezone, when, when),
        )
        found = await self.subscription(chat_id)
        assert found is not None
        return found

    async def subscription(self, chat_id: int) -> Subscription | None:
        async with self._db.execute(
            f"SELECT {_SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE chat_id = ?", (chat_id,)
        ) as cur:
            row = await cur.fetchone()
        return _subscription(row) if row else None

    async def subscriptions(self, *, active_only: bool = True) -> list[Subscription]:
        where = "WHERE active = 1" if active_only else ""
        async with self._db.execute(
            f"SELECT {_SUBSCRIPTION_COLUMNS} FROM subscriptions {where} ORDER BY chat_id"
        ) as cur:
            rows = await cur.fetchall()
        return [_subscription(r) for r in rows]

    async def delete_subscription(self, chat_id: int) -> bool:
        cur = await self._db.execute("DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,))
        return cur.rowcount > 0

    async def pause_subscription(self, chat_id: int, reason: str) -> None:
        await self._db.execute(
            "UPDATE subscriptions SET active = 0, paused_reason = ?, updated_at = ? "
            "WHERE chat_id = ?",
            (reason, _ts(utc_now()), chat_id),
        )

    async def filters(self, chat_id: int) -> list[str]:
        async with self._db.execute(
            "SELECT term FROM chat_filters WHERE chat_id = ? ORDER BY rowid",
            (chat_id,),
        ) as cur:
            rows = await cur.fetchall()
        return [r[0] for r in rows]

    async def add_filter(self, chat_id: int, term: str) -> bool:
        """Add a filter term; False when the chat already has it."""
        cur = await self._db.execute(
            "INSERT INTO chat_filters (chat_id, term, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT (chat_id, term) DO NOTHING",
            (chat_id, term, _ts(utc_now())),
        )
        return cur.rowcount > 0

    async def remove_filter(self, chat_id: int, term: str) -> bool:
        cur = await self._db.execute(
            "DELETE FROM chat_filters WHERE chat_id = ? AND term = ?", (chat_id, term)
        )
        return cur.rowcount > 0

    async def chat_settings(self, chat_id: int) -> ChatSettings:
        async with self._db.execute(
            "SELECT auto, empty_day FROM chat_settings WHERE chat_id = ?", (chat_id,)
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return ChatSettings()
        return ChatSettings(auto=bool(row[0]), empty_day=row[1])

    async def set_auto(self, chat_id: int, on: bool) -> None:
        await self._db.execute(
            "INSERT INTO chat_settings (chat_id, auto, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (chat_id) DO UPDATE SET auto = excluded.auto, "
            "updated_at = excluded.updated_at",
            (chat_id, int(on), _ts(utc_now())),
        )

    async def set_empty_day(self, chat_id: int, policy: str) -> None:
        if policy not in EMPTY_DAY_POLICIES:
            raise ValueError(f"empty-day policy must be one of {EMPTY_DAY_POLICIES}")
        await self._db.execute(
            "INSERT INTO chat_settings (chat_id, empty_day, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (chat_id) DO UPDATE SET empty_day = excluded.empty_day, "
            "updated_at = excluded.updated_at",
            (chat_id, policy, _ts(utc_now())),
        )

    # --- daily digests: articles and deliveries --------------------------------

    async def undelivered_articles(
        self, chat_id: int, since: datetime, *, limit: int = 500
    ) -> list[tuple[StoredArticle, str]]:
        """Articles (with their text) stored since ``since`` that no digest covers yet.

        A digest that was abandoned (403) gave its articles back, so they count
        as not delivered.  Oldest first; at most the newest ``limit``.
        """
        async with self._db.execute(
            f"""
            SELECT {_ARTICLE_COLUMNS}, text FROM articles AS a
            WHERE chat_id = ? AND created_at >= ? AND NOT EXISTS (
                SELECT 1 FROM delivery_articles AS da
                JOIN deliveries AS d ON d.id = da.delivery_id
                WHERE da.article_id = a.id AND d.status != 'abandoned'
            )
            ORDER BY created_at DESC, id DESC LIMIT ?
            """,
            (chat_id, _ts(since), limit),
        ) as cur:
            rows = await cur.fetchall()
        return [(_article(r[:-1]), r[-1]) for r in reversed(list(rows))]

    async def last_delivery_at(self, chat_id: int) -> datetime | None:
        """When the chat's latest digest (sent or being sent) was claimed."""
        async with self._db.execute(
            "SELECT max(created_at) FROM deliveries WHERE chat_id = ? AND status != 'abandoned'",
            (chat_id,),
        ) as cur:
            row = await cur.fetchone()
        return _parse_ts(row[0]) if row and row[0] else None

    async def delivery(self, chat_id: int, local_date: str) -> Delivery | None:
        async with self._db.execute(
            f"SELECT {_DELIVERY_COLUMNS} FROM deliveries WHERE chat_id = ? AND local_date = ?",
            (chat_id, local_date),
        ) as cur:
            row = await cur.fetchone()
        return _delivery(row) if row else None

    async def unfinished_deliveries(self) -> list[Delivery]:
        """Digests claimed but not completely sent: what a crash left behind."""
        async with self._db.execute(
            f"SELECT {_DELIVERY_COLUMNS} FROM deliveries WHERE status = 'sending' ORDER BY id"
        ) as cur:
            rows = await cur.fetchall()
        return [_delivery(r) for r in rows]

    async def delivery_article_ids(self, delivery_id: int) -> list[int]:
        async with self._db.execute(
            "SELECT article_id FROM delivery_articles WHERE delivery_id = ? ORDER BY article_id",
            (delivery_id,),
        ) as cur:
            rows = await cur.fetchall()
        return [r[0] for r in rows]

    async def claim_delivery(
        self,
        chat_id: int,
        local_date: str,
        *,
        article_ids: Iterable[int],
        parts: Sequence[str],
        now: datetime | None = None,
    ) -> Delivery | None:
        """Claim the chat's digest for ``local_date``: the delivery, its rendered
        parts and the articles it covers, in one transaction.

        None when that day's digest was already claimed (idempotent per chat and
        day).  With no parts the delivery is recorded as sent at once.
        """
        when = _ts(now or utc_now())
        ids = list(article_ids)
        status = "sending" if parts else "sent"
        parts_json = json.dumps(list(parts), ensure_ascii=False)

        def claim(conn: sqlite3.Connection) -> int | None:
            conn.execute("BEGIN IMMEDIATE")
            try:
                cur = conn.execute(
                    """
                    INSERT INTO deliveries
                        (chat_id, local_date, status, parts, sent_ids, created_at, updated_at)
                    VALUES (?, ?, ?, ?, '[]', ?, ?)
                    ON CONFLICT (chat_id, local_date) DO NOTHING
                    """,
                    (chat_id, local_date, status, parts_json, when, when),
                )
                if cur.rowcount == 0:
                    conn.execute("ROLLBACK")
                    return None
                delivery_id = cur.lastrowid
                conn.executemany(
                    "INSERT OR IGNORE INTO delivery_articles (delivery_id, article_id) "
                    "VALUES (?, ?)",
                    [(delivery_id, a) for a in ids],
                )
                conn.execute("COMMIT")
                return delivery_id
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

        delivery_id = await self._atomically(claim)
        if delivery_id is None:
            return None
        return await self.delivery(chat_id, local_date)

    async def record_part(self, delivery_id: int, message_id: int) -> Delivery:
        """Record one more part as sent (its message id); the last one marks the delivery sent.

        One UPDATE, committed before the next part is sent: this is what keeps
        a resumed delivery from sending a recorded part again.
        """
        await self._db.execute(
            """
            UPDATE deliveries SET
                sent_ids = json_insert(sent_ids, '$[#]', ?),
                status = CASE WHEN json_array_length(sent_ids) + 1 >= json_array_length(parts)
                              THEN 'sent' ELSE status END,
                updated_at = ?
            WHERE id = ? AND status = 'sending'
            """,
            (message_id, _ts(utc_now()), delivery_id),
        )
        async with self._db.execute(
            f"SELECT {_DELIVERY_COLUMNS} FROM deliveries WHERE id = ?", (delivery_id,)
        ) as cur:
            row = await cur.fetchone()
        assert row is not None
        return _delivery(row)

    async def abandon_delivery(self, delivery_id: int) -> None:
        """Give up a delivery (the chat blocked the bot): its articles count as undelivered."""
        await self._db.execute(
            "UPDATE deliveries SET status = 'abandoned', updated_at = ? WHERE id = ?",
            (_ts(utc_now()), delivery_id),
        )

    # --- retention and /forget -------------------------------------------------

    async def purge_before(self, cutoff: datetime) -> int:
        """Delete articles (and deliveries) older than ``cutoff``; how many articles went."""
        stamp = _ts(cutoff)

        def purge(conn: sqlite3.Connection) -> int:
            with _transaction(conn):
                conn.execute(
                    "DELETE FROM delivery_articles WHERE article_id IN "
                    "(SELECT id FROM articles WHERE created_at < ?)",
                    (stamp,),
                )
                gone = conn.execute("DELETE FROM articles WHERE created_at < ?", (stamp,)).rowcount
                conn.execute(
                    "DELETE FROM delivery_articles WHERE delivery_id IN "
                    "(SELECT id FROM deliveries WHERE created_at < ? AND status != 'sending')",
                    (stamp,),
                )
                conn.execute(
                    "DELETE FROM deliveries WHERE created_at < ? AND status != 'sending'",
                    (stamp,),
                )
                return int(gone)

        return await self._atomically(purge)

    async def forget_chat(self, chat_id: int) -> None:
        """Delete everything stored for ``chat_id``, in one transaction."""

        def forget(conn: sqlite3.Connection) -> None:
            with _transaction(conn):
                conn.execute(
                    "DELETE FROM delivery_articles WHERE delivery_id IN "
                    "(SELECT id FROM deliveries WHERE chat_id = ?)",
                    (chat_id,),
                )
                for table in (
                    "deliveries",
                    "articles",
                    "subscriptions",
                    "chat_filters",
                    "chat_settings",
                    "chats",
                ):
                    conn.execute(f"DELETE FROM {table} WHERE chat_id = ?", (chat_id,))

        await self._atomically(forget)
        self._known_chats.pop(chat_id, None)

    async def _atomically(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn`` on the connection's own thread, as one uninterrupted call.

        aiosqlite runs queued calls one at a time on one thread, so no other
        coroutine's statement can land inside ``fn``'s transaction (a plain
        ``BEGIN`` via ``execute`` would let them join it, and a ROLLBACK would
        undo their writes too).
        """
        db = self._db
        result: T = await db._execute(fn, db._conn)
        return result


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


#: What a chat gets on a day with no articles: nothing, or one line saying so.
EMPTY_DAY_POLICIES = ("silent", "one_line")


@dataclass(frozen=True, slots=True)
class Subscription:
    """A chat's daily digest: at ``hour:minute:second`` in ``timezone``, unless paused."""

    chat_id: int
    hour: int
    minute: int
    second: int
    timezone: str
    active: bool
    paused_reason: str | None
    created_at: datetime
    updated_at: datetime


_SUBSCRIPTION_COLUMNS = (
    "chat_id, hour, minute, second, timezone, active, paused_reason, created_at, updated_at"
)


def _subscription(row: Iterable[Any]) -> Subscription:
    chat_id, hour, minute, second, tz, active, reason, created, updated = row
    return Subscription(
        chat_id,
        hour,
        minute,
        second,
        tz,
        bool(active),
        reason,
        _parse_ts(created),
        _parse_ts(updated),
    )


@dataclass(frozen=True, slots=True)
class ChatSettings:
    auto: bool = False
    empty_day: str = "silent"


@dataclass(frozen=True, slots=True)
class Delivery:
    """One day's digest for one chat: its rendered parts and the ids of those sent."""

    id: int
    chat_id: int
    local_date: str
    status: str
    parts: tuple[str, ...]
    sent_ids: tuple[int, ...]
    created_at: datetime

    @property
    def pending_parts(self) -> tuple[str, ...]:
        return self.parts[len(self.sent_ids) :]


_DELIVERY_COLUMNS = "id, chat_id, local_date, status, parts, sent_ids, created_at"


def _delivery(row: Iterable[Any]) -> Delivery:
    id_, chat_id, local_date, status, parts, sent_ids, created = row
    return Delivery(
        id_,
        chat_id,
        local_date,
        status,
        tuple(json.loads(parts)),
        tuple(json.loads(sent_ids)),
        _parse_ts(created),
    )
