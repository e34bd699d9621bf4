"""A chat owed a daily digest of several parts, stored the way the bot stores it.

For the tests that kill ``python -m bot`` mid-delivery: the stories are
stored as the bot stores a shared article (its digest, its hash), not sent
through a first run of the bot (how an article gets stored is every other
end-to-end test's subject), and the subscription's time passed a moment ago,
so the next instance to start owes today's digest at once (the start-up
catch-up, the same ``deliver`` as the daily job: no minute boundary to wait
for).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.storage import Storage
from bot.summaries import text_hash
from summarizer import summarize
from tests.fakes.telegram_server import FakeTelegram

__all__ = ["STORIES", "made_up_story", "owe_digest", "sending_after_part_1"]

#: Enough distinct stories for a digest of three messages (about 20 lines fit in one).
STORIES = 40

_SYLLABLES = "ba ko ri sen tal vu mor dan fei gol hun jar lem nok pir sud tov wen yal zor".split()


def made_up_story(n: int) -> str:
    """Story ``n``: a long title and six sentences of made-up words.

    Its own random words, so no two stories share enough to be merged into
    one; the long title makes each digest line long (fewer stories per part).
    """
    rng = random.Random(f"story-{n}")

    def word(syllables: int) -> str:
        return "".join(rng.choice(_SYLLABLES) for _ in range(syllables))

    title = " ".join(word(4).capitalize() for _ in range(20))
    body = [
        " ".join(word(rng.randint(1, 3)) for _ in range(12)).capitalize() + "." for _ in range(6)
    ]
    return "\n".join([title, *body])


async def owe_digest(target: str | Path, chat_id: int) -> None:
    """``chat_id`` (private, English) shared :data:`STORIES` stories five minutes ago and
    subscribed yesterday for two minutes ago, in the database at ``target``."""
    now = datetime.now(UTC)
    due = now - timedelta(minutes=2)
    store = await Storage.connect(target)
    try:
        await store.upsert_chat(chat_id, "private", language="en")
        for n in range(STORIES):
            story = made_up_story(n)
            await store.add_article(
                chat_id=chat_id,
                message_id=n + 1,
                text_hash=text_hash(story),
                text=story,
                digest=summarize(story),
                source="private",
                created_at=now - timedelta(minutes=5),
            )
        await store.set_subscription(
            chat_id, hour=due.hour, minute=due.minute, timezone="UTC", now=now - timedelta(days=1)
        )
    finally:
        await store.close()


def sending_after_part_1(fake: FakeTelegram, chat_id: int) -> Callable[[str, dict[str, Any]], bool]:
    """A :meth:`FakeTelegram.hold_when` predicate: the chat's messages after its first."""

    def matches(method: str, params: dict[str, Any]) -> bool:
        return (
            method == "sendMessage"
            and params.get("chat_id") == chat_id
            and len(fake.sent(chat_id)) > 0
        )

    return matches
