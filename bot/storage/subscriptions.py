"""Daily-digest subscriptions and each chat's filter terms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.storage.connection import Database, Row, parse_ts, ts, utc_now

__all__ = [
    "SUBSCRIPTION_COLUMNS",
    "FilterAdded",
    "Subscription",
    "SubscriptionQueries",
    "subscription_from_row",
]

#: What :meth:`SubscriptionQueries.add_filter` did.
FilterAdded = Literal["added", "exists", "full"]


@dataclass(frozen=True, slots=True)
class Subscription:
    """A chat's daily digest: at ``hour:minute:second`` in ``timezone``, unless paused.

    ``next_due_at``: when the next one is due (UTC); None for a row stored
    before it existed, which counts as due (see :mod:`bot.storage.due`).
    """

    chat_id: int
    hour: int
    minute: int
    second: int
    timezone: str
    active: bool
    paused_reason: str | None
    created_at: datetime
    updated_at: datetime
    next_due_at: datetime | None = None


SUBSCRIPTION_COLUMNS = (
    "chat_id, hour, minute, second, timezone, active, paused_reason, created_at, updated_at, "
    "next_due_at"
)
_COLUMNS = SUBSCRIPTION_COLUMNS


def subscription_from_row(row: Row) -> Subscription:
    chat_id, hour, minute, second, tz, active, reason, created, updated, due = row
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
        parse_ts(due) if due else None,
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
        next_due_at: datetime | None = None,
    ) -> Subscription:
        """Subscribe ``chat_id`` (or move its time); a paused subscription is active again.

        ``next_due_at`` is when its next digest is due (the caller knows the
        schedule); the lease is freed, so an instance holding the old time
        cannot advance it over the new one.  Without it the row counts as due,
        and the next claim works out what is owed.
        """
        when = ts(now or utc_now())
        due = ts(next_due_at) if next_due_at is not None else None
        await self.db.execute(
            """
            INSERT INTO subscriptions
                (chat_id, hour, minute, second, timezone, active, paused_reason,
                 created_at, updated_at, next_due_at, lease_until)
            VALUES (?, ?, ?, ?, ?, 1, NULL, ?, ?, ?, NULL)
            ON CONFLICT (chat_id) DO UPDATE SET
                hour = excluded.hour, minute = excluded.minute, second = excluded.second,
                timezone = excluded.timezone, active = 1, paused_reason = NULL,
                updated_at = excluded.updated_at, next_due_at = excluded.next_due_at,
                lease_until = NULL
            """,
            (chat_id, hour, minute, second, timezone, when, when, due),
        )
        found = await self.subscription(chat_id)
        assert found is not None
        return found

    async def subscription(self, chat_id: int) -> Subscription | None:
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM subscriptions WHERE chat_id = ?", (chat_id,)
        )
        return subscription_from_row(row) if row else None

    async def next_due_at(self, chat_id: int) -> datetime | None:
        """When the chat's next digest is due; None without an active subscription."""
        sub = await self.subscription(chat_id)
        return sub.next_due_at if sub is not None and sub.active else None

    async def subscriptions(self, *, active_only: bool = True) -> list[Subscription]:
        where = "WHERE active = 1" if active_only else ""
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM subscriptions {where} ORDER BY chat_id"
        )
        return [subscription_from_row(r) for r in rows]

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
        """The chat's terms in the order they were added (``rowid``: PostgreSQL has one too,
        see :mod:`bot.storage.dialect`)."""
        rows = await self.db.fetchall(
            "SELECT term FROM chat_filters WHERE chat_id = ? ORDER BY rowid", (chat_id,)
        )
        return [r[0] for r in rows]

    async def add_filter(self, chat_id: int, term: str, *, limit: int | None = None) -> FilterAdded:
        """Add a filter term unless the chat has it, or already has ``limit`` terms.

        The count and the insert are one transaction, so two ``/filter add`` at
        once cannot both pass the limit (on PostgreSQL, the chat's lock key
        serializes them).
        """
        async with self.db.transaction(lock=f"chat_filters:{chat_id}") as tx:
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
