from __future__ import annotations

import re

import pytest

from summarizer import Digest, SummarizerError, UnsupportedInputError, summarize
from summarizer.text import content_length

WS = re.compile(r"\s+")


def _verbatim(part: str, text: str) -> bool:
    return WS.sub("", part) in WS.sub("", text)


@pytest.mark.parametrize(
    "name", ["zh_hans_article", "zh_hant_article", "en_article", "mixed_article"]
)
def test_every_sentence_and_point_is_verbatim(name: str, request: pytest.FixtureRequest) -> None:
    text = request.getfixturevalue(name)
    d = summarize(text)
    assert d.sentences
    for part in (*d.sentences, *d.key_points):
        assert _verbatim(part, text), part


def test_simplified_digest(zh_hans_article: str) -> None:
    d = summarize(zh_hans_article)
    assert d.language == "zh-Hans"
    assert d.title == "钉钉上线门店排班功能，瞄准中小零售商家"
    assert 1 <= len(d.sentences) <= 3
    assert sum(content_length(s) for s in d.sentences) <= 150
    assert d.tags[0] == "DingTalk"
    # furniture never reaches the digest
    joined = "".join(d.sentences)
    for junk in ("首页", "王小明", "相关阅读", "三分钟看懂"):
        assert junk not in joined


def test_traditional_digest_stays_traditional(zh_hans_article: str, zh_hant_article: str) -> None:
    hans = summarize(zh_hans_article)
    hant = summarize(zh_hant_article)
    assert hant.language == "zh-Hant"
    assert hant.title is not None and "釘釘" in hant.title
    assert "DingTalk" in hant.tags
    # the same sentences are chosen whichever script the article is in
    assert len(hant.sentences) == len(hans.sentences)
    assert all("钉钉" not in s for s in hant.sentences)


def test_english_digest(en_article: str) -> None:
    d = summarize(en_article)
    assert d.language == "en"
    assert d.title is not None and d.title.startswith("Shopify merchants")
    assert sum(len(s.split()) for s in d.sentences) <= 60
    assert "WeChat" in d.tags
    assert not any("Jane Doe" in s or "Related" in s for s in d.sentences)


def test_mixed_language_is_detected() -> None:
    text = (
        "Tencent reported quarterly revenue growth of 11 percent, beating analyst forecasts. "
        "The company said its games business recovered strongly in the summer.\n"
        "腾讯表示，微信小程序的交易额同比增长超过两成，广告收入也明显回升。"
        "管理层预计明年将继续加大在人工智能上的投入。"
    )
    d = summarize(text)
    assert d.language == "mixed"
    assert "Tencent" in d.tags


def test_length_and_count_are_configurable(zh_hans_article: str) -> None:
    one = summarize(zh_hans_article, max_sentences=1)
    assert len(one.sentences) == 1
    tight = summarize(zh_hans_article, max_length=40)
    # the single best sentence is always kept; nothing else once the budget is spent
    assert len(tight.sentences) == 1


def test_sentences_are_in_document_order(zh_hans_article: str) -> None:
    d = summarize(zh_hans_article)
    positions = [WS.sub("", zh_hans_article).index(WS.sub("", s)) for s in d.sentences]
    assert positions == sorted(positions)


def test_one_paragraph_brief_leads_with_its_lede() -> None:
    text = (
        "美团周一宣布，将在三个城市试点无人机配送午餐订单。"
        "此次试点覆盖写字楼和高校园区，单笔订单平均送达时间缩短到十五分钟。"
        "公司表示，试点期间配送费与普通订单相同。"
        "分析人士认为，无人机配送的成本仍需进一步下降。"
    )
    d = summarize(text)
    assert d.sentences[0] == "美团周一宣布，将在三个城市试点无人机配送午餐订单。"
    assert d.tags[0] == "Meituan"


def test_stats_count_units(zh_hans_article: str) -> None:
    d = summarize(zh_hans_article)
    assert d.stats.input_length > d.stats.digest_length > 0
    assert d.stats.digest_length == sum(content_length(s) for s in d.sentences) + sum(
        content_length(p) for p in d.key_points
    )
    assert d.stats.reading_minutes > 0


