"""Hostile links end to end: bombs and broken HTTP next to good links in one message.

The real bot reads a message with several links; the hostile ones (from
:class:`tests.fakes.hostile_server.HostileServer`) get a clear failure each,
and the good ones still get their digests, in the links' order.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.conftest import Harness, title_link
from tests.fakes.article_server import ARTICLES, ArticleServer
from tests.fakes.hostile_server import (
    HostileServer,
    compressed,
    reset_after,
    response,
    zeros_compressed,
)

RETAIL = "/news/pearl-river-retail"
FREIGHT = "/news/harbor-freight"

# one running bot for the module's `bot` tests: each gets fresh chat ids (bot.user, bot.group)
pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    html_type = ("Content-Type", "text/html; charset=utf-8")
    routes = {
        "/stacked": response(
            compressed(zeros_compressed(1024), "gzip"),
            headers=[html_type, ("Content-Encoding", "gzip, gzip")],
        ),
        "/bomb": response(
            zeros_compressed(1024), headers=[html_type, ("Content-Encoding", "gzip")]
        ),
        "/reset": reset_after(b"HTTP/1.1 200 OK\r\nContent-Length: 900\r\n\r\n<html>"),
    }
    with HostileServer(routes) as server:
        yield server


@pytest.fixture(scope="module")
def shared_settings() -> dict[str, object]:
    return {"fetch_allow_private_networks": True}


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("/stacked", "That page is compressed in a way I can't read."),
        ("/bomb", "That page is too large; I didn't download it."),
        ("/reset", "I couldn't reach that site. Please try again later."),
    ],
)
async def test_a_hostile_link_between_good_ones_fails_alone(
    bot: Harness, site: ArticleServer, hostile: HostileServer, path: str, why: str
) -> None:
    good = [site.url(RETAIL), site.url(FREIGHT)]
    message = bot.fake.send(bot.user, f"three: {good[0]} {hostile.url(path)} {good[1]}")
    first, second, third = await bot.fake.wait_sent(bot.user, 3)
    assert [c.reply_to for c in (first, second, third)] == [message["message_id"]] * 3
    assert first.text.startswith(title_link(good[0], ARTICLES[RETAIL].title))
    assert second.text == f"Couldn't read the article at 127.0.0.1: {why}"
    assert third.text.startswith(title_link(good[1], ARTICLES[FREIGHT].title))
    assert hostile.hits == [path]
