"""Settings: read from the environment over .env, validated, secrets kept out of repr."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import (
    DEFAULT_DATABASE_PATH,
    Settings,
    fetch_allow_private_networks,
    load_settings,
)
from bot.errors import ConfigError

TOKEN = "7654321:AAHexampleTokenForConfigTests_0123456"
ROOT = Path(__file__).resolve().parents[1]


def load(tmp_path: Path, **env: str) -> Settings:
    return load_settings(env, dotenv_path=tmp_path / ".env")


def test_defaults(tmp_path: Path) -> None:
    s = load(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN)
    assert s.token == TOKEN
    # relative to ZHAIYAO_HOME, which defaults to the working directory
    assert s.database_path == Path.cwd() / DEFAULT_DATABASE_PATH
    assert Path("data/zhaiyao.sqlite3") == DEFAULT_DATABASE_PATH
    assert s.default_timezone == "Asia/Shanghai" and s.timezone.key == "Asia/Shanghai"
    assert s.log_level == "INFO"
    assert s.base_url is None and s.base_file_url is None
    assert not s.use_webhook and s.webhook_path == ""
    assert s.forward_merge_seconds == 2.0


def test_every_setting(tmp_path: Path) -> None:
    s = load(
        tmp_path,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_BASE_URL="http://127.0.0.1:8081/bot",
        TELEGRAM_BASE_FILE_URL="http://127.0.0.1:8081/file/bot",
        DATABASE_PATH="/var/lib/zhaiyao/bot.db",
        DEFAULT_TIMEZONE="Asia/Taipei",
        LOG_LEVEL="debug",
        WEBHOOK_URL="https://bot.example.com/tg/hook",
        WEBHOOK_LISTEN="127.0.0.1",
        WEBHOOK_PORT="8080",
        WEBHOOK_SECRET="abc_DEF-123",
        FORWARD_MERGE_SECONDS="0.5",
    )
    assert s.base_url == "http://127.0.0.1:8081/bot"
    assert s.base_file_url == "http://127.0.0.1:8081/file/bot"
    assert s.database_path == Path("/var/lib/zhaiyao/bot.db")
    assert s.default_timezone == "Asia/Taipei"
    assert s.log_level == "DEBUG"
    assert s.use_webhook and s.webhook_path == "tg/hook"
    assert (s.webhook_listen, s.webhook_port, s.webhook_secret) == (
        "127.0.0.1",
        8080,
        "abc_DEF-123",
    )
    assert s.forward_merge_seconds == 0.5
    assert s.secrets == (TOKEN, "abc_DEF-123")


def test_repr_never_shows_secrets(tmp_path: Path) -> None:
    s = load(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, WEBHOOK_SECRET="very_secret_value")
    assert TOKEN not in repr(s) and TOKEN.split(":")[1] not in repr(s)
    assert "very_secret_value" not in repr(s)


def test_environment_wins_over_dotenv_and_empty_means_unset(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        f"TELEGRAM_BOT_TOKEN={TOKEN}\nLOG_LEVEL=WARNING\nDEFAULT_TIMEZONE=Europe/Berlin\n"
    )
    s = load(tmp_path, LOG_LEVEL="ERROR", DEFAULT_TIMEZONE="  ")
    assert s.token == TOKEN  # from .env
    assert s.log_level == "ERROR"  # the environment wins
    assert s.default_timezone == "Europe/Berlin"  # an empty variable does not erase .env


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({}, "TELEGRAM_BOT_TOKEN is not set"),
        ({"TELEGRAM_BOT_TOKEN": "   "}, "TELEGRAM_BOT_TOKEN is not set"),
        ({"TELEGRAM_BOT_TOKEN": "not-a-token"}, "TELEGRAM_BOT_TOKEN is malformed"),
        ({"TELEGRAM_BOT_TOKEN": "123456789:replace-with-your-token"}, "TELEGRAM_BOT_TOKEN"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN + " extra"}, "TELEGRAM_BOT_TOKEN is malformed"),
        ({"DEFAULT_TIMEZONE": "Mars/Olympus"}, "DEFAULT_TIMEZONE"),
        ({"DEFAULT_TIMEZONE": "../etc/passwd"}, "DEFAULT_TIMEZONE"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"TELEGRAM_BASE_URL": "ftp://x/bot"}, "TELEGRAM_BASE_URL"),
        ({"TELEGRAM_BASE_FILE_URL": "/file/bot"}, "TELEGRAM_BASE_FILE_URL"),
        ({"WEBHOOK_URL": "http://bot.example.com/hook"}, "WEBHOOK_URL"),
        ({"WEBHOOK_PORT": "70000"}, "WEBHOOK_PORT"),
        ({"WEBHOOK_PORT": "http"}, "WEBHOOK_PORT"),
        ({"WEBHOOK_SECRET": "has space"}, "WEBHOOK_SECRET"),
        ({"FORWARD_MERGE_SECONDS": "-1"}, "FORWARD_MERGE_SECONDS"),
        ({"FORWARD_MERGE_SECONDS": "nan"}, "FORWARD_MERGE_SECONDS"),
        ({"FETCH_ALLOW_PRIVATE_NETWORKS": "maybe"}, "FETCH_ALLOW_PRIVATE_NETWORKS"),
    ],
)
def test_bad_settings_are_named(tmp_path: Path, env: dict[str, str], named: str) -> None:
    full = {"TELEGRAM_BOT_TOKEN": TOKEN, **env} if "TELEGRAM_BOT_TOKEN" not in env and env else env
    with pytest.raises(ConfigError, match=named):
        load(tmp_path, **full)


def test_malformed_token_is_not_echoed(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load(tmp_path, TELEGRAM_BOT_TOKEN="42:tooShortButSecret")
    assert "tooShortButSecret" not in str(info.value)


def test_env_example_documents_every_setting() -> None:
    source = (ROOT / "bot" / "config.py").read_text(encoding="utf-8")
    names = set(re.findall(r'env\.get\("([A-Z_]+)"', source))
    assert {"TELEGRAM_BOT_TOKEN", "WEBHOOK_URL", "FORWARD_MERGE_SECONDS"} <= names
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    assert sorted(n for n in names if f"{n}=" not in example) == []


@pytest.mark.parametrize(
    ("value", "allowed"),
    [(None, False), ("true", True), ("TRUE", True), (" 1 ", True), ("on", True), ("no", False)],
)
def test_fetch_allow_private_networks(tmp_path: Path, value: str | None, allowed: bool) -> None:
    env = {"TELEGRAM_BOT_TOKEN": TOKEN}
    if value is not None:
        env["FETCH_ALLOW_PRIVATE_NETWORKS"] = value
    assert load(tmp_path, **env).fetch_allow_private_networks is allowed
    # the CLI's reader (no token needed) agrees with the bot's
    assert fetch_allow_private_networks(env, dotenv_path=tmp_path / ".env") is allowed


def test_fetch_allow_private_networks_from_dotenv(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("FETCH_ALLOW_PRIVATE_NETWORKS=true\n")
    assert fetch_allow_private_networks({}, dotenv_path=tmp_path / ".env")
    assert not fetch_allow_private_networks({}, dotenv_path=None)
    with pytest.raises(ConfigError, match="FETCH_ALLOW_PRIVATE_NETWORKS"):
        fetch_allow_private_networks({"FETCH_ALLOW_PRIVATE_NETWORKS": "sometimes"})
