"""Fuzzing: hostile Unicode in, a digest or the one documented error out.

Inputs mix lone surrogates, control and zero-width characters, RTL text and
marks, emoji sequences, HTML fragments, list markers and article-shaped
Chinese and English, sometimes repeated into one long line.  Whatever comes
in, ``summarize`` and ``compose`` raise nothing but :class:`SummarizerError`,
quote only text that is in the (normalised) input, and never say more than
the input did.  ``bench/fuzz.py`` runs the same checks over 100 000 inputs.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summarizer import SummarizerError, summarize
from summarizer.compose import DailyItem, compose
from summarizer.digest import Digest, Stats
from summarizer.html import html_to_text, looks_like_html
from summarizer.text import (
    content_length,
    normalize_input,
    scrub_surrogates,
    to_simplified,
    to_simplified_many,
)


def _flat(text: str) -> str:
    """Verbatim means: equal once whitespace and invisible control marks are set aside."""
    return "".join(
        ch for ch in text if not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf")
    )


_ODD = [
    "\ud800", "\udfff", "\udc00\ud800", "\ud83d", "\x00", "\x07", "\x7f", "\x1b[0m", "\u200b",
    "\u200d", "\ufeff", "\u00ad", "\u202e", "\u200f", "\u2066", "\u2028", "\u2029", "\r", "\t",
    "\u3000", "\u00a0", "\x85", "\ufffd", "\U0001f600", "\U0001f468\u200d\U0001f469",
    "\U0001f1e8\U0001f1f3", "\u0301", "\ue000", "\U0010ffff",
]  # fmt: skip
_TEXTY = [
    "公司三季度营收同比增长12%。", "管理层表示将继续投入研发；", "主要由于1）新品推迟；",
    "2）成本上升。", "這次更新有哪些亮點？", "Revenue rose 3.5% in the U.S. market. ",
    "Mr. Smith said so. ", "e.g. ", "What does it mean?", "1. ", "2. ", "（3）", "一是", "• ", "- ",
    "：", "；", "。", "…", "\n", "\n\n",
    "مرحبا بالعالم. ", "שלום עולם. ", "Привет. ", "5G", "Q3", "#钉钉#", "https://example.com/x",
]  # fmt: skip
_HTML = [
    "<p>", "</p>", "<br>", "<div>", "</div>", "<span>", "</span>", "<a href='x'>", "</a>",
    "<script>x='</p>'</script>", "<!-- c -->", "&amp;", "&#xd800;", "&#0;", "<pre>", "</pre>",
    "<li>", "</li>", "<h2>", "</h2>", "<!DOCTYPE html>", "<", ">",
]  # fmt: skip

fragment = st.one_of(
    st.sampled_from(_ODD),
    st.sampled_from(_TEXTY),
    st.sampled_from(_HTML),
    st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=20),
    st.text(st.characters(exclude_categories=()), max_size=8),  # any code point, surrogates too
)
soup = st.lists(fragment, max_size=40).map("".join)
long_line = st.builds(
    lambda piece, n: piece * n,
    st.lists(fragment, min_size=1, max_size=4).map("".join),
    st.integers(min_value=200, max_value=4000),
)
_MARKERS = re.compile(r"(?:\s*(?:[0-9]{1,2}[.)]|（3）|[•-]|十、|一是))+\s*")
list_shaped = st.lists(
    st.tuples(st.sampled_from(["1. ", "2) ", "（3）", "• ", "- ", "十、", ""]), soup),
    min_size=1,
    max_size=12,
).map(lambda rows: "\n".join(m + t for m, t in rows))


def _check_digest(text: str, **kwargs: object) -> Digest | None:
    try:
        d = summarize(text, **kwargs)  # type: ignore[arg-type]
    except SummarizerError:
        return None
    clean = normalize_input(text)  # summarize accepted it, so normalising does too
    sources = {_flat(clean)}
    if looks_like_html(clean):
        sources.add(_flat(html_to_text(clean)))
    for part in (*d.sentences, *d.key_points):
        assert "\ud800" not in part
        part.encode("utf-8")  # no lone surrogate survives
        assert any(_flat(part) in src for src in sources), part
    quoted = sum(len(s) for s in d.sentences) + sum(len(p) for p in d.key_points)
    assert quoted <= len(clean)
    assert d.stats.digest_chars <= d.stats.input_chars
    if d.title is not None:
        d.title.encode("utf-8")
    for tag in d.tags:
        tag.encode("utf-8")
    return d


def _fast(n: int) -> settings:
    return settings(max_examples=n, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_fast(150)
@given(soup)
def test_hostile_unicode_gives_a_verbatim_digest_or_a_summarizer_error(text: str) -> None:
    _check_digest(text)


@_fast(60)
@given(list_shaped)
def test_list_shaped_text_never_quotes_a_bare_list_number(text: str) -> None:
    d = _check_digest(text)
    if d is None:
        return
    lines = normalize_input(text).split("\n")
    if not any(content_length(_MARKERS.sub("", ln)) for ln in lines):
        return  # nothing but markers: echoing them is all one can do
    for s in d.sentences:
        assert not _MARKERS.fullmatch(s), s


@_fast(12)
@given(long_line)
def test_long_single_lines_are_handled(text: str) -> None:
    _check_digest(text)


@_fast(40)
@given(soup, st.one_of(st.none(), soup), st.integers(-2, 6), st.integers(-5, 300))
def test_hostile_options_are_handled(
    text: str, title: str | None, max_sentences: int, max_length: int
) -> None:
    _check_digest(text, title=title, max_sentences=max_sentences, max_length=max_length)


_BASE = datetime(2026, 1, 1, tzinfo=UTC)


@_fast(40)
@given(
    st.lists(st.tuples(soup, st.one_of(st.none(), soup), st.lists(soup, max_size=2)), max_size=8),
    st.lists(soup, max_size=3),
    st.one_of(st.none(), st.integers(-1, 5)),
)
def test_compose_handles_hostile_items_and_filters(
    rows: list[tuple[str, str | None, list[str]]], filters: list[str], max_items: int | None
) -> None:
    items = []
    for k, (text, title, sentences) in enumerate(rows):
        digest = Digest(title, tuple(sentences), stats=Stats(len(text), 0, 0, 0, 0.0))
        items.append(DailyItem(str(k), digest, text, _BASE + timedelta(minutes=k)))
    if rows:  # a digest the summarizer made, for a realistic item too
        try:
            made = summarize(rows[0][0])
        except SummarizerError:
            pass
        else:
            items.append(DailyItem("made", made, rows[0][0], _BASE))
    daily = compose(items, filters=filters, max_items=max_items)
    by_key = {it.key: it for it in items}
    for entry in daily.entries:
        sources = []
        for key in entry.keys:
            d = by_key[key].digest
            sources.append(_flat(d.title or (d.sentences[0] if d.sentences else "")))
        assert any(_flat(entry.gist.removesuffix("…")) in src for src in sources)


@_fast(100)
@given(st.text(st.characters(exclude_categories=()), max_size=60))
def test_normalized_input_never_holds_a_surrogate(text: str) -> None:
    try:
        clean = normalize_input(text)
    except SummarizerError:
        return
    clean.encode("utf-8")
    assert not any("\ud800" <= ch <= "\udfff" for ch in clean)


def test_surrogates_pairs_join_and_lone_ones_become_replacement_characters() -> None:
    assert scrub_surrogates("a\ud83d\ude00b") == "a\U0001f600b"
    assert scrub_surrogates("a\ud800b\udc00") == "a\ufffdb\ufffd"
    assert scrub_surrogates("plain") == "plain"


def test_lone_surrogate_in_traditional_text_reaches_no_converter() -> None:
    text = "這是一篇關於\ud800軟體更新的報導，使用者可以下載新版本。" * 3
    d = summarize(text)
    assert d.language == "zh-Hant"
    assert all("\ufffd" in s or "\ud800" not in s for s in d.sentences)
    assert to_simplified("軟體\ud800") == "软件\ufffd"


@pytest.mark.parametrize("text", ["軟體\x00更新", "軟體\ud800\x00\n視訊"])
def test_simplified_view_keeps_text_after_nul_and_line_count(text: str) -> None:
    out = to_simplified(text)
    assert "更新" in out or "视频" in out
    assert len(to_simplified_many([text, "視訊"])) == 2
