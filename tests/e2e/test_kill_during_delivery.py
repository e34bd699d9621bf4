"""Kill ``python -m bot`` in the middle of a daily digest: each part still arrives exactly once.

A real process, SIGKILLed while Telegram (the fake) holds the answer to the
digest's second message: part 1 was sent and recorded, part 2 is in flight
and Telegram never delivers it.  The next start must send the remaining
parts, each once, in order, and mark the delivery sent.

The digest is triggered by the start-up catch-up (a subscription whose time
passed a moment ago), which goes through the same ``deliver`` as the daily
job: deterministic and immediate, where the JobQueue would need the next
minute boundary of the real clock (``/subscribe`` takes minutes, not
seconds).  The in-process crash test in ``test_subscriptions.py`` covers the
job itself.  The stories are stored the way the bot stores a shared article
(its digest, its hash), not sent through a first run of the bot: how an
article gets stored is every other end-to-end test's subject.
"""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.storage import Storage
from bot.summaries import text_hash
from summarizer import summarize
from tests.e2e.bot_process import START_TIMEOUT, BotProcess

CHAT = 4343
#: Enough distinct stories for a digest of three messages (about 20 lines fit in one).
STORIES = 40
SETTINGS = {"DEFAULT_TIMEZONE": "UTC", "LOG_LEVEL": "INFO"}

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


def delivery_row(database: Path) -> tuple[str, list[str], list[int]]:
    """The chat's only delivery (status, parts, sent message ids), read-only."""
    with closing(sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)) as db:
        rows = db.execute("SELECT chat_id, status, parts, sent_ids FROM deliveries").fetchall()
    [(chat_id, status, parts, sent_ids)] = rows
    assert chat_id == CHAT
    return status, json.loads(parts), json.loads(sent_ids)


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=20) == 0


async def test_sigkill_during_delivery_then_restart_sends_each_part_once(
    process: BotProcess,
) -> None:
    fake = process.fake
    fake.chat(CHAT)

    # the chat shared the stories (stored as the bot stores them) and subscribed
    # yesterday for two minutes ago: the next start owes today's digest
    now = datetime.now(UTC)
    due = now - timedelta(minutes=2)
    store = await Storage.connect(process.database)
    try:
        await store.upsert_chat(CHAT, "private", language="en")
        for n in range(STORIES):
            story = made_up_story(n)
            await store.add_article(
                chat_id=CHAT,
                message_id=n + 1,
                text_hash=text_hash(story),
                text=story,
                digest=summarize(story),
                source="private",
                created_at=now - timedelta(minutes=5),
            )
        await store.set_subscription(
            CHAT, hour=due.hour, minute=due.minute, timezone="UTC", now=now - timedelta(days=1)
        )
    finally:
        await store.close()

    # run 1: part 1 goes out and is recorded; Telegram holds part 2; the bot is killed
    def after_part_1(method: str, params: dict[str, Any]) -> bool:
        return (
            method == "sendMessage" and params.get("chat_id") == CHAT and len(fake.sent(CHAT)) > 0
        )

    hold = fake.hold_when(after_part_1)
    first = process.start(**SETTINGS)
    await fake.wait_for(hold.arrived.is_set, timeout=START_TIMEOUT, what="digest part 2")
    [part_1] = fake.sent(CHAT)
    status, parts, sent_ids = delivery_row(process.database)
    assert status == "sending" and len(parts) >= 3
    assert sent_ids == [part_1.response["result"]["message_id"]]  # recorded before part 2
    assert part_1.text == parts[0] and "Daily digest" in parts[0]
    assert hold.params["text"] == parts[1]  # in flight

    first.send_signal(signal.SIGKILL)
    assert first.wait(timeout=10) == -signal.SIGKILL
    hold.drop()  # the connection closes unanswered: Telegram never delivered part 2
    assert delivery_row(process.database) == (status, parts, sent_ids)

    # run 2: start-up resumes the delivery before it polls; then stop it cleanly
    polls = fake.polls_started
    second = process.start(**SETTINGS)
    await fake.wait_for(
        lambda: fake.polls_started > polls, timeout=START_TIMEOUT, what="polling after resume"
    )
    stop(second)

    digest = fake.sent(CHAT)
    assert [c.text for c in digest] == parts  # every part once, in order, none twice
    # and no other attempt reached Telegram (nothing failed, nothing resent)
    assert [c.text for c in fake.calls("sendMessage") if c.chat_id == CHAT] == parts
    status, _, sent_ids = delivery_row(process.database)
    assert status == "sent"
    assert sent_ids == [c.response["result"]["message_id"] for c in digest]
    log = process.log.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in log
