"""Telegram re-delivers an update whose answer was late: it is handled once."""

from __future__ import annotations

import logging
import socket

import httpx
import pytest

from tests.articles import EN_ARTICLE, ZH_HANS_ARTICLE
from tests.e2e.conftest import Starter

USER = 4712
SECRET = "repeat_Webhook-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_a_redelivered_update_is_answered_once(
    start: Starter, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.app")
    fake = start.fake
    port = free_port()
    async with start(
        webhook_url="https://bot.example.test/hook/repeat",
        webhook_listen="127.0.0.1",
        webhook_port=port,
        webhook_secret=SECRET,
    ):
        url = f"http://127.0.0.1:{port}/hook/repeat"
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        first = {"update_id": 41, "message": fake.new_message(USER, text=EN_ARTICLE)}
        async with httpx.AsyncClient() as client:
            assert (await client.post(url, json=first, headers=headers)).status_code == 200
            [reply] = await fake.wait_sent(USER)
            # Telegram did not get our 200 in time and sends the same update again
            assert (await client.post(url, json=first, headers=headers)).status_code == 200
            await fake.wait_for(
                lambda: any("41 was handled already" in r.getMessage() for r in caplog.records),
                what="the repeat skipped",
            )
            later = {"update_id": 42, "message": fake.new_message(USER, text=ZH_HANS_ARTICLE)}
            assert (await client.post(url, json=later, headers=headers)).status_code == 200
            await fake.wait_sent(USER, 2)
        replies = fake.sent(USER)
        assert [c.reply_to for c in replies] == [
            first["message"]["message_id"],
            later["message"]["message_id"],
        ]
        assert reply.text == replies[0].text
