"""Per-chat rate limits kept in the database, so they hold across restarts and instances.

A limit is "at most one ``kind`` per ``interval`` in a chat" (the ``/auto``
reply: one a minute per group).  Taking a slot is one upsert that only
succeeds when the last one is old enough, so two instances racing for the
same chat cannot both win.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.storage.connection import Database, ts, utc_now

__all__ = ["LimitQueries"]


class LimitQueries:
    db: Database

    async def take_slot(
        self, chat_id: int, kind: str, interval: timedelta, *, now: datetime | None = None
    ) -> bool:
        """Take the chat's ``kind`` slot unless one was taken less than ``interval`` ago."""
        when = now or utc_now()
        result = await self.db.execute(
            """
            INSERT INTO chat_limits (chat_id, kind, last_at) VALUES (?, ?, ?)
            ON CONFLICT (chat_id, kind) DO UPDATE SET last_at = excluded.last_at
            WHERE chat_limits.last_at <= ?
            """,
            (chat_id, kind, ts(when), ts(when - interval)),
        )
        return result.rowcount > 0

    async def release_slots(self, chat_id: int, kind: str | None = None) -> None:
        """Free the chat's slots (``/auto off``, ``/forget``): the next one is allowed at once."""
        if kind is None:
            await self.db.execute("DELETE FROM chat_limits WHERE chat_id = ?", (chat_id,))
        else:
            await self.db.execute(
                "DELETE FROM chat_limits WHERE chat_id = ? AND kind = ?", (chat_id, kind)
            )
