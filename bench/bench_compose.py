"""Time ``compose`` on a synthetic day of 500 articles (not a test: prints only).

Articles are stitched from a small phrase bank, so unrelated stories share
many shingles (the hard case for the inverted index), with exact forwards and
sentence-shuffled rewrites mixed in.  Run: ``.venv/bin/python bench/bench_compose.py``.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta

from summarizer.compose import DailyItem, compose
from summarizer.digest import Digest, Stats

__all__ = ["main", "synthetic_day"]

PLATFORMS = ["钉钉", "飞书", "企业微信", "微信支付", "支付宝", "抖音", "淘宝", "京东"]
TAGS = {
    "钉钉": "DingTalk",
    "飞书": "Feishu",
    "企业微信": "WeCom",
    "微信支付": "WeChat Pay",
    "支付宝": "Alipay",
    "抖音": "Douyin",
    "淘宝": "Taobao",
    "京东": "JD",
}
PHRASES = [
    "今天宣布",
    "在发布会上表示",
    "面向中小企业",
    "推出新的收费方案",
    "上线智能助理功能",
    "调整商户手续费",
    "开放给全部用户",
    "数据显示",
    "同比增长",
    "分析人士认为",
    "竞争正在加剧",
    "用户规模超过",
    "将于下月起生效",
    "企业管理员可以在后台启用",
    "此举意在降低经营成本",
    "海外版计划明年推出",
    "负责人介绍",
    "已有多家连锁企业接入",
    "大模型调用额度",
    "按量计费",
]
HAN = "业务市场产品平台服务用户企业增长收入成本技术数据合作发布调整开放计划功能系统团队门店"


def _sentence(rng: random.Random, platform: str) -> str:
    parts = [platform, *rng.sample(PHRASES, 3)]
    parts.insert(2, "".join(rng.choice(HAN) for _ in range(rng.randint(4, 10))))
    parts.append(f"{rng.randint(2, 9999)}{rng.choice('万亿家次元个')}")
    return "，".join(parts) + "。"


def _article(rng: random.Random) -> tuple[str, str]:
    platform = rng.choice(PLATFORMS)
    sentences = [_sentence(rng, platform) for _ in range(rng.randint(15, 40))]
    return platform, "\n".join(sentences)


def _item(key: int, platform: str, text: str, at: datetime) -> DailyItem:
    lines = text.split("\n")
    digest = Digest(
        title=lines[0][:30],
        sentences=tuple(lines[:3]),
        tags=(TAGS[platform],),
        stats=Stats(len(text), 0, len(text), 0, 1.0),
    )
    return DailyItem(str(key), digest, text, at, f"https://t.me/c/1/{key}")


def synthetic_day(n: int = 500, seed: int = 7) -> list[DailyItem]:
    rng = random.Random(seed)
    start = datetime(2024, 10, 16, tzinfo=UTC)
    items: list[DailyItem] = []
    stories: list[tuple[str, str]] = []
    for key in range(n):
        at = start + timedelta(minutes=key * 2)
        roll = rng.random()
        if stories and roll < 0.15:  # an exact forward
            platform, text = rng.choice(stories)
        elif stories and roll < 0.25:  # a rewrite: shuffled, a quarter replaced
            platform, original = rng.choice(stories)
            lines = original.split("\n")
            rng.shuffle(lines)
            for i in range(0, len(lines), 4):
                lines[i] = _sentence(rng, platform)
            text = "\n".join(lines)
        else:
            platform, text = _article(rng)
            stories.append((platform, text))
        items.append(_item(key, platform, text, at))
    return items


def main() -> None:
    items = synthetic_day()
    chars = sum(len(it.text) for it in items)
    compose(items[:5])  # warm up OpenCC and regexes
    t0 = time.perf_counter()
    result = compose(items)
    elapsed = time.perf_counter() - t0
    print(
        f"compose: {len(items)} items, {chars} chars -> {len(result.entries)} entries "
        f"({result.merged} merged) in {elapsed:.3f}s"
    )
    t0 = time.perf_counter()
    compose(items, filters=["钉钉", "#Feishu"])
    print(f"compose with filters: {time.perf_counter() - t0:.3f}s")


if __name__ == "__main__":
    main()
