"""One SQLite connection (aiosqlite), its migrations, and transactions.

The connection runs in autocommit mode with WAL and ``synchronous=FULL``, so
each write is durable as soon as its ``await`` returns: killing the process
loses nothing that was acknowledged.

Every statement goes through :class:`Database`, which holds one lock: a
statement issued by another coroutine can never land inside someone's
``BEGIN … COMMIT`` (with a shared connection, a plain ``BEGIN`` would let it
join the transaction, and a ``ROLLBACK`` would undo its writes too).  The
aggregate modules (:mod:`.chats`, :mod:`.articles`, …) only use this small
surface — ``execute``, ``fetchone``, ``fetchall`` and ``transaction`` — so a
second engine is one more implementation of it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from bot.storage.schema import MIGRATIONS

__all__ = ["Database", "Result", "Row", "Transaction", "parse_ts", "ts", "utc_now"]

Row = Sequence[Any]
_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def ts(when: datetime) -> str:
    """A timestamp as stored: UTC, to the second, sortable as text."""
    return when.astimezone(UTC).strftime(_TIME_FORMAT)


def parse_ts(value: str) -> datetime:
    return datetime.strptime(value, _TIME_FORMAT).replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Result:
    """What a write statement reports: rows changed and the new row's id."""

    rowcount: int
    lastrowid: int | None


class Transaction:
    """Statements inside one ``BEGIN IMMEDIATE … COMMIT``; the lock is already held."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> Result:
        cur = await self._conn.execute(sql, params)
        return Result(cur.rowcount, cur.lastrowid)

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self._conn.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        async with self._conn.execute(sql, params) as cur:
            row = await cur.fetchone()
        return tuple(row) if row is not None else None

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        async with self._conn.execute(sql, params) as cur:
            rows = await cur.fetchall()
        return [tuple(r) for r in rows]


class Database:
    """The SQLite file.  Build it anywhere; :meth:`open` it in the event loop.

    ``migrations`` defaults to the bot's schema; tests pass their own list to
    see what a failing or newer migration does.
    """

    def __init__(self, path: str | Path, *, migrations: Sequence[str] = MIGRATIONS) -> None:
        self.path = path
        self.migrations = tuple(migrations)
        self._conn: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()

    @property
    def is_open(self) -> bool:
        return self._conn is not None

    def _open_conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("storage is not open")
        return self._conn

    async def open(self) -> None:
        """Open (creating the file and its directory if needed) and migrate."""
        if self._conn is not None:
            return
        if str(self.path) != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        try:
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = FULL")
            await conn.execute("PRAGMA busy_timeout = 5000")
            self._conn = conn
            await self._migrate()
        except BaseException:
            self._conn = None
            await conn.close()
            raise

    async def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            await conn.close()

    async def schema_version(self) -> int:
        row = await self.fetchone("PRAGMA user_version")
        return int(row[0]) if row else 0

    async def _migrate(self) -> None:
        version = await self.schema_version()
        if version > len(self.migrations):
            raise RuntimeError(
                f"database schema version {version} is newer than this bot ({len(self.migrations)})"
            )
        conn = self._open_conn()
        for target, sql in enumerate(self.migrations[version:], start=version + 1):
            async with self._lock:
                try:
                    await conn.executescript(
                        f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {target};\nCOMMIT;"
                    )
                except BaseException:
                    if conn.in_transaction:
                        await conn.execute("ROLLBACK")
                    raise

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> Result:
        """One statement, committed when it returns (autocommit)."""
        async with self._lock:
            return await Transaction(self._open_conn()).execute(sql, params)

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        async with self._lock:
            return await Transaction(self._open_conn()).fetchone(sql, params)

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        async with self._lock:
            return await Transaction(self._open_conn()).fetchall(sql, params)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """``async with db.transaction() as tx:`` — all of it, or none of it."""
        async with self._lock:
            conn = self._open_conn()
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield Transaction(conn)
            except BaseException:
                await conn.execute("ROLLBACK")
                raise
            await conn.execute("COMMIT")
