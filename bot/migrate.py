"""``python -m bot migrate --to postgresql://…``: move a bot from SQLite to PostgreSQL.

A user who outgrows one machine keeps their subscriptions, filters and
history: every table of the SQLite database (``DATABASE_PATH``) is copied
into an empty PostgreSQL database, in one PostgreSQL transaction, and the
row counts are verified before it commits, so a failed copy leaves no row
in the target (its tables exist: running migrate again is fine).

- The source is first opened as the bot would open it, so it is migrated to
  this binary's schema (a newer one is refused); then it is read in one
  read transaction (a consistent snapshot: a bot still running would not be
  blocked, but what it writes afterwards is not copied — stop it first).
- The target is refused unless it is empty: no tables but the bot's, and
  those without rows (a bot started once against it leaves empty tables).
- Ids are copied as they are (articles keep their ids, deliveries their
  articles), SQLite's hidden ``rowid`` of the tables that have one on
  PostgreSQL too (see :mod:`bot.storage.dialect`), and every identity
  sequence is moved past the highest id copied.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.errors import BotError, ConfigError
from bot.storage.connection import SQLiteDatabase
from bot.storage.dialect import emulated_rowid_tables
from bot.storage.engine import Transaction
from bot.storage.postgres import PostgresDatabase, is_postgres_url, redact_url
from bot.storage.schema import MIGRATIONS

__all__ = [
    "BATCH_ROWS",
    "MigrationError",
    "MigrationReport",
    "TargetNotEmptyError",
    "copy_to_postgres",
    "main",
]

#: Rows read and written per batch (articles carry their text: keep memory bounded).
BATCH_ROWS = 500
PROG = "zhaiyao-bot migrate"


class MigrationError(BotError):
    """The copy cannot be made (the message says why); no row was written."""


class TargetNotEmptyError(MigrationError):
    """The target database holds data already: migrate never merges into it."""


@dataclass(frozen=True, slots=True)
class MigrationReport:
    source: Path
    target: str  # without the password
    rows: dict[str, int]  # table → rows copied (and verified)

    def describe(self) -> str:
        width = max(map(len, self.rows), default=0)
        lines = [f"  {table:<{width}}  {count}" for table, count in self.rows.items()]
        total = sum(self.rows.values())
        head = (
            f"copied {total} rows in {len(self.rows)} tables from {self.source} to {self.target}"
            " (counts verified):"
        )
        return "\n".join([head, *lines])


def _sqlite_tables(src: sqlite3.Connection) -> list[str]:
    rows = src.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    ).fetchall()
    return [r[0] for r in rows]


def _sqlite_columns(src: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in src.execute(f'PRAGMA table_info("{table}")').fetchall()]


def _batches(
    src: sqlite3.Connection, table: str, columns: list[str]
) -> Iterator[list[tuple[Any, ...]]]:
    """The table's rows with their ``rowid`` first, in rowid order, ``BATCH_ROWS`` at a time."""
    listed = ", ".join(f'"{c}"' for c in columns)
    last = None
    while True:
        where = "" if last is None else "WHERE rowid > ?"
        rows = src.execute(
            f'SELECT rowid, {listed} FROM "{table}" {where} ORDER BY rowid LIMIT {BATCH_ROWS}',
            () if last is None else (last,),
        ).fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


async def _target_tables(tx: Transaction) -> dict[str, list[str]]:
    rows = await tx.fetchall(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
    )
    tables: dict[str, list[str]] = {}
    for table, column in rows:
        tables.setdefault(table, []).append(column)
    return tables


async def _refuse_unless_empty(target: PostgresDatabase) -> None:
    """Before migrating the target: no foreign tables; after: none of ours has a row."""
    conn = await target.connect()
    try:
        cur = await conn.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() ORDER BY table_name"
        )
        present = {r[0] for r in await cur.fetchall()}
    finally:
        await conn.close()
    ours = {"schema_version", *_sqlite_tables_of_schema()}
    foreign = sorted(present - ours)
    if foreign:
        raise TargetNotEmptyError(
            f"{target.where} is not empty (tables {', '.join(foreign[:5])}): "
            "migrate copies into an empty database only"
        )


