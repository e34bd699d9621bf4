"""``python -m bot`` as a real process: bad settings stop it (a token or URL the Bot API
refuses too, without ever printing the token), SIGKILL loses nothing, SIGTERM stops it
cleanly."""

from __future__ import annotations

import signal
import socket
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import quote

from tests.articles import ZH_HANT_ARTICLE
from tests.e2e.bot_process import START_TIMEOUT, BotProcess, fake_settings, run_bot
from tests.fakes.telegram_server import TOKEN, FakeTelegram

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


# --- the Bot API refuses: one line naming the setting, exit 2, never the token -----------

OTHER_TOKEN = "7654320:AARevokedTokenForTestsOnly_abcdefghijk"


def _assert_no_token(result: subprocess.CompletedProcess[str], token: str) -> None:
    for stream in (result.stdout, result.stderr):
        assert token not in stream
        assert token.split(":")[1] not in stream
        assert quote(token, safe="") not in stream
    assert "Traceback" not in result.stderr


def _last_line(result: subprocess.CompletedProcess[str]) -> str:
    return result.stderr.strip().splitlines()[-1]


def test_a_revoked_token_is_named_without_echoing_it(fake: FakeTelegram, tmp_path: Path) -> None:
    # well-formed, but not the token the (fake) Bot API knows: it answers 401 as Telegram does
    settings = {**fake_settings(fake, tmp_path), "TELEGRAM_BOT_TOKEN": OTHER_TOKEN}
    result = run_bot(tmp_path, **settings)
    assert result.returncode == 2
    assert _last_line(result).startswith(
        "zhaiyao-bot: TELEGRAM_BOT_TOKEN rejected by Telegram (401 Unauthorized)"
    )
    _assert_no_token(result, OTHER_TOKEN)
    assert "getUpdates" not in result.stderr  # it never started polling
    # asked once, then stopped: tests/test_startup_retry.py (a rejected token is never retried)


def test_a_base_url_answering_404_is_named(fake: FakeTelegram, tmp_path: Path) -> None:
    # the server answers, but not as a Bot API: a path it does not serve (a 404 to getMe
    # at the right path takes the same way: tests/test_startup_retry.py, check_bot_api)
    settings = fake_settings(fake, tmp_path)
    base = f"http://127.0.0.1:{fake.port}/not-the-api/bot"
    settings["TELEGRAM_BASE_URL"] = base
    result = run_bot(tmp_path, **settings)
    assert result.returncode == 2
    assert _last_line(result).startswith(
        f"zhaiyao-bot: TELEGRAM_BASE_URL {base} answered 404 Not Found to getMe"
    )
    _assert_no_token(result, TOKEN)


def test_an_unreachable_base_url_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as closed:  # bound, never listening: connections are refused
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        base = f"http://127.0.0.1:{port}/bot"
        result = run_bot(
            tmp_path,
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_BASE_URL=base,
            DATABASE_PATH=str(tmp_path / "bot.sqlite3"),
            LOG_LEVEL="DEBUG",
            STARTUP_RETRY_SECONDS="0",  # give up at once (the default retries until it answers)
        )
    assert result.returncode == 1
    assert _last_line(result).startswith(f"zhaiyao-bot: cannot reach TELEGRAM_BASE_URL {base}")
    _assert_no_token(result, TOKEN)
