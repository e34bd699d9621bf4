"""Kill ``python -m bot`` in the middle of a daily digest: each part still arrives exactly once.

A real process, SIGKILLed while Telegram (the fake) holds the answer to the
digest's second message: part 1 was sent and recorded, part 2 is in flight
and Telegram never delivers it.  The next start must send the remaining
parts, each once, in order, and mark the delivery sent.

The digest is owed at start-up (:mod:`tests.e2e.owed_digest`).  The
in-process crash test in ``test_subscriptions.py`` covers the job itself;
``test_instances.py`` kills one of two instances on PostgreSQL instead, and
the other finishes the digest.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from tests.e2e.bot_process import START_TIMEOUT, BotProcess
from tests.e2e.owed_digest import owe_digest, sending_after_part_1

CHAT = 4343
SETTINGS = {"DEFAULT_TIMEZONE": "UTC", "LOG_LEVEL": "INFO"}


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

    await owe_digest(process.database, CHAT)

    # run 1: part 1 goes out and is recorded; Telegram holds part 2; the bot is killed
    hold = fake.hold_when(sending_after_part_1(fake, CHAT))
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
