"""Shared fixtures: short articles written for these tests."""

from __future__ import annotations

import contextlib
import gc
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
# postgres_url, postgres_db, storage_target.  How the workers share the modules: tests/lanes.py
pytest_plugins = ("tests.pg", "tests.lanes")

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


def pytest_collection_finish(session: pytest.Session) -> None:
    """What collection built (modules, test items, the libraries they import) lives as
    long as the run: out of the cyclic collector's way (``gc.freeze``), so its full
    collections do not walk it again and again (~0.3 s of CPU a worker).  Tests allocate
    a lot and briefly: the youngest generation is collected every 10,000 allocations,
    not every 700 (~0.2 s more)."""
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
