"""The daily digest's messages: heading, platform groups, merged counts, links, splitting."""

from __future__ import annotations

from datetime import date

import pytest

from bot.render import telegram_length
from bot.render_daily import format_date, render_daily, render_empty_day, render_roll_up
from summarizer.compose import DailyDigest, Entry, Group
from tests.fakes.telegram_html import parse_html

DAY = date(2025, 5, 3)


def entry(gist: str, count: int = 1, links: tuple[str, ...] = (), key: str = "1") -> Entry:
    return Entry(gist=gist, count=count, links=links, keys=(key,), score=1.0)


def digest(*groups: Group, omitted: int = 0) -> DailyDigest:
    return DailyDigest(groups=groups, omitted=omitted)


def test_dates_in_each_language() -> None:
    assert format_date(DAY, "zh-Hans") == "2025年5月3日"
    assert format_date(DAY, "zh-Hant") == "2025年5月3日"
    assert format_date(DAY, "en") == "3 May 2025"
    assert render_empty_day(DAY, "en") == "3 May 2025: no new articles today."


def test_groups_counts_links_and_escaping() -> None:
    d = digest(
        Group(
            "DingTalk",
            (
                entry(
                    "钉钉推出<排班>助手 & 更多", 2, ("https://t.me/desk/5", "https://t.me/desk/9")
                ),
                entry("钉钉开放平台更新"),
            ),
        ),
        Group(None, (entry("Harbor Foods buys Green Valley", 1, ("https://x.cn/a?b=1&c=2",)),)),
    )
    [message] = render_daily(d, DAY, "zh-Hans")
    lines = message.split("\n")
    assert lines[0] == "<b>每日摘要 · 2025年5月3日</b>"
    assert "<b>#DingTalk · 3</b>" in lines
    assert (
        '• <a href="https://t.me/desk/5">钉钉推出&lt;排班&gt;助手 &amp; 更多</a> ×2 '
        '<a href="https://t.me/desk/9">2</a>'
    ) in lines
    assert "• 钉钉开放平台更新" in lines  # no link: plain text
    assert "<b>其他 · 1</b>" in lines
    assert 'href="https://x.cn/a?b=1&amp;c=2"' in message
    parse_html(message)  # Telegram accepts it


def test_an_empty_digest_is_no_message() -> None:
    assert render_daily(DailyDigest(groups=()), DAY, "en") == []
    assert render_roll_up(DailyDigest(groups=()), 24, "en") == []


@pytest.mark.parametrize(
    ("lang", "heading"),
    [
        ("zh-Hans", "<b>过去 24 小时分享的文章</b>"),
        ("zh-Hant", "<b>過去 24 小時分享的文章</b>"),
        ("en", "<b>Shared here in the last 24 hours</b>"),
    ],
)
def test_the_roll_up_is_the_daily_layout_under_its_own_heading(lang: str, heading: str) -> None:
    d = digest(Group("DingTalk", (entry("钉钉推出排班助手", 2, ("https://t.me/desk/5",)),)))
    [message] = render_roll_up(d, 24, lang)  # type: ignore[arg-type]
    [daily] = render_daily(d, DAY, lang)  # type: ignore[arg-type]
    first, *rest = message.split("\n")
    assert first == heading
    assert rest == daily.split("\n")[1:]  # counts, groups and lines exactly as the daily digest


@pytest.mark.parametrize("limit", [120, 300, 4096])
def test_long_digests_split_between_lines_within_the_limit(limit: int) -> None:
    entries = tuple(
        entry(
            f"第{i}条新闻：星河云与晨光电子宣布合作", 1 + i % 2, (f"https://t.me/c/42/{i}",), str(i)
        )
        for i in range(250)
    )
    d = digest(Group("WeChat", entries[:200]), Group(None, entries[200:]), omitted=7)
    parts = render_daily(d, DAY, "en", limit=limit)
    assert len(parts) > 1
    for part in parts:
        assert telegram_length(part) <= limit
        parse_html(part)  # never cut inside a tag or entity
        assert not part.split("\n")[-1].startswith("<b>#")  # a heading never ends a part
    joined = "\n".join(parts)
    for i in range(250):
        assert joined.count(f"第{i}条新闻") == 1  # nothing lost, nothing repeated
    assert parts[0].startswith("<b>Daily digest · 3 May 2025</b>")
    assert sum(p.startswith("<b>Daily digest") for p in parts) == 1
    assert parts[-1].endswith("…and 7 more stories")
    # a continued group repeats its heading
    assert all(p.split("\n")[0].startswith("<b>") for p in parts)
