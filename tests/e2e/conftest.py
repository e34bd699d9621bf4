"""End-to-end fixtures: the real Application, polling a fake Bot API on 127.0.0.1.

``bot`` runs the application built by :func:`bot.app.build_application`
(only ``base_url`` and the database path differ from production).  A
``Tracker`` handler in the last handler group counts fully processed
updates, so a test can wait for "the bot has handled everything" instead of
sleeping, and so prove silence.

Most tests test wiring and need no fresh process state, so a module whose
tests run in one event loop (``pytestmark = pytest.mark.asyncio(loop_scope="module")``)
shares one running bot among them (:func:`shared_bot`): ``bot`` then gives
each test fresh chat ids (``bot.user``, ``bot.group``), the fake forgets what
it recorded, and ``bot.summarized`` counts from zero.  Tests that restart the
bot or change how it starts use ``start`` for an application of their own.

Engines: every bot here stores in SQLite unless its module is marked
``pytest.mark.both_engines``; then each of its tests runs twice, once per
engine (the module-scoped ``engine`` fixture, ``[sqlite]``/``[postgresql]`` in
the test ids), the PostgreSQL run on a fresh database of the test run's
throw-away server (:mod:`tests.pg`).  Each engine gets its own shared bot.
"""

from __future__ import annotations

import dataclasses
import html
import itertools
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, ExitStack, asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from telegram import Update
from telegram.ext import TypeHandler

from bot.app import build_application, running
from bot.config import Settings
from bot.render import MAX_MESSAGE_LENGTH
from bot.services import Services
from reader.guard import Network
from tests.conftest import scratch_dir
from tests.e2e.bot_process import BotProcess
from tests.fakes.article_server import ArticleServer
from tests.fakes.telegram_server import TOKEN, FakeTelegram
from tests.pg import ENGINES, Cluster, clean_database

#: Long-poll timeout for tests: short, so nothing waits long on shutdown.
POLL_TIMEOUT = 1
#: Split-forward window for tests: small, yet far above local update latency.
MERGE_SECONDS = 0.25
#: How often a standby bot tries the leader lock (production: every 2 s).
LEADER_RETRY = 0.25
#: The most any single step may take before a test fails.
WAIT = 15.0

AnyApp = Any


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "both_engines: run the module's bots on SQLite and on PostgreSQL (`engine`)"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A ``both_engines`` module: each test once per engine, one shared bot per engine."""
    if "engine" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_engines"):
        metafunc.parametrize("engine", ENGINES, indirect=True, scope="module")


@pytest.fixture(scope="module")
def engine(request: pytest.FixtureRequest) -> str:
    """The engine a module's bots store in: "sqlite", or each of :data:`ENGINES` in turn in
    a module marked ``both_engines``."""
    return str(getattr(request, "param", "sqlite"))


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


#: Chat ids handed out to tests sharing a bot: far from every id a test writes by hand.
_CHAT_IDS = itertools.count(900_001)


class Harness:
    """What a test drives: the fake server, the running app and its services.

    ``user``, ``other_user`` and ``group`` are chat ids no other test of a shared bot
    has used.
    """

    def __init__(self, fake: FakeTelegram, app: AnyApp, tracker: Tracker) -> None:
        self.fake = fake
        self.app = app
        self.tracker = tracker
        self._summarized_before = 0
        self.next_test()

    @property
    def services(self) -> Services:
        return Services.of(self.app)

    @property
    def summarized(self) -> int:
        """Texts the bot has summarized (not answered from storage) during this test."""
        return self.services.summaries.summarized - self._summarized_before

    def next_test(self) -> None:
        """Fresh chat ids and counters for the next test sharing this bot."""
        n = next(_CHAT_IDS)
        self.user = n
        self.other_user = n + 500_000
        self.group = -1_000_000_000_000 - n
        self._summarized_before = self.services.summaries.summarized

    def unique(self, text: str) -> str:
        """``text`` with a last line no other test sends, so it is summarized afresh.

        The bot reuses a stored digest for the same text in any chat, so on a shared bot a
        test that counts summaries or replaces the summarizer sends its own copy.
        """
        return f"{text.rstrip()}\n(ref {self.user})"

    async def settled(self, *, timeout: float = WAIT) -> None:
        await self.tracker.settled(timeout=timeout)


def title_link(url: str, title: str) -> str:
    """How a digest of a link begins: its title, bold, linking to where the page was read."""
    return f'<b><a href="{html.escape(url, quote=True)}">{title}</a></b>'


def assert_nothing_rejected(fake: FakeTelegram) -> None:
    """Whatever else a test checks: the bot never sent Telegram something it rejects."""
    bad = [c for c in fake.calls("sendMessage") if c.status == 400]
    assert not bad, f"Telegram would have rejected: {[c.response for c in bad]}"


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server
        assert_nothing_rejected(server)


def e2e_settings(
    fake: FakeTelegram, database_dir: Path, database_url: str | None = None
) -> Settings:
    """The settings every end-to-end bot starts from (on PostgreSQL when given its URL)."""
    return Settings(
        token=TOKEN,
        base_url=fake.base_url,
        base_file_url=fake.base_file_url,
        database_path=database_dir / "data" / "bot.sqlite3",
        database_url=database_url,
        forward_merge_seconds=MERGE_SECONDS,
        log_level="DEBUG",
    )


@pytest.fixture
def settings(
    fake: FakeTelegram, db_dir: Path, engine: str, request: pytest.FixtureRequest
) -> Settings:
    """A test's bot settings: SQLite in ``db_dir``, or a fresh PostgreSQL database."""
    url = request.getfixturevalue("postgres_db") if engine == "postgresql" else None
    return e2e_settings(fake, db_dir, url)


