"""``python -m bot`` as a real process: bad settings stop it, SIGKILL loses nothing,
SIGTERM stops it cleanly."""

from __future__ import annotations

import signal
import sqlite3
from pathlib import Path

from tests.articles import ZH_HANT_ARTICLE
from tests.e2e.bot_process import START_TIMEOUT, BotProcess, run_bot
from tests.fakes.telegram_server import TOKEN

USER = 321


def test_missing_token_stops_start_up_naming_it(tmp_path: Path) -> None:
    result = run_bot(tmp_path)
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN is not set" in result.stderr


def test_malformed_token_stops_start_up_without_echoing_it(tmp_path: Path) -> None:
    result = run_bot(tmp_path, TELEGRAM_BOT_TOKEN="987654:Secret-but-wrong")
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN is malformed" in result.stderr
    assert "Secret-but-wrong" not in result.stderr


def test_dotenv_file_is_read_and_environment_wins(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"TELEGRAM_BOT_TOKEN={TOKEN}\nLOG_LEVEL=LOUD\n")
    result = run_bot(tmp_path)
    assert result.returncode == 2 and "LOG_LEVEL 'LOUD'" in result.stderr  # token from .env
    result = run_bot(tmp_path, LOG_LEVEL="bogus")
    assert result.returncode == 2 and "LOG_LEVEL 'bogus'" in result.stderr  # env wins


async def test_sigkill_loses_nothing_and_sigterm_stops_cleanly(process: BotProcess) -> None:
    fake = process.fake
    first = process.start()
    await fake.wait_for(lambda: fake.polls_started, timeout=START_TIMEOUT, what="polling")
    fake.send(USER, ZH_HANT_ARTICLE, language_code="zh-tw")
    [before] = await fake.wait_sent(USER, timeout=START_TIMEOUT)
    await fake.wait_updates_consumed()

    first.send_signal(signal.SIGKILL)
    assert first.wait(timeout=10) == -signal.SIGKILL
    with sqlite3.connect(process.database) as db:
        rows = db.execute("SELECT chat_id, source FROM articles").fetchall()
    assert rows == [(USER, "private")]

    polls = fake.polls_started
    second = process.start()
    await fake.wait_for(lambda: fake.polls_started > polls, timeout=START_TIMEOUT, what="polling")
    fake.send(USER, ZH_HANT_ARTICLE, language_code="zh-tw")
    _, after = await fake.wait_sent(USER, 2, timeout=START_TIMEOUT)
    assert after.text == before.text

    second.send_signal(signal.SIGTERM)
    assert second.wait(timeout=20) == 0
    log = process.log.read_text(encoding="utf-8", errors="replace")
    assert TOKEN not in log
    assert "getUpdates" in log
    # the first run summarized the article; the second answered from storage
    assert log.count(f"for chat {USER}: summarized") == 1
    assert log.count(f"for chat {USER}: from storage") == 1
