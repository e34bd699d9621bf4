"""find_tags / canonical_tag and the platforms.toml data they rely on."""

from __future__ import annotations

import re

import pytest

from summarizer.tags import Platform, _validate, canonical_tag, find_tags, load_platforms
from summarizer.text import to_simplified, to_simplified_many

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
    assert len(platforms) >= 300
    assert all(isinstance(p, Platform) for p in platforms)
    names = {p.name for p in platforms}
    assert len(names) == len(platforms)
    for p in platforms:
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", p.name)
        assert p.parent is None or p.parent in names
        assert p.cased <= set(p.aliases)
    parents = {p.name: p.parent for p in platforms}
    for child, parent in [
        ("DingTalk", "Alibaba"),
        ("WeChat", "Tencent"),
        ("Douyin", "ByteDance"),
        ("Messenger", "Meta"),
        ("Airoha", "MediaTek"),
        ("HBO", "WarnerBrosDiscovery"),
    ]:
        assert parents[child] == parent
    for p in platforms:
        assert p.ambiguous <= set(p.aliases)


def test_the_table_refuses_an_alias_of_two_platforms() -> None:
    one = Platform("One", ("共用名", "One"))
    two = Platform("Two", ("共用名", "Two"))
    with pytest.raises(ValueError, match="共用名"):
        _validate([one, two])
    with pytest.raises(ValueError, match="bad aliases"):
        _validate([Platform("Three", ("三",), ambiguous=frozenset({"叁"}))])


def test_every_alias_belongs_to_one_platform() -> None:
    owner: dict[str, str] = {}
    for p in load_platforms():
        for alias in p.aliases:
            key = alias.lower()
            assert owner.setdefault(key, p.name) == p.name, alias


def test_every_alias_tags_its_platform_in_the_simplified_view() -> None:
    pairs = [(p, a) for p in load_platforms() for a in p.aliases]
    # The pipeline tags OpenCC tw2sp output, so Traditional aliases must survive it.
    views = to_simplified_many([a for _, a in pairs])
    for (platform, alias), view in zip(pairs, views, strict=True):
        if alias in platform.ambiguous:
            bare = f"{view}，{view}。"
            assert platform.name not in find_tags(bare, limit=10), (alias, view)
            text = f"{view}公司表示，{view}。"
        else:
            text = f"{view}，{view}。"
        assert platform.name in find_tags(text, limit=10), (alias, view)


def test_common_platforms_present() -> None:
    wanted = (
        "DingTalk WeChat Alibaba Tencent Bilibili Douyin TikTok ByteDance Kuaishou "
        "Xiaohongshu Taobao Tmall JD Pinduoduo Meituan Baidu Alipay Huawei Xiaomi NetEase "
        "Weibo Zhihu QQ Ctrip Didi Cainiao Hema Eleme Apple Google Amazon Microsoft Meta "
        "OpenAI Nvidia Tesla BYD TSMC Samsung Shopee MediaTek AMD SKHynix Micron ASML UMC ASE "
        "Foxconn Quanta Pegatron ASUS Acer HP Dell Lenovo Honor ChunghwaTelecom TaiwanMobile "
        "FarEasTone Verizon ATT Vodafone CATL Coupang Momo PChome HBO Disney Netflix Spotify "
        "UnionPay Visa Mastercard PayPal Coinbase Binance LINE LINEPay JKOPay iFlytek SenseTime "
        "Zhipu Moonshot DeepSeek Anthropic Messenger Threads Telegram LVMH"
    ).split()
    names = {p.name for p in load_platforms()}
    assert set(wanted) <= names


def test_long_text_keeps_the_subject_first() -> None:
    text = ("钉钉与微信竞争。Apple and Meta reported results. " + FILLER * 20) * 100
    tags = find_tags(text)
    assert tags[:2] == ["DingTalk", "WeChat"]


# --- ordinary words that are also company names ---------------------------------------


def test_fruit_is_not_apple_and_the_company_is() -> None:
    fruit = "苹果丰收，果农喜笑颜开。今年苹果价格下跌，苹果产量创新高。"
    assert find_tags(fruit) == []
    sold_online = "果农通过电商平台销售苹果，苹果销量大增，苹果成了网红。"
    assert find_tags(sold_online) == []
    company = "苹果表示，新款产品下月上市。苹果的股价随之上涨，苹果仍是市值最高的公司。"
    assert find_tags(company) == ["Apple"]
    # one unambiguous alias (iPhone) confirms the bare name everywhere else
    assert find_tags("苹果下月发货。iPhone的新版本更轻。苹果不予置评。") == ["Apple"]
    # an English company word inside Chinese text counts too
    assert find_tags("苹果CEO库克访华。苹果CEO库克与高层会面。") == ["Apple"]


def test_three_stars_are_not_samsung() -> None:
    assert find_tags("夜空中三星闪耀，三星连成一线。三星堆遗址也值得一看。") == []
    assert find_tags("入住三星级酒店。三星级酒店的早餐不错。") == []
    text = "三星的晶圆代工业务失去两家客户。业者说，三星的良率仍待改善，三星正在追赶。"
    assert find_tags(text) == ["Samsung"]


def test_millet_and_associating_are_not_companies() -> None:
    assert find_tags("小米种植户表示，今年小米亩产提高，小米粥卖得好。") == []
    assert find_tags("这让人联想到过去。看到照片，他联想起童年，又联想到家乡。") == []
    assert find_tags("小米发布新手机。小米表示，新机下月开卖，小米股价上涨。") == ["Xiaomi"]
    assert find_tags("联想出货量居首，联想表示个人电脑需求回暖。") == ["Lenovo"]


