"""Genre from the text's own signals, and where each genre's point sits."""

from __future__ import annotations

from summarizer.genre import classify, lede_index, position_prior, verdict_index
from summarizer.segment import Article, parse

NEWS = (
    "小米发布新款折叠屏手机\n"
    "小米周二在北京发布新款折叠屏手机，起售价为六千九百九十九元，将于下周在全国开售。\n"
    "新机采用自研铰链，重量比上一代减轻了三十克，电池容量也有所提升。\n"
    "公司表示，今年的折叠屏出货量有望比去年翻一番。\n"
)

RESEARCH = (
    "星河科技：三季度业绩超预期，维持买入评级\n"
    "三季度公司实现营业收入12.5亿元，同比增长35%，归母净利润2.1亿元，同比增长48%，业绩超预期。\n"
    "毛利率同比提升2.3个百分点，主要受益于高端产品占比提升和原材料价格回落。\n"
    "我们预计公司2024-2026年归母净利润分别为8.2亿元、10.1亿元和12.3亿元。\n"
    "维持买入评级，目标价45元。\n"
    "风险提示：下游需求不及预期；原材料价格大幅上涨。\n"
)

BRIEFING = (
    "早报：星河汽车发布首款电动皮卡；蓝海银行下调存款利率\n"
    "星河汽车发布首款电动皮卡\n"
    "星河汽车周一发布首款电动皮卡，续航里程达到六百公里，预售价为二十五万元。\n"
    "蓝海银行下调存款利率\n"
    "蓝海银行宣布自本周起下调一年期定期存款利率十个基点，多家同业预计将跟进。\n"
    "青山影业完成新一轮融资\n"
    "青山影业完成数亿元新一轮融资，资金将用于动画电影的制作和发行。\n"
    "白鹭航空恢复国际航线\n"
    "白鹭航空将于下月恢复三条国际航线，每周共计十二个航班。\n"
    "紫金物流启用无人仓\n"
    "紫金物流在华东地区启用第二座无人仓，日处理包裹能力达到五十万件。\n"
)

COMMENTARY = (
    "我们为什么需要慢一点的城市\n"
    "我认为，一座城市的好坏，不取决于它有多少高楼，而取决于人们愿不愿意在街上慢慢走。\n"
    "过去二十年，许多城市把道路修得越来越宽，却把人行道越挤越窄。\n"
    "难道速度就是城市生活的全部意义吗？\n"
    "慢一点的城市，让小店有机会生存，也让邻里之间有机会相识。\n"
)

PRESS = (
    "星河软件与蓝海集团签署战略合作协议\n"
    "星河软件今日宣布与蓝海集团签署战略合作协议，双方将共同开发面向制造业的工业软件。\n"
    "根据协议，双方将在三年内联合建设两个研发中心，并举办年度开发者大会。\n"
    "关于星河软件\n"
    "星河软件成立于二〇一〇年，专注于工业设计与仿真软件。\n"
)


def _genre(text: str) -> str:
    article = parse(text)
    return classify(article, [s.text for s in article.sentences], article.title or "")


def test_each_genre_is_told_from_its_own_signals() -> None:
    assert _genre(NEWS) == "news"
    assert _genre(RESEARCH) == "research"
    assert _genre(BRIEFING) == "briefing"
    assert _genre(COMMENTARY) == "commentary"
    assert _genre(PRESS) == "press"


def test_the_lede_skips_a_kicker_and_an_editors_note() -> None:
    text = (
        "两地合作再进一步\n"
        "编者按：本文来自合作媒体，经授权转载。\n"
        "合作向前冲！两地周三签署协议，首次宣布共建六个联合实验室并吸引三十家企业参与研发。\n"
        "双方表示，实验室将于明年投入使用。\n"
    )
    article = parse(text)
    lede = lede_index(article)
    assert lede is not None
    assert article.sentences[lede].text.startswith("两地周三签署协议")


def test_news_prior_puts_the_lede_first() -> None:
    article = parse(NEWS)
    prior = position_prior(article, "news", [s.text for s in article.sentences])
    assert prior[0] == max(prior)
    assert prior == sorted(prior, reverse=True)


def test_briefing_prior_favours_the_items_the_title_names() -> None:
    article = parse(BRIEFING)
    simp = [s.text for s in article.sentences]
    prior = position_prior(article, "briefing", simp)
    named = [i for i, s in enumerate(simp) if s.startswith(("星河汽车", "蓝海银行"))]
    others = [i for i, s in enumerate(simp) if s.startswith(("青山", "白鹭", "紫金"))]
    assert min(prior[i] for i in named) > max(prior[i] for i in others)


def test_the_verdict_of_a_research_note_is_found() -> None:
    article: Article = parse(RESEARCH)
    simp = [s.text for s in article.sentences]
    i = verdict_index(article, simp)
    assert i is not None and simp[i].startswith("维持买入评级")
    assert verdict_index(parse(NEWS), [s.text for s in parse(NEWS).sentences]) is None
