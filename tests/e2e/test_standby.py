"""Two bots on one database in polling mode: one polls, the other stands by and takes over.

In-process, on both engines (SQLite: the file lock; PostgreSQL: the advisory
lock), without the new leader's grace (the harness's bots pass
``leader_grace=0``; the grace itself is tested with real processes in
test_instances.py).  Split forwards across two instances are tested on both
engines in tests/test_ingest.py.
"""

from __future__ import annotations

import dataclasses
from contextlib import AsyncExitStack
from pathlib import Path

from tests.articles import EN_ARTICLE
from tests.e2e.conftest import Starter

USER = 8801


async def test_one_instance_polls_and_the_standby_takes_over(
    start: Starter, storage_target: str | Path
) -> None:
    fake = start.fake
    if isinstance(storage_target, str):  # PostgreSQL; else the harness's own SQLite file
        start.settings = dataclasses.replace(start.settings, database_url=storage_target)
    async with AsyncExitStack() as second_stack:
        first_stack = AsyncExitStack()
        first = await first_stack.enter_async_context(start())
        second = await second_stack.enter_async_context(start())
        assert first.app.updater is not None and second.app.updater is not None
        assert first.app.updater.running and not second.app.updater.running
        fake.send(USER, EN_ARTICLE)
        [answer] = await fake.wait_sent(USER)
        assert second.app.updater is not None and not second.app.updater.running

        await first_stack.aclose()  # the poller stops: its lock goes with it
        await fake.wait_for(
            lambda: second.app.updater.running, timeout=30, what="the standby polls"
        )
        fake.send(USER, EN_ARTICLE)
        _, again = await fake.wait_sent(USER, 2)
        assert again.text == answer.text  # the same database: answered from storage
        assert second.summarized == 0
