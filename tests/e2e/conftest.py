"""End-to-end fixtures: the real Application, polling a fake Bot API on 127.0.0.1.

``bot`` runs the application built by :func:`bot.app.build_application`
(only ``base_url`` and the database path differ from production).  A
``Tracker`` handler in the last handler group counts fully processed
updates, so a test can wait for "the bot has handled everything" instead of
sleeping, and so prove silence.
"""

from __future__ import annotations

import dataclasses
import functools
import ssl
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx._transports.default as httpx_transports
import pytest
from telegram import Update
from telegram.ext import TypeHandler

from bot.app import build_application, running
from bot.config import Settings
from bot.services import Services
from tests.e2e.bot_process import BotProcess
from tests.fakes.article_server import ArticleServer
from tests.fakes.telegram_server import TOKEN, FakeTelegram

#: Long-poll timeout for tests: short, so nothing waits long on shutdown.
POLL_TIMEOUT = 1
#: Split-forward window for tests: small, yet far above local update latency.
MERGE_SECONDS = 0.4
#: The most any single step may take before a test fails.
WAIT = 15.0

AnyApp = Any


class Tracker:
    """Counts updates whose handlers have all finished (runs in the last handler group)."""

    GROUP = 1_000

    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake
        self.done: set[int] = set()

    async def __call__(self, update: Update, context: Any) -> None:
        self.done.add(update.update_id)

    def install(self, app: AnyApp) -> None:
        app.add_handler(TypeHandler(Update, self), group=self.GROUP)

    async def settled(self, *, timeout: float = WAIT) -> None:
        """Until every update pushed so far has been fetched and fully handled."""
        last = self.fake.last_update_id

        def probe() -> bool:
            return self.fake.pending_updates() == 0 and all(
                i in self.done for i in range(1, last + 1)
            )

        await self.fake.wait_for(probe, timeout=timeout, what=f"updates 1..{last} handled")


class Harness:
    """What a test drives: the fake server, the running app and its services."""

    def __init__(self, fake: FakeTelegram, app: AnyApp, tracker: Tracker) -> None:
        self.fake = fake
        self.app = app
        self.tracker = tracker

    @property
    def services(self) -> Services:
        return Services.of(self.app)

    async def settled(self, *, timeout: float = WAIT) -> None:
        await self.tracker.settled(timeout=timeout)


@pytest.fixture(autouse=True, scope="session")
def _one_tls_context() -> Iterator[None]:
    """Every application builds two httpx clients, and each loads the CA bundle into a new
    TLS context (0.1-0.3 s, most of a test's start-up).  Here they share one per
    ``trust_env``: the same verifying context, loaded once (it is never used: the fake
    speaks plain HTTP).  httpx is pinned <1; this fails loudly if its internals move."""
    original = httpx_transports.create_ssl_context

    @functools.cache
    def default_context(trust_env: bool) -> ssl.SSLContext:
        return original(verify=True, cert=None, trust_env=trust_env)

    def create_ssl_context(
        verify: ssl.SSLContext | str | bool = True, cert: Any = None, trust_env: bool = True
    ) -> ssl.SSLContext:
        if verify is True and cert is None:
            return default_context(trust_env)
        return original(verify=verify, cert=cert, trust_env=trust_env)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(httpx_transports, "create_ssl_context", create_ssl_context)
        yield


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server
        bad = [c for c in server.calls("sendMessage") if c.status == 400]
        # whatever else a test checks: the bot never sent Telegram something it rejects
        assert not bad, f"Telegram would have rejected: {[c.response for c in bad]}"


@pytest.fixture
def settings(fake: FakeTelegram, db_dir: Path) -> Settings:
    return Settings(
        token=TOKEN,
        base_url=fake.base_url,
        base_file_url=fake.base_file_url,
        database_path=db_dir / "data" / "bot.sqlite3",
        forward_merge_seconds=MERGE_SECONDS,
        log_level="DEBUG",
    )


class Starter:
    """``async with start(**setting_overrides) as harness``: a fresh application each time."""

    def __init__(self, fake: FakeTelegram, settings: Settings) -> None:
        self.fake = fake
        self.settings = settings

    def __call__(
        self, *, clock: Callable[[], datetime] | None = None, **overrides: Any
    ) -> AbstractAsyncContextManager[Harness]:
        return self._run(dataclasses.replace(self.settings, **overrides), clock)

    def _run(
        self, settings: Settings, clock: Callable[[], datetime] | None = None
    ) -> AbstractAsyncContextManager[Harness]:
        @asynccontextmanager
        async def run() -> AsyncIterator[Harness]:
            app = build_application(settings, clock=clock)
            tracker = Tracker(self.fake)
            tracker.install(app)
            async with running(app, poll_timeout=POLL_TIMEOUT):
                yield Harness(self.fake, app, tracker)

        return run()


@pytest.fixture
def start(fake: FakeTelegram, settings: Settings) -> Starter:
    return Starter(fake, settings)


@pytest.fixture
async def bot(start: Starter) -> AsyncIterator[Harness]:
    async with start() as harness:
        yield harness


@pytest.fixture
def process(tmp_path: Path, db_dir: Path) -> Iterator[BotProcess]:
    """A real ``python -m bot`` child against a fake Bot API; killed if a test leaves it up."""
    with FakeTelegram() as fake:
        bot = BotProcess(fake, tmp_path)
        bot.database = db_dir / "db" / "bot.sqlite3"
        try:
            yield bot
        finally:
            bot.stop()


@pytest.fixture
def site() -> Iterator[ArticleServer]:
    """The small news site on 127.0.0.1 that the link tests read."""
    with ArticleServer() as server:
        yield server
