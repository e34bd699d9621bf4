"""``python -m bot`` as a real child process, against the fake Bot API."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.fakes.telegram_server import TOKEN, FakeTelegram

__all__ = ["START_TIMEOUT", "BotProcess", "bot_env", "fake_settings", "run_bot"]

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 30.0


def bot_env(**settings: str) -> dict[str, str]:
    """This process's environment without any bot setting of its own, plus ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
    env.pop("DATABASE_URL", None)  # a developer's own database is never a test's
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(settings)
    return env


def run_bot(tmp_path: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,  # no .env there
        env=bot_env(**settings),
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT,
    )


def fake_settings(fake: FakeTelegram, tmp_path: Path) -> dict[str, str]:
    """The environment that points ``python -m bot`` at ``fake`` (DEBUG: URLs are logged)."""
    return {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_BASE_URL": fake.base_url,
        "TELEGRAM_BASE_FILE_URL": fake.base_file_url,
        "DATABASE_PATH": str(tmp_path / "db" / "bot.sqlite3"),
        "FORWARD_MERGE_SECONDS": "0.2",
        "LOG_LEVEL": "DEBUG",
    }


class BotProcess:
    """One ``python -m bot`` child: SQLite at ``database``, or PostgreSQL at ``database_url``
    when set; its output goes to ``log``."""

    def __init__(self, fake: FakeTelegram, tmp_path: Path) -> None:
        self.fake = fake
        self.tmp_path = tmp_path
        self.database = tmp_path / "db" / "bot.sqlite3"
        self.database_url: str | None = None
        self.log = tmp_path / "bot.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, **settings: str) -> subprocess.Popen[bytes]:
        """``python -m bot`` against the fake; ``settings`` add to or override the defaults."""
        defaults = {**fake_settings(self.fake, self.tmp_path), "DATABASE_PATH": str(self.database)}
        if self.database_url:
            defaults["DATABASE_URL"] = self.database_url
        env = bot_env(**{**defaults, **settings})
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot"],
                cwd=self.tmp_path,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self.proc

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
