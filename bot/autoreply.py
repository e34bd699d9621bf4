"""The ``/auto`` rate limit: at most one automatic summary per group per interval."""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["AUTO_REPLY_INTERVAL", "AutoReplyGate"]

#: Seconds between two automatic summaries in one group (``/auto on``).
AUTO_REPLY_INTERVAL = 60.0


class AutoReplyGate:
    """Remembers each group's last automatic reply (in memory; ``clock`` is injectable)."""

    def __init__(
        self, interval: float = AUTO_REPLY_INTERVAL, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.interval = interval
        self.clock = clock
        self._last: dict[int, float] = {}

    def allow(self, chat_id: int) -> bool:
        now = self.clock()
        last = self._last.get(chat_id)
        if last is not None and now - last < self.interval:
            return False
        self._last[chat_id] = now
        return True

    def forget(self, chat_id: int) -> None:
        self._last.pop(chat_id, None)
