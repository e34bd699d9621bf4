"""find_key_points: the article's own list, verbatim, or nothing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer import summarize
from summarizer.keypoints import MAX_ITEMS, find_key_points, repeats_point, strip_list_marker

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


# --- lead phrases of long items (issue 8) -----------------------------------------

_BODY = "报告期内公司收入同比增长百分之二十，主要来自海外市场的新客户，毛利率也随之改善。"
_BODY_HANT = "報告期內公司收入年增兩成，主要來自海外市場的新客戶，毛利率也隨之改善。"


def test_bullet_sections_flattened_into_one_paragraph() -> None:
    # A research note whose ■ sections were joined into one line by the page.
    line = (
        "■海外收入超出预期，毛利率继续改善：" + _BODY + _BODY + " "
        "■新品放量节奏偏慢，下半年有望提速：" + _BODY + _BODY + " "
        "■费用率小幅上升，研发投入保持高位：" + _BODY + _BODY
    )
    assert find_key_points([line]) == [
        "海外收入超出预期，毛利率继续改善",
        "新品放量节奏偏慢，下半年有望提速",
        "费用率小幅上升，研发投入保持高位",
    ]


def test_bullet_lines_keep_their_lead_phrase_and_drop_boilerplate_sections() -> None:
    lines = [
        "■海外收入超出预期，毛利率继续改善：" + _BODY * 2,
        "■新品放量节奏偏慢，下半年有望提速：" + _BODY * 2,
        "■风险提示：" + _BODY,
    ]
    assert find_key_points(lines) == [
        "海外收入超出预期，毛利率继续改善",
        "新品放量节奏偏慢，下半年有望提速",
    ]


@pytest.mark.parametrize("bullet", ["●", "▲", "◆", "■"])
def test_strong_bullets(bullet: str) -> None:
    lines = [PROSE_ZH, *[bullet + it for it in ("降低商户佣金", "开放直播入口", "提供免费培训")]]
    assert find_key_points(lines) == ["降低商户佣金", "开放直播入口", "提供免费培训"]


def test_dash_led_policy_items() -> None:
    lines = [
        "会议对下一阶段工作提出了要求。他强调，",
        "——要抓紧补齐算力设施短板。" + _BODY,
        "——要加快培育本地软件企业。" + _BODY,
        "——要持续优化营商服务环境。" + _BODY,
        "各部门负责同志参加会议。",
    ]
    assert find_key_points(lines) == [
        "要抓紧补齐算力设施短板",
        "要加快培育本地软件企业",
        "要持续优化营商服务环境",
    ]


def test_one_dash_attribution_is_not_a_list() -> None:
    assert find_key_points(["“路在脚下，行者常至。”", "——某位创业者", PROSE_ZH]) == []


def test_dash_lead_phrases_after_a_colon() -> None:
    lines = [
        "过去的增长环境已经改变：",
        "用户见顶——新增网民越来越少，获客成本一年比一年高；",
        "监管趋严——多家平台因为排他协议被罚，合规成本明显上升；",
        "补贴退坡——地方税收优惠陆续到期，利润空间随之收窄。",
        PROSE_ZH,
    ]
    assert find_key_points(lines) == ["用户见顶", "监管趋严", "补贴退坡"]


def test_highlight_headings_with_body_between() -> None:
    lines = [
        PROSE_HANT,
        "新款筆電的升級可歸納為以下3大類：",
        "亮點1、針對辦公軟體優化效能",
        _BODY_HANT,
        _BODY_HANT,
        "亮點2、一整天的電池續航",
        _BODY_HANT,
        "亮點3、企業級資安防護",
        _BODY_HANT,
        "市場普遍預期換機潮要到明年才會出現。",
    ]
    assert find_key_points(lines) == ["針對辦公軟體優化效能", "一整天的電池續航", "企業級資安防護"]


def test_highlight_keyword_names_its_own_list() -> None:
    lines = [PROSE_ZH, "亮点一：线上办公室", _BODY, "亮点二：客户管理工具", _BODY]
    assert find_key_points(lines) == ["线上办公室", "客户管理工具"]


def test_numbered_section_headings_form_the_outline() -> None:
    lines = [
        PROSE_ZH,
        "一、需求回暖",
        _BODY,
        "二、成本下行",
        _BODY,
        _BODY,
        "三、政策加码",
        _BODY,
    ]
    assert find_key_points(lines) == ["需求回暖", "成本下行", "政策加码"]
    # two unannounced section headings are just headings
    assert find_key_points(lines[:5]) == []


def test_di_yi_with_unit_at_line_start() -> None:
    lines = ["原因有两点：", "第一点，原料价格上涨；", "第二点，装置停产检修。"]
    assert find_key_points(lines) == ["原料价格上涨", "装置停产检修"]


def test_number_marker_followed_by_a_figure() -> None:
    line = "业绩拆分如下：1）19Q2收入高增长：" + _BODY + "2）毛利率小幅提升：" + _BODY + _BODY
    assert find_key_points([line]) == ["19Q2收入高增长", "毛利率小幅提升"]


def test_flattened_paragraphs_led_by_headlines() -> None:
    # Paragraphs joined with a space after 。: each opens with a headline sentence.
    line = (
        "费用投入加大拖累利润。" + _BODY + _BODY + " "
        "消费业务成为增长主力。" + _BODY + _BODY + " "
        "翻译产品稳居国内第一。" + _BODY + _BODY
    )
    assert find_key_points([line]) == [
        "费用投入加大拖累利润",
        "消费业务成为增长主力",
        "翻译产品稳居国内第一",
    ]


def test_ordinary_flattened_prose_has_no_heads() -> None:
    line = " ".join([_BODY, _BODY, _BODY, _BODY])
    assert find_key_points([line]) == []


def test_short_spec_label_keeps_its_value() -> None:
    # "重量：" is a key, not a lead phrase; the point keeps the value's first sentence.
    lines = [
        PROSE_HANT,
        "- 重量： 比上一代輕十公克，拿在手上更不容易疲勞。" + _BODY_HANT,
        "- 視野： 與上一代相同，但邊緣畫面更清晰。" + _BODY_HANT,
    ]
    assert find_key_points(lines) == [
        "重量： 比上一代輕十公克，拿在手上更不容易疲勞",
        "視野： 與上一代相同，但邊緣畫面更清晰",
    ]


# --- which list carries the article ------------------------------------------------


def test_announced_three_points_beat_an_earlier_aside() -> None:
    lines = [
        "该部门周一发布了新一年的数字经济工作安排。",
        "一位副主任在会前接受采访时说，一是资金要跟上，二是人才要跟上。",
        PROSE_ZH,
        "通知明确了三项重点任务：",
        "1. 建设城市算力网络",
        "2. 培育工业软件企业",
        "3. 推动数据开放共享",
    ]
    assert find_key_points(lines) == ["建设城市算力网络", "培育工业软件企业", "推动数据开放共享"]


def test_three_items_beat_an_earlier_pair() -> None:
    lines = [
        "• 价格更低",
        "• 速度更快",
        PROSE_ZH,
        PROSE_ZH,
        "1. 加大投入",
        "2. 培养人才",
        "3. 开拓海外",
    ]
    assert find_key_points(lines) == ["加大投入", "培养人才", "开拓海外"]


def test_unannounced_list_at_the_end_is_a_sidebar() -> None:
    lines = [
        PROSE_ZH,
        "• 降低商户佣金",
        "• 开放直播入口",
        "• 提供免费培训",
        *[PROSE_ZH] * 8,
        "• 本周热门话题",
        "• 编辑精选文章",
        "• 读者来信摘登",
    ]
    assert find_key_points(lines) == ["降低商户佣金", "开放直播入口", "提供免费培训"]


# --- not key points ----------------------------------------------------------------


def test_briefing_stories_under_numbered_headlines_are_not_points() -> None:
    lines = [
        "1. 某手机厂商下月举办发布会",
        "据报道，该厂商将于下月初在线上举办春季发布会，预计推出两款新机和一款平板电脑。",
        "2. 某外卖平台减免商户佣金",
        "记者获悉，该平台宣布对受疫情影响地区的商户减免两个月佣金，首批投入两千万元。",
        "3. 某芯片公司完成新一轮融资",
        "36氪获悉，该公司近日完成数亿元融资，本轮由多家机构联合领投，资金将用于研发。",
    ]
    assert find_key_points(lines) == []


def test_briefing_stories_in_numbered_paragraphs_are_not_points() -> None:
    story = "据知情人士透露，该公司已向交易所提交上市申请，计划募资约二十亿美元，最早年内挂牌。"
    lines = [
        "1. 某物流公司拟赴美上市：" + story,
        "2. 某零售集团拟分拆基金业务：" + story,
        "3. 某车企考虑合并上市：" + story,
    ]
    assert find_key_points(lines) == []


def test_promo_link_box_is_not_points() -> None:
    lines = [
        PROSE_EN,
        "- A SIMPLE GUIDE: How do I protect my savings?",
        "- LOOK-UP TOOL: Check rates in your area",
        "- VIDEO: The two-minute budget",
        PROSE_EN,
    ]
    assert find_key_points(lines) == []


def test_stat_box_is_not_points() -> None:
    lines = [
        PROSE_EN,
        "- 41% of shoppers now buy groceries online",
        "- 12% of them do so every week",
        "Source: a survey of 2,000 adults",
    ]
    assert find_key_points(lines) == []
    assert find_key_points(lines[:3]) == []  # figures first, even without the credit line


def test_spec_table_is_not_points() -> None:
    lines = [PROSE_ZH, "主要规格如下：", "屏幕：6.1英寸", "重量：170克", "电池：4000毫安时"]
    assert find_key_points(lines) == []


def test_reference_list_is_not_points() -> None:
    lines = [PROSE_ZH, "参考资料：", "1. 某行业白皮书", "2. 某研究院年度报告", "3. 某券商深度研究"]
    assert find_key_points(lines) == []


# --- a point is never also a sentence (issue 9) ----------------------------------


@pytest.mark.parametrize(
    ("sentence", "point"),
    [
        ("（3）提供免费培训。", "提供免费培训。每月举办线上课程"),
        ("(2) 开放直播入口；", "开放直播入口"),
        ("■海外收入超出预期：收入同比增长两成。", "海外收入超出预期"),
        ("——要加快培育本地软件企业。", "要加快培育本地软件企业"),
        ("第二，需求走弱。", "需求走弱"),
        ("- Margins improved in the U.S.", "Margins improved in the U.S."),
    ],
)
def test_repeats_point_ignores_markers_and_punctuation(sentence: str, point: str) -> None:
    assert repeats_point(sentence, point)


def test_repeats_point_is_not_any_overlap() -> None:
    assert not repeats_point("平台负责人表示，新政将在下个月起分批落地。", "提供免费培训")
    assert not repeats_point("（3）", "提供免费培训")
    assert strip_list_marker("（3）提供免费培训") == "提供免费培训"
    assert strip_list_marker("2.5亿用户") == "2.5亿用户"


def test_pipeline_does_not_show_an_item_twice() -> None:
    text = "\n".join(
        [
            "平台发布商户扶持新政",
            "这家平台周二公布了今年的商户扶持计划，希望在未来一年里把更多小商家带到线上经营。",
            "计划包括三项内容：",
            "（1）佣金下调两成；",
            "（2）开放直播入口；",
            "（3）提供免费培训。每月举办线上课程，覆盖开店、选品和客服等基础技能。",
            "平台负责人表示，新政将在下个月起分批落地，首批覆盖十个城市。",
            "业内人士认为，这一计划有助于平台在下沉市场争取更多商户。",
        ]
    )
    digest = summarize(text, max_sentences=8, max_length=1000)
    assert digest.key_points
    for s in digest.sentences:
        assert not any(repeats_point(s, p) for p in digest.key_points), s
    assert digest.stats.digest_length <= digest.stats.input_length


def test_speaker_labels_after_a_colon_are_not_points() -> None:
    lines = [
        "几位嘉宾在论坛上谈了各自的看法：",
        "某电商平台副总裁王某：今年我们会把更多资源投向中小商家，帮助他们降低经营成本。",
        "某物流公司创始人李某：行业已经进入存量竞争阶段，效率比规模更加重要。",
        PROSE_ZH,
    ]
    assert find_key_points(lines) == []
