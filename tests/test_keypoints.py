"""find_key_points: the article's own list, verbatim, or nothing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.keypoints import MAX_ITEMS, find_key_points

PROSE_ZH = "这家公司今年把重心放在中小商户身上，希望用更低的成本吸引他们入驻平台。"
PROSE_HANT = "這家公司今年把重心放在中小商戶身上，希望用更低的成本吸引他們入駐平台。"
PROSE_EN = (
    "The company spent the year courting small merchants, hoping cheaper fees would bring them in."
)


# --- unmarked short parallel lines -------------------------------------------------


def test_semicolon_series_in_traditional_with_closing_slogan() -> None:
    # The seed article's shape: three short lines (；/；/。) amid prose, and a
    # closing quotation of three unpunctuated slogan lines after "——".
    lines = [
        PROSE_HANT,
        "對商家而言，這種直播形態的定位很清楚。",
        "門檻低;",
        "上手快、成本低;",
        "互動強、轉化高。",
        "相比傳統電商，這種方式更適合小商家。",
        "最後借用發布會上的一句話收尾——",
        "風雨之後，總見彩虹",
        "困境之中，藏著機會",
        "路在腳下，行者常至",
    ]
    assert find_key_points(lines) == ["門檻低", "上手快、成本低", "互動強、轉化高"]


def test_semicolon_series_full_width_simplified() -> None:
    lines = [PROSE_ZH, "流量归商家所有；", "运营门槛低；", "成交转化快。", PROSE_ZH]
    assert find_key_points(lines) == ["流量归商家所有", "运营门槛低", "成交转化快"]


def test_semicolon_series_english() -> None:
    lines = [PROSE_EN, "fees fall;", "sign-ups rise;", "margins widen.", PROSE_EN]
    assert find_key_points(lines) == ["fees fall", "sign-ups rise", "margins widen"]


def test_two_semicolon_lines_need_a_colon() -> None:
    lines = [PROSE_ZH, "门槛低；", "见效快。", PROSE_ZH]
    assert find_key_points(lines) == []
    lines[0] = "新功能有两个特点："
    assert find_key_points(lines) == ["门槛低", "见效快"]


def test_colon_introduces_unpunctuated_lines() -> None:
    lines = [
        PROSE_ZH,
        "这次升级主要带来三个变化：",
        "线上办公室",
        "客户管理工具",
        "校园圈子",
        PROSE_ZH,
    ]
    assert find_key_points(lines) == ["线上办公室", "客户管理工具", "校园圈子"]


def test_colon_then_short_sentences_is_prose_without_a_list_word() -> None:
    lines = ["他在会上说：", "今年很难。", "明年会好。", PROSE_ZH]
    assert find_key_points(lines) == []


def test_quoted_speech_after_colon_is_not_a_list() -> None:
    lines = [
        "视频里的吉祥物不停喊道：",
        "“大家行行好，给个好评吧！”",
        "“我才五岁，天天加班。”",
        "“求求你们了！”",
        PROSE_ZH,
    ]
    assert find_key_points(lines) == []


def test_dissimilar_lengths_are_not_parallel() -> None:
    long_line = "平台会在未来三年内持续投入资金补贴中小商家并开放更多流量入口以及数据工具；"
    lines = [PROSE_ZH, "门槛低；", long_line, "见效快。"]
    assert find_key_points(lines) == []


# --- numbered and bulleted lines ---------------------------------------------------


@pytest.mark.parametrize(
    "markers",
    [
        ["1. ", "2. ", "3. "],
        ["1、", "2、", "3、"],
        ["(1)", "(2)", "(3)"],
        ["（一）", "（二）", "（三）"],
        ["一、", "二、", "三、"],
        ["①", "②", "③"],
        ["• ", "• ", "• "],
        ["- ", "- ", "- "],
        ["* ", "* ", "* "],
        ["一是", "二是", "三是"],
        ["第一，", "第二，", "第三，"],
    ],
)
def test_marked_lines(markers: list[str]) -> None:
    items = ["降低商户佣金", "开放直播入口", "提供免费培训"]
    lines = [PROSE_ZH, *[m + it + "；" for m, it in zip(markers, items, strict=True)], PROSE_ZH]
    assert find_key_points(lines) == items


def test_marked_english_lines_keep_abbreviations() -> None:
    lines = [
        PROSE_EN,
        "Key takeaways:",
        "- Revenue rose 12% to $3.4bn.",
        "- Margins improved in the U.S.",
        "- The firm will hire 2,000 staff.",
    ]
    assert find_key_points(lines) == [
        "Revenue rose 12% to $3.4bn",
        "Margins improved in the U.S.",
        "The firm will hire 2,000 staff",
    ]


def test_english_ordinal_paragraphs() -> None:
    lines = [
        PROSE_EN,
        "First, fees will be cut for small shops.",
        "Second, live streaming opens to all sellers.",
        "Finally, training becomes free.",
    ]
    assert find_key_points(lines) == [
        "fees will be cut for small shops",
        "live streaming opens to all sellers",
        "training becomes free",
    ]


def test_numbering_must_start_at_one_and_run_in_order() -> None:
    assert find_key_points(["3. 降低佣金", "4. 开放入口"]) == []
    assert find_key_points(["1. 降低佣金", "3. 开放入口"]) == []


def test_decimals_are_not_markers() -> None:
    lines = ["2.5亿用户在春节期间使用了这款应用。", "3.1亿次下载让它登上了榜首。"]
    assert find_key_points(lines) == []


def test_long_item_is_reduced_to_its_lead_sentence() -> None:
    detail = "具体做法是" + "为每一家新入驻的商户配备专门的运营顾问并提供长期陪跑服务" * 3 + "。"
    lines = ["1. 降低佣金。" + detail, "2. 开放入口。" + detail]
    assert find_key_points(lines) == ["降低佣金", "开放入口"]


def test_items_that_stay_too_long_reject_the_list() -> None:
    essay = "平台" + "持续加大投入并且不断完善商户服务体系" * 6 + "。"
    assert find_key_points(["1. " + essay, "2. " + essay]) == []


def test_cap_at_max_items() -> None:
    lines = [f"{i}. 第{i}项举措" for i in range(1, 12)]
    points = find_key_points(lines)
    assert len(points) == MAX_ITEMS
    assert points[0] == "第1项举措"


def test_trailing_headline_links_are_not_points() -> None:
    lines = [
        PROSE_ZH,
        PROSE_ZH,
        "• 太意外了!这家平台突然宣布降价",
        "• 重磅!商家们的春天来了",
    ]
    assert find_key_points(lines) == []


def test_related_reading_list_is_not_points() -> None:
    lines = [PROSE_ZH, "相关阅读：", "• 平台降佣金", "• 商家迎机会"]
    assert find_key_points(lines) == []


# --- inline enumerations ---------------------------------------------------------


def test_inline_yi_shi_er_shi() -> None:
    line = (
        "会议提出三点要求：一是稳住中小商户；二是扩大线上消费，三是规范平台收费。此后还将出台细则。"
    )
    assert find_key_points([PROSE_ZH, line]) == ["稳住中小商户", "扩大线上消费", "规范平台收费"]


def test_inline_di_yi() -> None:
    line = "公司解释了原因。第一，成本上涨；第二，需求走弱；第三，汇率波动。"
    assert find_key_points([line]) == ["成本上涨", "需求走弱", "汇率波动"]


def test_inline_shouxian_qici_zuihou() -> None:
    line = "首先，降低门槛；其次，做好内容；最后，留住用户。"
    assert find_key_points([line]) == ["降低门槛", "做好内容", "留住用户"]


def test_loose_sequence_needs_three_items() -> None:
    assert find_key_points(["首先，降低门槛；最后，留住用户。"]) == []


def test_inline_circled_numbers_traditional() -> None:
    line = "新版本的亮點包括：①線上辦公室②客戶管理③校園圈子。"
    assert find_key_points([line]) == ["線上辦公室", "客戶管理", "校園圈子"]


def test_inline_arabic_numbers() -> None:
    line = "业绩下滑的原因： 1.原料价格上涨。 2.装置停产检修。"
    assert find_key_points([line]) == ["原料价格上涨", "装置停产检修"]


def test_inline_english_ordinals() -> None:
    line = "Analysts gave reasons. First, costs rose. Second, demand fell. Finally, the yen moved."
    assert find_key_points([line]) == ["costs rose", "demand fell", "the yen moved"]


def test_ordinal_words_mid_sentence_are_not_a_list() -> None:
    line = "It came First, ahead of rivals, and Second, behind none, said one analyst."
    assert find_key_points([line]) == []


def test_yi_shi_inside_a_word_is_not_a_marker() -> None:
    line = "统一是大势所趋，二是非常明确的答案，这一点毋庸置疑。"
    assert find_key_points([line]) == []


def test_mixed_language_numbered_list() -> None:
    lines = ["本季度要点：", "1. DingTalk 用户破亿", "2. 推出 AI 助理", "3. 海外版上线"]
    assert find_key_points(lines) == ["DingTalk 用户破亿", "推出 AI 助理", "海外版上线"]


# --- choosing among lists --------------------------------------------------------


def test_prefers_a_list_introduced_by_a_colon() -> None:
    lines = [
        "一是价格更低；二是速度更快。",
        PROSE_ZH,
        "报告给出了以下建议：",
        "1. 加大投入",
        "2. 培养人才",
    ]
    assert find_key_points(lines) == ["加大投入", "培养人才"]


def test_first_list_wins_without_an_introduction() -> None:
    lines = ["一是价格更低；二是速度更快。", PROSE_ZH, "• 加大投入", "• 培养人才"]
    assert find_key_points(lines) == ["价格更低", "速度更快"]


# --- negatives -------------------------------------------------------------------


def test_plain_prose_has_no_points() -> None:
    assert find_key_points([PROSE_ZH, PROSE_HANT, PROSE_EN]) == []


def test_headings_are_not_a_list() -> None:
    lines = ["钉钉圈子悄然上线", "剑指社交私域流量", PROSE_ZH, "小程序直播上阵", PROSE_ZH]
    assert find_key_points(lines) == []


def test_short_one_sentence_paragraphs_are_not_a_list() -> None:
    lines = ["准备好迎接挑战吧。", "机会就在眼前。", "行动要快。"]
    assert find_key_points(lines) == []


def test_empty_input() -> None:
    assert find_key_points([]) == []
    assert find_key_points(["", "   "]) == []


# --- properties ------------------------------------------------------------------

_LINE = st.text(
    alphabet=st.sampled_from(list("一二三是第①②；;。.，,：: 12()（）•-abc降低成本门槛First")),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_LINE, max_size=12))
def test_points_are_verbatim_substrings(lines: list[str]) -> None:
    points = find_key_points(lines)
    assert len(points) <= MAX_ITEMS
    for p in points:
        assert p and p == p.strip()
        assert any(p in line for line in lines)


def test_two_thousand_lines_give_a_bounded_answer() -> None:
    # speed is measured in bench/, not here; this checks the result stays sane at scale
    lines = [PROSE_ZH, "门槛低；", "1. 第一项", PROSE_EN + " First, a. Second, b."] * 500
    points = find_key_points(lines)
    assert len(points) <= MAX_ITEMS


def test_long_numbered_wire_items_are_not_key_points() -> None:
    # A brief made of numbered news items: each item is a full report, not a short point.
    line = (
        "① 某市统计局周三公布的数据显示，今年前三季度社会消费品零售总额同比增长百分之六点八，"
        "增速比上半年加快零点九个百分点，线上零售额占比继续提高。"
        "② 另据海关总署统计，同期进出口总值同比增长百分之四点二，其中出口增长百分之五点一，"
        "民营企业进出口占比首次超过一半，机电产品出口保持较快增长。"
    )
    assert find_key_points([line]) == []
