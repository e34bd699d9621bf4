"""The daily digest's messages: heading, platform groups, merged counts, links, splitting."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.render import MAX_MESSAGE_LENGTH, telegram_length
from bot.render_daily import (
    GIST_MAX,
    format_date,
    render_daily,
    render_empty_day,
    render_roll_up,
)
from summarizer import Digest
from summarizer.compose import DailyDigest, DailyItem, Entry, Group, compose
from tests.fakes.telegram_html import parse_html, utf16_length

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


# --- one absurd stored article must never block a chat's digest ------------------------


def _stored(title: str, key: str = "1") -> DailyItem:
    """An article as the bot stores it, its title as given (the summarizer's gist keeps it)."""
    d = Digest(title=title, sentences=("星河云今天发布了新的排班助手。",), tags=("DingTalk",))
    return DailyItem(
        key=key,
        digest=d,
        text=title,
        received_at=datetime(2025, 5, 3, 9, tzinfo=UTC),
        link=f"https://t.me/c/42/{key}",
    )


@pytest.mark.parametrize(
    "title",
    ["😀" * 2100, "★" * 4200, "a" * 4200, "&<" * 2100, "\ud83d" * 4200],
    ids=["emoji", "stars", "one-word", "escaped", "lone-surrogates"],
)
def test_an_over_long_title_is_clipped_and_the_digest_delivered(title: str) -> None:
    composed = compose([_stored(title), _stored("钉钉开放平台更新", "2")])
    for parts in (render_daily(composed, DAY, "en"), render_roll_up(composed, 24, "zh-Hans")):
        assert len(parts) == 1  # one short message, as any two stories make
        [message] = parts
        message.encode("utf-8")  # lone surrogates were replaced
        plain = parse_html(message)
        assert telegram_length(message) == utf16_length(plain) <= MAX_MESSAGE_LENGTH
        [long_line] = [ln for ln in plain.splitlines() if ln.startswith("• ") and "…" in ln]
        assert utf16_length(long_line) <= GIST_MAX + 2
        assert "钉钉开放平台更新" in plain


def test_a_line_is_clipped_to_fit_even_a_small_limit() -> None:
    d = digest(Group("D" * 500, (entry("甲" * 1000, 3, ("https://t.me/c/1/1",) * 3),)))
    [*parts] = render_daily(d, DAY, "en", limit=120)
    for part in parts:
        assert telegram_length(part) <= 120
        parse_html(part)
    assert "×3" in parts[-1] and "甲…" in parts[-1]
    assert "#" + "D" * 64 + " · 3" in parts[-1]


# any code point, lone surrogates included (plain st.text() leaves them out)
_any = st.text(st.characters(exclude_categories=()), max_size=600)
_entries = st.builds(
    Entry,
    gist=_any,
    count=st.integers(1, 5),
    links=st.lists(st.text(max_size=80) | st.just("https://t.me/c/42/7"), max_size=5).map(tuple),
    keys=st.just(("k",)),
    score=st.just(1.0),
)
_groups = st.builds(
    Group,
    tag=st.none() | st.text(max_size=300),
    entries=st.lists(_entries, min_size=1, max_size=12).map(tuple),
)


# 60, not 120: an example is dear to draw (up to 60 lines of 600 code points, ~10 ms), and
# the first 60 meet every case 120 do (every digest split into parts among them; clipped
# lines, small limits, lone surrogates, roll-ups): 120 drew more of the same.
@settings(max_examples=60, deadline=None)
@given(
    groups=st.lists(_groups, min_size=1, max_size=5),
    omitted=st.integers(0, 3),
    lang=st.sampled_from(["zh-Hans", "zh-Hant", "en"]),
    limit=st.sampled_from([MAX_MESSAGE_LENGTH]) | st.integers(150, MAX_MESSAGE_LENGTH),
    roll_up=st.booleans(),
)
def test_any_daily_digest_renders_to_valid_parts_within_the_limit(
    groups: list[Group], omitted: int, lang: str, limit: int, roll_up: bool
) -> None:
    d = digest(*groups, omitted=omitted)
    if roll_up:
        parts = render_roll_up(d, 24, lang, limit=limit)  # type: ignore[arg-type]
    else:
        parts = render_daily(d, DAY, lang, limit=limit)  # type: ignore[arg-type]
    bullets = 0
    for part in parts:
        part.encode("utf-8")
        plain = parse_html(part)
        assert telegram_length(part) == utf16_length(plain) <= limit
        bullets += sum(ln.startswith("• ") for ln in part.split("\n"))
    assert bullets == len(d.entries)  # every story has its line
