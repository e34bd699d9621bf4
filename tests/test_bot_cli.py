"""``python -m bot`` subcommands: ``--help`` (settings from one table), ``migrate``'s hook and
``health``."""

from __future__ import annotations

import argparse
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import types
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.config import load_settings
from bot.settings_help import SETTINGS, Setting

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "7654321:AAHexampleTokenForCliTests_0123456789"


def python_m_bot(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "WEBHOOK_", "DATABASE_", "ZHAIYAO_"))
    }
    environ.update(PYTHONPATH=str(ROOT), **env)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


# --- --help -------------------------------------------------------------------------


def test_help_lists_settings_and_subcommands_and_starts_nothing(tmp_path: Path) -> None:
    # no token, and a base URL nobody listens on: --help must not need either
    result = python_m_bot(tmp_path, "--help", TELEGRAM_BASE_URL="http://127.0.0.1:9/bot")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for command in ("backup", "migrate", "health"):
        assert re.search(rf"^\s+{command}\s+\S", out, re.M), command
    for setting in SETTINGS:
        assert f"  {setting.shown}\n      {setting.help}\n" in out
    assert "DATABASE_PATH=data/zhaiyao.sqlite3" in out and "WEBHOOK_PORT=8443" in out
    assert list(tmp_path.iterdir()) == []  # no database, no directory: nothing started
    assert result.stderr == ""


def test_every_setting_config_reads_is_in_the_table() -> None:
    source = (ROOT / "bot" / "config.py").read_text(encoding="utf-8")
    read = set(re.findall(r'env\.get\("([A-Z_]+)"', source)) | {"ZHAIYAO_HOME"}
    assert read == {s.name for s in SETTINGS}
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    assert [s.name for s in SETTINGS if s.name not in example] == []


@pytest.mark.parametrize(
    "setting", [s for s in SETTINGS if s.default is not None], ids=lambda s: s.name
)
def test_each_default_in_the_table_is_the_real_default(setting: Setting, tmp_path: Path) -> None:
    assert setting.default is not None
    base = {"TELEGRAM_BOT_TOKEN": TOKEN, "ZHAIYAO_HOME": str(tmp_path)}
    explicit = load_settings({**base, setting.name: setting.default}, dotenv_path=None)
    assert explicit == load_settings(base, dotenv_path=None)


def test_unknown_subcommand_is_a_usage_error(tmp_path: Path) -> None:
    result = python_m_bot(tmp_path, "bakup", "x")
    assert result.returncode == 2
    assert "invalid choice: 'bakup'" in result.stderr


# --- migrate: dispatched to bot.migrate.main(args) ----------------------------------


def test_migrate_calls_bot_migrate_main(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen: list[argparse.Namespace] = []

    def fake_main(args: argparse.Namespace) -> int:
        seen.append(args)
        return 7

    module = types.ModuleType("bot.migrate")
    module.main = fake_main  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "bot.migrate", module)
    monkeypatch.setenv("ZHAIYAO_HOME", str(tmp_path))
    assert main(["migrate", "--to", "postgresql://zhaiyao@db/zhaiyao"]) == 7
    [args] = seen
    assert args.to == "postgresql://zhaiyao@db/zhaiyao"
    assert args.home == tmp_path and args.force is False


def test_migrate_without_the_module_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "bot.migrate", None)  # as if the module did not exist
    assert main(["migrate", "--to", "postgresql://db/zhaiyao"]) == 2
    assert "migrate is not available" in capsys.readouterr().err


def test_migrate_needs_a_target(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["migrate"])
    assert info.value.code == 2
    assert "--to" in capsys.readouterr().err


# --- health -------------------------------------------------------------------------


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in list(os.environ):
        if name.startswith(("TELEGRAM_", "WEBHOOK_", "DATABASE_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("ZHAIYAO_HOME", str(tmp_path))
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    return tmp_path


def migrated_db(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE chats (chat_id INTEGER PRIMARY KEY)")
        db.execute("PRAGMA user_version = 3")


def test_health_without_a_database_is_unhealthy(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["health"]) == 1
    assert capsys.readouterr().out.startswith(f"unhealthy: no database at {home}")
    assert not (home / "data").exists()  # the check creates nothing


def test_health_with_the_database_is_healthy(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    migrated_db(home / "data" / "zhaiyao.sqlite3")
    assert main(["health"]) == 0
    assert "healthy: database" in capsys.readouterr().out
    (home / "data" / "zhaiyao.sqlite3").write_bytes(b"garbage, not sqlite" * 200)
    assert main(["health"]) == 1
    assert "does not open" in capsys.readouterr().out


class _Answer(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(405)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def webhook_server() -> Iterator[int]:
    server = HTTPServer(("127.0.0.1", 0), _Answer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("up", [True, False], ids=["port-answers", "port-closed"])
def test_health_in_webhook_mode_asks_the_local_port(
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    webhook_server: int,
    up: bool,
) -> None:
    migrated_db(home / "data" / "zhaiyao.sqlite3")
    port = webhook_server if up else closed_port()
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.test/hook")
    monkeypatch.setenv("WEBHOOK_SECRET", "s3cret")
    monkeypatch.setenv("WEBHOOK_LISTEN", "0.0.0.0")  # asked on 127.0.0.1
    monkeypatch.setenv("WEBHOOK_PORT", str(port))
    assert main(["health"]) == (0 if up else 1)
    out = capsys.readouterr().out
    said = "answers (405)" if up else "does not answer"
    assert f"webhook server 127.0.0.1:{port} {said}" in out


def test_health_with_postgres_probes_its_port(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    port = closed_port()
    monkeypatch.setenv("DATABASE_URL", f"postgresql://zhaiyao:pw@127.0.0.1:{port}/zhaiyao")
    assert main(["health"]) == 1
    out = capsys.readouterr().out
    assert f"PostgreSQL at 127.0.0.1:{port} does not accept connections" in out
    assert ":pw@" not in out


def test_health_with_a_bad_setting_exits_2(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WEBHOOK_PORT", "http")
    assert main(["health"]) == 2
    assert "WEBHOOK_PORT" in capsys.readouterr().err