def _sqlite_tables_of_schema() -> list[str]:
    """The tables this binary's migrations create (an in-memory SQLite run of them)."""
    with contextlib.closing(sqlite3.connect(":memory:")) as mem:
        mem.executescript(";\n".join(MIGRATIONS))
        return _sqlite_tables(mem)


async def _copy(
    src: sqlite3.Connection, tx: Transaction, source_tables: list[str]
) -> dict[str, int]:
    target_tables = await _target_tables(tx)
    with_rowid = set(emulated_rowid_tables(MIGRATIONS))
    for table in source_tables:
        if table not in target_tables:
            raise MigrationError(f"the target has no table {table}")
        count = await tx.fetchone(f"SELECT count(*) FROM {table}")
        if count is not None and int(count[0]) > 0:
            raise TargetNotEmptyError(f"the target is not empty ({table} has rows)")
    copied: dict[str, int] = {}
    for table in source_tables:
        columns = _sqlite_columns(src, table)
        names = (["rowid"] if table in with_rowid else []) + columns
        if set(names) != set(target_tables[table]):
            raise MigrationError(f"table {table} has other columns in the target")
        marks = ", ".join("?" for _ in names)
        insert = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})"
        copied[table] = 0
        for rows in _batches(src, table, columns):
            values = [r if table in with_rowid else r[1:] for r in rows]
            await tx.executemany(insert, values)
            copied[table] += len(rows)
    await _advance_identities(tx)
    for table, expected in copied.items():
        found = await tx.fetchone(f"SELECT count(*) FROM {table}")
        if found is None or int(found[0]) != expected:
            raise MigrationError(f"{table}: {expected} rows read but {found} in the target")
    return copied


async def _advance_identities(tx: Transaction) -> None:
    """Move each identity sequence past the highest id copied (the next insert gets a new one)."""
    identities = await tx.fetchall(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND is_identity = 'YES'"
    )
    for table, column in identities:
        await tx.fetchone(
            f"SELECT setval(pg_get_serial_sequence(?, ?), "
            f"coalesce((SELECT max({column}) FROM {table}), 0) + 1, false)",
            (table, column),
        )


async def copy_to_postgres(source: Path, url: str) -> MigrationReport:
    """Copy the SQLite database at ``source`` into the empty PostgreSQL database at ``url``."""
    if not is_postgres_url(url):
        raise ConfigError("--to must be a PostgreSQL URL: postgresql://user:password@host/db")
    if not source.is_file():
        raise ConfigError(f"DATABASE_PATH {source}: no SQLite database there to copy")
    sqlite_engine = SQLiteDatabase(source)
    await sqlite_engine.open()  # this binary's schema (and a newer one refused)
    await sqlite_engine.close()
    target = PostgresDatabase(url.replace("postgres://", "postgresql://", 1), pool_size=2)
    await _refuse_unless_empty(target)
    await target.open()
    try:
        with contextlib.closing(sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)) as src:
            src.execute("BEGIN")  # one snapshot of every table
            tables = _sqlite_tables(src)
            async with target.transaction(lock="zhaiyao:migrate") as tx:
                rows = await _copy(src, tx, tables)
    finally:
        await target.close()
    return MigrationReport(source, redact_url(url), rows)


def main(args: argparse.Namespace) -> int:
    """The ``migrate`` subcommand (``args.to``; ``args.force`` is not used: a non-empty
    target is always refused).  0: copied and verified; 1: the copy failed (nothing
    written); 2: a bad setting or argument, or a target that is not empty."""
    from bot.config import database_path

    def say(message: str) -> None:
        print(f"{PROG}: {message}", file=sys.stderr, flush=True)

    try:
        source = database_path()
        report = asyncio.run(copy_to_postgres(source, args.to))
    except ConfigError as exc:
        say(str(exc))
        return 2
    except TargetNotEmptyError as exc:
        say(str(exc))
        return 2
    except MigrationError as exc:
        say(str(exc))
        return 1
    except Exception as exc:  # a database error: the PostgreSQL transaction was rolled back
        message = str(exc)
        password = _password(args.to)
        if password:
            message = message.replace(password, "***")
        say(f"copy failed, no row was written: {type(exc).__name__}: {message}")
        return 1
    print(report.describe(), flush=True)
    return 0


def _password(url: str) -> str | None:
    try:
        return urlsplit(url).password
    except ValueError:
        return None
