"""A manual clock for tests: time moves only when a test says so.

``sleep`` waits until :meth:`ManualClock.advance` passes its deadline, so a
test can prove that something did *not* happen yet without waiting on the
real clock.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools

__all__ = ["ManualClock"]


class ManualClock:
    def __init__(self, start: float = 0.0) -> None:
        self.now = start
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def time(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + max(delay, 0.0), next(self._order), future))
        await future

    async def advance(self, seconds: float) -> None:
        """Move time forward, waking every sleeper whose deadline has come, in order."""
        target = self.now + seconds
        await self._settle()
        while self._sleepers and self._sleepers[0][0] <= target:
            deadline, _, future = heapq.heappop(self._sleepers)
            self.now = max(self.now, deadline)
            if not future.done():
                future.set_result(None)
            await self._settle()
        self.now = target
        await self._settle()

    @staticmethod
    async def _settle() -> None:
        """Let every task that can run do so (a few loop turns)."""
        for _ in range(20):
            await asyncio.sleep(0)
