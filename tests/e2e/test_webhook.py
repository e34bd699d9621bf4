"""Webhook mode end to end: setWebhook on start, updates POSTed to the bot's own server; no
secret, no start (unless WEBHOOK_INSECURE says so); ``health`` asks the running server."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys

import httpx
import pytest

from bot.config import load_settings
from bot.errors import ConfigError
from tests.articles import EN_ARTICLE
from tests.e2e.bot_process import START_TIMEOUT, BotProcess, bot_env, fake_settings, run_bot
from tests.e2e.conftest import Starter
from tests.fakes.telegram_server import TOKEN

USER = 4711
SECRET = "s3cret_Webhook-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_webhook_mode_receives_updates_and_checks_the_secret(start: Starter) -> None:
    fake = start.fake
    port = free_port()
    async with start(
        webhook_url="https://bot.example.test/hook/abc",
        webhook_listen="127.0.0.1",
        webhook_port=port,
        webhook_secret=SECRET,
    ):
        assert fake.webhook_url == "https://bot.example.test/hook/abc"
        [set_call] = fake.calls("setWebhook")
        assert set_call.params["secret_token"] == SECRET
        assert fake.calls("getUpdates") == []

        url = f"http://127.0.0.1:{port}/hook/abc"
        forged = {"update_id": 1, "message": fake.new_message(USER, text=EN_ARTICLE)}
        real_message = fake.new_message(USER, text=EN_ARTICLE)
        async with httpx.AsyncClient() as client:
            bad = await client.post(
                url, json=forged, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}
            )
            assert bad.status_code == 403
            ok = await client.post(
                url,
                json={"update_id": 2, "message": real_message},
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
            )
            assert ok.status_code == 200
        [call] = await fake.wait_sent(USER)
        assert call.reply_to == real_message["message_id"]
        assert "Northwind" in call.text


# --- python -m bot: a webhook needs a secret, unless running without one is on purpose -----


def webhook_env(process: BotProcess, port: int, **more: str) -> dict[str, str]:
    return {
        **fake_settings(process.fake, process.tmp_path),
        "DATABASE_PATH": str(process.database),
        "WEBHOOK_URL": "https://bot.example.test/hook/abc",
        "WEBHOOK_LISTEN": "127.0.0.1",
        "WEBHOOK_PORT": str(port),
        **more,
    }


def test_webhook_without_a_secret_refuses_to_start(process: BotProcess) -> None:
    result = run_bot(process.tmp_path, **webhook_env(process, free_port()))
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()  # one line, before any network
    assert line.startswith("zhaiyao-bot: WEBHOOK_URL is set but WEBHOOK_SECRET is not")
    assert "WEBHOOK_INSECURE=true" in line
    assert process.fake.calls() == []
    assert not process.database.exists()


async def test_webhook_insecure_on_purpose_starts_and_is_healthy(process: BotProcess) -> None:
    fake = process.fake
    port = free_port()
    env = webhook_env(process, port, WEBHOOK_INSECURE="true")
    proc = process.start(**env)
    await fake.wait_for(
        lambda: bool(fake.webhook_url) or proc.poll() is not None,
        timeout=START_TIMEOUT,
        what="setWebhook",
    )
    assert proc.poll() is None, process.log.read_text(encoding="utf-8", errors="replace")
    [set_call] = fake.calls("setWebhook")
    assert "secret_token" not in set_call.params

    health = subprocess.run(
        [sys.executable, "-m", "bot", "health"],
        cwd=process.tmp_path,
        env=bot_env(**env),
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT,
    )
    assert health.returncode == 0, health.stdout + health.stderr
    assert f"webhook server 127.0.0.1:{port} answers" in health.stdout
    assert f"database {process.database} opens" in health.stdout

    message = fake.new_message(USER, text=EN_ARTICLE)
    async with httpx.AsyncClient() as client:  # no secret header: accepted, as configured
        ok = await client.post(
            f"http://127.0.0.1:{port}/hook/abc", json={"update_id": 7, "message": message}
        )
    assert ok.status_code == 200
    [call] = await fake.wait_sent(USER, timeout=START_TIMEOUT)
    assert "Northwind" in call.text

    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=20) == 0
    after = subprocess.run(
        [sys.executable, "-m", "bot", "health"],
        cwd=process.tmp_path,
        env=bot_env(**env),
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT,
    )
    assert after.returncode == 1 and "does not answer" in after.stdout


@pytest.mark.parametrize(
    ("extra", "starts"),
    [
        ({}, False),
        ({"WEBHOOK_INSECURE": "false"}, False),
        ({"WEBHOOK_INSECURE": "true"}, True),
        ({"WEBHOOK_SECRET": SECRET}, True),
        ({"WEBHOOK_INSECURE": "maybe"}, False),  # a malformed flag is an error, not "true"
    ],
)
def test_the_secret_rule_in_the_settings(extra: dict[str, str], starts: bool) -> None:
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "WEBHOOK_URL": "https://bot.example.test/h", **extra}
    if starts:
        assert load_settings(env, dotenv_path=None).use_webhook
    else:
        with pytest.raises(ConfigError, match=r"WEBHOOK_SECRET|WEBHOOK_INSECURE"):
            load_settings(env, dotenv_path=None)
    # polling mode needs no secret at all
    assert not load_settings({"TELEGRAM_BOT_TOKEN": TOKEN}, dotenv_path=None).use_webhook
