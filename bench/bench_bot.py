"""Bot throughput and latency against the fake Bot API: replies/s, p50/p95 update → sendMessage.

Runs the real application (``bot.app.build_application``) polling the fake
server from ``tests/fakes``; every chat sends its articles at once, each
article distinct (no storage hits), about ``--chars`` characters long.

    .venv/bin/python bench/bench_bot.py               # 20 chats x 5 articles of ~3000 chars
    .venv/bin/python bench/bench_bot.py --chats 50 --per-chat 2 --lang en
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from telegram.ext import AIORateLimiter  # noqa: E402

from bot.app import MAX_RETRIES, build_application, running  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.services import Services  # noqa: E402
from tests.fakes.telegram_server import TOKEN, FakeTelegram  # noqa: E402

__all__ = ["main", "make_article"]

_ZH_COMPANIES = ["星河云", "远航汽车", "晨光电子", "青禾食品", "北辰物流", "海川银行", "蓝鲸游戏"]
_ZH_SENTENCES = [
    "{c}今天公布第{q}季度业绩，营收达到{n}亿元，同比增长百分之{p}。",
    "公司表示，增长主要来自{r}地区的新客户和老客户的续约。",
    "{c}首席执行官在电话会议上说，明年将把研发投入提高到营收的百分之{p}。",
    "分析人士认为，{c}在价格竞争中守住了利润率，但海外业务仍在亏损。",
    "本季度{c}新增付费客户{n}千家，客户续约率保持在百分之九十以上。",
    "{c}计划在{r}新建两座数据中心，预计总投资{n}亿元。",
    "受原材料价格上涨影响，{c}毛利率较上季度下降了{q}个百分点。",
    "监管部门近日发布新规，要求平台企业加强数据安全管理，{c}表示将全面配合。",
    "{c}的股价在财报发布后上涨百分之{q}，创下近一年新高。",
    "业内人士指出，{r}市场的需求仍在增长，但竞争也越来越激烈。",
]
_EN_COMPANIES = ["Northwind", "Harbor Foods", "Lumen & Co", "Bluefin Games", "Polar Freight"]
_EN_SENTENCES = [
    "{c} reported quarterly revenue of {n} billion dollars, up {p} percent from a year earlier.",
    "The company said growth came mainly from new customers in {r} and renewals.",
    "The chief executive of {c} told analysts that research spending would rise to {p} percent.",
    "Analysts said {c} protected its margins in a price war, though overseas units lost money.",
    "{c} added {n} thousand paying customers this quarter and kept renewals above 90 percent.",
    "{c} plans two new data centers in {r} at a total cost of {n} billion dollars.",
    "Higher material costs cut the gross margin of {c} by {q} points from the last quarter.",
    "Regulators issued new data rules for platforms this week, and {c} said it would comply.",
    "Shares of {c} rose {q} percent after the results, the highest level in a year.",
    "People in the industry say demand in {r} keeps growing, but so does competition.",
]
_REGIONS = ["华南", "华东", "东南亚", "中东", "欧洲"]
_EN_REGIONS = ["Southeast Asia", "Europe", "the Middle East", "Latin America", "Texas"]


def make_article(rng: random.Random, chars: int, lang: str = "zh") -> str:
    """A distinct made-up business article of about ``chars`` characters."""
    zh = lang == "zh" or (lang == "mixed" and rng.random() < 0.5)
    company = rng.choice(_ZH_COMPANIES if zh else _EN_COMPANIES)
    sentences = _ZH_SENTENCES if zh else _EN_SENTENCES
    regions = _REGIONS if zh else _EN_REGIONS
    title = f"{company}发布季度财报" if zh else f"{company} posts quarterly results"
    lines = [title]
    size = len(title)
    while size < chars:
        paragraph = "".join(
            rng.choice(sentences).format(
                c=company,
                q=rng.randint(1, 4),
                n=rng.randint(2, 900),
                p=rng.randint(3, 60),
                r=rng.choice(regions),
            )
            + ("" if zh else " ")
            for _ in range(3)
        ).strip()
        lines.append(paragraph)
        size += len(paragraph) + 1
    return "\n".join(lines)[: chars + 200]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


async def run(
    chats: int, per_chat: int, chars: int, lang: str, seed: int, *, throttled: bool = True
) -> dict[str, float]:
    rng = random.Random(seed)
    with FakeTelegram() as fake, tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            token=TOKEN,
            base_url=fake.base_url,
            base_file_url=fake.base_file_url,
            database_path=Path(tmp) / "bench.sqlite3",
            log_level="WARNING",
        )
        # throttled: Telegram's limits, as deployed (30 requests/s overall);
        # unthrottled: the bot's own capacity, with the same retry-on-429 behaviour
        limiter = (
            None
            if throttled
            else AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=MAX_RETRIES)
        )
        app = build_application(settings, rate_limiter=limiter)
        async with running(app, poll_timeout=1):
            # warm-up (jieba's dictionary loads on first use): not measured
            fake.send(1, make_article(rng, chars, lang))
            await fake.wait_sent(1, timeout=60)

            ids = [10_000 + i for i in range(chats)]
            pushed: dict[tuple[int, int], float] = {}
            started = time.monotonic()
            for _ in range(per_chat):
                for chat in ids:
                    message = fake.send(chat, make_article(rng, chars, lang))
                    pushed[(chat, message["message_id"])] = time.monotonic()
            total = chats * per_chat

            def done() -> bool:
                return sum(len(fake.sent(c)) for c in ids) >= total

            await fake.wait_for(done, timeout=600, what=f"{total} replies")
            replies = [c for c in fake.sent() if c.chat_id in ids]
            latencies = [c.at - pushed[(c.chat_id, c.reply_to or 0)] for c in replies]
            finished = max(c.at for c in replies)
            summarized = Services.of(app).digests.summarized
    wall = finished - started
    return {
        "replies": float(len(replies)),
        "summarized": float(summarized - 1),
        "wall_s": wall,
        "replies_per_s": len(replies) / wall,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p95_ms": percentile(latencies, 95) * 1000,
        "max_ms": max(latencies) * 1000,
        "mean_article_chars": float(chars),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--chats", type=int, default=20)
    parser.add_argument("--per-chat", type=int, default=5)
    parser.add_argument("--chars", type=int, default=3000)
    parser.add_argument("--lang", choices=["zh", "en", "mixed"], default="zh")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--mode",
        choices=["both", "throttled", "unthrottled"],
        default="both",
        help="throttled: Telegram's 30 requests/s, as deployed; unthrottled: the bot's capacity",
    )
    args = parser.parse_args(argv)
    print(
        f"{args.chats} chats x {args.per_chat} articles of ~{args.chars} chars ({args.lang}), "
        "all sent at once; latency = update queued -> sendMessage answered"
    )
    modes = ["throttled", "unthrottled"] if args.mode == "both" else [args.mode]
    print(
        f"{'mode':<12} {'replies':>7} {'wall s':>7} {'replies/s':>9} {'p50 ms':>7} "
        f"{'p95 ms':>7} {'max ms':>7}"
    )
    for mode in modes:
        r = asyncio.run(
            run(
                args.chats,
                args.per_chat,
                args.chars,
                args.lang,
                args.seed,
                throttled=mode == "throttled",
            )
        )
        print(
            f"{mode:<12} {int(r['replies']):>7} {r['wall_s']:>7.2f} {r['replies_per_s']:>9.1f} "
            f"{r['p50_ms']:>7.0f} {r['p95_ms']:>7.0f} {r['max_ms']:>7.0f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
