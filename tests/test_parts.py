"""pending_parts: the parts of a split forward, claimed whole by exactly one instance."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.storage import Storage


async def test_a_claim_takes_every_part_of_a_quiet_slot_once(storage_target: str | Path) -> None:
    storage = await Storage.connect(storage_target)
    try:
        ids = [await storage.add_pending_part(7, "private/k", f'"{n}"', 10.0 + n) for n in range(3)]
        await storage.add_pending_part(7, "private/other", '"x"', 10.0)
        assert await storage.pending_part_latest(7, "private/k") == 12.0
        assert await storage.claim_pending_parts(7, "private/k", 11.0) == []  # a newer part
        claimed = await storage.claim_pending_parts(7, "private/k", 12.0)
        assert claimed == [(ids[0], '"0"'), (ids[1], '"1"'), (ids[2], '"2"')]
        assert await storage.claim_pending_parts(7, "private/k", 12.0) == []  # gone
        assert await storage.pending_part_latest(7, "private/k") is None
        assert await storage.pending_part_slots("private/") == [(7, "private/other")]
        assert await storage.pending_part_slots("group/") == []
    finally:
        await storage.close()


async def test_concurrent_claims_from_two_instances_give_all_parts_to_one(
    storage_target: str | Path,
) -> None:
    one, two = await Storage.connect(storage_target), await Storage.connect(storage_target)
    try:
        for round_ in range(5):
            key = f"private/k{round_}"
            ids = [await one.add_pending_part(-9, key, "{}", 5.0) for _ in range(4)]
            ids += [await two.add_pending_part(-9, key, "{}", 5.0) for _ in range(4)]
            claims = await asyncio.gather(
                *(s.claim_pending_parts(-9, key, 5.0) for s in (one, two) * 4)
            )
            winners = [c for c in claims if c]
            assert len(winners) == 1  # exactly one instance gets the parts …
            assert [row for row, _ in winners[0]] == sorted(ids)  # … all of them
    finally:
        await one.close()
        await two.close()
