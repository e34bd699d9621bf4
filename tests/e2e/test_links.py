"""Links end to end: the real bot, the fake Bot API, and a small news site on 127.0.0.1.

The bot runs with ``FETCH_ALLOW_PRIVATE_NETWORKS=true`` (the site is on
loopback) except where a test proves that loopback is refused without it.
Each link gets its own reply, in the links' order.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Harness, Starter, title_link
from tests.fakes.article_server import ARTICLES, ArticleServer
from tests.fakes.builders import channel_origin, command
from tests.fakes.network import PUBLIC, FakeInternet

USER = 5150
GROUP = -1005150
RETAIL = "/news/pearl-river-retail"
FREIGHT = "/news/harbor-freight"
CHIPS = "/news/taichung-chips"
PAYMENTS = "/news/orchard-payments"

# one running bot for the module's `bot` tests: each gets fresh chat ids (bot.user, bot.group)
pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(scope="module")
def shared_settings() -> dict[str, object]:
    """The bot allowed to read the loopback site (a self-hosted intranet, as far as it knows)."""
    return {"fetch_allow_private_networks": True}


async def test_a_link_gets_the_article_digest_with_its_title_linked(
    bot: Harness, site: ArticleServer
) -> None:
    url = site.url(RETAIL + "?from=tg&id=7")  # the & must reach Telegram escaped
    message = bot.fake.send(bot.user, f"这篇值得一看：{url}", language_code="zh-hans")
    [call] = await bot.fake.wait_sent(bot.user)
    assert call.reply_to == message["message_id"]
    assert call.params["link_preview_options"] == {"is_disabled": True}
    assert call.text.startswith(title_link(url, "珠江百货十月销售额增长一成"))
    assert "&amp;id=7" in call.text
    assert "珠江百货周二公布" in call.text
    assert "字 →" in call.text  # the Simplified footer: the reader's language
    [stored] = await bot.services.summaries.recent(bot.user)
    assert (stored.source, stored.url, stored.message_id) == ("link", url, message["message_id"])
    assert site.served(RETAIL) == 1


async def test_a_link_behind_words_is_read_too(bot: Harness, site: ArticleServer) -> None:
    url = site.url(FREIGHT)
    entity = {"type": "text_link", "offset": 0, "length": 9, "url": url}
    bot.fake.send(bot.user, "Read more about shipping", entities=[entity])
    [call] = await bot.fake.wait_sent(bot.user)
    assert call.text.startswith(
        title_link(url, "Harbor Freight Lines adds six routes as Asian exports rebound")
    )
    assert "words →" in call.text


async def test_a_redirected_link_is_titled_with_where_it_ended(
    bot: Harness, site: ArticleServer
) -> None:
    bot.fake.send(bot.user, site.url("/moved"))
    [call] = await bot.fake.wait_sent(bot.user)
    assert call.text.startswith(title_link(site.url(FREIGHT), ARTICLES[FREIGHT].title))
    assert site.served("/moved") == site.served(FREIGHT) == 1


async def test_several_links_get_one_digest_each_up_to_three(
    bot: Harness, site: ArticleServer
) -> None:
    links = [site.url(p) for p in (RETAIL, CHIPS, FREIGHT, PAYMENTS)]
    text = (
        "今天的几篇：\n"
        "https://t.me/somechannel/42\n"  # a Telegram post, not an article: skipped
        f"{site.url('/chart.png')}\n" + "\n".join(links)  # an image: skipped without fetching
    )
    message = bot.fake.send(bot.user, text, language_code="zh-TW")
    calls = await bot.fake.wait_sent(bot.user, 3)
    await bot.settled()
    assert len(bot.fake.sent(bot.user)) == 3  # the fourth article link is past the limit
    assert [c.reply_to for c in calls] == [message["message_id"]] * 3
    titles = [ARTICLES[p].title for p in (RETAIL, CHIPS, FREIGHT)]
    for call, url, title in zip(calls, links, titles, strict=False):
        assert call.text.startswith(title_link(url, title))  # in the links' order
    assert "晨曦半導體週三宣布" in calls[1].text  # the Big5 page, decoded
    assert "約" in calls[0].text  # Traditional interface for zh-TW
    assert site.served(PAYMENTS) == 0 and site.served("/chart.png") == 0
    stored = await bot.services.summaries.recent(bot.user)
    assert sorted(a.url or "" for a in stored) == sorted(links[:3])


async def test_a_verification_page_gets_a_clear_message_and_no_digest(
    bot: Harness, site: ArticleServer
) -> None:
    message = bot.fake.send(bot.user, f"看看 {site.url('/verify')}", language_code="zh-hans")
    [call] = await bot.fake.wait_sent(bot.user)
    assert call.reply_to == message["message_id"]
    assert call.text == "无法读取 127.0.0.1 上的文章：网站要求人机验证，我拿不到文章。"
    assert bot.summarized == 0
    assert await bot.services.summaries.recent(bot.user) == []


async def test_one_bad_link_does_not_spoil_the_others(bot: Harness, site: ArticleServer) -> None:
    bot.fake.send(bot.user, f"{site.url('/verify')} and {site.url(PAYMENTS)}")
    first, second = await bot.fake.wait_sent(bot.user, 2)
    assert first.text.startswith("Couldn't read the article at 127.0.0.1: ")
    assert "human check" in first.text
    assert second.text.startswith(
        title_link(site.url(PAYMENTS), "Orchard Pay wins licence to offer cross-border payments")
    )


async def test_a_huge_page_is_refused(bot: Harness, site: ArticleServer) -> None:
    bot.fake.send(bot.user, f"market data {site.url('/huge')}")
    [call] = await bot.fake.wait_sent(bot.user)
    assert call.text.endswith("That page is too large; I didn't download it.")
    assert bot.summarized == 0


async def test_a_slow_page_times_out(bot: Harness, site: ArticleServer) -> None:
    bot.services.links.timeout = 0.3  # the page drips for 10 s; production waits 10 s
    bot.fake.send(bot.user, f"slow one {site.url('/slow')}")
    [call] = await bot.fake.wait_sent(bot.user, timeout=8)
    assert call.text.endswith("The page took too long to load. Please try again later.")


async def test_a_binary_file_is_refused(bot: Harness, site: ArticleServer) -> None:
    # no extension gives it away, so it is fetched, and its type refuses it
    bot.fake.send(bot.user, f"chart {site.url('/files/chart')}")
    [call] = await bot.fake.wait_sent(bot.user)
    assert call.text.endswith("That link isn't a page or a file I can read.")
    assert site.served("/files/chart") == 1


async def test_links_that_are_not_articles_are_not_fetched(
    bot: Harness, site: ArticleServer
) -> None:
    bot.fake.send(bot.user, f"look {site.url('/chart.png')} https://t.me/somechannel/42")
    [call] = await bot.fake.wait_sent(bot.user)
    assert "don't look like articles" in call.text
    assert site.hits == []


async def test_an_article_ending_with_its_source_link_is_digested_as_text(
    bot: Harness, site: ArticleServer
) -> None:
    post = (
        "深蓝电池获得欧洲车企大单\n"
        "深蓝电池周一宣布，与一家欧洲汽车制造商签订为期五年的动力电池供货协议，总金额约一百二十亿元。\n"
        "公司表示，新订单将由其在匈牙利建设的工厂供货，工厂预计明年投产。\n"
        "分析人士认为，这份订单将帮助公司提高海外收入占比，并分散单一市场的风险。\n"
        f"原文链接：{site.url(RETAIL)}"
    )
    bot.fake.send(bot.user, post, **channel_origin(-100777, 12, "深蓝快讯"))
    [call] = await bot.fake.wait_sent(bot.user)
    assert call.text.startswith("<b>深蓝电池获得欧洲车企大单</b>")
    assert site.hits == []  # the post is the article: its source link is not fetched


async def test_loopback_links_are_refused_unless_private_networks_are_allowed(
    start: Starter, site: ArticleServer
) -> None:
    async with start() as bot:  # FETCH_ALLOW_PRIVATE_NETWORKS defaults to false
        assert not bot.services.settings.fetch_allow_private_networks
        bot.fake.send(USER, f"read this {site.url(RETAIL)}")
        [call] = await bot.fake.wait_sent(USER)
    assert call.text == (
        "Couldn't read the article at 127.0.0.1: "
        "That link points to a private address; I won't open it."
    )
    assert site.hits == []  # refused before any connection


async def test_a_redirect_to_a_private_address_is_refused(
    start: Starter, site: ArticleServer
) -> None:
    # the site is public on the fake internet, so its redirect is what gets checked
    internet = FakeInternet()
    async with start(network=internet.network) as bot:
        bot.fake.send(USER, f"ok {site.url('/moved', host='news.test')}")  # followed
        [followed] = await bot.fake.wait_sent(USER)
        bot.fake.send(USER, f"sneaky {site.url('/to-private', host='news.test')}")
        _, refused = await bot.fake.wait_sent(USER, 2)
    assert followed.text.startswith(f'<b><a href="{site.url(FREIGHT, host="news.test")}">')
    assert refused.text.endswith("That link points to a private address; I won't open it.")
    assert site.served("/to-private") == 1
    assert internet.dialled == [PUBLIC] * len(internet.dialled)  # never 127.0.0.2


async def test_summary_with_a_url_in_a_group(bot: Harness, site: ArticleServer) -> None:
    bot.fake.chat(bot.group, "supergroup", title="Desk")
    url = site.url("/files/chart")
    message = bot.fake.send(bot.group, user_id=bot.user, **command(f"/summary {site.url(CHIPS)}"))
    [call] = await bot.fake.wait_sent(bot.group)
    assert call.reply_to == message["message_id"]
    assert call.text.startswith(title_link(site.url(CHIPS), "晨曦半導體擴建台中封裝廠"))
    # asked for by name, a link is fetched even when it does not look like an article
    bot.fake.send(bot.group, user_id=bot.user, **command(f"/summary {url}"))
    _, refused = await bot.fake.wait_sent(bot.group, 2)
    assert refused.text.endswith("That link isn't a page or a file I can read.")
    assert site.served("/files/chart") == 1


async def test_summary_replying_to_a_message_with_a_link(bot: Harness, site: ArticleServer) -> None:
    bot.fake.chat(bot.group, "supergroup", title="Desk")
    shared = bot.fake.new_message(bot.group, text=f"FYI {site.url(FREIGHT)}", user_id=bot.user + 1)
    bot.fake.send(bot.group, user_id=bot.user, reply_to_message=shared, **command("/summary"))
    [call] = await bot.fake.wait_sent(bot.group)
    assert call.reply_to == shared["message_id"]  # the digest goes under the shared link
    assert call.text.startswith(
        title_link(
            site.url(FREIGHT), "Harbor Freight Lines adds six routes as Asian exports rebound"
        )
    )
    [stored] = await bot.services.summaries.recent(bot.group)
    assert (stored.source, stored.url) == ("link", site.url(FREIGHT))


async def test_group_links_are_never_fetched_unasked(start: Starter, site: ArticleServer) -> None:
    start.fake.can_read_all_group_messages = True
    start.fake.chat(GROUP, "supergroup", title="Desk")
    async with start(fetch_allow_private_networks=True) as bot:
        bot.fake.send(GROUP, f"FYI {site.url(FREIGHT)}", user_id=USER)
        await bot.settled()
    assert bot.fake.sent(GROUP) == [] and site.hits == []
