"""The token never reaches a log line: messages, arguments, tracebacks, URL-encoded forms."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from bot.logs import REDACTED, SecretFilter, setup_logging

TOKEN = "7654321:AAHsecretPartOfTheToken_abcdefghijk"


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level, logging.getLogger("httpx").level)
    out = io.StringIO()
    setup_logging("DEBUG", [TOKEN, "hooksecret"], stream=out)
    try:
        yield out
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        logging.getLogger("httpx").setLevel(saved[2])


def test_token_in_message_arguments_and_traceback_is_scrubbed(stream: io.StringIO) -> None:
    log = logging.getLogger("telegram.ext.ExtBot")
    log.debug("POST https://api.telegram.org/bot%s/getMe", TOKEN)
    log.info(f"formatted early: {TOKEN}")
    log.warning("url-encoded: %s", quote(TOKEN, safe=""))
    log.info("webhook secret %s", "hooksecret")
    try:
        raise ValueError(f"request to /bot{TOKEN}/sendMessage failed")
    except ValueError:
        log.exception("failed")
    out = stream.getvalue()
    assert TOKEN not in out and "secretPartOfTheToken" not in out
    assert "hooksecret" not in out
    assert out.count(REDACTED) == 5
    assert "ValueError: request to /bot<redacted>/sendMessage failed" in out


def test_httpx_is_held_at_warning(stream: io.StringIO) -> None:
    logging.getLogger("httpx").info("HTTP Request: POST https://api.telegram.org/bot%s/x", TOKEN)
    logging.getLogger("httpx").warning("kept")
    out = stream.getvalue()
    assert "HTTP Request" not in out and "kept" in out


def test_a_broken_format_string_does_not_break_logging() -> None:
    f = SecretFilter([TOKEN])
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%d items " + TOKEN, ("x",), None)
    assert f.filter(record)
    assert TOKEN not in record.getMessage()
