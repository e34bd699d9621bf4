"""Furniture: lines and title parts that come with an article but are not the article."""

from __future__ import annotations

import pytest

from summarizer import summarize
from summarizer.furniture import clean_title, strip_furniture

BODY_ZH = [
    "示例电池公司周二公布第三季度业绩，营业收入同比增长百分之二十，达到四十亿元。",
    "公司表示，储能业务订单饱满，海外客户贡献了近一半的新增收入。",
    "管理层预计第四季度毛利率将保持稳定，全年出货量有望创下新高。",
]
BODY_EN = [
    "Example Motors said on Monday that it would build a battery plant in Ohio, "
    "creating about 1,500 jobs by 2027.",
    "The company expects the plant to supply cells for three new models, "
    "chief executive Ann Lee told reporters.",
    "Shares of the carmaker rose 4 percent in early trading after the announcement.",
]


# --------------------------------------------------------------------------- titles


@pytest.mark.parametrize(
    ("title", "sites", "expected"),
    [
        # author/column tags before the headline; the dash inside it stays
        (
            "【电子-张三】示例科技（000000.SZ）- 业绩稳健增长",
            (),
            "示例科技（000000.SZ）- 业绩稳健增长",
        ),
        ("【Expo 2030】新品亮相 三款機型搶先看 - DEMO", ("DEMO",), "新品亮相 三款機型搶先看"),
        (
            "9点快讯 _ 示例公司发布新款手机；另一公司回应涨价",
            (),
            "示例公司发布新款手机；另一公司回应涨价",
        ),
        ("《產業觀察》記憶體報價止跌回升", (), "記憶體報價止跌回升"),
        # section and site suffixes
        ("晶片出貨創新高 - 財經 - 範例新聞網", (), "晶片出貨創新高"),
        ("示例公司发布年报_科技频道_示例网", (), "示例公司发布年报"),
        ("春天的城市：每个人都是主角！-示例网", (), "春天的城市：每个人都是主角！"),
        (
            "Acme ships a folding phone | Example Daily",
            ("Example Daily",),
            "Acme ships a folding phone",
        ),
        (
            "Acme ships a folding phone - EXAMPLE DAILY",
            ("Example Daily",),
            "Acme ships a folding phone",
        ),
        ("新機開賣首日大排長龍｜示例 新聞網", (), "新機開賣首日大排長龍"),
    ],
)
def test_clean_title_removes_tags_and_site_names(
    title: str, sites: tuple[str, ...], expected: str
) -> None:
    assert clean_title(title, sites) == expected


@pytest.mark.parametrize(
    "title",
    [
        "Coinbase vs. Coinbase Pro: How do they compare?",
        "Acme vs. Beta - which cloud is cheaper for startups",
        "Wi-Fi 7 路由器開賣 10G-PON 同步上市",
        "《三体》电视剧定档，首周播放量破亿",
        "Acme ships a folding phone | Example Daily",  # no site signal: nothing is taken off
    ],
)
def test_clean_title_keeps_legitimate_titles(title: str) -> None:
    assert clean_title(title, ("Other Site",)) == title


def test_text_title_loses_its_author_tag() -> None:
    digest = summarize("\n".join(["【计算机-李四】示例软件中报点评：云业务提速", *BODY_ZH]))
    assert digest.title == "示例软件中报点评：云业务提速"


# --------------------------------------------------------------------------- body lines


def test_end_matter_of_a_note_is_cut_even_on_the_same_line() -> None:
    last = (
        BODY_ZH[2]
        + " 风险提示：需求不及预期。 END 欢迎关注示例证券研究 免责声明 本订阅号内容仅供参考。"
    )
    out = strip_furniture([BODY_ZH[0], BODY_ZH[1], last])
    assert out == [BODY_ZH[0], BODY_ZH[1], BODY_ZH[2]]


def test_a_disclaimer_section_ends_an_english_note() -> None:
    lines = [*BODY_EN, "Disclaimer", "The views expressed are those of the author.", "More text."]
    assert strip_furniture(lines) == BODY_EN


def test_end_matter_words_early_in_the_text_do_not_cut_it() -> None:
    first = "监管机构 免责声明 相关规定今日起施行，示例交易所同步更新了披露指引。"
    lines = [first, *BODY_ZH]
    assert strip_furniture(lines) == lines


@pytest.mark.parametrize(
    "line",
    [
        "本文仅供参考，不构成投资建议。",
        "This article is for informational purposes only and does not constitute investment "
        "advice.",
        "联系人：王先生",
        "电话：010-12345678",
        "Tel: +1 212 555 0100",
        "press@example.com",
        "工程师在实验室测试新电池 图源：示例社",
        "新厂房外观。（张三 摄）",
        "Photo: Jane Roe/Example Agency",
        "Workers assemble cars at a plant. (Photo by John Doe/Getty Images)",
        "编者按：本文来自微信公众号“示例号”（ID:demo），经授权发布。",
        "原标题：示例公司的新故事",
        "扫码关注示例公众号",
        "点击阅读原文",
        "Sign up for our newsletter",
        "快加入 示例 Google News 按下追蹤，給你最新的科技新聞！",
        "Update July 3rd, 8:05AM ET: Added a chart.",
        "JANE ROE",
        "[示例公司发布新品](https://news.example/a/1.html)",
    ],
)
def test_furniture_lines_are_dropped(line: str) -> None:
    out = strip_furniture([BODY_ZH[0], line, *BODY_ZH[1:]])
    assert out == BODY_ZH


@pytest.mark.parametrize(
    "line",
    [
        "关注两会：代表委员热议数字经济与制造业升级的新路径。",
        "公司营收增长12%，达到3400万元，净利润同比增长15%。",
        "The company hired 2,000 people in 2024 and plans 1,500 more next year.",
        "他说，团队在2019年至2020年间完成了三轮融资。",
        "Subscribers to the service rose 12 percent to 8 million in the quarter.",
        # a paragraph (not a caption) that names its source at the end
        "".join(BODY_ZH) + "数据来源：示例统计局",
    ],
)
def test_content_lines_that_resemble_furniture_are_kept(line: str) -> None:
    lines = [BODY_ZH[0], line, *BODY_ZH[1:]]
    assert strip_furniture(lines) == lines


def test_embedded_post_and_caption_before_its_credit_are_dropped() -> None:
    lines = [
        BODY_EN[0],
        "Our new plant will open next spring pic.twitter.com/abc123XYZ",
        "— Ann Lee (@annlee) July 3, 2019",
        BODY_EN[1],
        "A worker inspects a battery module on the line",
        "Photo: Example Images",
        BODY_EN[2],
    ]
    assert strip_furniture(lines) == BODY_EN


def test_digest_of_a_note_shows_none_of_its_end_matter() -> None:
    text = "\n".join(
        [
            "示例电池三季报点评：储能订单饱满",
            BODY_ZH[0],
            "联系人：王先生 电话：021-87654321",
            BODY_ZH[1] + BODY_ZH[2] + " 免责声明 本报告仅供示例证券客户参考，不构成投资建议。",
        ]
    )
    digest = summarize(text)
    shown = "".join(digest.sentences) + "".join(digest.key_points)
    assert digest.sentences
    for furniture in ("免责声明", "投资建议", "王先生", "87654321"):
        assert furniture not in shown
