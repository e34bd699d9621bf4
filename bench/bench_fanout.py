"""Daily-digest fan-out: N chats subscribed for the same minute; time to the last digest sent.

Every chat shared one article (stored the way the bot stores it) and
subscribed for the same UTC minute, a little ahead of the real clock.  Bot
instances are child processes (this file with ``--instance``), each the real
application of :func:`bot.app.build_application` with Telegram's rate limits
lifted, polling the fake Bot API (``tests/fakes/telegram_server.py``) that
this process serves; the fake's own process does nothing else, so it steals
no CPU from the bots.  Two set-ups:

- ``sqlite``: one instance on a SQLite file on disk (the embedded default);
- ``postgresql``: two instances on one PostgreSQL database, the throw-away
  server of the tests (:mod:`tests.pg`: ``initdb``/``pg_ctl``, ``fsync=off``).

Measured from the subscribed minute (wall clock) to the last ``sendMessage``
the fake answered; then, after 3 s without a new message, each chat's count
of digests (exactly one is right) and the deliveries' statuses in the database.

    .venv/bin/python bench/bench_fanout.py                   # 10 000 chats, both set-ups
    .venv/bin/python bench/bench_fanout.py --chats 500 --setup sqlite
    .venv/bin/python bench/bench_fanout.py --setup sqlite --sqlite-dir /dev/shm   # no fsync
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.storage import Storage  # noqa: E402
from bot.summaries import text_hash  # noqa: E402
from summarizer import summarize  # noqa: E402
from tests.fakes.telegram_server import TOKEN, FakeTelegram  # noqa: E402

__all__ = ["main"]

FIRST_CHAT = 2_000_000
#: Seconds without a new digest after which the run is over (to count repeats).
QUIET = 3.0
#: Seconds without any new digest, some chats still waiting, after which the run gives up.
STALL = 60.0
#: Concurrent seeding calls (PostgreSQL has a pool; SQLite serializes them anyway).
SEED_BATCH = 50

ARTICLE = """Harbor Lights opens a second cold-storage depot
Harbor Lights, a regional food distributor, said on Monday that it had opened a second
cold-storage depot near the river port, doubling the space it can offer to local growers.
The depot cost 40 million dollars and holds 12,000 pallets, the company said.
Its chief executive said demand from supermarkets had grown faster than expected this year.
The company plans to hire 150 workers by the spring and to add electric trucks next year.
Analysts said the move would help the distributor win contracts from larger chains.
"""


# --- an instance (child process) ------------------------------------------------------


async def _instance() -> None:
    """One bot, settings from the environment, unthrottled; prints "ready" once started."""
    from telegram.ext import AIORateLimiter

    from bot.app import MAX_RETRIES, build_application, running
    from bot.config import load_settings
    from bot.logs import setup_logging

    settings = load_settings(dotenv_path=None)
    setup_logging(settings.log_level, settings.secrets)
    unthrottled = AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=MAX_RETRIES)
    app = build_application(settings, rate_limiter=unthrottled)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    async with running(app, poll_timeout=1):
        print("ready", flush=True)
        await stop.wait()


# --- the benchmark ----------------------------------------------------------------------


async def _seed(target: str | Path, chats: list[int], at: datetime) -> None:
    """Each chat: known, one stored article from 5 minutes ago, subscribed for ``at`` (UTC)."""
    digest = summarize(ARTICLE)
    now = datetime.now(UTC)
    store = await Storage.connect(target)

    async def one(chat_id: int) -> None:
        await store.upsert_chat(chat_id, "private", language="en")
        await store.add_article(
            chat_id=chat_id,
            message_id=1,
            text_hash=text_hash(ARTICLE),
            text=ARTICLE,
            digest=digest,
            source="private",
            created_at=now - timedelta(minutes=5),
        )
        await store.set_subscription(
            chat_id, hour=at.hour, minute=at.minute, timezone="UTC", now=now
        )

    try:
        for i in range(0, len(chats), SEED_BATCH):
            await asyncio.gather(*(one(c) for c in chats[i : i + SEED_BATCH]))
    finally:
        await store.close()


async def _statuses(target: str | Path, chats: list[int]) -> Counter[str]:
    store = await Storage.connect(target)
    try:
        rows = await store.db.fetchall(
            "SELECT status FROM deliveries WHERE chat_id >= ? AND chat_id < ?",
            (chats[0], chats[-1] + 1),
        )
    finally:
        await store.close()
    return Counter(str(r[0]) for r in rows)


def _start_instance(fake: FakeTelegram, target: str | Path, log: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_BASE_URL=fake.base_url,
        TELEGRAM_BASE_FILE_URL=fake.base_file_url,
        DEFAULT_TIMEZONE="UTC",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
    )
    if isinstance(target, Path):
        env["DATABASE_PATH"] = str(target)
    else:
        env["DATABASE_URL"] = target
    with log.open("a") as err:
        return subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--instance"],
            cwd=log.parent,
            env=env,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )


def _wait_ready(procs: list[subprocess.Popen[str]], log: Path) -> None:
    for proc in procs:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if line.strip() != "ready":
            raise SystemExit(f"an instance did not start; its log:\n{log.read_text()[-3000:]}")


async def _measure(
    setup: str, target: str | Path, instances: int, chats: int, lead: float, work: Path
) -> dict[str, float | str]:
    ids = list(range(FIRST_CHAT, FIRST_CHAT + chats))
    with FakeTelegram() as fake:
        for chat_id in ids:
            fake.chat(chat_id)
        # the minute: the first whole minute at least `lead` seconds ahead
        at = (datetime.now(UTC) + timedelta(seconds=lead)).replace(second=0, microsecond=0)
        at += timedelta(minutes=1)
        seeding = time.monotonic()
        await _seed(target, ids, at)
        seeded = time.monotonic() - seeding
        log = work / f"{setup}.log"
        procs = [_start_instance(fake, target, log) for _ in range(instances)]
        try:
            await asyncio.to_thread(_wait_ready, procs, log)
            left = at.timestamp() - time.time()
            if left <= 0:
                raise SystemExit(f"start-up took past the minute: rerun with --lead > {lead:.0f}")
            # the subscribed minute on the fake's clock (it records time.monotonic())
            minute = time.monotonic() + left
            ours = set(ids)

            def count() -> int:
                return sum(1 for c in fake.sent() if c.chat_id in ours)

            await asyncio.sleep(max(0.0, minute - time.monotonic()))
            # until every chat has its digest and QUIET s pass without another (repeats
            # would show up then), or STALL s pass without any new digest (some never came)
            last, seen = time.monotonic(), count()
            while time.monotonic() - last < (QUIET if seen >= chats else STALL):
                await asyncio.sleep(0.2)
                if (now_seen := count()) != seen:
                    last, seen = time.monotonic(), now_seen
        finally:
            for proc in procs:
                proc.send_signal(signal.SIGTERM)
            for proc in procs:
                try:
                    proc.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    proc.kill()
        sent = [c for c in fake.sent() if c.chat_id in ours]
        failed = [c for c in fake.calls("sendMessage") if c.chat_id in ours and not c.ok]
    per_chat = Counter(c.chat_id for c in sent)
    times = sorted(c.at - minute for c in sent) or [float("nan")]
    statuses = await _statuses(target, ids)
    return {
        "setup": setup,
        "instances": float(instances),
        "chats": float(chats),
        "seed_s": seeded,
        "first_s": times[0],
        "p50_s": times[len(times) // 2],
        "last_s": times[-1],
        "digests_per_s": len(sent) / max(times[-1], 1e-9),
        "exactly_one": float(sum(1 for c in ids if per_chat[c] == 1)),
        "none": float(sum(1 for c in ids if per_chat[c] == 0)),
        "more_than_one": float(sum(1 for c in ids if per_chat[c] > 1)),
        "failed_calls": float(len(failed)),
        "statuses": ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())),
    }


@contextmanager
def _postgres(work: Path) -> Iterator[str]:
    """A fresh database on a throw-away server, started and stopped as the tests do."""
    from tests import pg

    directory = work / "pg"
    directory.mkdir()
    os.chmod(work, 0o755)
    os.chmod(directory, 0o755)
    saved = os.environ.get(pg.DIR_VARIABLE)
    os.environ[pg.DIR_VARIABLE] = str(directory)
    try:
        cluster = pg.shared_cluster()
        with pg.fresh_database(cluster) as url:
            yield url
    finally:
        pg._stop(directory)
        if saved is None:
            os.environ.pop(pg.DIR_VARIABLE, None)
        else:
            os.environ[pg.DIR_VARIABLE] = saved


def _report(r: dict[str, float | str]) -> None:
    print(
        f"{r['setup']:<11} {int(r['instances']):>2} {int(r['chats']):>6} {r['seed_s']:>7.1f} "
        f"{r['first_s']:>7.2f} {r['p50_s']:>7.2f} {r['last_s']:>7.2f} "
        f"{r['digests_per_s']:>7.0f} {int(r['exactly_one']):>6} {int(r['none']):>5} "
        f"{int(r['more_than_one']):>5} {int(r['failed_calls']):>5}  {r['statuses']}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--chats", type=int, default=10_000)
    parser.add_argument("--setup", choices=["both", "sqlite", "postgresql"], default="both")
    parser.add_argument(
        "--lead",
        type=float,
        default=None,
        help="seconds from seeding's end to the minute at least (default: grows with --chats)",
    )
    parser.add_argument(
        "--sqlite-dir",
        type=Path,
        default=None,
        help="where the SQLite file goes (default: the temp directory, on disk; /dev/shm: "
        "no fsync cost, like the PostgreSQL server's fsync=off)",
    )
    parser.add_argument("--instance", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.instance:
        asyncio.run(_instance())
        return 0
    if args.chats < 1:
        parser.error("--chats must be at least 1")
    # the minute is chosen before seeding (the subscriptions name it), so the lead covers
    # seeding (3 commits a chat) and the instances' start-up
    lead = args.lead if args.lead is not None else 20 + args.chats * 0.012
    setups = ["sqlite", "postgresql"] if args.setup == "both" else [args.setup]
    print(
        f"{args.chats} chats subscribed for one minute; seconds from that minute (rate limiter off)"
    )
    print(
        f"{'setup':<11} {'n':>2} {'chats':>6} {'seed s':>7} {'first':>7} {'p50':>7} "
        f"{'last':>7} {'msg/s':>7} {'once':>6} {'none':>5} {'twice':>5} {'fail':>5}  deliveries"
    )
    for setup in setups:
        where = args.sqlite_dir if setup == "sqlite" else None
        with tempfile.TemporaryDirectory(prefix="zhaiyao-fanout-", dir=where) as tmp:
            work = Path(tmp)
            if setup == "sqlite":
                result = asyncio.run(
                    _measure(setup, work / "bot.sqlite3", 1, args.chats, lead, work)
                )
            else:
                with _postgres(work) as url:
                    result = asyncio.run(_measure(setup, url, 2, args.chats, lead, work))
        _report(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
