"""How pytest-xdist hands the suite out: whole modules, waiting ones in lanes of their own.

A pytest plugin (``pytest_plugins`` in ``tests/conftest.py``).  The suite runs
on four workers over the README's two cores (``-n 4 --dist loadfile`` in
pyproject.toml): whole modules, so a module's shared bot starts once, not once
per worker.

Some modules spend most of their time waiting on real time, not on the CPU:
a polling takeover waits out the leader's grace, a dead instance's lease runs
out, a daily digest waits for its tick or a 429's ``retry_after``.  Handed out
like the others, two of them often run at once while a third worker waits
too, and a core idles.  So they are put in two :data:`LANES`, each run by one
worker from start to end, one module after another; the other two workers
take the modules that keep a core busy (:data:`BUSY_FIRST` first, the longest
ones, so no worker is left with one of them at the end, then the rest).
Nothing here changes what runs, only where and in which order; a module named
nowhere runs after those named.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from xdist.scheduler import LoadFileScheduling

__all__ = ["BUSY_FIRST", "LANES", "LaneScheduling"]

#: Modules that mostly wait, run one after another, each lane in one worker.
LANES = {
    "waits-1": (
        "e2e/test_takeover.py",  # ~11 s: the real leader grace
        "e2e/test_subscriptions.py",  # ~10 s: the real tick, retry_after
        "e2e/test_links.py",
        "e2e/test_faults.py",
        "e2e/test_restart.py",
        "e2e/test_bad_input.py",
    ),
    "waits-2": (
        "e2e/test_instances.py",  # ~9 s: a 3 s lease and two processes
        "e2e/test_feeds.py",
        "e2e/test_group.py",
        "e2e/test_private.py",
        "e2e/test_standby.py",
        "test_migrate.py",
        "test_leader.py",
    ),
}

#: The modules that keep a core busy longest, handed out first to the other workers.
BUSY_FIRST = (
    "test_documents_hostile.py",
    "test_fetch_hostile.py",
    "e2e/test_process.py",
    "test_fuzz.py",
    "test_cli.py",
    "test_home.py",
    "e2e/test_kill_during_delivery.py",
    "e2e/test_webhook.py",
    "test_postgres.py",
    "test_render_daily.py",
    "test_due_work.py",
    "test_fake_telegram.py",
    "test_cli_standalone.py",
    "test_summarize.py",
)

_ROOT = Path(__file__).parent
_ORDER = [m for lane in LANES.values() for m in lane] + list(BUSY_FIRST)
_LANE_OF = {f"tests/{m}": lane for lane, modules in LANES.items() for m in modules}


class LaneScheduling(LoadFileScheduling):
    """``--dist loadfile``, with each of :data:`LANES` one unit of work."""

    def _split_scope(self, nodeid: str) -> str:
        module = super()._split_scope(nodeid)
        return _LANE_OF.get(module, module)


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> LaneScheduling | None:
    if config.getvalue("dist") != "loadfile":
        return None  # another distribution asked for on the command line: xdist's own
    return LaneScheduling(config, log)  # type: ignore[arg-type]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The lanes' modules first, in lane order, then :data:`BUSY_FIRST`, then the rest.

    xdist makes its units of work in the order their first test is collected,
    and (with ``--no-loadscope-reorder``) hands them out in that order.
    """

    def rank(item: pytest.Item) -> int:
        path = item.path
        name = path.relative_to(_ROOT).as_posix() if path.is_relative_to(_ROOT) else ""
        return _ORDER.index(name) if name in _ORDER else len(_ORDER)

    items.sort(key=rank)  # stable: each module keeps its own order
