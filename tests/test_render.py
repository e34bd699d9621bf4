"""Digest → Telegram HTML: escaped, structured, and always within Telegram's limit."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.render import (
    MAX_MESSAGE_LENGTH,
    clean_text,
    message_link,
    render_digest,
    telegram_length,
)
from bot.render import (
    utf16_length as bot_utf16_length,
)
from summarizer import Digest, Stats
from tests.fakes.telegram_html import parse_html, utf16_length

STATS = Stats(
    input_chars=3200, digest_chars=150, input_length=3081, digest_length=142, reading_minutes=7.7
)


def digest(**fields: object) -> Digest:
    base: dict[str, object] = {
        "title": "星河云发布财报",
        "sentences": ("第一句。", "第二句。"),
        "key_points": ("扩大产能", "降低价格"),
        "tags": ("DingTalk", "Alibaba"),
        "language": "zh-Hans",
        "stats": STATS,
    }
    base.update(fields)
    return Digest(**base)  # type: ignore[arg-type]


def test_layout_title_sentences_points_footer_hashtags_last() -> None:
    html = render_digest(digest(), "zh-Hans")
    assert html == (
        "<b>星河云发布财报</b>\n\n"
        "第一句。\n第二句。\n\n"
        "1. 扩大产能\n2. 降低价格\n\n"
        "<i>3081 字 → 142 字 · 约 8 分钟读完</i>\n"
        "#DingTalk #Alibaba"
    )


def test_english_footer_counts_words_and_optional_parts_are_left_out() -> None:
    html = render_digest(
        digest(title=None, key_points=(), tags=(), language="en", sentences=("One.",)), "en"
    )
    assert html == "One.\n\n<i>3081 words → 142 words · 8 min read</i>"


def test_everything_from_the_article_is_escaped() -> None:
    d = digest(
        title='<b>A & B</b> "quoted"',
        sentences=("5 < 6 & 7 > 3; <script>x()</script> &amp;",),
        key_points=("<i>not italic</i>",),
    )
    html = render_digest(d, "en")
    plain = parse_html(html)  # Telegram accepts it…
    assert '<b>A & B</b> "quoted"' in plain  # …and shows the article's text as written
    assert "5 < 6 & 7 > 3; <script>x()</script> &amp;" in plain
    assert "1. <i>not italic</i>" in plain


def test_hashtags_are_single_words() -> None:
    html = render_digest(digest(tags=("Ant Group", "C++", "京东", "Ant-Group", "", "!!")), "en")
    assert html.splitlines()[-1] == "#Ant_Group #C #京东"


def test_too_many_sentences_and_points_are_dropped_from_the_end() -> None:
    sentences = tuple(f"句子{i}" + "长" * 900 for i in range(6))
    points = tuple(f"要点{i}" + "短" * 70 for i in range(8))
    html = render_digest(digest(sentences=sentences, key_points=points), "zh-Hans")
    assert telegram_length(html) <= MAX_MESSAGE_LENGTH
    assert "句子0" in html and "句子5" not in html
    assert "#DingTalk" in html and "字 →" in html  # the frame always survives


def test_one_enormous_sentence_is_clipped_with_an_ellipsis() -> None:
    html = render_digest(digest(sentences=("甲" * 10_000,), key_points=()), "zh-Hans")
    plain = parse_html(html)
    assert utf16_length(plain) == MAX_MESSAGE_LENGTH
    assert "甲…" in plain


def test_length_counts_utf16_units_and_never_splits_a_surrogate_pair() -> None:
    html = render_digest(digest(sentences=("😀" * 3000,), key_points=()), "en")
    plain = parse_html(html)
    assert utf16_length(plain) <= MAX_MESSAGE_LENGTH
    assert len(plain) < MAX_MESSAGE_LENGTH  # emoji count twice
    plain.encode("utf-8")  # no lone surrogate


def test_escaping_does_not_count_against_the_limit_but_is_never_cut() -> None:
    html = render_digest(digest(sentences=("&" * 5000,), key_points=()), "en")
    assert utf16_length(parse_html(html)) == MAX_MESSAGE_LENGTH
    assert "&amp;&amp;" in html and "&am…" not in html


def test_utf16_length_counts_a_lone_surrogate_as_one_unit() -> None:
    assert bot_utf16_length("a\ud800😀") == 4
    assert bot_utf16_length("\udfff") == 1
    assert telegram_length("<b>\ud83d</b>&amp;") == 2


def test_lone_surrogates_are_replaced_never_sent() -> None:
    d = digest(title="标题\ud800", sentences=("句子\udc00。",), key_points=("\ud83d要点",))
    html = render_digest(d, "zh-Hans")
    html.encode("utf-8")  # Telegram gets valid UTF-8
    plain = parse_html(html)
    assert "标题\ufffd" in plain and "句子\ufffd。" in plain and "1. \ufffd要点" in plain
    assert clean_text("\ud83d\ude00") == "\ufffd\ufffd"  # two halves as separate code points


def test_a_last_item_shorter_than_the_overflow_ends_the_shrinking() -> None:
    # the one remaining sentence is a single character, the overflow larger than it:
    # it goes, and then the hashtags, until the message fits
    d = digest(title="T", sentences=("甲",), key_points=(), tags=("DingTalk", "Alibaba"))
    full = render_digest(d, "en")
    for cut in (1, 2, 5, 12, 25):
        html = render_digest(d, "en", limit=telegram_length(full) - cut)
        assert telegram_length(html) <= telegram_length(full) - cut
        parse_html(html)
        assert "chars →" in html  # the footer is always there
    with pytest.raises(ValueError, match="does not fit"):
        render_digest(d, "en", limit=5)  # not even the footer: a clear error, never a hang


def test_an_absurd_tag_or_title_cannot_crowd_out_the_digest() -> None:
    d = digest(title="★" * 4200, tags=("x" * 4200, "y" * 4200), sentences=("第一句。",))
    html = render_digest(d, "zh-Hans")
    plain = parse_html(html)
    assert telegram_length(html) <= MAX_MESSAGE_LENGTH
    assert "第一句。" in plain and "1. 扩大产能" in plain
    assert plain.splitlines()[0] == "★" * 255 + "…"
    assert plain.splitlines()[-1] == "#" + "x" * 64 + " #" + "y" * 64


# any code point, lone surrogates included (plain st.text() leaves them out)
_text = st.text(st.characters(exclude_categories=()), max_size=1500)
_url = st.none() | st.text(max_size=200) | st.just('https://example.com/a?b=1&c="2"')


@settings(max_examples=150, deadline=None)
@given(
    title=st.none() | _text,
    sentences=st.lists(_text, max_size=6),
    points=st.lists(_text, max_size=8),
    tags=st.lists(_text, max_size=10),
    language=st.sampled_from(["zh-Hans", "zh-Hant", "en", "mixed"]),
    lang=st.sampled_from(["zh-Hans", "zh-Hant", "en"]),
    url=_url,
    limit=st.sampled_from([MAX_MESSAGE_LENGTH]) | st.integers(200, MAX_MESSAGE_LENGTH),
)
def test_any_digest_renders_to_valid_html_within_the_limit(
    title: str | None,
    sentences: list[str],
    points: list[str],
    tags: list[str],
    language: str,
    lang: str,
    url: str | None,
    limit: int,
) -> None:
    d = digest(
        title=title,
        sentences=tuple(sentences),
        key_points=tuple(points),
        tags=tuple(tags),
        language=language,
    )
    html = render_digest(d, lang, url=url, limit=limit)  # type: ignore[arg-type]
    html.encode("utf-8")  # no lone surrogate reaches Telegram
    plain = parse_html(html)  # Telegram's HTML rules (the fake's strict checker)
    assert utf16_length(plain) <= limit
    assert telegram_length(html) == utf16_length(plain)


def test_message_links() -> None:
    assert message_link(-1001234567, 5, None) == "https://t.me/c/1234567/5"
    assert message_link(-1001234567, 5, "desk") == "https://t.me/desk/5"
    assert message_link(-4567, 5, None) is None  # basic groups have no message links
    assert message_link(-1001234567, None, "desk") is None


def test_a_digest_read_from_a_link_has_its_title_linked() -> None:
    url = 'https://news.example.cn/a?id=1&from="tg"'
    html = render_digest(digest(title="A <b> & co"), "en", url=url)
    first = html.split("\n", 1)[0]
    assert first == (
        '<b><a href="https://news.example.cn/a?id=1&amp;from=&quot;tg&quot;">'
        "A &lt;b&gt; &amp; co</a></b>"
    )
    assert parse_html(html).startswith("A <b> & co\n")  # Telegram accepts it


def test_a_page_without_a_title_is_headed_by_its_host() -> None:
    html = render_digest(digest(title=None), "en", url="https://www.example.com/x/1.html")
    assert html.startswith('<b><a href="https://www.example.com/x/1.html">example.com</a></b>\n')
    assert render_digest(digest(title=None), "en").startswith("第一句。")  # no link: no title
