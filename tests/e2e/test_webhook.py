"""Webhook mode end to end: setWebhook on start, updates POSTed to the bot's own server."""

from __future__ import annotations

import socket

import httpx

from tests.articles import EN_ARTICLE
from tests.e2e.conftest import Starter

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
