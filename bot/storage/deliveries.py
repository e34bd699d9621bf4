"""Daily-digest deliveries: claimed once per chat and day, recorded part by part.

A delivery is claimed with its rendered parts and the articles it covers in
one transaction; each part sent is recorded (its message id) before the next
is sent, so a resumed delivery never sends a recorded part again.  While it is
``sending`` its ``lease_until`` says until when one instance holds it
(renewed with each part recorded); :mod:`bot.storage.due` claims those whose
lease ran out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from bot.storage.articles import ARTICLE_COLUMNS, StoredArticle, with_text
from bot.storage.connection import Database, Row, parse_ts, ts, utc_now

__all__ = ["DELIVERY_COLUMNS", "Delivery", "DeliveryQueries", "delivery_from_row"]


@dataclass(frozen=True, slots=True)
class Delivery:
    """One day's digest for one chat: its rendered parts and the ids of those sent.

    ``lease_until``: until when an instance holds it to send (None: free, or
    finished); ``attempts``: sends that failed so far (for the retry delays).
    """

    id: int
    chat_id: int
    local_date: str
    status: str
    parts: tuple[str, ...]
    sent_ids: tuple[int, ...]
    created_at: datetime
    lease_until: datetime | None = None
    attempts: int = 0

    @property
    def pending_parts(self) -> tuple[str, ...]:
        return self.parts[len(self.sent_ids) :]


DELIVERY_COLUMNS = (
    "id, chat_id, local_date, status, parts, sent_ids, created_at, lease_until, attempts"
)
_COLUMNS = DELIVERY_COLUMNS


def _ids_json(ids: Sequence[int]) -> str:
    """Message ids as stored: compact JSON, as SQLite's ``json_insert`` wrote them."""
    return json.dumps(list(ids), separators=(",", ":"))


def delivery_from_row(row: Row) -> Delivery:
    id_, chat_id, local_date, status, parts, sent_ids, created, lease, attempts = row
    return Delivery(
        id_,
        chat_id,
        local_date,
        status,
        tuple(json.loads(parts)),
        tuple(json.loads(sent_ids)),
        parse_ts(created),
        parse_ts(lease) if lease else None,
        int(attempts or 0),
    )


