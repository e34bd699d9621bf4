"""Scheduled work as due rows that any instance may take, each under a lease that expires.

Three kinds of due work live in the database, so that with several instances
on one PostgreSQL exactly one takes each piece, and one that dies mid-way
leaves it to another once its lease runs out:

- a subscription whose ``next_due_at`` has come (its daily digest);
- a delivery left ``sending`` whose ``lease_until`` has passed (or is NULL:
  rows from before leases existed) — a digest half sent by an instance that
  died, or waiting for its retry after a failed send;
- a ``due_jobs`` row (the daily purge).

A claim is a transaction that picks rows that are due and free and sets their
lease.  On PostgreSQL the picking ``SELECT`` locks its rows ``FOR UPDATE SKIP
LOCKED``: instances claiming at the same moment take different rows instead
of waiting on each other.  SQLite runs one write transaction at a time
(``BEGIN IMMEDIATE``), which makes the same claim atomic without it.  The
lease written is the holder's token: every later write of the holder (advance,
renew, release) is conditional on the lease still being the one it set, so an
instance whose lease was taken over (it stalled past it) cannot undo the new
holder's work.  :func:`skip_locked` is the one place that knows the engines
differ here.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.storage.connection import Database, parse_ts, ts
from bot.storage.deliveries import DELIVERY_COLUMNS, Delivery, delivery_from_row
from bot.storage.subscriptions import SUBSCRIPTION_COLUMNS, Subscription, subscription_from_row

__all__ = ["DueQueries", "skip_locked"]


def skip_locked(db: Database) -> str:
    """The row-locking clause a claim's ``SELECT`` ends with on ``db``'s engine.

    PostgreSQL (READ COMMITTED, many connections): ``FOR UPDATE SKIP LOCKED``,
    so a row another instance is claiming right now is skipped, not waited
    for.  SQLite: nothing (its write transactions are serial already).
    """
    return " FOR UPDATE SKIP LOCKED" if db.engine == "postgresql" else ""


class DueQueries:
    """Claiming due subscriptions, stale deliveries and due jobs; renewing and releasing leases."""

    db: Database

    # --- subscriptions ---------------------------------------------------------------

    async def claim_due_subscriptions(
        self, now: datetime, *, until: datetime, limit: int
    ) -> list[Subscription]:
        """Up to ``limit`` active subscriptions due at ``now`` with a free lease, leased until
        ``until``.  A NULL ``next_due_at`` (a row from before it existed, or one stored
        without it) counts as due: the caller decides what it owes and sets the next time."""
        stamp = ts(now)
        due = (
            "active = 1 AND (next_due_at IS NULL OR next_due_at <= ?) "
            "AND (lease_until IS NULL OR lease_until <= ?)"
        )
        async with self.db.transaction() as tx:
            rows = await tx.fetchall(
                f"SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE {due} "
                f"ORDER BY next_due_at, chat_id LIMIT ?{skip_locked(self.db)}",
                (stamp, stamp, limit),
            )
            claimed = []
            for row in rows:
                result = await tx.execute(
                    f"UPDATE subscriptions SET lease_until = ? WHERE chat_id = ? AND {due}",
                    (ts(until), row[0], stamp, stamp),
                )
                if result.rowcount > 0:
                    claimed.append(subscription_from_row(row))
        return claimed

    async def advance_subscription(
        self, chat_id: int, next_due_at: datetime, *, held: datetime
    ) -> bool:
        """Set the chat's next digest time and free its lease, if the lease is still ``held``.

        False when it is not: the chat moved its time meanwhile (``/subscribe``
        sets the next time itself and frees the lease), unsubscribed, or
        another instance took over an expired lease.
        """
        result = await self.db.execute(
            "UPDATE subscriptions SET next_due_at = ?, lease_until = NULL "
            "WHERE chat_id = ? AND lease_until = ?",
            (ts(next_due_at), chat_id, ts(held)),
        )
        return result.rowcount > 0

    # --- deliveries ------------------------------------------------------------------

    async def claim_stale_deliveries(
        self, now: datetime, *, until: datetime, limit: int
    ) -> list[Delivery]:
        """Up to ``limit`` deliveries still ``sending`` whose lease ran out (or was never set),
        leased until ``until``: to be finished by the caller, only their unrecorded parts."""
        stamp = ts(now)
        stale = "status = 'sending' AND (lease_until IS NULL OR lease_until <= ?)"
        leased = parse_ts(ts(until))  # as stored: to the second
        async with self.db.transaction() as tx:
            rows = await tx.fetchall(
                f"SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE {stale} "
                f"ORDER BY id LIMIT ?{skip_locked(self.db)}",
                (stamp, limit),
            )
            claimed = []
            for row in rows:
                result = await tx.execute(
                    f"UPDATE deliveries SET lease_until = ? WHERE id = ? AND {stale}",
                    (ts(until), row[0], stamp),
                )
                if result.rowcount > 0:
                    claimed.append(replace(delivery_from_row(row), lease_until=leased))
        return claimed

    async def take_delivery(
        self, delivery_id: int, now: datetime, *, until: datetime
    ) -> Delivery | None:
        """Lease one ``sending`` delivery until ``until`` if its lease is free at ``now``."""
        stamp = ts(now)
        result = await self.db.execute(
            "UPDATE deliveries SET lease_until = ? WHERE id = ? AND status = 'sending' "
            "AND (lease_until IS NULL OR lease_until <= ?)",
            (ts(until), delivery_id, stamp),
        )
        if result.rowcount <= 0:
            return None
        return await self._delivery_by_id(delivery_id)

    async def hold_delivery(
        self, delivery_id: int, *, held: datetime, until: datetime, attempts: int
    ) -> bool:
        """Keep a delivery that failed to send until ``until`` (its retry), counting the
        attempt; only while its lease is still ``held``."""
        result = await self.db.execute(
            "UPDATE deliveries SET lease_until = ?, attempts = ? "
            "WHERE id = ? AND status = 'sending' AND lease_until = ?",
            (ts(until), attempts, delivery_id, ts(held)),
        )
        return result.rowcount > 0

    async def release_delivery(self, delivery_id: int, *, held: datetime) -> bool:
        """Give a delivery's lease back (a clean stop): any instance may finish it at once."""
        result = await self.db.execute(
            "UPDATE deliveries SET lease_until = NULL "
            "WHERE id = ? AND status = 'sending' AND lease_until = ?",
            (delivery_id, ts(held)),
        )
        return result.rowcount > 0

    async def _delivery_by_id(self, delivery_id: int) -> Delivery | None:
        row = await self.db.fetchone(
            f"SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE id = ?", (delivery_id,)
        )
        return delivery_from_row(row) if row else None

    # --- jobs ------------------------------------------------------------------------

    async def claim_due_job(self, name: str, now: datetime, *, until: datetime) -> bool:
        """Whether this caller takes job ``name`` now: it is due at ``now`` and its lease free.

        A job never seen is due at once.  One conditional UPDATE: on
        PostgreSQL a second instance's UPDATE waits for the first's row lock,
        then re-checks the condition and finds it leased.
        """
        stamp = ts(now)
        await self.db.execute(
            "INSERT INTO due_jobs (name, next_due_at, lease_until) VALUES (?, ?, NULL) "
            "ON CONFLICT (name) DO NOTHING",
            (name, stamp),
        )
        result = await self.db.execute(
            "UPDATE due_jobs SET lease_until = ? WHERE name = ? AND next_due_at <= ? "
            "AND (lease_until IS NULL OR lease_until <= ?)",
            (ts(until), name, stamp, stamp),
        )
        return result.rowcount > 0

    async def finish_due_job(self, name: str, *, held: datetime, next_due_at: datetime) -> bool:
        """The job ran: due again at ``next_due_at``, lease free (if still ``held``)."""
        result = await self.db.execute(
            "UPDATE due_jobs SET next_due_at = ?, lease_until = NULL "
            "WHERE name = ? AND lease_until = ?",
            (ts(next_due_at), name, ts(held)),
        )
        return result.rowcount > 0

    async def job_due_at(self, name: str) -> datetime | None:
        row = await self.db.fetchone("SELECT next_due_at FROM due_jobs WHERE name = ?", (name,))
        return parse_ts(row[0]) if row else None

    # --- start-up --------------------------------------------------------------------

    async def release_leases_of_a_dead_process(self) -> int:
        """At start-up on SQLite, free every lease (how many were held); on PostgreSQL, none.

        One process owns a SQLite file, so a lease found in it at start-up was
        held by the previous run, which is gone: its half-sent digest is
        finished now, not after the lease runs out.  On PostgreSQL other
        instances may be alive and holding theirs: leases there only expire.
        """
        if self.db.engine != "sqlite":
            return 0
        freed = 0
        async with self.db.transaction() as tx:
            for table in ("subscriptions", "deliveries", "due_jobs"):
                result = await tx.execute(
                    f"UPDATE {table} SET lease_until = NULL WHERE lease_until IS NOT NULL"
                )
                freed += max(result.rowcount, 0)
        return freed
