"""Start-up without a network: one line per attempt, retries with backoff, no real waiting.

The Bot API is the fake server behind a gate: a socket bound but not listening
refuses connections (the API is "down") until the test opens it, from inside
the injected ``sleep``; then it forwards to the fake (the API is "up").
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import socket
from collections.abc import AsyncIterator, Iterator

import pytest

from bot.config import Settings
from bot.errors import ConfigError
from bot.startup import BACKOFF_CAP, ApiUnreachableError, backoff_delays, wait_for_bot_api
from tests.fakes.telegram_server import TOKEN, FakeTelegram


class Gate:
    """127.0.0.1:port refuses connections until :meth:`open`, then forwards to ``target``."""

    def __init__(self, target: int) -> None:
        self.target = target
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))  # bound, not listening: connections are refused
        self.port = int(self.sock.getsockname()[1])
        self.server: asyncio.Server | None = None

    async def open(self) -> None:
        self.server = await asyncio.start_server(self._forward, sock=self.sock)

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
        else:
            self.sock.close()

    async def _forward(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target)

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while chunk := await src.read(65536):
                    dst.write(chunk)
                    await dst.drain()
            except ConnectionError:
                pass
            finally:
                dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


class FakeTime:
    """``sleep`` that records and advances ``clock`` instead of waiting."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


@pytest.fixture
async def gate(fake: FakeTelegram) -> AsyncIterator[Gate]:
    g = Gate(fake.port)
    yield g
    await g.close()


def settings_for(port: int, *, startup_retry_seconds: int | None = None) -> Settings:
    base = f"http://127.0.0.1:{port}/bot"
    return Settings(token=TOKEN, base_url=base, startup_retry_seconds=startup_retry_seconds)


def api_url(settings: Settings) -> str:
    return f"{settings.base_url}{settings.token}"


def test_backoff_doubles_up_to_the_cap() -> None:
    delays = list(itertools.islice(backoff_delays(), 9))
    assert delays == [1, 2, 4, 8, 16, 32, BACKOFF_CAP, BACKOFF_CAP, BACKOFF_CAP]
    assert BACKOFF_CAP == 60


async def test_down_then_up_retries_with_backoff_then_starts(
    fake: FakeTelegram, gate: Gate, caplog: pytest.LogCaptureFixture
) -> None:
    time = FakeTime()
    settings = settings_for(gate.port)

    async def sleep(seconds: float) -> None:
        await time.sleep(seconds)
        if len(time.sleeps) == 3:  # the network comes back during the third wait
            await gate.open()

    with caplog.at_level(logging.INFO, logger="bot.startup"):
        await wait_for_bot_api(settings, api_url(settings), sleep=sleep, clock=time.clock)
    assert time.sleeps == [1, 2, 4]
    assert [c.method for c in fake.calls()] == ["getMe"]  # reached once, when up
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 3  # one line per failed attempt, no traceback
    assert all(f"cannot reach TELEGRAM_BASE_URL {settings.base_url}" in w for w in warnings)
    assert "retrying in 4 s (attempt 3)" in warnings[-1]
    assert not any(r.exc_info for r in caplog.records)
    assert all(TOKEN not in r.getMessage() for r in caplog.records)
    assert "answered after 4 attempts" in caplog.records[-1].getMessage()


async def test_server_errors_are_retried_too(fake: FakeTelegram) -> None:
    fake.fail("getMe", 502, times=2, description="Bad Gateway")
    time = FakeTime()
    settings = settings_for(fake.port)
    await wait_for_bot_api(settings, api_url(settings), sleep=time.sleep, clock=time.clock)
    assert time.sleeps == [1, 2]
    assert [c.method for c in fake.calls()] == ["getMe"] * 3


async def test_a_bound_gives_up_with_the_last_error(gate: Gate) -> None:
    time = FakeTime()
    settings = settings_for(gate.port, startup_retry_seconds=5)
    with pytest.raises(ApiUnreachableError, match="cannot reach TELEGRAM_BASE_URL"):
        await wait_for_bot_api(settings, api_url(settings), sleep=time.sleep, clock=time.clock)
    # waited 1 + 2 = 3 s; the next wait (4 s) would pass the 5 s bound
    assert time.sleeps == [1, 2]


async def test_a_zero_bound_tries_once(gate: Gate) -> None:
    time = FakeTime()
    settings = settings_for(gate.port, startup_retry_seconds=0)
    with pytest.raises(ApiUnreachableError):
        await wait_for_bot_api(settings, api_url(settings), sleep=time.sleep, clock=time.clock)
    assert time.sleeps == []


async def test_a_rejected_token_is_never_retried(fake: FakeTelegram) -> None:
    fake.fail("getMe", 401, description="Unauthorized", times=None)
    time = FakeTime()
    settings = settings_for(fake.port)
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN rejected"):
        await wait_for_bot_api(settings, api_url(settings), sleep=time.sleep, clock=time.clock)
    assert time.sleeps == []
    assert len(fake.calls("getMe")) == 1


async def test_a_base_url_whose_getme_is_404_is_named_and_never_retried(
    fake: FakeTelegram,
) -> None:
    fake.fail("getMe", 404, description="Not Found", times=None)
    time = FakeTime()
    settings = settings_for(fake.port)
    with pytest.raises(ConfigError, match=r"TELEGRAM_BASE_URL .* answered 404 Not Found to getMe"):
        await wait_for_bot_api(settings, api_url(settings), sleep=time.sleep, clock=time.clock)
    assert time.sleeps == []
    assert len(fake.calls("getMe")) == 1