class DeliveryQueries:
    db: Database

    async def undelivered_articles(
        self, chat_id: int, since: datetime, *, limit: int = 500
    ) -> list[tuple[StoredArticle, str]]:
        """Articles (with their text) stored since ``since`` that no digest covers yet.

        A digest that was abandoned (403) gave its articles back, so they count
        as not delivered.  Oldest first; at most the newest ``limit``.
        """
        rows = await self.db.fetchall(
            f"""
            SELECT {ARTICLE_COLUMNS}, text FROM articles AS a
            WHERE chat_id = ? AND created_at >= ? AND NOT EXISTS (
                SELECT 1 FROM delivery_articles AS da
                JOIN deliveries AS d ON d.id = da.delivery_id
                WHERE da.article_id = a.id AND d.status != 'abandoned'
            )
            ORDER BY created_at DESC, id DESC LIMIT ?
            """,
            (chat_id, ts(since), limit),
        )
        return with_text(rows)

    async def last_delivery_at(self, chat_id: int) -> datetime | None:
        """When the chat's latest digest (sent or being sent) was claimed."""
        row = await self.db.fetchone(
            "SELECT max(created_at) FROM deliveries WHERE chat_id = ? AND status != 'abandoned'",
            (chat_id,),
        )
        return parse_ts(row[0]) if row and row[0] else None

    async def delivery(self, chat_id: int, local_date: str) -> Delivery | None:
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM deliveries WHERE chat_id = ? AND local_date = ?",
            (chat_id, local_date),
        )
        return delivery_from_row(row) if row else None

    async def unfinished_deliveries(self) -> list[Delivery]:
        """Digests claimed but not completely sent: what a crash left behind."""
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM deliveries WHERE status = 'sending' ORDER BY id"
        )
        return [delivery_from_row(r) for r in rows]

    async def delivery_article_ids(self, delivery_id: int) -> list[int]:
        rows = await self.db.fetchall(
            "SELECT article_id FROM delivery_articles WHERE delivery_id = ? ORDER BY article_id",
            (delivery_id,),
        )
        return [r[0] for r in rows]

    async def claim_delivery(
        self,
        chat_id: int,
        local_date: str,
        *,
        article_ids: Iterable[int],
        parts: Sequence[str],
        now: datetime | None = None,
        lease_until: datetime | None = None,
    ) -> Delivery | None:
        """Claim the chat's digest for ``local_date``: the delivery, its rendered
        parts and the articles it covers, in one transaction.

        None when that day's digest was already claimed (idempotent per chat and
        day).  With no parts the delivery is recorded as sent at once; else the
        claimer holds it until ``lease_until`` (None: free for anyone to finish).
        """
        when = ts(now or utc_now())
        ids = list(article_ids)
        status = "sending" if parts else "sent"
        lease = ts(lease_until) if lease_until is not None and parts else None
        parts_json = json.dumps(list(parts), ensure_ascii=False)
        async with self.db.transaction() as tx:
            claimed = await tx.fetchone(
                """
                INSERT INTO deliveries
                    (chat_id, local_date, status, parts, sent_ids, created_at, updated_at,
                     lease_until)
                VALUES (?, ?, ?, ?, '[]', ?, ?, ?)
                ON CONFLICT (chat_id, local_date) DO NOTHING
                RETURNING id
                """,
                (chat_id, local_date, status, parts_json, when, when, lease),
            )
            if claimed is None:
                return None
            await tx.executemany(
                "INSERT INTO delivery_articles (delivery_id, article_id) VALUES (?, ?) "
                "ON CONFLICT (delivery_id, article_id) DO NOTHING",
                [(claimed[0], a) for a in ids],
            )
        return await self.delivery(chat_id, local_date)

    async def record_part(
        self,
        delivery_id: int,
        message_id: int,
        *,
        held: datetime | None = None,
        renew_until: datetime | None = None,
    ) -> Delivery:
        """Record one more part as sent (its message id); the last one marks the delivery sent.

        Committed before the next part is sent: this is what keeps a resumed
        delivery from sending a recorded part again.  The list is appended to
        in Python and written back only if nobody changed it meanwhile (the
        ``sent_ids = ?`` and lease guards; another writer's change is re-read
        and kept), which needs no engine's JSON functions.

        The same UPDATE renews the lease to ``renew_until`` if it is still
        ``held``; the returned delivery's ``lease_until`` tells the sender
        whether it still holds it (a sent delivery's lease is freed).
        """
        while True:
            row = await self.db.fetchone(
                f"SELECT {_COLUMNS} FROM deliveries WHERE id = ?", (delivery_id,)
            )
            assert row is not None
            delivery = delivery_from_row(row)
            if delivery.status != "sending":
                return delivery
            sent = [*delivery.sent_ids, message_id]
            done = len(sent) >= len(delivery.parts)
            status = "sent" if done else "sending"
            ours = held is not None and row[7] == ts(held)
            lease = None if done else ts(renew_until) if ours and renew_until else row[7]
            result = await self.db.execute(
                "UPDATE deliveries SET sent_ids = ?, status = ?, lease_until = ?, updated_at = ? "
                "WHERE id = ? AND status = 'sending' AND sent_ids = ? "
                "AND COALESCE(lease_until, '') = ?",
                (_ids_json(sent), status, lease, ts(utc_now()), delivery_id, row[5], row[7] or ""),
            )
            if result.rowcount > 0:
                return replace(
                    delivery,
                    status=status,
                    sent_ids=tuple(sent),
                    lease_until=parse_ts(lease) if lease else None,
                )

    async def abandon_delivery(self, delivery_id: int) -> None:
        """Give up a delivery (the chat blocked the bot): its articles count as undelivered."""
        await self.db.execute(
            "UPDATE deliveries SET status = 'abandoned', lease_until = NULL, updated_at = ? "
            "WHERE id = ?",
            (ts(utc_now()), delivery_id),
        )
