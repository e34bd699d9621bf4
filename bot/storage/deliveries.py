"""Daily-digest deliveries: claimed once per chat and day, recorded part by part.

A delivery is claimed with its rendered parts and the articles it covers in
one transaction; each part sent is recorded (its message id) before the next
is sent, so a resumed delivery never sends a recorded part again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.storage.articles import ARTICLE_COLUMNS, StoredArticle, with_text
from bot.storage.connection import Database, Row, parse_ts, ts, utc_now

__all__ = ["Delivery", "DeliveryQueries"]


@dataclass(frozen=True, slots=True)
class Delivery:
    """One day's digest for one chat: its rendered parts and the ids of those sent."""

    id: int
    chat_id: int
    local_date: str
    status: str
    parts: tuple[str, ...]
    sent_ids: tuple[int, ...]
    created_at: datetime

    @property
    def pending_parts(self) -> tuple[str, ...]:
        return self.parts[len(self.sent_ids) :]


_COLUMNS = "id, chat_id, local_date, status, parts, sent_ids, created_at"


def _delivery(row: Row) -> Delivery:
    id_, chat_id, local_date, status, parts, sent_ids, created = row
    return Delivery(
        id_,
        chat_id,
        local_date,
        status,
        tuple(json.loads(parts)),
        tuple(json.loads(sent_ids)),
        parse_ts(created),
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
        return _delivery(row) if row else None

    async def unfinished_deliveries(self) -> list[Delivery]:
        """Digests claimed but not completely sent: what a crash left behind."""
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM deliveries WHERE status = 'sending' ORDER BY id"
        )
        return [_delivery(r) for r in rows]

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
    ) -> Delivery | None:
        """Claim the chat's digest for ``local_date``: the delivery, its rendered
        parts and the articles it covers, in one transaction.

        None when that day's digest was already claimed (idempotent per chat and
        day).  With no parts the delivery is recorded as sent at once.
        """
        when = ts(now or utc_now())
        ids = list(article_ids)
        status = "sending" if parts else "sent"
        parts_json = json.dumps(list(parts), ensure_ascii=False)
        async with self.db.transaction() as tx:
            result = await tx.execute(
                """
                INSERT INTO deliveries
                    (chat_id, local_date, status, parts, sent_ids, created_at, updated_at)
                VALUES (?, ?, ?, ?, '[]', ?, ?)
                ON CONFLICT (chat_id, local_date) DO NOTHING
                """,
                (chat_id, local_date, status, parts_json, when, when),
            )
            if result.rowcount == 0:
                return None
            await tx.executemany(
                "INSERT OR IGNORE INTO delivery_articles (delivery_id, article_id) VALUES (?, ?)",
                [(result.lastrowid, a) for a in ids],
            )
        return await self.delivery(chat_id, local_date)

    async def record_part(self, delivery_id: int, message_id: int) -> Delivery:
        """Record one more part as sent (its message id); the last one marks the delivery sent.

        One UPDATE, committed before the next part is sent: this is what keeps
        a resumed delivery from sending a recorded part again.
        """
        await self.db.execute(
            """
            UPDATE deliveries SET
                sent_ids = json_insert(sent_ids, '$[#]', ?),
                status = CASE WHEN json_array_length(sent_ids) + 1 >= json_array_length(parts)
                              THEN 'sent' ELSE status END,
                updated_at = ?
            WHERE id = ? AND status = 'sending'
            """,
            (message_id, ts(utc_now()), delivery_id),
        )
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM deliveries WHERE id = ?", (delivery_id,)
        )
        assert row is not None
        return _delivery(row)

    async def abandon_delivery(self, delivery_id: int) -> None:
        """Give up a delivery (the chat blocked the bot): its articles count as undelivered."""
        await self.db.execute(
            "UPDATE deliveries SET status = 'abandoned', updated_at = ? WHERE id = ?",
            (ts(utc_now()), delivery_id),
        )
