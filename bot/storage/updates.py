"""Updates already taken, so that each is handled once.

Telegram re-delivers an update whose webhook answer was late or failed, and
after a restart ``getUpdates`` may hand back updates the last process had
already started on.  With several instances behind one webhook the re-delivery
may reach another instance.  The first to insert the ``update_id`` handles it;
everyone else drops it.  Rows older than a day are pruned: Telegram keeps
undelivered updates for 24 hours, so an older id cannot come back.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.storage.connection import Database, ts, utc_now

__all__ = ["SEEN_UPDATES_KEPT", "UpdateQueries"]

#: How long an update id is remembered (Telegram keeps an update at most a day).
SEEN_UPDATES_KEPT = timedelta(days=1)


class UpdateQueries:
    db: Database

    async def claim_update(self, update_id: int, *, now: datetime | None = None) -> bool:
        """``True`` for the first caller with this ``update_id``, ``False`` for a repeat."""
        result = await self.db.execute(
            "INSERT INTO seen_updates (update_id, seen_at) VALUES (?, ?) "
            "ON CONFLICT (update_id) DO NOTHING",
            (update_id, ts(now or utc_now())),
        )
        return result.rowcount > 0

    async def prune_seen_updates(self, *, now: datetime | None = None) -> int:
        """Forget update ids older than :data:`SEEN_UPDATES_KEPT`."""
        cutoff = (now or utc_now()) - SEEN_UPDATES_KEPT
        result = await self.db.execute("DELETE FROM seen_updates WHERE seen_at < ?", (ts(cutoff),))
        return result.rowcount
