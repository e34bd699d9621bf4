"""Shared fixtures: short articles written for these tests."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests draw the same examples on every run and in every worker: a failure is
# reproducible, never luck (the seed comes from each test's own code), and nothing is
# written into the tree (.hypothesis/) by parallel workers.  No deadline: how long an
# example takes on a busy machine is no property of the code (speed lives in bench/).
# ``pytest --hypothesis-profile=explore`` draws fresh random examples instead.
settings.register_profile("repeatable", derandomize=True, database=None, deadline=None)
settings.register_profile("explore", deadline=None)
settings.load_profile("repeatable")

# A throw-away PostgreSQL server (started only if a test asks):
# postgres_url, postgres_db, storage_target.
pytest_plugins = ("tests.pg",)

FIXTURES = Path(__file__).parent / "fixtures"
#: Linux's RAM-backed file system, where there is one.
RAM_DISK = Path("/dev/shm")


def read_fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.fixture
def zh_hans_article() -> str:
    return read_fixture("zh_hans_retail.txt")


@pytest.fixture
def en_article() -> str:
    return read_fixture("en_retail.txt")


@pytest.fixture
def mixed_article() -> str:
    return read_fixture("mixed_ai.txt")


@pytest.fixture
def zh_hant_article(zh_hans_article: str) -> str:
    """The Simplified fixture in Taiwan Traditional (made at run time, not stored)."""
    import opencc

    return str(opencc.OpenCC("s2twp").convert(zh_hans_article))


@contextlib.contextmanager
def scratch_dir(fallback: Path) -> Iterator[Path]:
    """A fresh directory in RAM where the system has a RAM disk, else ``fallback``."""
    if RAM_DISK.is_dir() and os.access(RAM_DISK, os.W_OK):
        with tempfile.TemporaryDirectory(dir=RAM_DISK, prefix="zhaiyao-test-") as ram:
            yield Path(ram)
    else:
        yield fallback


@pytest.fixture
def db_dir(tmp_path: Path) -> Iterator[Path]:
    """A fresh directory for a test's SQLite database: in RAM where the system has a RAM
    disk, else ``tmp_path``.

    The bot's storage commits with ``synchronous = FULL``, and every commit is an
    ``fsync``: ~10 ms on a disk, nothing in RAM.  An end-to-end test commits dozens of
    times, so on disk much of its time would be spent waiting for a disk that guards
    against power loss, which no test simulates (a killed process loses nothing either
    way: the data is in the kernel's page cache).
    """
    with scratch_dir(tmp_path) as path:
        yield path


#: The order pytest-xdist hands modules out in (``--dist loadfile`` in pyproject.toml:
#: whole modules, so a module's shared bot starts once, not once per worker).  Each
#: worker is first given two: the first worker the two that mostly wait on real time
#: (a polling takeover, a dead instance's lease), the others modules that keep a core
#: busy, so the two cores are not idle together; then the longest of the rest, so no
#: worker is left with one of them at the end.  Only the order changes; a module
#: missing here runs later.
SLOW_FIRST = (
    "e2e/test_takeover.py",  # waits ~12 s
    "test_documents_hostile.py",
    "e2e/test_subscriptions.py",
    "e2e/test_instances.py",  # waits ~10 s
    "test_fetch_hostile.py",
    "test_fuzz.py",
    "e2e/test_feeds.py",
    "e2e/test_process.py",
    "e2e/test_group.py",
    "e2e/test_links.py",
    "e2e/test_bad_input.py",
    "e2e/test_standby.py",  # waits ~4 s
    "test_home.py",
    "e2e/test_private.py",
    "e2e/test_kill_during_delivery.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    tests = Path(__file__).parent

    def rank(item: pytest.Item) -> int:
        name = item.path.relative_to(tests).as_posix() if item.path.is_relative_to(tests) else ""
        return SLOW_FIRST.index(name) if name in SLOW_FIRST else len(SLOW_FIRST)

    items.sort(key=rank)  # stable: each module keeps its own order
