"""The token never reaches a log line (at DEBUG, where URLs are logged) or a user."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from bot.logs import REDACTED, setup_logging
from tests.articles import EN_ARTICLE
from tests.e2e.conftest import Starter
from tests.fakes.telegram_server import TOKEN

USER = 99


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    stream = io.StringIO()
    setup_logging("DEBUG", [TOKEN], stream=stream)
    try:
        yield stream
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])


async def test_token_is_never_logged_nor_sent(start: Starter, log_stream: io.StringIO) -> None:
    fake = start.fake
    async with start() as bot:
        fake.send(USER, EN_ARTICLE)
        await fake.wait_sent(USER)
        # an error path too: the error handler logs the failed request with a traceback
        fake.fail("sendMessage", 500, chat_id=USER)
        fake.send(USER, EN_ARTICLE + "\nUpdated.")
        await fake.wait_sent(USER, 2)
        await bot.settled()
    logged = log_stream.getvalue()
    assert "getUpdates" in logged  # python-telegram-bot did log its requests…
    assert REDACTED in logged  # …with the token in them, scrubbed
    assert "Traceback" in logged
    assert TOKEN not in logged and quote(TOKEN, safe="") not in logged
    assert TOKEN.split(":")[1] not in logged
    assert all(TOKEN not in c.text for c in fake.calls("sendMessage"))
