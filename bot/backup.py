"""``python -m bot backup FILE``: a consistent copy of the SQLite database, bot running or not.

Copying the file with ``cp`` is not safe: in WAL mode the latest commits live
in ``-wal`` beside it, and a copy taken mid-write can be torn.  SQLite's
online backup API (:meth:`sqlite3.Connection.backup`) copies one consistent
snapshot instead.  It copies every page in one step: in WAL mode the
snapshot is a read transaction, so the bot keeps writing meanwhile, and no
writer can make the copy start over (a step-by-step backup restarts on every
write by another connection, and may never finish on a busy bot).

The source is opened read-only, so a backup never creates or changes a file
next to the live database.  The copy is written to a temporary file in the
target's directory, switched to ``journal_mode=DELETE`` (one self-contained
file: no ``-wal`` to forget), checked with ``PRAGMA integrity_check`` and
only then renamed to FILE, so FILE is either a whole, checked backup or not
there at all.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bot.errors import BotError

__all__ = ["BackupError", "BackupReport", "backup_database"]


class BackupError(BotError):
    """The backup could not be made; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class BackupReport:
    """What a backup copied."""

    source: Path
    target: Path
    schema_version: int
    tables: int
    bytes: int
    replaced: bool

    def describe(self) -> str:
        action = "replaced" if self.replaced else "wrote"
        return (
            f"backed up {self.source} to {self.target} ({action}; schema version "
            f"{self.schema_version}, {self.tables} tables, {self.bytes} bytes, integrity ok)"
        )


def backup_database(source: Path, target: Path, *, force: bool = False) -> BackupReport:
    """Copy the SQLite database at ``source`` to ``target`` (see the module docstring).

    Raises :class:`BackupError` when ``source`` is no database, ``target``
    exists (unless ``force``) or is the source itself, or the copy fails its
    integrity check.
    """
    source = source.absolute()
    target = target.absolute()
    if not source.is_file():
        raise BackupError(f"no database at {source} (check DATABASE_PATH and ZHAIYAO_HOME)")
    if target.exists() and target.samefile(source):
        raise BackupError(f"{target} is the database itself: back up to another file")
    if target.is_dir():
        raise BackupError(f"{target} is a directory: name the backup file")
    existed = target.exists()
    if existed and not force:
        raise BackupError(f"{target} already exists: choose another name, or add --force")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, partial_name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".partial"
        )
    except OSError as exc:
        raise BackupError(f"cannot write to {target.parent}: {exc.strerror or exc}") from None
    os.close(fd)
    partial = Path(partial_name)
    try:
        report = _copy(source, partial)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupReport(
        source, target, report.schema_version, report.tables, report.bytes, replaced=existed
    )


def _copy(source: Path, partial: Path) -> BackupReport:
    try:
        src = sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot open {source}: {exc}") from None
    try:
        with contextlib.closing(sqlite3.connect(partial)) as dst:
            try:
                src.backup(dst)  # every page in one step: one consistent snapshot
            except sqlite3.DatabaseError as exc:
                raise BackupError(f"cannot read {source} as a SQLite database: {exc}") from None
            dst.execute("PRAGMA journal_mode = DELETE")
            [(verdict,)] = dst.execute("PRAGMA integrity_check(1)").fetchall()
            if verdict != "ok":
                raise BackupError(f"the copy of {source} failed its integrity check: {verdict}")
            (version,) = dst.execute("PRAGMA user_version").fetchone()
            (tables,) = dst.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%'"
            ).fetchone()
    finally:
        src.close()
    return BackupReport(source, partial, int(version), int(tables), partial.stat().st_size, False)
