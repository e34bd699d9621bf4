"""What a database engine offers the aggregate modules, whichever engine it is.

The aggregate modules (:mod:`.chats`, :mod:`.articles`, …) write portable
SQL with ``?`` placeholders and use only this surface: :class:`Database`'s
``execute``, ``fetchone``, ``fetchall`` and ``transaction()``.  Two engines
implement it: SQLite (:mod:`.connection`, the embedded default) and
PostgreSQL (:mod:`.postgres`, for several instances on one database).

Timestamps are stored as sortable UTC text (:func:`ts`) on both engines, so
comparisons and ``ORDER BY`` behave the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from bot.errors import ConfigError

__all__ = [
    "Database",
    "Result",
    "Row",
    "SchemaTooNewError",
    "Transaction",
    "parse_ts",
    "ts",
    "utc_now",
]

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
    """What a write statement reports: rows changed and the new row's id.

    ``lastrowid`` is SQLite's; PostgreSQL has none and reports ``None``.
    Portable code that needs a new row's id asks for it with ``RETURNING id``
    (both engines support it) through ``fetchone``.
    """

    rowcount: int
    lastrowid: int | None


class SchemaTooNewError(ConfigError, RuntimeError):
    """The database was migrated by a newer bot: this (older) binary refuses to touch it.

    A :class:`~bot.errors.ConfigError`, so start-up stops with exit status 2
    and the message; running an old binary on a new schema could corrupt it.
    """

    def __init__(self, found: int, known: int, where: str) -> None:
        super().__init__(
            f"{where}: database schema version {found} is newer than this bot ({known}); "
            "upgrade zhaiyao, or point it at another database"
        )
        self.found = found
        self.known = known


class Transaction(Protocol):
    """Statements inside one transaction: all of them commit, or none."""

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> Result: ...

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None: ...

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...


class Database(Protocol):
    """An engine: built without I/O, opened (and migrated) in the event loop.

    Statements outside :meth:`transaction` are committed when they return.
    ``transaction(lock=key)`` additionally serializes with every other
    transaction given the same key: SQLite runs one write transaction at a
    time anyway, PostgreSQL (READ COMMITTED, many connections) does not, so
    a transaction that reads and then writes depending on what it read (a
    count checked against a limit) passes a key naming what it guards, e.g.
    ``f"chat_filters:{chat_id}"``.
    """

    migrations: tuple[str, ...]

    @property
    def is_open(self) -> bool: ...

    @property
    def engine(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        ...

    @property
    def where(self) -> str:
        """The database, fit for a log line or an error message (never a password)."""
        ...

    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def schema_version(self) -> int: ...

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> Result: ...

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None: ...

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...

    def transaction(self, *, lock: str | None = None) -> AbstractAsyncContextManager[Transaction]:
        """``async with db.transaction() as tx:`` — all of it, or none of it."""
        ...
