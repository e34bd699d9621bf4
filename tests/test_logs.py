"""The token never reaches a log line: messages, arguments, tracebacks (uncaught ones too),
URL-encoded forms."""

from __future__ import annotations

import io
import logging
import sys
import threading
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from bot.logs import REDACTED, SecretFilter, install_excepthook, setup_logging
from bot.startup import shown_url

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


@pytest.fixture
def hooks() -> Iterator[None]:
    saved = (sys.excepthook, threading.excepthook)
    try:
        yield
    finally:
        sys.excepthook, threading.excepthook = saved


def test_uncaught_exceptions_are_scrubbed_in_any_thread(
    hooks: None, capsys: pytest.CaptureFixture[str]
) -> None:
    install_excepthook([TOKEN])
    try:
        raise RuntimeError(f"The token `{TOKEN}` was rejected by the server.")
    except RuntimeError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)

    def fail() -> None:
        raise RuntimeError(f"in a thread: {quote(TOKEN, safe='')}")

    worker = threading.Thread(target=fail, name="worker")
    worker.start()
    worker.join()
    err = capsys.readouterr().err
    assert "RuntimeError: The token `<redacted>` was rejected by the server." in err
    assert "Exception in thread worker:" in err and "in a thread: <redacted>" in err
    assert "Traceback" in err  # the traceback is kept, only the secret goes
    assert TOKEN not in err and "secretPartOfTheToken" not in err


def test_urls_in_start_up_messages_lose_credentials_and_secrets() -> None:
    url = f"https://user:pw@bots.example.com:8443/api/bot{TOKEN}/x?key=1#f"
    assert shown_url(url, [TOKEN]) == "https://bots.example.com:8443/api/bot<redacted>/x"
    assert shown_url("http://[::1/bot", [TOKEN]) == "http://[::1/bot"  # unparsable: as given