def test_digest_round_trips_through_dict(zh_hans_article: str) -> None:
    d = summarize(zh_hans_article)
    assert Digest.from_dict(d.to_dict()) == d


def test_title_override() -> None:
    d = summarize(
        "公司发布了三季度财报，营收同比增长12%。管理层表示将继续投入研发。", title="财报速递"
    )
    assert d.title == "财报速递"


def test_key_points_are_not_repeated_as_sentences() -> None:
    text = (
        "小商家做私域运营的三个建议\n"
        "越来越多的小商家开始在微信上经营老顾客，但很多人不知道从哪里开始。\n"
        "业内人士给出三个建议：\n"
        "先把老顾客拉进群；\n"
        "每周固定时间上新；\n"
        "回复要快、要真诚。\n"
        "他们认为，私域运营的核心是信任，而不是频繁推送广告。\n"
    )
    d = summarize(text)
    assert d.key_points == ("先把老顾客拉进群", "每周固定时间上新", "回复要快、要真诚")
    for s in d.sentences:
        assert not any(p in s for p in d.key_points)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   \n\t  ", "empty"),
        ("😀😀🎉🎉👍", "no_text"),
        ("。。。！！！", "no_text"),
        ("\x00\x01\x02binary\x03" * 50, "binary"),
        ("https://example.com/a\nhttps://example.com/b\n", "no_text"),
    ],
)
def test_bad_input_raises_one_documented_error(text: str, reason: str) -> None:
    with pytest.raises(UnsupportedInputError) as exc:
        summarize(text)
    assert exc.value.reason == reason
    assert isinstance(exc.value, SummarizerError)
    assert str(exc.value)


def test_binary_bytes_are_refused() -> None:
    with pytest.raises(UnsupportedInputError) as exc:
        summarize(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert exc.value.reason == "binary"


def test_one_sentence_and_no_punctuation_give_a_digest() -> None:
    assert summarize("钉钉发布新版本").sentences == ("钉钉发布新版本",)
    words = " ".join(["merchants open mini programs to reach tourists"] * 40)
    d = summarize(words)
    assert d.sentences and all(s in words for s in d.sentences)


def test_html_source_is_read_as_text() -> None:
    html = (
        "<!DOCTYPE html><html><head><title>t</title><script>var x = 1;</script></head><body>"
        "<h1>拼多多发布三季度财报</h1><p>拼多多三季度营收同比增长四成，超出市场预期。</p>"
        "<p>公司表示，海外业务贡献了主要增量。</p></body></html>"
    )
    d = summarize(html)
    assert d.title == "拼多多发布三季度财报"
    assert all("<" not in s and "var x" not in s for s in d.sentences)
    assert "Pinduoduo" in d.tags


def test_large_input_is_handled() -> None:
    para = "这家公司本季度营收增长，主要受益于线上渠道扩张和成本控制。\n"
    d = summarize(para * 20000)  # about 600,000 characters
    assert len(d.sentences) >= 1


def test_articles_with_sections_cover_more_than_one_section() -> None:
    text = (
        "两大平台的新动作\n"
        "钉钉上线圈子\n"
        "钉钉本月上线圈子功能，用户可以按兴趣加入不同的圈子。\n"
        "钉钉表示，圈子功能首先面向教育和企业用户开放。\n"
        "钉钉圈子支持直播、投票和打卡，钉钉希望借此提升用户活跃度。\n"
        "业内认为，钉钉圈子是钉钉进入社交领域的尝试。\n"
        "小程序直播上线\n"
        "微信小程序直播功能正式开放，商家无需跳转即可在小程序内卖货。\n"
        "微信方面称，直播期间用户可以直接领取优惠券并下单。\n"
    )
    d = summarize(text)
    assert any("钉钉" in s for s in d.sentences)
    assert any("小程序" in s for s in d.sentences)
