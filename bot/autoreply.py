"""The ``/auto`` rate limit: at most one automatic summary per group per interval.

The last reply's time lives in the database (:mod:`bot.storage.limits`), so
the limit holds across restarts and across instances sharing one database.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from bot.storage import Storage, utc_now

__all__ = ["AUTO_REPLY_INTERVAL", "AutoReplyGate"]

#: Time between two automatic summaries in one group (``/auto on``).
AUTO_REPLY_INTERVAL = timedelta(seconds=60)
_KIND = "auto_reply"


class AutoReplyGate:
    """One automatic reply per group per ``interval``; ``clock`` (aware UTC) is injectable."""

    def __init__(
        self,
        storage: Storage,
        interval: timedelta = AUTO_REPLY_INTERVAL,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.storage = storage
        self.interval = interval
        self.clock = clock

    async def allow(self, chat_id: int) -> bool:
        """Take the group's slot if the last automatic reply is ``interval`` old or more."""
        return await self.storage.take_slot(chat_id, _KIND, self.interval, now=self.clock())

    async def forget(self, chat_id: int) -> None:
        """The next automatic reply in the group is allowed at once."""
        await self.storage.release_slots(chat_id, _KIND)
