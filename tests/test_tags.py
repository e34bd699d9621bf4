"""find_tags / canonical_tag and the platforms.toml data they rely on."""

from __future__ import annotations

import re

import pytest

from summarizer.tags import Platform, canonical_tag, find_tags, load_platforms
from summarizer.text import to_simplified_many

FILLER = "市场人士认为，这一变化会影响整个行业的竞争格局。"


# --- ranking ---------------------------------------------------------------------


def test_subject_beats_a_platform_named_once_in_passing() -> None:
    text = "\n".join(
        [
            "与淘宝不同，这家公司一直专注企业服务。",  # once, and first
            FILLER,
            "钉钉本周发布新版本，增加了圈子功能。",
            "钉钉表示，新功能面向学校和企业。",
            "分析认为钉钉希望借此进入社交领域。",
        ]
    )
    tags = find_tags(text)
    assert tags[0] == "DingTalk"
    assert "Taobao" not in tags


def test_once_named_platform_counts_in_title_or_digest() -> None:
    text = "钉钉本周发布新版本。钉钉表示新功能面向学校。\n" + FILLER + "\n抖音也在测试类似功能。"
    assert "Douyin" not in find_tags(text)
    assert "Douyin" in find_tags(text, key_sentences=["抖音也在测试类似功能。"])
    assert find_tags(FILLER, title="抖音上线新功能") == ["Douyin"]


def test_title_mention_ranks_high() -> None:
    text = "微信上线直播。微信直播支持回放。\n钉钉也有直播。钉钉直播支持连麦。钉钉直播免费。"
    assert find_tags(text)[0] == "DingTalk"
    assert find_tags(text, title="微信直播来了")[0] == "WeChat"


def test_traditional_aliases() -> None:
    text = "釘釘與騰訊旗下的微信展開競爭。釘釘推出圈子功能，騰訊則加碼小程式直播，臉書觀望。"
    # 微信 and 臉書 are named once; Tencent gets a share of WeChat's score
    assert find_tags(text) == ["Tencent", "DingTalk"]
    assert find_tags(text, title="臉書觀望微信")[0] in {"WeChat", "Facebook"}


def test_english_aliases_and_case_rules() -> None:
    text = (
        "Apple and Meta reported results. Apple said iPhone sales grew, and Meta "
        "said ad prices rose. Analysts ate apple pie and read metadata about meta tags."
    )
    tags = find_tags(text)
    assert tags[:2] == ["Apple", "Meta"]
    assert find_tags("an apple a day; meta analysis; qq plot; jd") == []


def test_english_aliases_need_word_boundaries() -> None:
    assert find_tags("XDingTalkY and DingTalker and TikToks everywhere, twice: TikToks") == []
    assert find_tags("DingTalk vs TikTok: DingTalk grew, TikTok too.") == ["DingTalk", "TikTok"]


def test_aliases_next_to_han_characters_match() -> None:
    assert find_tags("用户在DingTalk上开会，也在TikTok上看视频。用DingTalk的人更多。") == [
        "DingTalk"
    ]


def test_longest_alias_wins() -> None:
    assert find_tags("企业微信升级。企业微信新增客户管理。") == ["WeCom"]
    assert find_tags("京东方扩产。京东方股价上涨。") == ["BOE"]


def test_ignored_lookalikes() -> None:
    assert find_tags("公司总部位于北京东城区。北京东方广场的租金上涨。") == []
    assert find_tags("高通胀压力之下，央行维持高通胀预期管理。") == []
    assert find_tags("发扬钉钉子精神。以钉钉子精神抓落实。") == []


def test_limit() -> None:
    text = "钉钉钉钉钉钉，微信微信，淘宝淘宝，抖音抖音，快手快手，知乎知乎。"
    assert len(find_tags(text)) == 5
    assert find_tags(text, limit=2) == ["DingTalk", "WeChat"]
    assert find_tags(text, limit=0) == []


def test_no_platforms() -> None:
    assert find_tags(FILLER) == []
    assert find_tags("") == []


# --- parent credit ---------------------------------------------------------------


