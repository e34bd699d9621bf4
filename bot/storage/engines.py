"""Which engine a setting names: one place that turns a target into a :class:`Database`.

``postgresql://…`` (``DATABASE_URL``) is PostgreSQL; anything else is a
SQLite file path (``DATABASE_PATH``).  The PostgreSQL engine is imported only
when asked for, so the embedded SQLite setup never loads psycopg.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot.storage.connection import SQLiteDatabase
from bot.storage.engine import Database
from bot.storage.schema import MIGRATIONS

if TYPE_CHECKING:
    from bot.config import Settings

__all__ = ["Target", "engine_for", "settings_target"]

#: A SQLite path, a ``postgresql://`` URL, or an engine built already.
Target = str | Path | Database


def engine_for(target: Target, *, migrations: Sequence[str] = MIGRATIONS) -> Database:
    """The engine for ``target``; no I/O (open it in the event loop)."""
    if isinstance(target, Path):
        return SQLiteDatabase(target, migrations=migrations)
    if isinstance(target, str):
        from bot.storage.postgres import PostgresDatabase, is_postgres_url

        if is_postgres_url(target):
            return PostgresDatabase(target, migrations=migrations)
        return SQLiteDatabase(target, migrations=migrations)
    return target


def settings_target(settings: Settings) -> str | Path:
    """``DATABASE_URL`` when set, else ``DATABASE_PATH``."""
    return settings.database_url or settings.database_path