def test_a_name_next_to_a_known_company_is_a_company() -> None:
    # 三星 has no company word of its own here: its neighbour 苹果 (confirmed by iPhone) says it
    text = "门市统计显示，苹果及三星仍占据多数份额。iPhone居首，三星紧追在后，苹果排第一。"
    assert set(find_tags(text)) == {"Apple", "Samsung"}


def test_chaowei_is_amd() -> None:
    text = to_simplified("超微推出新款處理器，超微表示效能提升四成。超微股價應聲上漲。")
    assert find_tags(text) == ["AMD"]
    assert find_tags("超微粒子可以穿过滤网。超微粒子对健康有害。") == []


def test_english_ordinary_words() -> None:
    assert find_tags("Apple orchards are in bloom. Apple trees need bees. Apple pie follows.") == []
    river = (
        "The Amazon rainforest is shrinking. Fires along the Amazon River spread. The Amazon basin"
    )
    assert find_tags(river) == []
    shop = "Amazon said sales rose. Amazon shares jumped after the retailer beat forecasts."
    assert find_tags(shop) == ["Amazon"]
    # a child platform (AWS) confirms its parent's ambiguous name
    cloud = (
        "AWS grew 20%. The cloud unit AWS leads, and Amazon plans more data centres. Amazon too."
    )
    assert find_tags(cloud)[:2] == ["Amazon", "AWS"]
    assert find_tags("木浆、SAP等原材料价格下行。SAP价格回落，SAP需求旺盛。") == []
    # and a parent (or a sibling, through it) confirms the child: Messenger the app
    chat = "Facebook is adding group calls to Messenger. Messenger now allows 50 people."
    assert find_tags(chat)[0] == "Messenger"
    assert find_tags("The Messenger arrived at dawn. The Messenger left a note.") == []


# --- furniture and passing mentions -----------------------------------------------


def test_an_embedded_tweet_does_not_tag_twitter() -> None:
    text = "\n".join(
        [
            "Apple released a new beta of iOS with a redesigned camera app.",
            "The beta is available to developers now, and Apple says a public one follows.",
            "Trying the new camera on Twitter, the Twitter way pic.twitter.com/AbC123xyZ",
            "— Jane Doe (@janedoe) June 2, 2019",
            "The feature works on the iPhone 11 and later.",
        ]
    )
    assert find_tags(text) == ["Apple"]
    about = "Twitter changed its API prices. Twitter said developers will pay more from May."
    assert find_tags(about) == ["Twitter"]


def test_quoting_a_post_on_a_platform_is_not_about_it() -> None:
    text = "\n".join(
        [
            "iOS 18 adds a new battery screen, as spotted by one developer on Twitter.",
            "On Twitter, another developer explains how it estimates charge cycles.",
            "The iOS update reaches iPhone owners next week.",
        ]
    )
    assert find_tags(text) == ["Apple"]


def test_share_buttons_and_follow_prompts() -> None:
    text = "\n".join(
        [
            "钉钉发布新版本，钉钉表示新功能面向学校。",
            "分享到：微信 微博 QQ空间",
            "微信扫一扫，分享到朋友圈",
            "Facebook Twitter WhatsApp Email",
            "Share on Facebook · Share on Twitter · WhatsApp",
            "Follow us on Instagram",
            "Follow us on Instagram for more",
            "欢迎关注我们的微信公众号",
            FILLER,
        ]
    )
    assert find_tags(text) == ["DingTalk"]
    buttons = (
        "钉钉上线新功能。钉钉表示将免费。\nFacebook | Twitter | LinkedIn\nFacebook Twitter LinkedIn"
    )
    assert find_tags(buttons) == ["DingTalk"]
    # a short line that only names platforms in prose is no button row
    assert find_tags("微信和微博，谁更强？\n微信、微博各有千秋。") == ["WeChat", "Weibo"]


def test_names_far_below_the_subject_are_not_tags() -> None:
    subject = "Coinbase lists a new token. " * 25
    text = subject + "Both apps support two-factor login via Google Authenticator and Google Voice."
    assert find_tags(text) == ["Coinbase"]


def test_one_item_of_a_long_list_is_no_tag_even_in_a_digest_sentence() -> None:
    listing = "会员包括台积电、联发科、中华电信、鸿海等三十家厂商。"
    text = "6G联盟今日成立。" + listing + FILLER
    assert find_tags(text, key_sentences=[listing]) == []
    assert find_tags(text + "联发科表示将投入研发。联发科还将出资。") == ["MediaTek"]
    # named twice, both times as one item of an enumeration: still a list member, not a subject
    twice = text + "首批试点厂商为台积电、广达、纬创与和硕。"
    assert find_tags(twice) == []


# --- Simplified and Traditional ----------------------------------------------------


def test_taiwanese_companies_in_both_scripts() -> None:
    hant = "聯發科公布營收，聯發科表示第四季將成長。中華電信與聯發科合作，中華電信將率先導入。"
    hans = to_simplified(hant)
    assert find_tags(hans)[:2] == ["MediaTek", "ChunghwaTelecom"]
    assert "ChinaTelecom" not in find_tags(hans)
    assert canonical_tag("聯發科") == canonical_tag("联发科") == "MediaTek"
    assert canonical_tag("#中華電信") == "ChunghwaTelecom"
    assert canonical_tag("超微") == "AMD"
    assert canonical_tag("輝達") == canonical_tag("英伟达") == "Nvidia"
