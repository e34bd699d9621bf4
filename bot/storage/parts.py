"""The parts of an article forwarded in several messages, until one instance joins them.

With several instances behind one webhook, the parts of one split forward
may reach different instances.  Each instance inserts its part here; once no
part has arrived for the rejoin window, one of them claims the whole slot
(``chat_id``, ``rejoin_key``) in one atomic statement and the others find it
empty.  Rows left by a process that stopped are still here after a restart,
so no forward is lost (see :class:`bot.ingest.Rejoiner`).

``received_at`` is the caller's clock (seconds, wall time on every instance):
the claim's atomicity does not depend on it, only the moment of the flush.
"""

from __future__ import annotations

from bot.storage.connection import Database

__all__ = ["PartQueries", "StoredPart"]

#: ``(row id, part_json)`` of one claimed part.
StoredPart = tuple[int, str]


class PartQueries:
    db: Database

    async def add_pending_part(
        self, chat_id: int, rejoin_key: str, part_json: str, received_at: float
    ) -> int:
        """Keep one part; returns its row id (increasing: the order parts were stored in)."""
        row = await self.db.fetchone(
            "INSERT INTO pending_parts (chat_id, rejoin_key, part_json, received_at) "
            "VALUES (?, ?, ?, ?) RETURNING id",
            (chat_id, rejoin_key, part_json, received_at),
        )
        assert row is not None
        return int(row[0])

    async def pending_part_latest(self, chat_id: int, rejoin_key: str) -> float | None:
        """When the slot's newest part arrived, or ``None`` when the slot is empty."""
        row = await self.db.fetchone(
            "SELECT max(received_at) FROM pending_parts WHERE chat_id = ? AND rejoin_key = ?",
            (chat_id, rejoin_key),
        )
        return None if row is None or row[0] is None else float(row[0])

    async def claim_pending_parts(
        self, chat_id: int, rejoin_key: str, quiet_since: float
    ) -> list[StoredPart]:
        """All of the slot's parts if none arrived after ``quiet_since``, else none.

        One ``DELETE … RETURNING``, under the slot's transaction lock (on
        PostgreSQL two concurrent deletes of the same rows could otherwise
        each take some of them): exactly one caller gets the parts; a part
        stored meanwhile either joins this claim or starts the next batch.
        """
        async with self.db.transaction(lock=f"pending_parts:{chat_id}:{rejoin_key}") as tx:
            rows = await tx.fetchall(
                "DELETE FROM pending_parts WHERE chat_id = ? AND rejoin_key = ? AND "
                "(SELECT max(received_at) FROM pending_parts "
                " WHERE chat_id = ? AND rejoin_key = ?) <= ? "
                "RETURNING id, part_json",
                (chat_id, rejoin_key, chat_id, rejoin_key, quiet_since),
            )
        return sorted((int(r[0]), str(r[1])) for r in rows)

    async def pending_part_slots(self, key_prefix: str) -> list[tuple[int, str]]:
        """Every slot with parts whose key starts with ``key_prefix`` (after a restart)."""
        rows = await self.db.fetchall(
            "SELECT DISTINCT chat_id, rejoin_key FROM pending_parts ORDER BY chat_id, rejoin_key"
        )  # a handful of rows at most: filtered here, no LIKE escaping to get wrong
        return [(int(r[0]), str(r[1])) for r in rows if str(r[1]).startswith(key_prefix)]