class Starter:
    """``async with start(**setting_overrides) as harness``: a fresh application each time."""

    def __init__(self, fake: FakeTelegram, settings: Settings) -> None:
        self.fake = fake
        self.settings = settings

    def __call__(
        self,
        *,
        clock: Callable[[], datetime] | None = None,
        part_limit: int = MAX_MESSAGE_LENGTH,
        network: Network | None = None,
        **overrides: Any,
    ) -> AbstractAsyncContextManager[Harness]:
        """``clock``, ``part_limit`` and ``network`` go to :func:`build_application`;
        the rest are settings."""
        settings = dataclasses.replace(self.settings, **overrides)

        @asynccontextmanager
        async def run() -> AsyncIterator[Harness]:
            app = build_application(settings, clock=clock, part_limit=part_limit, network=network)
            tracker = Tracker(self.fake)
            tracker.install(app)
            # no leader grace: these bots run one at a time (a restart stops the first
            # before the second starts), so no deposed poller can still be polling, and
            # PostgreSQL's 3.5 s a start would double the PostgreSQL half of this suite;
            # ``python -m bot`` children (test_takeover.py) keep the real grace.  A
            # standby (test_standby.py) tries the lock every LEADER_RETRY, not every 2 s
            async with running(
                app, poll_timeout=POLL_TIMEOUT, leader_grace=0.0, leader_retry=LEADER_RETRY
            ):
                yield Harness(self.fake, app, tracker)

        return run()


@pytest.fixture
def start(fake: FakeTelegram, settings: Settings) -> Starter:
    return Starter(fake, settings)


@pytest.fixture
async def own_bot(start: Starter) -> AsyncIterator[Harness]:
    """A running bot for this test alone."""
    async with start() as harness:
        yield harness


@pytest.fixture
def bot(request: pytest.FixtureRequest, engine: str) -> Harness:
    """The running bot: the module's shared one where the module runs in one event loop
    (``pytestmark = pytest.mark.asyncio(loop_scope="module")``), else one of the test's own."""
    marker = request.node.get_closest_marker("asyncio")
    if marker is not None and marker.kwargs.get("loop_scope") == "module":
        return request.getfixturevalue("shared")
    return request.getfixturevalue("own_bot")


@pytest.fixture(scope="module")
def shared_settings() -> dict[str, Any]:
    """Settings a module's shared bot starts with (override in the module)."""
    return {}


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def shared_bot(
    shared_settings: dict[str, Any],
    engine: str,
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Harness]:
    """One running bot and fake Bot API for a whole module (see the module docstring)."""
    with ExitStack() as stack:
        fake = stack.enter_context(FakeTelegram())
        database_dir = stack.enter_context(scratch_dir(tmp_path_factory.mktemp("shared-bot")))
        url = None
        if engine == "postgresql":
            cluster: Cluster = request.getfixturevalue("postgres_cluster")
            url = stack.enter_context(clean_database(cluster))
        starter = Starter(fake, e2e_settings(fake, database_dir, url))
        async with starter(**shared_settings) as harness:
            yield harness


@pytest_asyncio.fixture(loop_scope="module")
async def shared(shared_bot: Harness) -> AsyncIterator[Harness]:
    """The module's bot for one test: fresh chat ids, counters and recordings.

    What a test sets on the shared services (``summarize_fn``, ``typing.after``,
    ``links.timeout``) is put back afterwards.
    """
    svc = shared_bot.services
    saved = (svc.summaries.summarize_fn, svc.typing.after, svc.links.timeout)
    shared_bot.fake.forget()
    shared_bot.next_test()
    try:
        yield shared_bot
        await shared_bot.settled()
        assert_nothing_rejected(shared_bot.fake)
    finally:
        svc.summaries.summarize_fn, svc.typing.after, svc.links.timeout = saved


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
