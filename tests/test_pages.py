"""Web pages read as a reader sees them: the article, its headline, none of the furniture."""

from __future__ import annotations

import json

import pytest

from reader.page import TEASER_UNITS, extract_page
from reader.readings import best_text
from summarizer.errors import NotArticleError
from summarizer.text import content_length

ZH = [
    "示例半导体公司周三发布新一代手机芯片，人工智能算力较上一代提升一倍，首批终端将于下月上市。",
    "公司高层在发布会上表示，新芯片采用更先进的制程，功耗下降三成，已获得多家手机品牌采用。",
    "分析人士认为，旗舰芯片竞争正在升级，各家厂商纷纷把端侧人工智能作为新的卖点。",
    "市场研究机构预计，明年搭载人工智能功能的手机出货量将占整体市场的四成以上。",
]
EN = [
    "Example Motors said on Monday that it would build a battery plant in Ohio, creating "
    "about 1,500 jobs by 2027 and doubling its cell output.",
    "The company expects the plant to supply cells for three new models, chief executive "
    "Ann Lee told reporters at a briefing in Columbus.",
    "Analysts said the investment would help the carmaker cut costs as competition in "
    "electric vehicles intensifies across North America.",
    "Shares of the carmaker rose 4 percent in early trading after the announcement, their "
    "biggest gain in two months.",
]
NAV = "".join(f'<li><a href="/s/{i}">栏目{i}</a></li>' for i in range(12))


def _page(
    body: str,
    *,
    title: str = "",
    head: str = "",
) -> str:
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
        f"<body><nav><ul>{NAV}</ul></nav>{body}<footer>版权所有 示例网</footer></body></html>"
    )


def _paras(lines: list[str]) -> str:
    return "".join(f"<p>{ln}</p>" for ln in lines)


# --------------------------------------------------------------------------- titles


def test_title_loses_section_and_site_name_given_by_the_page() -> None:
    head = (
        '<meta property="og:title" content="新芯片算力翻倍 旗艦戰升溫 - 財經">'
        '<meta property="og:site_name" content="範例新聞網">'
    )
    html = _page(
        f"<article><h1>新芯片算力翻倍 旗艦戰升溫</h1>{_paras(ZH)}</article>",
        title="新芯片算力翻倍 旗艦戰升溫 - 財經 - 範例新聞網",
        head=head,
    )
    assert extract_page(html).title == "新芯片算力翻倍 旗艦戰升溫"


def test_title_suffix_found_by_comparing_the_pages_titles() -> None:
    # no og:site_name: the <title> adds "｜Example Daily" to the og:title
    head = '<meta property="og:title" content="Example Motors picks Ohio for battery plant">'
    html = _page(
        f"<article>{_paras(EN)}</article>",
        title="Example Motors picks Ohio for battery plant｜Example Daily",
        head=head,
    )
    assert extract_page(html).title == "Example Motors picks Ohio for battery plant"


def test_title_with_a_dash_that_is_not_a_site_is_kept() -> None:
    head = '<meta property="og:site_name" content="Example Daily">'
    title = "Cloud or on-premises - which one is cheaper for a startup?"
    html = _page(f"<article><h1>{title}</h1>{_paras(EN)}</article>", title=title, head=head)
    assert extract_page(html).title == title


# --------------------------------------------------------------------------- bodies


def test_article_in_noscript_is_read() -> None:
    html = _page(f'<div id="app"></div><noscript><article>{_paras(EN)}</article></noscript>')
    page = extract_page(html)
    assert page.text.split("\n") == EN


def test_wechat_body_hidden_until_scripts_run_is_read() -> None:
    head = '<meta property="og:title" content="新芯片发布：算力提升一倍">'
    body = (
        '<h1 id="activity-name">新芯片发布：算力提升一倍</h1>'
        f'<div id="js_content" style="visibility: hidden;">{_paras(ZH)}</div>'
    )
    page = extract_page(_page(body, title="", head=head))
    assert page.title == "新芯片发布：算力提升一倍"
    assert page.text.split("\n") == ZH


def test_json_ld_article_body_is_read_when_the_markup_has_none() -> None:
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "articleBody": "\n".join(EN)}
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    html = _page('<div id="root"><p>Loading…</p></div>', title="Battery plant", head=head)
    page = extract_page(html)
    assert page.text.split("\n") == EN


