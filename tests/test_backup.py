"""``python -m bot backup``: a consistent, checked copy of a WAL database that is being written."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.backup import BackupError, backup_database

ROOT = Path(__file__).resolve().parents[1]


def make_wal_db(path: Path) -> sqlite3.Connection:
    """A WAL database whose writes stay in the -wal file (no automatic checkpoint): a
    plain copy of the main file would miss every one of them."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    assert db.execute("PRAGMA journal_mode = WAL").fetchone() == ("wal",)
    db.execute("PRAGMA wal_autocheckpoint = 0")
    db.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    db.execute("CREATE TABLE tally (n INTEGER NOT NULL)")
    db.execute("INSERT INTO tally VALUES (0)")
    return db


def write_one(db: sqlite3.Connection, i: int) -> None:
    """One transaction: a row and the tally that counts it (a torn copy would disagree)."""
    db.execute("BEGIN IMMEDIATE")
    db.execute("INSERT INTO items (id, body) VALUES (?, ?)", (i, f"item {i} " * 20))
    db.execute("UPDATE tally SET n = n + 1")
    db.execute("COMMIT")


class Writer(threading.Thread):
    """Keeps committing rows on its own connection until stopped."""

    def __init__(self, db: sqlite3.Connection, first: int) -> None:
        super().__init__(daemon=True)
        self.db = db
        self.next = first
        self.stop = threading.Event()
        self.started_writing = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            write_one(self.db, self.next)
            self.next += 1
            self.started_writing.set()


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[Path, sqlite3.Connection]]:
    path = tmp_path / "live" / "bot.sqlite3"
    db = make_wal_db(path)
    yield path, db
    db.close()


def counts(path: Path) -> tuple[str, int, int, int, str]:
    with sqlite3.connect(path) as copy:
        (check,) = copy.execute("PRAGMA integrity_check").fetchone()
        (rows,) = copy.execute("SELECT count(*) FROM items").fetchone()
        (tally,) = copy.execute("SELECT n FROM tally").fetchone()
        (top,) = copy.execute("SELECT coalesce(max(id), 0) FROM items").fetchone()
        (mode,) = copy.execute("PRAGMA journal_mode").fetchone()
    return check, rows, tally, top, mode


def test_copy_while_another_connection_writes(
    live: tuple[Path, sqlite3.Connection], tmp_path: Path
) -> None:
    path, db = live
    for i in range(1, 201):
        write_one(db, i)
    assert (path.with_name(path.name + "-wal")).stat().st_size > 0  # the rows are in the WAL
    writer = Writer(db, first=201)
    writer.start()
    assert writer.started_writing.wait(10)
    try:
        reports = [
            backup_database(path, tmp_path / "backups" / f"copy{n}.sqlite3") for n in range(3)
        ]
    finally:
        writer.stop.set()
        writer.join(10)
    written = writer.next - 1
    for report in reports:
        check, rows, tally, top, mode = counts(report.target)
        assert check == "ok"
        assert 200 <= rows <= written  # everything committed before, nothing invented
        assert tally == rows == top  # one consistent snapshot: no torn transaction
        assert mode == "delete"  # one self-contained file
        assert not report.target.with_name(report.target.name + "-wal").exists()
        assert report.tables == 2 and report.bytes == report.target.stat().st_size
    # nothing else was left in the backups directory (no partial files)
    assert sorted(p.name for p in (tmp_path / "backups").iterdir()) == [
        "copy0.sqlite3",
        "copy1.sqlite3",
        "copy2.sqlite3",
    ]


def test_refuses_to_overwrite_unless_forced(
    live: tuple[Path, sqlite3.Connection], tmp_path: Path
) -> None:
    path, db = live
    write_one(db, 1)
    target = tmp_path / "a" / "b" / "backup.sqlite3"  # parents are created
    first = backup_database(path, target)
    assert not first.replaced and counts(target)[1] == 1
    write_one(db, 2)
    with pytest.raises(BackupError, match=r"already exists.*--force"):
        backup_database(path, target)
    assert counts(target)[1] == 1  # untouched
    second = backup_database(path, target, force=True)
    assert second.replaced and counts(target)[1] == 2


@pytest.mark.parametrize("case", ["missing", "itself", "directory", "not-sqlite"])
def test_bad_source_or_target_is_a_clear_error(tmp_path: Path, case: str) -> None:
    source = tmp_path / "bot.sqlite3"
    target = tmp_path / "out" / "copy.sqlite3"
    if case != "missing":
        source.write_bytes(b"definitely not a database, just bytes " * 100)
        if case != "not-sqlite":
            make_wal_db(tmp_path / "real.sqlite3").close()
            source = tmp_path / "real.sqlite3"
    if case == "itself":
        target = source
    if case == "directory":
        target = tmp_path / "out"
        target.mkdir()
    expected = {
        "missing": "no database at",
        "itself": "is the database itself",
        "directory": "is a directory",
        "not-sqlite": "cannot read .* as a SQLite database",
    }[case]
    with pytest.raises(BackupError, match=expected):
        backup_database(source, target, force=True)
    if case == "not-sqlite":
        assert list((tmp_path / "out").iterdir()) == []  # the partial copy was removed


def run_cli(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE"))}
    environ.update(PYTHONPATH=str(ROOT), ZHAIYAO_HOME=str(home), **env)
    return subprocess.run(
        [sys.executable, "-m", "bot", "backup", *args],
        cwd=ROOT,  # not ZHAIYAO_HOME: the database is found through it
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_cli_backs_up_the_database_under_zhaiyao_home(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "data").mkdir(parents=True)
    db = make_wal_db(home / "data" / "zhaiyao.sqlite3")  # the default DATABASE_PATH
    try:
        for i in range(1, 6):
            write_one(db, i)
        out = tmp_path / "nightly" / "zhaiyao.sqlite3"
        result = run_cli(home, str(out))  # no token needed
        assert result.returncode == 0, result.stderr
        assert f"backed up {home / 'data' / 'zhaiyao.sqlite3'} to {out}" in result.stdout
        assert counts(out)[:3] == ("ok", 5, 5)

        again = run_cli(home, str(out))
        assert again.returncode == 1
        assert again.stderr.strip() == (
            f"zhaiyao-bot: {out} already exists: choose another name, or add --force"
        )
        assert run_cli(home, str(out), "--force").returncode == 0

        pg = run_cli(home, str(tmp_path / "x.sqlite3"), DATABASE_URL="postgresql://db/zhaiyao")
        assert pg.returncode == 2 and "pg_dump" in pg.stderr
    finally:
        db.close()
