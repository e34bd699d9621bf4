"""A throw-away PostgreSQL server for the tests, from the machine's own binaries.

A pytest plugin (``pytest_plugins`` in ``tests/conftest.py``):

- one cluster per test run, shared by every pytest-xdist worker (``initdb``
  costs ~1.5 s).  The run's controller makes a directory and exports it
  (workers inherit the environment); the first worker that needs PostgreSQL
  starts the cluster there under a file lock and writes where it listens;
  the others read it.  The controller stops the cluster and deletes the
  directory at the end;
- a database per test, but made once per worker and *emptied* between tests
  (:func:`clean_database`): ``CREATE``/``DROP DATABASE`` plus the migrations
  cost ~240 ms of server and client CPU a test, emptying one ~12 ms.  A
  database is handed on only if its schema is exactly what the migrations
  make (or nothing yet) and no session is left on it; anything else is
  dropped.  Tests of migrations themselves get a new, empty one
  (:func:`fresh_database`, the ``postgres_url`` fixture);
- nothing is started for a run that needs no PostgreSQL;
- as root (CI), ``initdb`` and ``pg_ctl`` run as the ``postgres`` system user
  (``runuser -u postgres --``: PostgreSQL refuses to run as root);
- ``fsync=off`` and friends: durability against power loss is no property a
  test can check, and it makes the cluster fast;
- no binaries (``initdb`` on PATH, under ``/usr/lib/postgresql/*/bin``, or in
  ``$PG_BIN``): the tests that need PostgreSQL FAIL saying so.  They never
  skip or fall back to SQLite.

Fixtures: ``postgres_url`` (a new, empty database), ``postgres_db`` (a database
with no rows: never used, or used and emptied), and ``storage_target``,
parametrized over both engines: a test that takes it runs twice, once with a
SQLite path and once with a ``postgres_db`` URL (both accepted by ``Storage``).
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from bot.storage.schema import MIGRATIONS

__all__ = [
    "Cluster",
    "PostgresMissing",
    "clean_database",
    "find_binaries",
    "fresh_database",
    "postgres_db",
    "postgres_url",
    "storage_target",
]

#: Set by the run's controller: the directory the shared cluster lives in.
DIR_VARIABLE = "ZHAIYAO_TEST_PG_DIR"
ENGINES = ("sqlite", "postgresql")
_PREFIX = "zhaiyao-pg-"
#: Where Debian's postgresql packages put each version's binaries.
SEARCH_ROOT = Path("/usr/lib/postgresql")
_SERVER_OPTIONS = (
    "-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
    "-c full_page_writes=off -c max_connections=300"
)


class PostgresMissing(RuntimeError):
    """No PostgreSQL server binaries on this machine."""


@dataclass(frozen=True, slots=True)
class Cluster:
    """A running server: where it is and how to log in (superuser ``postgres``)."""

    directory: str
    bin: str
    port: int
    password: str

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres:{self.password}@127.0.0.1:{self.port}/{database}"


def find_binaries(
    pg_bin: str | None = None, path: str | None = None, versions: Path = SEARCH_ROOT
) -> Path:
    """The directory holding ``initdb`` and ``pg_ctl``, or :class:`PostgresMissing`.

    Looked for in ``$PG_BIN``, on ``$PATH``, then in Debian's ``versions/*/bin``
    (newest first); the arguments default to the environment.
    """
    pg_bin = os.environ.get("PG_BIN") if pg_bin is None else pg_bin
    candidates = [Path(pg_bin)] if pg_bin else []
    found = shutil.which("initdb", path=path)
    if found:
        candidates.append(Path(found).resolve().parent)
    candidates += sorted(
        versions.glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    for directory in candidates:
        if (directory / "initdb").is_file() and (directory / "pg_ctl").is_file():
            return directory
    raise PostgresMissing(
        "PostgreSQL server binaries (initdb, pg_ctl) not found on PATH, in $PG_BIN or under "
        "/usr/lib/postgresql/*/bin: install the server package (Debian: apt-get install -y "
        "postgresql); the PostgreSQL tests need a real server and never fall back to SQLite"
    )


def _as_postgres(command: list[str]) -> list[str]:
    """Run as the ``postgres`` user when we are root (PostgreSQL refuses root)."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def scram_verifier(password: str, iterations: int = 1) -> str:
    """A SCRAM-SHA-256 verifier for ``password``, stored by the server as it is.

    The server hashes a plain password with 4096 PBKDF2 rounds, and every
    client login repeats them: ~4.5 ms of the client's CPU per connection, and
    the tests open ~2000.  One round keeps the same SCRAM exchange (wrong
    passwords are still refused) at a tenth of the cost; like ``fsync=off``,
    strength against offline guessing is no property a test server needs.
    """
    salt = os.urandom(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()
    stored_key = hashlib.sha256(client_key).digest()

    def b64(raw: bytes) -> str:
        return base64.b64encode(raw).decode()

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(directory: Path) -> Cluster:
    binaries = find_binaries()
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    password = secrets.token_hex(12)
    pwfile = directory / "pwfile"
    pwfile.write_text(scram_verifier(password) + "\n")
    if os.geteuid() == 0:
        shutil.chown(pwfile, "postgres", "postgres")
    data = directory / "data"
    initdb = [str(binaries / "initdb"), "-D", str(data), "-U", "postgres"]
    initdb += [f"--pwfile={pwfile}", "--auth-local=trust", "--auth-host=scram-sha-256"]
    initdb += ["-N", "-E", "UTF8", "--locale=C"]
    subprocess.run(_as_postgres(initdb), check=True, capture_output=True, text=True)
    last = ""
    for _ in range(5):  # the free port may be taken meanwhile: try another
        port = _free_port()
        options = f"-p {port} -k {directory} {_SERVER_OPTIONS}"
        pg_ctl = [str(binaries / "pg_ctl"), "-D", str(data), "-l", str(directory / "log")]
        pg_ctl += ["-w", "-t", "60", "-o", options, "start"]
        started = subprocess.run(_as_postgres(pg_ctl), capture_output=True, text=True)
        if started.returncode == 0:
            return Cluster(str(directory), str(binaries), port, password)
        last = started.stdout + started.stderr
    raise RuntimeError(f"could not start PostgreSQL: {last}")


def _stop(directory: Path) -> None:
    state = directory / "cluster.json"
    if state.is_file():
        cluster = Cluster(**json.loads(state.read_text()))
        subprocess.run(
            _as_postgres(
                [f"{cluster.bin}/pg_ctl", "-D", str(directory / "data"), "-m", "immediate", "stop"]
            ),
            capture_output=True,
        )
    shutil.rmtree(directory, ignore_errors=True)


def _sweep_abandoned() -> None:
    """Stop and delete the clusters of earlier runs that were killed before they could."""
    for directory in Path(tempfile.gettempdir()).glob(f"{_PREFIX}*"):
        try:
            owner = int((directory / "owner").read_text())
            os.kill(owner, 0)
        except ProcessLookupError:
            _stop(directory)  # its run is gone
        except (OSError, ValueError):
            continue  # being made right now, or not ours to judge


def shared_cluster() -> Cluster:
    """The run's cluster, started by the first process that asks (under a file lock)."""
    root = os.environ.get(DIR_VARIABLE)
    if not root:
        raise RuntimeError(f"{DIR_VARIABLE} is not set: is tests.pg registered as a plugin?")
    directory = Path(root)
    state = directory / "cluster.json"
    with (directory / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not state.is_file():
            cluster = _start(directory)
            state.write_text(json.dumps(asdict(cluster)))
        return Cluster(**json.loads(state.read_text()))


# --- the plugin ------------------------------------------------------------------------

#: The directory this (controller) process made, and the variable's value before it.
_DIRECTORY = pytest.StashKey[tuple[str, str | None]]()


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):  # an xdist worker: the controller made the directory
        return
    _sweep_abandoned()
    directory = tempfile.mkdtemp(prefix=_PREFIX)
    os.chmod(directory, 0o755)
    (Path(directory) / "owner").write_text(str(os.getpid()))
    config.stash[_DIRECTORY] = (directory, os.environ.get(DIR_VARIABLE))
    os.environ[DIR_VARIABLE] = directory


def pytest_unconfigure(config: pytest.Config) -> None:
    saved = config.stash.get(_DIRECTORY, None)
    if saved is None:
        return
    directory, previous = saved
    _stop(Path(directory))
    if previous is None:
        os.environ.pop(DIR_VARIABLE, None)
    else:
        os.environ[DIR_VARIABLE] = previous


@pytest.fixture(scope="session")
def postgres_cluster() -> Cluster:
    try:
        return shared_cluster()
    except PostgresMissing as exc:
        pytest.fail(str(exc), pytrace=False)


@contextlib.contextmanager
def fresh_database(cluster: Cluster) -> Iterator[str]:
    """A new empty database in ``cluster`` (its URL), dropped afterwards."""
    name = _create(cluster)
    try:
        yield cluster.url(name)
    finally:
        _drop(cluster, name)


#: This process's databases free for the next test (names), the connection that empties
#: each (kept open: a connection costs the server a process), and the tables the
#: migrations made (learnt from the first database handed back migrated).
_spare: list[str] = []
_cleaners: dict[str, psycopg.Connection[tuple[Any, ...]]] = {}
_migrated_tables: set[str] = set()


@contextlib.contextmanager
def clean_database(cluster: Cluster) -> Iterator[str]:
    """A database with no rows in ``cluster`` (its URL): a spare one, else a new one.

    Spare databases were used by an earlier test of this process and emptied
    after it; their schema is the migrations' own (``Storage`` finds nothing
    to migrate) or none at all.  Every row is deleted and every sequence
    restarted, so to the next test it is as good as new.
    """
    name = _spare.pop() if _spare else _create(cluster)
    try:
        yield cluster.url(name)
    finally:
        if _emptied(cluster, name):
            _spare.append(name)
        else:
            cleaner = _cleaners.pop(name, None)
            if cleaner is not None:
                cleaner.close()
            _drop(cluster, name)


def _create(cluster: Cluster) -> str:
    name = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(cluster.url(), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name} TEMPLATE template0 STRATEGY FILE_COPY")
    return name


def _drop(cluster: Cluster, name: str) -> None:
    with psycopg.connect(cluster.url(), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _emptied(cluster: Cluster, name: str) -> bool:
    """Empty ``name`` for the next test; False if it cannot be handed on as new."""
    db = _cleaners.get(name)
    if db is None or db.closed:
        db = _cleaners[name] = psycopg.connect(cluster.url(name), autocommit=True)
    others = db.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
        (name,),
    ).fetchone()
    if others is None or others[0]:
        return False  # a session outlived its test: it could still write
    tables = {
        row[0]
        for row in db.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname NOT IN "
            "('pg_catalog', 'information_schema')"
        ).fetchall()
    }
    other_objects = db.execute(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', 'public') "
    ).fetchone()
    if other_objects is None or other_objects[0]:
        return False
    if not tables:
        return True  # never migrated: as new
    version = db.execute("SELECT max(version) FROM schema_version").fetchone()
    if "schema_version" not in tables or version is None or version[0] != len(MIGRATIONS):
        return False
    if _migrated_tables and tables != _migrated_tables:
        return False
    _migrated_tables.update(tables)
    with db.transaction():
        db.execute("SET LOCAL session_replication_role = replica")  # no FK order needed
        for table in sorted(tables - {"schema_version"}):
            db.execute(f'DELETE FROM "{table}"')
        for (sequence,) in db.execute(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"
        ).fetchall():
            db.execute(f'ALTER SEQUENCE "{sequence}" RESTART')
    return True


@pytest.fixture
def postgres_url(postgres_cluster: Cluster) -> Iterator[str]:
    """A new, empty PostgreSQL database for one test (for tests of the migrations)."""
    with fresh_database(postgres_cluster) as url:
        yield url


@pytest.fixture
def postgres_db(postgres_cluster: Cluster) -> Iterator[str]:
    """A PostgreSQL database with no rows for one test (see :func:`clean_database`)."""
    with clean_database(postgres_cluster) as url:
        yield url


@pytest.fixture(params=ENGINES)
def storage_target(request: pytest.FixtureRequest, db_dir: Path) -> str | Path:
    """Both engines: a SQLite file path (in RAM where there is a RAM disk: ``db_dir`` in
    tests/conftest.py), then the URL of a PostgreSQL database with no rows."""
    if request.param == "sqlite":
        return db_dir / "bot.sqlite3"
    url: str = request.getfixturevalue("postgres_db")
    return url
