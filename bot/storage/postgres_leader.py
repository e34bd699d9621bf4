"""The leader lock on PostgreSQL: a session-level advisory lock on a connection of its own.

``pg_try_advisory_lock`` is held for as long as the session that took it
lives, so the lock's connection is not from the pool (a pooled connection
is shared, reset and replaced).  If that connection dies, the lock is gone
with it; :meth:`PostgresLeaderLock.held` pings it so the holder notices and
stops polling (see :mod:`bot.leader`).

Two server-side settings on that session make a vanished holder (its
machine gone, the network cut, no FIN ever sent) give the lock back without
waiting for TCP keepalives, which default to hours:

- ``idle_session_timeout``: the server ends a session idle for
  ``idle_timeout`` seconds.  A live holder pings every second or so and
  never gets there; a silent one is cut off and its lock released.  It must
  be longer than the holder's ping interval plus the ping's timeout, so the
  holder has always stopped polling before the server lets another take
  the lock.
  (PostgreSQL 14 and newer; older servers get short TCP keepalives on that
  session instead, which catch a vanished machine but not a hung process.)
- ``statement_timeout``: a ping that hangs is given up, not waited on.

Needs a session-pooling path to the server: behind a *transaction*-pooling
PgBouncer a session-level lock means nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import psycopg
import psycopg.errors

from bot.storage.postgres import DatabaseUnavailableError, PostgresDatabase, advisory_key

__all__ = ["IDLE_TIMEOUT", "LEADER_LOCK", "PostgresLeaderLock"]

log = logging.getLogger(__name__)

#: The advisory lock key of the one polling instance (distinct from the migration lock).
LEADER_LOCK = advisory_key("zhaiyao:polling-leader")
#: Seconds of silence after which the server ends the lock's session (and frees the lock).
IDLE_TIMEOUT = 10.0


class PostgresLeaderLock:
    """One instance's try at the polling lock on ``url``; see the module doc.

    ``ping_timeout`` bounds one liveness check; ``idle_timeout`` is the
    server-side ``idle_session_timeout`` of the lock's session.
    """

    def __init__(
        self,
        url: str,
        *,
        key: int = LEADER_LOCK,
        ping_timeout: float = 2.0,
        idle_timeout: float = IDLE_TIMEOUT,
    ) -> None:
        self._database = PostgresDatabase(url, connect_timeout=ping_timeout * 2)
        self.key = key
        self.ping_timeout = ping_timeout
        self.idle_timeout = idle_timeout
        self._conn: psycopg.AsyncConnection[Any] | None = None
        self._holding = False

    @property
    def where(self) -> str:
        return f"DATABASE_URL {self._database.where}"

    @property
    def backend_pid(self) -> int | None:
        """The server process of the lock's session (tests end it with pg_terminate_backend)."""
        return self._conn.info.backend_pid if self._conn is not None else None

    async def _connection(self) -> psycopg.AsyncConnection[Any]:
        if self._conn is not None and not self._conn.closed:
            return self._conn
        conn = await self._database.connect()
        try:
            await conn.execute(f"SET statement_timeout = {round(self.ping_timeout * 1000)}")
            try:
                await conn.execute(f"SET idle_session_timeout = {round(self.idle_timeout * 1000)}")
            except psycopg.errors.UndefinedObject:  # PostgreSQL before 14: keepalives instead
                seconds = max(1, round(self.idle_timeout / 3))
                for name in ("tcp_keepalives_idle", "tcp_keepalives_interval"):
                    await conn.execute(f"SET {name} = {seconds}")
                await conn.execute("SET tcp_keepalives_count = 2")
        except psycopg.Error:
            await conn.close()
            raise
        self._conn = conn
        return conn

    async def _drop(self) -> None:
        self._holding = False
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(psycopg.Error, OSError, TimeoutError):
                async with asyncio.timeout(self.ping_timeout):
                    await conn.close()

    async def acquire(self) -> bool:
        """Take the lock if nobody holds it (never waits for it); raises if the server fails."""
        if self._holding:
            return True
        try:
            conn = await self._connection()
            async with asyncio.timeout(self.ping_timeout):
                cur = await conn.execute("SELECT pg_try_advisory_lock(%s)", (self.key,))
                row = await cur.fetchone()
        except (psycopg.Error, OSError, TimeoutError, DatabaseUnavailableError):
            await self._drop()  # e.g. the server ended our session: a new one next time
            raise
        self._holding = bool(row and row[0])
        return self._holding

    async def held(self) -> bool:
        """Whether the lock is still ours: its session answers within ``ping_timeout``."""
        if not self._holding or self._conn is None:
            return False
        try:
            async with asyncio.timeout(self.ping_timeout):
                await self._conn.execute("SELECT 1")
        except (psycopg.Error, OSError, TimeoutError) as exc:
            log.warning("leader lock: its database session is gone (%s)", exc)
            await self._drop()
            return False
        return True

    async def release(self) -> None:
        """Give the lock back (ending the session does it too) and close the connection."""
        if self._holding and self._conn is not None:
            with contextlib.suppress(psycopg.Error, OSError, TimeoutError):
                async with asyncio.timeout(self.ping_timeout):
                    await self._conn.execute("SELECT pg_advisory_unlock(%s)", (self.key,))
        await self._drop()

    def holder(self) -> str:
        return "another instance on this database"