def test_parent_credit_from_two_children() -> None:
    text = "钉钉推出新版本，钉钉用户破亿。淘宝上线新频道，淘宝直播增长快。"
    tags = find_tags(text)
    assert "Alibaba" in tags
    assert tags.index("DingTalk") < tags.index("Alibaba")


def test_one_child_alone_does_not_tag_the_parent() -> None:
    assert "Alibaba" not in find_tags("钉钉推出新版本，钉钉用户破亿。")


def test_one_child_and_a_named_parent() -> None:
    tags = find_tags("钉钉推出新版本，钉钉用户破亿，钉钉还要出海。阿里对此很重视。")
    assert tags[:2] == ["DingTalk", "Alibaba"]


def test_parent_named_a_lot_outranks_the_child() -> None:
    text = (
        "阿里巴巴发布财报。阿里表示云业务增长。阿里还称将回购股票。阿里计划分拆。"
        "钉钉用户破亿，钉钉盈利。"
    )
    tags = find_tags(text)
    assert tags[:2] == ["Alibaba", "DingTalk"]


# --- canonical_tag ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("DingTalk", "DingTalk"),
        ("#dingtalk", "DingTalk"),
        ("  DINGTALK ", "DingTalk"),
        ("钉钉", "DingTalk"),
        ("#釘釘", "DingTalk"),
        ("weixin", "WeChat"),
        ("qq", "QQ"),
        ("meta", "Meta"),
        ("Ele.me", "Eleme"),
        ("eleme", "Eleme"),
        ("B站", "Bilibili"),
        ("alibaba   group", "Alibaba"),
        ("#", None),
        ("", None),
        ("NotACompany", None),
    ],
)
def test_canonical_tag(query: str, expected: str | None) -> None:
    assert canonical_tag(query) == expected


# --- the data file ---------------------------------------------------------------


def test_platform_table_is_well_formed() -> None:
    platforms = load_platforms()
    assert load_platforms() is platforms  # cached
    assert len(platforms) >= 80
    assert all(isinstance(p, Platform) for p in platforms)
    names = {p.name for p in platforms}
    assert len(names) == len(platforms)
    for p in platforms:
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", p.name)
        assert p.parent is None or p.parent in names
        assert p.cased <= set(p.aliases)
    parents = {p.name: p.parent for p in platforms}
    for child, parent in [("DingTalk", "Alibaba"), ("WeChat", "Tencent"), ("Douyin", "ByteDance")]:
        assert parents[child] == parent


def test_every_alias_belongs_to_one_platform() -> None:
    owner: dict[str, str] = {}
    for p in load_platforms():
        for alias in p.aliases:
            key = alias.lower()
            assert owner.setdefault(key, p.name) == p.name, alias


def test_every_alias_tags_its_platform_in_the_simplified_view() -> None:
    pairs = [(p.name, a) for p in load_platforms() for a in p.aliases]
    # The pipeline tags OpenCC tw2sp output, so Traditional aliases must survive it.
    views = to_simplified_many([a for _, a in pairs])
    for (name, alias), view in zip(pairs, views, strict=True):
        text = f"{view}，{view}。"
        assert name in find_tags(text, limit=10), (alias, view)


def test_common_platforms_present() -> None:
    wanted = (
        "DingTalk WeChat Alibaba Tencent Bilibili Douyin TikTok ByteDance Kuaishou "
        "Xiaohongshu Taobao Tmall JD Pinduoduo Meituan Baidu Alipay Huawei Xiaomi NetEase "
        "Weibo Zhihu QQ Ctrip Didi Cainiao Hema Eleme Apple Google Amazon Microsoft Meta "
        "OpenAI Nvidia Tesla BYD TSMC Samsung Shopee"
    ).split()
    names = {p.name for p in load_platforms()}
    assert set(wanted) <= names


def test_long_text_keeps_the_subject_first() -> None:
    text = ("钉钉与微信竞争。Apple and Meta reported results. " + FILLER * 20) * 100
    tags = find_tags(text)
    assert tags[:2] == ["DingTalk", "WeChat"]
