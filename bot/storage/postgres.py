"""The PostgreSQL engine (psycopg 3, async, with a ``psycopg_pool`` connection pool).

For several bot instances on one database (``DATABASE_URL``).  The same
aggregate modules run on it unchanged: queries keep SQLite's ``?``
placeholders (:func:`~bot.storage.dialect.postgres_params` rewrites them)
and the migrations are the SQLite text rewritten by
:func:`~bot.storage.dialect.postgres_ddl`.

- Statements outside a transaction run on any pooled connection in
  autocommit mode: committed when they return, like SQLite's.
- ``transaction()`` holds one pooled connection for its ``BEGIN … COMMIT``;
  other coroutines use other connections, so no process-wide lock is
  needed.  ``transaction(lock=key)`` also takes
  ``pg_advisory_xact_lock(hash(key))`` first: at READ COMMITTED, that is what
  keeps "count, then insert below a limit" right across connections and
  instances.
- Migrations run at :meth:`PostgresDatabase.open` in one transaction under
  ``pg_advisory_xact_lock``: two instances starting together migrate once
  (the second waits, then finds nothing to do).  The version is the highest
  row of the ``schema_version`` table; a newer one than this binary knows
  is refused.
- A server that cannot be reached, refuses the login or does not know the
  database stops start-up with a :class:`~bot.errors.ConfigError` naming
  ``DATABASE_URL``, never its password.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from bot.errors import ConfigError
from bot.storage.dialect import postgres_ddl, postgres_params
from bot.storage.engine import Result, Row, SchemaTooNewError, Transaction, ts, utc_now
from bot.storage.schema import MIGRATIONS

__all__ = [
    "MIGRATION_LOCK",
    "DatabaseUnavailableError",
    "PostgresDatabase",
    "PostgresTransaction",
    "advisory_key",
    "is_postgres_url",
    "redact_url",
]

#: The advisory lock key migrations run under (any fixed 64-bit number; "zhaiyao" in ASCII).
MIGRATION_LOCK = int.from_bytes(b"zhaiyao", "big")
_SCHEMES = ("postgresql", "postgres")
_VERSION_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_version "
    "(version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)"
)

AsyncConn = psycopg.AsyncConnection[Any]


class DatabaseUnavailableError(ConfigError):
    """``DATABASE_URL`` is malformed, or its server cannot be reached or refuses us."""


def is_postgres_url(target: object) -> bool:
    """Whether ``target`` (a setting's value) names a PostgreSQL database."""
    return isinstance(target, str) and urlsplit(target).scheme in _SCHEMES


def redact_url(url: str) -> str:
    """``url`` without its password (and query), fit for a log line or an error message."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "(malformed URL)"
    user = f"{parts.username}@" if parts.username else ""
    return urlunsplit((parts.scheme, f"{user}{host}{port}", parts.path, "", ""))


def advisory_key(name: str) -> int:
    """A stable signed 64-bit advisory lock key for ``name``."""
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class PostgresTransaction:
    """Statements on one connection inside ``BEGIN … COMMIT``."""

    def __init__(self, conn: AsyncConn) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> Result:
        cur = await self._conn.execute(postgres_params(sql), tuple(params))
        return Result(cur.rowcount, None)

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = [tuple(r) for r in rows]
        if rows:
            async with self._conn.cursor() as cur:
                await cur.executemany(postgres_params(sql), rows)

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        cur = await self._conn.execute(postgres_params(sql), tuple(params))
        row = await cur.fetchone()
        return tuple(row) if row is not None else None

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        cur = await self._conn.execute(postgres_params(sql), tuple(params))
        return [tuple(r) for r in await cur.fetchall()]


class PostgresDatabase:
    """A PostgreSQL database.  Build it anywhere; :meth:`open` it in the event loop.

    ``pool_size`` bounds the connections this instance holds (each
    transaction and each statement borrows one for its duration).
    """

    def __init__(
        self,
        url: str,
        *,
        migrations: Sequence[str] = MIGRATIONS,
        pool_size: int = 10,
        connect_timeout: float = 10.0,
    ) -> None:
        if not is_postgres_url(url):
            raise DatabaseUnavailableError("DATABASE_URL must start with postgresql://")
        self.url = url
        self.migrations = tuple(migrations)
        self.pool_size = pool_size
        self.connect_timeout = connect_timeout
        self._pool: AsyncConnectionPool[AsyncConn] | None = None

    @property
    def is_open(self) -> bool:
        return self._pool is not None

    @property
    def engine(self) -> str:
        return "postgresql"

    @property
    def where(self) -> str:
        return redact_url(self.url)

    def _secret_free(self, message: str) -> str:
        try:
            password = urlsplit(self.url).password
        except ValueError:
            password = None
        message = message.replace(self.url, self.where)
        return message.replace(password, "***") if password else message

    def _unavailable(self, exc: BaseException) -> DatabaseUnavailableError:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        return DatabaseUnavailableError(
            f"DATABASE_URL {self.where}: cannot use the database: {self._secret_free(reason)}"
        )

    async def connect(self) -> AsyncConn:
        """One connection of its own (autocommit), outside the pool; errors name DATABASE_URL."""
        try:
            return await psycopg.AsyncConnection.connect(
                self.url, autocommit=True, connect_timeout=max(1, round(self.connect_timeout))
            )
        except (psycopg.Error, ValueError, OSError) as exc:
            raise self._unavailable(exc) from None

    async def open(self) -> None:
        """Connect, migrate (under the migration lock), then open the pool."""
        if self._pool is not None:
            return
        conn = await self.connect()
        try:
            await self._migrate(conn)
        finally:
            await conn.close()
        pool: AsyncConnectionPool[AsyncConn] = AsyncConnectionPool(
            self.url,
            min_size=1,
            max_size=self.pool_size,
            kwargs={"autocommit": True},
            # a connection the server dropped (restart, failover, idle timeout) is replaced
            # before it is handed out, instead of failing one statement
            check=AsyncConnectionPool.check_connection,
            open=False,
            name="zhaiyao",
        )
        try:
            await pool.open(wait=True, timeout=self.connect_timeout)
        except PoolTimeout as exc:
            await pool.close()
            raise self._unavailable(exc) from None
        self._pool = pool

    async def close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()

    def _open_pool(self) -> AsyncConnectionPool[AsyncConn]:
        if self._pool is None:
            raise RuntimeError("storage is not open")
        return self._pool

    async def schema_version(self) -> int:
        row = await self.fetchone("SELECT to_regclass('schema_version') IS NOT NULL")
        if not row or not row[0]:
            return 0
        row = await self.fetchone("SELECT coalesce(max(version), 0) FROM schema_version")
        return int(row[0]) if row else 0

    async def _migrate(self, conn: AsyncConn) -> None:
        """Apply the missing migrations in one transaction, under the migration lock."""
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            await conn.execute(_VERSION_TABLE)
            cur = await conn.execute("SELECT coalesce(max(version), 0) FROM schema_version")
            row = await cur.fetchone()
            version = int(row[0]) if row else 0
            if version > len(self.migrations):
                raise SchemaTooNewError(version, len(self.migrations), f"DATABASE_URL {self.where}")
            for target, sql in enumerate(self.migrations[version:], start=version + 1):
                for statement in postgres_ddl(sql):
                    await conn.execute(statement)
                await conn.execute(
                    "INSERT INTO schema_version (version, applied_at) VALUES (%s, %s)",
                    (target, ts(utc_now())),
                )

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> Result:
        """One statement, committed when it returns (autocommit)."""
        async with self._open_pool().connection() as conn:
            return await PostgresTransaction(conn).execute(sql, params)

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        async with self._open_pool().connection() as conn:
            return await PostgresTransaction(conn).fetchone(sql, params)

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        async with self._open_pool().connection() as conn:
            return await PostgresTransaction(conn).fetchall(sql, params)

    @asynccontextmanager
    async def transaction(self, *, lock: str | None = None) -> AsyncIterator[Transaction]:
        """``async with db.transaction() as tx:`` — all of it, or none of it."""
        async with self._open_pool().connection() as conn, conn.transaction():
            if lock is not None:
                await conn.execute("SELECT pg_advisory_xact_lock(%s)", (advisory_key(lock),))
            yield PostgresTransaction(conn)
