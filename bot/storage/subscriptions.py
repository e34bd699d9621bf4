"""Daily-digest subscriptions and each chat's filter terms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.storage.connection import Database, Row, parse_ts, ts, utc_now

__all__ = ["FilterAdded", "Subscription", "SubscriptionQueries"]

#: What :meth:`SubscriptionQueries.add_filter` did.
FilterAdded = Literal["added", "exists", "full"]


@dataclass(frozen=True, slots=True)
class Subscription:
    """A chat's daily digest: at ``hour:minute:second`` in ``timezone``, unless paused."""

    chat_id: int
    hour: int
    minute: int
    second: int
    timezone: str
    active: bool
    paused_reason: str | None
    created_at: datetime
    updated_at: datetime


_COLUMNS = "chat_id, hour, minute, second, timezone, active, paused_reason, created_at, updated_at"


def _subscription(row: Row) -> Subscription:
    chat_id, hour, minute, second, tz, active, reason, created, updated = row
    return Subscription(
        chat_id,
        hour,
        minute,
        second,
        tz,
        bool(active),
        reason,
        parse_ts(created),
        parse_ts(updated),
    )


class SubscriptionQueries:
    db: Database

    async def set_subscription(
        self,
        chat_id: int,
        *,
        hour: int,
        minute: int,
        timezone: str,
        second: int = 0,
        now: datetime | None = None,
    ) -> Subscription:
        """Subscribe ``chat_id`` (or move its time); a paused subscription is active again."""
        when = ts(now or utc_now())
        await self.db.execute(
            """
            INSERT INTO subscriptions
                (chat_id, hour, minute, second, timezone, active, paused_reason,
                 created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, 1, NULL, ?, ?)
            ON CONFLICT (chat_id) DO UPDATE SET
                hour = excluded.hour, minute = excluded.minute, second = excluded.second,
                timezone = excluded.timezone, active = 1, paused_reason = NULL,
                updated_at = excluded.updated_at
            """,
            (chat_id, hour, minute, second, timezone, when, when),
        )
        found = await self.subscription(chat_id)
        assert found is not None
        return found

    async def subscription(self, chat_id: int) -> Subscription | None:
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM subscriptions WHERE chat_id = ?", (chat_id,)
        )
        return _subscription(row) if row else None

    async def subscriptions(self, *, active_only: bool = True) -> list[Subscription]:
        where = "WHERE active = 1" if active_only else ""
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM subscriptions {where} ORDER BY chat_id"
        )
        return [_subscription(r) for r in rows]

    async def delete_subscription(self, chat_id: int) -> bool:
        result = await self.db.execute("DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,))
        return result.rowcount > 0

    async def pause_subscription(self, chat_id: int, reason: str) -> None:
        await self.db.execute(
            "UPDATE subscriptions SET active = 0, paused_reason = ?, updated_at = ? "
            "WHERE chat_id = ?",
            (reason, ts(utc_now()), chat_id),
        )

    # --- filters -----------------------------------------------------------------

    async def filters(self, chat_id: int) -> list[str]:
        rows = await self.db.fetchall(
            "SELECT term FROM chat_filters WHERE chat_id = ? ORDER BY rowid", (chat_id,)
        )
        return [r[0] for r in rows]

    async def add_filter(self, chat_id: int, term: str, *, limit: int | None = None) -> FilterAdded:
        """Add a filter term unless the chat has it, or already has ``limit`` terms.

        The count and the insert are one transaction, so two ``/filter add`` at
        once cannot both pass the limit.
        """
        async with self.db.transaction() as tx:
            if limit is not None:
                row = await tx.fetchone(
                    "SELECT count(*) FROM chat_filters WHERE chat_id = ?", (chat_id,)
                )
                if row is not None and int(row[0]) >= limit:
                    return "full"
            result = await tx.execute(
                "INSERT INTO chat_filters (chat_id, term, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT (chat_id, term) DO NOTHING",
                (chat_id, term, ts(utc_now())),
            )
        return "added" if result.rowcount > 0 else "exists"

    async def remove_filter(self, chat_id: int, term: str) -> bool:
        result = await self.db.execute(
            "DELETE FROM chat_filters WHERE chat_id = ? AND term = ?", (chat_id, term)
        )
        return result.rowcount > 0
