"""ZHAIYAO_HOME: ``.env`` and a relative DATABASE_PATH are found through it, whatever the
working directory, and start-up says which database it uses."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import database_path, load_settings, raw_settings, zhaiyao_home
from bot.errors import ConfigError
from tests.articles import EN_ARTICLE
from tests.e2e.bot_process import START_TIMEOUT, bot_env
from tests.fakes.telegram_server import TOKEN, FakeTelegram

USER = 5150


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".env").write_text(f"TELEGRAM_BOT_TOKEN={TOKEN}\nDATABASE_PATH=db/bot.sqlite3\n")
    return home


def test_dotenv_and_database_come_from_zhaiyao_home(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / ".env").write_text("LOG_LEVEL=ERROR\n")  # the working directory's is ignored
    monkeypatch.chdir(elsewhere)
    env = {"ZHAIYAO_HOME": str(home)}
    settings = load_settings(env)
    assert settings.token == TOKEN  # from home/.env
    assert settings.log_level == "INFO"
    assert settings.database_path == home / "db" / "bot.sqlite3"
    assert database_path(env) == settings.database_path  # the token-free reader agrees
    assert zhaiyao_home(env) == home


def test_default_home_is_the_working_directory(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(home)
    settings = load_settings({})
    assert settings.database_path == home / "db" / "bot.sqlite3"
    assert settings.database_path.is_absolute()


def test_relative_home_and_absolute_database_path(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    fixed = tmp_path / "var" / "zhaiyao.sqlite3"
    env = {"ZHAIYAO_HOME": "home", "DATABASE_PATH": str(fixed)}
    assert zhaiyao_home(env) == home  # made absolute at once
    assert load_settings(env).database_path == fixed  # an absolute path is kept


def test_environment_still_wins_over_home_dotenv(home: Path) -> None:
    env = {"ZHAIYAO_HOME": str(home), "DATABASE_PATH": "other.sqlite3"}
    assert raw_settings(env)["DATABASE_PATH"] == "other.sqlite3"
    assert load_settings(env).database_path == home / "other.sqlite3"


def test_a_missing_home_is_a_named_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"ZHAIYAO_HOME .* is not a directory"):
        load_settings({"ZHAIYAO_HOME": str(tmp_path / "typo"), "TELEGRAM_BOT_TOKEN": TOKEN})


# --- the real process, started from two different directories -----------------------


def start(fake: FakeTelegram, home: Path, cwd: Path, log: Path) -> subprocess.Popen[bytes]:
    env = bot_env(
        ZHAIYAO_HOME=str(home),
        TELEGRAM_BASE_URL=fake.base_url,
        TELEGRAM_BASE_FILE_URL=fake.base_file_url,
        LOG_LEVEL="DEBUG",
    )
    env.pop("DATABASE_PATH", None)
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "bot"], cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT
        )


async def test_two_working_directories_one_database(home: Path, tmp_path: Path) -> None:
    log = tmp_path / "bot.log"
    database = home / "db" / "bot.sqlite3"
    with FakeTelegram() as fake:
        for n, cwd in enumerate((tmp_path, Path("/"))):
            polls = fake.polls_started
            proc = start(fake, home, cwd, log)
            try:
                await fake.wait_for(
                    lambda p=polls, q=proc: fake.polls_started > p or q.poll() is not None,
                    timeout=START_TIMEOUT,
                    what="polling",
                )
                assert proc.poll() is None, log.read_text(encoding="utf-8", errors="replace")
                fake.send(USER, EN_ARTICLE)
                await fake.wait_sent(USER, n + 1, timeout=START_TIMEOUT)
                await fake.wait_updates_consumed()
            finally:
                proc.send_signal(signal.SIGTERM)
                assert proc.wait(timeout=20) == 0
    text = log.read_text(encoding="utf-8", errors="replace")
    assert text.count(f"database: SQLite at {database}") == 2  # the one line, each start
    assert text.count(f"for chat {USER}: summarized") == 1
    assert text.count(f"for chat {USER}: from storage") == 1  # the second run found it
    assert not (tmp_path / "data").exists()  # no stray database in either directory
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM articles").fetchone() == (1,)
