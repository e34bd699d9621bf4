"""Property tests: any Unicode in, a digest or the one documented error out."""

from __future__ import annotations

import contextlib
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summarizer import SummarizerError, summarize


def _flat(text: str) -> str:
    """Verbatim means: equal once whitespace and invisible control marks are set aside."""
    return "".join(
        ch for ch in text if not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf")
    )


zh_chars = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
article_like = st.lists(
    st.one_of(
        st.text(zh_chars, min_size=1, max_size=30),
        st.sampled_from(["。", "！", "？", "；", "\n", "，", " ", ". ", "5G", "Q3", "60%", "#"]),
        st.text(st.characters(min_codepoint=0x41, max_codepoint=0x7A), max_size=12),
    ),
    max_size=60,
).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_arbitrary_unicode_never_crashes(text: str) -> None:
    try:
        d = summarize(text)
    except SummarizerError:
        return
    flat = _flat(text)
    for part in (*d.sentences, *d.key_points):
        assert _flat(part) in flat


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(article_like)
def test_article_like_text_gives_verbatim_sentences(text: str) -> None:
    try:
        d = summarize(text)
    except SummarizerError:
        return
    flat = _flat(text)
    assert d.sentences or d.title or d.key_points
    for part in (*d.sentences, *d.key_points):
        assert _flat(part) in flat
    if d.title:
        assert _flat(d.title) in flat


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=300))
def test_bytes_never_crash(data: bytes) -> None:
    with contextlib.suppress(SummarizerError):
        summarize(data)
