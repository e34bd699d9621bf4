"""The SQLite engine: one aiosqlite connection, its migrations, and transactions.

The embedded default (``DATABASE_PATH``); :mod:`.postgres` is the other
engine behind the same :class:`~bot.storage.engine.Database` interface.  This
is the only module that talks to aiosqlite.

The connection runs in autocommit mode with WAL and ``synchronous=FULL``, so
each write is durable as soon as its ``await`` returns: killing the process
loses nothing that was acknowledged.

Every statement goes through :class:`SQLiteDatabase`, which holds one lock: a
statement issued by another coroutine can never land inside someone's
``BEGIN … COMMIT`` (with a shared connection, a plain ``BEGIN`` would let it
join the transaction, and a ``ROLLBACK`` would undo its writes too).  Since
SQLite runs one write transaction at a time, ``transaction(lock=…)`` needs no
key of its own here.

``Database``, ``Transaction``, ``Result``, ``Row``, ``ts``, ``parse_ts`` and
``utc_now`` are re-exported from :mod:`.engine` for the modules that import
them from here.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from bot.errors import ConfigError
from bot.storage.engine import (
    Database,
    Result,
    Row,
    SchemaTooNewError,
    Transaction,
    parse_ts,
    ts,
    utc_now,
)
from bot.storage.schema import MIGRATIONS

__all__ = [
    "MIN_SQLITE",
    "Database",
    "Result",
    "Row",
    "SQLiteDatabase",
    "SQLiteTransaction",
    "Transaction",
    "parse_ts",
    "ts",
    "utc_now",
]


#: The oldest SQLite that runs the aggregates' SQL (``INSERT … RETURNING``: 3.35).
MIN_SQLITE = (3, 35, 0)


class SQLiteTransaction:
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


class SQLiteDatabase:
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

    @property
    def engine(self) -> str:
        return "sqlite"

    @property
    def where(self) -> str:
        return str(self.path) if str(self.path) == ":memory:" else str(Path(self.path).absolute())

    def _open_conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("storage is not open")
        return self._conn

    async def open(self) -> None:
        """Open (creating the file and its directory if needed) and migrate."""
        if self._conn is not None:
            return
        if sqlite3.sqlite_version_info < MIN_SQLITE:  # the portable SQL needs RETURNING
            raise ConfigError(
                f"SQLite {sqlite3.sqlite_version} is too old: zhaiyao needs "
                f"{'.'.join(map(str, MIN_SQLITE))} or newer (use a newer Python build)"
            )
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
            raise SchemaTooNewError(version, len(self.migrations), f"DATABASE_PATH {self.where}")
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
            return await SQLiteTransaction(self._open_conn()).execute(sql, params)

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        async with self._lock:
            return await SQLiteTransaction(self._open_conn()).fetchone(sql, params)

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        async with self._lock:
            return await SQLiteTransaction(self._open_conn()).fetchall(sql, params)

    @asynccontextmanager
    async def transaction(self, *, lock: str | None = None) -> AsyncIterator[Transaction]:
        """``async with db.transaction() as tx:`` — all of it, or none of it.

        ``BEGIN IMMEDIATE`` takes SQLite's write lock at once, so transactions
        run one at a time and ``lock`` (a key for PostgreSQL) is not needed.
        """
        async with self._lock:
            conn = self._open_conn()
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield SQLiteTransaction(conn)
            except BaseException:
                await conn.execute("ROLLBACK")
                raise
            await conn.execute("COMMIT")
