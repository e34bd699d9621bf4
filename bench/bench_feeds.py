"""Feed polling at scale: one round's wall time, items digested per second, peak RSS.

Drives the real :class:`bot.feeds.poller.FeedPoller` over real SQLite storage
(no Telegram: the poller needs none) against generated feeds served by
``tests/fakes/feed_server.py`` in its own process, so the peak RSS reported
is the poller's process alone.  Each feed holds 20 article-length items
(their content is the text: no item pages are fetched); ``--new`` new items
appear in every feed per round.  The rounds:

1. priming: every feed's first fetch (its items are two days old: none is new);
2. not modified: every feed answers 304 to its ``If-None-Match``;
3. new items: ``feeds × new`` items fetched, digested and stored.

The poller's clock is moved past ``poll_seconds`` between rounds so every
feed is due in each (a real deployment spreads them over the interval).

    .venv/bin/python bench/bench_feeds.py                # 5 000 feeds (the issue's numbers)
    .venv/bin/python bench/bench_feeds.py --feeds 200    # a quick run
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.feeds.jobs import feed_fetcher  # noqa: E402
from bot.feeds.poller import FeedPoller, RoundStats  # noqa: E402
from bot.links import LinkReader  # noqa: E402
from bot.messages import UiLanguage  # noqa: E402
from bot.storage import Storage, StoredFeed, utc_now  # noqa: E402
from bot.summaries import Summaries  # noqa: E402
from summarizer import summarize  # noqa: E402
from tests.fakes.feed_server import article_text  # noqa: E402

__all__ = ["main"]


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


class _Clock:
    """The poller's now: real time plus however far the benchmark has moved it."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return utc_now() + self.offset


async def _no_notice(chat_id: int, lang: UiLanguage, feed: StoredFeed) -> bool:
    return False


def _serve(feeds: int, items: int, new: int) -> tuple[subprocess.Popen[str], int]:
    command = [sys.executable, "-m", "tests.fakes.feed_server", "--synthetic", str(feeds)]
    command.extend(["--items", str(items), "--new", str(new)])
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    return server, int(server.stdout.readline())


async def _round(name: str, poller: FeedPoller, clock: _Clock, seconds: float) -> RoundStats:
    # every feed is due again (a first poll lands up to one interval later than the next)
    clock.offset += timedelta(seconds=2 * seconds + 2)
    started = time.perf_counter()
    stats = await poller.run_round()
    wall = time.perf_counter() - started
    rate = stats.articles / wall if wall else 0.0
    print(
        f"{name:<14} {wall:8.1f} s  feeds {stats.feeds:>6}  200 {stats.fetched:>6}  "
        f"304 {stats.not_modified:>6}  failed {stats.failed:>4}  new items {stats.new_items:>6}  "
        f"articles {stats.articles:>6} ({rate:6.1f}/s)  pages {stats.pages}  "
        f"peak RSS {_peak_rss_mb():6.0f} MB",
        flush=True,
    )
    return stats


async def run(args: argparse.Namespace) -> None:
    server, port = _serve(args.feeds, args.items, args.new)
    base = f"http://127.0.0.1:{port}"
    try:
        with tempfile.TemporaryDirectory(prefix="bench-feeds-") as tmp:
            storage = await Storage.connect(Path(tmp) / "bench.sqlite3")
            links = LinkReader(allow_private=True)
            await links.open()
            try:
                started = time.perf_counter()
                for i in range(args.feeds):
                    await storage.follow_feed(
                        1 + i % args.chats, f"{base}/s/{i}", title=None, site_url=None,
                        limit=10_000,
                    )  # fmt: skip
                print(
                    f"{args.feeds} feeds followed by {min(args.chats, args.feeds)} chats in "
                    f"{time.perf_counter() - started:.1f} s; peak RSS {_peak_rss_mb():.0f} MB",
                    flush=True,
                )
                await asyncio.to_thread(summarize, article_text(0, 0)[1])  # load the dictionaries
                clock = _Clock()
                poller = FeedPoller(
                    storage,
                    fetch=feed_fetcher(lambda: links.client, allow_private=True),
                    read_page=links.read,
                    digester=Summaries(storage),
                    notifier=_no_notice,
                    clock=clock,
                    poll_seconds=args.poll_seconds,
                    fetch_concurrency=args.concurrency,
                )
                await _round("priming", poller, clock, 0)
                await _round("not modified", poller, clock, args.poll_seconds)
                for _ in range(args.rounds):
                    urllib.request.urlopen(urllib.request.Request(f"{base}/_advance", b""))
                    await _round("new items", poller, clock, args.poll_seconds)
            finally:
                await links.close()
                await storage.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=5000)
    parser.add_argument("--items", type=int, default=20, help="items per feed")
    parser.add_argument("--new", type=int, default=2, help="new items per feed per round")
    parser.add_argument("--chats", type=int, default=1000, help="chats the feeds spread over")
    parser.add_argument("--rounds", type=int, default=1, help="rounds with new items")
    parser.add_argument("--poll-seconds", type=int, default=900)
    parser.add_argument("--concurrency", type=int, default=4, help="FEED_FETCH_CONCURRENCY")
    asyncio.run(run(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