def test_line_breaks_inside_inline_elements_are_not_line_breaks() -> None:
    zh = (
        "示例公司表示，<a href='/t'>游戏\n业务</a>与<strong>广告\n收入</strong>"
        "均保持增长，全年目标不变。"
    )
    en = (
        "Example Motors said <span>revenue\nrose</span> in the <a href='#'>third\nquarter</a> "
        "of the year, beating estimates by a wide margin."
    )
    html = _page(f"<article>{_paras(ZH[:2])}<p>{zh}</p><p>{en}</p>{_paras(EN[:2])}</article>")
    lines = extract_page(html).text.split("\n")
    assert "示例公司表示，游戏业务与广告收入均保持增长，全年目标不变。" in lines
    assert any(
        ln.startswith("Example Motors said revenue rose in the third quarter") for ln in lines
    )


def test_captions_embedded_posts_and_link_lists_are_not_article_text() -> None:
    alt = "Workers assemble battery modules at the company's plant in Michigan last year"
    body = (
        f"<article><p>{EN[0]}</p>"
        f'<img src="/a.jpg" alt="{alt}."><p>{alt}.</p>'
        f"<p>{EN[1]}</p>"
        "<figure><img src='/b.jpg'><figcaption>The new plant site near Columbus, seen from "
        "the air in May</figcaption></figure>"
        '<blockquote class="twitter-tweet"><p>Big news for Ohio today, more to come soon '
        "for everyone</p>— Ann Lee (@annlee) July 3, 2019</blockquote>"
        f"<p>{EN[2]}</p>"
        '<ul><li>EXPLAINER: <a href="/x">How do battery plants work?</a></li>'
        '<li>IN PICTURES: <a href="/y">The carmaker through the decades</a></li></ul>'
        f"<p>{EN[3]}</p></article>"
    )
    text = extract_page(_page(body, title="Battery plant")).text
    assert text.split("\n") == EN


# --------------------------------------------------------------------------- walls


def test_paywalled_teaser_with_an_article_length_lede_is_read_from_the_lede() -> None:
    lede = ZH
    assert content_length("".join(lede)) >= TEASER_UNITS
    html = _page(
        f"<article>{_paras(lede)}<div class='wall'><p>订阅后阅读全文</p></div></article>",
        title="新芯片发布",
    )
    page = extract_page(html)
    assert page.text.split("\n") == lede


def test_paywall_with_only_a_sentence_above_it_is_refused() -> None:
    html = _page(f"<article><p>{ZH[0]}</p><p>订阅后阅读全文</p></article>", title="新芯片发布")
    with pytest.raises(NotArticleError) as exc_info:
        extract_page(html)
    assert exc_info.value.reason == "paywall"


def test_login_page_is_still_refused() -> None:
    html = _page("<div><p>本文为会员专享内容。</p><p>登录后查看全文</p></div>", title="深度报道")
    with pytest.raises(NotArticleError) as exc_info:
        extract_page(html)
    assert exc_info.value.reason == "login_wall"


def test_title_suffix_the_page_repeats_is_its_site_name() -> None:
    # no og:site_name and no <h1>: the header and an aside repeat the name
    title = "Acme opens a plant | Example Wire"
    head = f'<meta property="og:title" content="{title}">'
    repeated = "<header>Example Wire</header><aside>More from Example Wire</aside>"
    page = extract_page(_page(f"{repeated}<article>{_paras(EN)}</article>", title=title, head=head))
    assert page.title == "Acme opens a plant"
    once = extract_page(_page(f"<article>{_paras(EN)}</article>", title=title, head=head))
    assert once.title == title


def test_title_part_shown_only_with_the_headline_is_kept() -> None:
    title = "Cloud or on-premises - which one is cheaper"
    body = (
        f"<div class='crumbs'>Home / {title}</div><article><h1>{title}</h1>{_paras(EN)}</article>"
    )
    assert extract_page(_page(body, title=title)).title == title


def test_fallback_reading_is_chosen_only_when_it_holds_the_article() -> None:
    flash = ZH[0]
    sidebar = "\n".join(f"{ln}（相关报道）" for ln in ZH[1:] * 2)
    full = "\n".join(ZH * 2)
    menu = "\n".join(f"栏目{i}" for i in range(12))
    # a flash is not traded for longer text without its lead
    assert best_text(flash, [sidebar]) == flash
    # but is for a longer reading of the same article
    assert best_text(flash, [sidebar, full]) == full
    # a menu is no article: any reading with clearly more prose wins
    assert best_text(menu, [sidebar]) == sidebar
