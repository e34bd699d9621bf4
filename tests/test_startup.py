"""The Bot API address start-up checks is the one the application's ``Bot`` will call."""

from __future__ import annotations

import pytest
from telegram import Bot

from bot.config import Settings
from bot.startup import bot_api_url
from tests.fakes.telegram_server import TOKEN


@pytest.mark.parametrize(
    "base_url",
    [
        None,  # python-telegram-bot's default, api.telegram.org
        "http://127.0.0.1:8081/bot",
        "https://bot-api.example/custom/{token}/",
        "https://bot-api.example/{BOT_TOKEN}",
        "https://bot-api.example/x/{bot-token}/y",
    ],
)
async def test_computed_like_python_telegram_bots_own(base_url: str | None) -> None:
    settings = Settings(token=TOKEN, base_url=base_url)
    bot = Bot(TOKEN, base_url=base_url) if base_url else Bot(TOKEN)
    assert bot_api_url(settings) == bot.base_url
    assert TOKEN in bot_api_url(settings)
