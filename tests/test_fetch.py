"""reader.fetch against HTTP servers the tests start on 127.0.0.1 (and 127.0.0.2)."""

from __future__ import annotations

import ipaddress
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

import reader.guard as guard
from bot.errors import FetchError
from reader.fetch import fetch_url
from reader.guard import USER_AGENT, check_url, is_public_address, make_client
from reader.urls import find_urls, is_article_url, pick_article_urls
from tests.fakes.cli import run_cli
from tests.fakes.documents import pdf_bytes
from tests.fakes.http_server import HttpServer as Server
from tests.fakes.http_server import Route, drip, redirect, response, unbounded
from tests.fakes.network import PUBLIC, FakeInternet

ROOT = Path(__file__).resolve().parents[1]

PARAS = [
    "国家统计局周一公布数据显示，十月份社会消费品零售总额同比增长百分之四点八，增速较上月回落。",
    "分析人士指出，汽车和家电消费受到以旧换新政策的支撑，但餐饮收入增长放缓，消费意愿偏弱。",
    "同期规模以上工业增加值同比增长百分之五点三，其中高技术制造业增长较快。",
    "多家机构预计，随着稳增长政策持续发力，第四季度经济有望保持平稳运行。",
]
TITLE = "十月消费数据公布：社零增速回落"
ARTICLE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>"
    + TITLE
    + " - 示例财经网</title></head><body><nav><a href='/'>首页</a><a href='/m'>财经</a></nav>"
    + "<article><h1>"
    + TITLE
    + "</h1>"
    + "".join(f"<p>{p}</p>" for p in PARAS)
    + "</article><footer>版权所有</footer></body></html>"
).encode()
VERIFY = (
    "<html><head><title>微信公众平台</title></head><body><h2>环境异常</h2>"
    "<p>当前环境异常，完成验证后即可继续访问。</p><a>去验证</a></body></html>"
).encode()
PLAIN = "\n".join(PARAS).encode("gbk")


PDF_SENTENCES = [
    "Acme Corp said on Tuesday that third-quarter revenue rose 12 percent to $3.4 billion, "
    "beating analyst estimates as demand for its cloud services accelerated sharply.",
    "Chief executive Jane Doe told investors the company would expand its data centers in "
    "Europe and Asia next year, adding about 2,000 jobs.",
]


def _page(body: bytes, ctype: str, status: str = "200 OK") -> Route:
    return response(body, status=status, headers=[("Content-Type", ctype)])


def _routes(port: int) -> dict[str, Route]:
    pdf = pdf_bytes(PDF_SENTENCES, title="Acme Q3")
    html = "text/html; charset=utf-8"
    return {
        "/article": _page(ARTICLE, html),
        "/verify": _page(VERIFY, html),
        "/plain": _page(PLAIN, "text/plain; charset=gbk"),
        "/report": _page(pdf, "application/octet-stream"),
        "/pdf": _page(pdf, "application/pdf"),
        "/image": _page(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png"),
        "/missing": _page(b"<h1>Not Found</h1>", "text/html", "404 Not Found"),
        "/redirect": redirect("/article"),
        "/to-private-ip": redirect(f"http://127.0.0.2:{port}/article"),
        "/to-internal-name": redirect(f"http://internal.test:{port}/article"),
        "/to-ftp": redirect("ftp://127.0.0.1/file"),
        # /chain/N redirects N times, then serves the article
        "/chain/0": _page(ARTICLE, html),
        **{
            f"/chain/{n}": redirect(f"/chain/{n - 1}", "301 Moved Permanently") for n in range(1, 8)
        },
        # 6 MB with no Content-Length: the cap must be enforced while streaming
        "/huge": unbounded(b"<p>" + "数据".encode() * 20_000 + b"</p>", 6 << 20, "text/html"),
        "/declared-huge": response(b"<html>" + b" " * 1024, length=50 << 20),
        "/slow": drip(threading.Event(), 50),  # one byte every 0.1 s for at most 5 s
    }


def _start(host: str, port: int = 0) -> Iterator[Server]:
    with Server(host=host, port=port) as server:
        server.routes.update(_routes(server.port))
        yield server


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    yield from _start("127.0.0.1")


@pytest.fixture(scope="module")
def inner(server: Server) -> Iterator[Server]:
    """A second server on 127.0.0.2, same port: the "private" target that must never be hit."""
    try:
        yield from _start("127.0.0.2", server.port)
    except OSError:
        yield from _start("127.0.0.2")


@pytest.fixture
def internet() -> FakeInternet:
    """``news.test`` is a public address whose site is the ``server`` on 127.0.0.1."""
    return FakeInternet()


async def _error(url: str, **kwargs: Any) -> FetchError:
    with pytest.raises(FetchError) as exc_info:
        await fetch_url(url, **kwargs)
    return exc_info.value


# --------------------------------------------------------------------------- happy paths


async def test_article_page(server: Server) -> None:
    got = await fetch_url(server.url("/article"), allow_private=True)
    assert got.url == server.url("/article")
    assert got.content_type == "text/html"
    assert got.title == TITLE
    assert got.text.split("\n") == PARAS
    assert got.body == ARTICLE
    hit = server.requests[-1]
    assert hit.headers["user-agent"] == USER_AGENT and "zhaiyao" in USER_AGENT
    assert hit.headers["user-agent"].startswith("Mozilla/5.0")


async def test_redirect_is_followed(server: Server) -> None:
    got = await fetch_url(server.url("/redirect"), allow_private=True)
    assert got.url == server.url("/article")
    assert got.title == TITLE


async def test_plain_text_in_its_declared_charset(server: Server) -> None:
    got = await fetch_url(server.url("/plain"), allow_private=True)
    assert got.content_type == "text/plain"
    assert got.text.split("\n") == PARAS


@pytest.mark.parametrize("path", ["/pdf", "/report"])  # typed, and octet-stream sniffed
async def test_pdf_link(server: Server, path: str) -> None:
    got = await fetch_url(server.url(path), allow_private=True)
    assert got.title == "Acme Q3"
    assert got.text.split("\n") == PDF_SENTENCES  # wrapped sentences are whole lines again


async def test_shared_client_is_reused(server: Server) -> None:
    async with make_client(allow_private=True) as client:
        first = await fetch_url(server.url("/article"), allow_private=True, client=client)
        second = await fetch_url(server.url("/plain"), allow_private=True, client=client)
        assert not client.is_closed  # the caller owns it
    assert first.title == TITLE and second.text.startswith(PARAS[0])


# --------------------------------------------------------------------------- address guard


async def test_loopback_refused_unless_private_networks_allowed(server: Server) -> None:
    before = len(server.hits)
    err = await _error(server.url("/article"))
    assert err.reason == "blocked_address"
    assert len(server.hits) == before  # refused before connecting
    assert (await fetch_url(server.url("/article"), allow_private=True)).title == TITLE


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:{port}/article",
        "http://LOCALHOST.:{port}/article",
        "http://[::1]:{port}/article",
        "http://0.0.0.0:{port}/article",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://[::ffff:127.0.0.1]:{port}/",
        "http://printer.local/",
    ],
)
async def test_private_and_local_hosts_refused(server: Server, url: str) -> None:
    before = len(server.hits)
    err = await _error(url.format(port=server.port))
    assert err.reason == "blocked_address"
    assert len(server.hits) == before


async def test_redirect_to_a_private_address_is_refused(
    server: Server, inner: Server, internet: FakeInternet
) -> None:
    async with make_client(network=internet.network) as client:
        # the first hop is public and is served; the hop to 127.0.0.2 is not
        got = await fetch_url(server.url("/article", host="news.test"), client=client)
        assert got.title == TITLE
        err = await _error(server.url("/to-private-ip", host="news.test"), client=client)
    assert err.reason == "blocked_address"
    assert inner.hits == []


async def test_redirect_to_a_name_that_resolves_privately_is_refused(
    server: Server, inner: Server, internet: FakeInternet
) -> None:
    internet.names["internal.test"] = ["127.0.0.2"]
    async with make_client(network=internet.network) as client:
        err = await _error(server.url("/to-internal-name", host="news.test"), client=client)
    assert err.reason == "blocked_address"
    assert internet.resolved == ["news.test", "internal.test"]
    assert inner.hits == []


async def test_host_name_is_resolved_once_and_the_vetted_address_is_used(
    server: Server, internet: FakeInternet
) -> None:
    async with make_client(network=internet.network) as client:
        got = await fetch_url(server.url("/article", host="news.test"), client=client)
    assert got.title == TITLE
    assert got.url == server.url("/article", host="news.test")
    assert internet.resolved == ["news.test"] and internet.dialled == [PUBLIC]
    assert server.requests[-1].headers["host"] == f"news.test:{server.port}"  # Host preserved


async def test_any_private_answer_refuses_the_name(
    server: Server, inner: Server, internet: FakeInternet
) -> None:
    """DNS rebinding: a public and a private answer together are refused outright."""
    internet.names["rebind.test"] = [PUBLIC, "127.0.0.2"]
    before = len(server.hits)
    async with make_client(network=internet.network) as client:
        err = await _error(server.url("/article", host="rebind.test"), client=client)
    assert err.reason == "blocked_address"
    assert internet.dialled == []  # refused before any connection
    assert len(server.hits) == before and inner.hits == []


async def test_unknown_host_is_a_network_error(internet: FakeInternet) -> None:
    async with make_client(network=internet.network) as client:
        err = await _error("http://no-such-host.test/a", client=client)
    assert err.reason == "network"
    assert internet.dialled == []


def test_peer_address_is_checked_for_clients_without_the_guard() -> None:
    stream = SimpleNamespace(get_extra_info=lambda name: ("127.0.0.1", 80))
    response = httpx.Response(200, extensions={"network_stream": stream})
    with pytest.raises(FetchError) as exc_info:
        guard.check_peer(response, allow_private=False)
    assert exc_info.value.reason == "blocked_address"
    guard.check_peer(response, allow_private=True)  # allowed: no error
    public = SimpleNamespace(get_extra_info=lambda name: ("93.184.216.34", 443))
    guard.check_peer(httpx.Response(200, extensions={"network_stream": public}), False)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:4700:4700::1111", True),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("127.0.0.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("239.255.255.250", False),
        ("240.0.0.1", False),
        ("255.255.255.255", False),
        ("192.0.2.10", False),  # documentation
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("ff02::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("::ffff:93.184.216.34", True),
        ("64:ff9b::7f00:1", False),  # NAT64 of 127.0.0.1
        ("2002:7f00:1::", False),  # 6to4 of 127.0.0.1
    ],
)
def test_public_address_table(address: str, public: bool) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is public


# --------------------------------------------------------------------------- URLs


@pytest.mark.parametrize(
    "url",
    ["ftp://127.0.0.1/file", "file:///etc/passwd", "gopher://x.test/", "javascript:alert(1)"],
)
async def test_non_http_schemes_refused(url: str) -> None:
    err = await _error(url, allow_private=True)
    assert err.reason == "bad_scheme"


async def test_redirect_to_another_scheme_refused(server: Server) -> None:
    err = await _error(server.url("/to-ftp"), allow_private=True)
    assert err.reason == "bad_scheme"


@pytest.mark.parametrize("url", ["http://", "http:///path", "https://exa mple.com/"])
async def test_malformed_urls(url: str) -> None:
    err = await _error(url, allow_private=True)
    assert err.reason == "bad_url"


async def test_credentials_in_the_url_are_never_sent(server: Server) -> None:
    url = f"http://reader:s3cret@127.0.0.1:{server.port}/article"
    got = await fetch_url(url, allow_private=True)
    assert "s3cret" not in got.url and "reader" not in got.url
    hit = server.requests[-1]
    assert hit.path == "/article"
    assert "authorization" not in hit.headers


@pytest.mark.parametrize("port", [21, 22, 25, 110, 6667, 10080])
def test_odd_ports_refused_even_on_private_networks(port: int) -> None:
    with pytest.raises(FetchError) as exc_info:
        check_url(f"http://news.test:{port}/a", allow_private=True)
    assert exc_info.value.reason == "blocked_port"


@pytest.mark.parametrize("port", [80, 443, 8080, 8443, 3000])
def test_usual_ports_allowed(port: int) -> None:
    assert check_url(f"https://news.test:{port}/a#frag").fragment == ""


# --------------------------------------------------------------------------- responses


async def test_too_many_redirects(server: Server) -> None:
    assert (await fetch_url(server.url("/chain/5"), allow_private=True)).title == TITLE
    err = await _error(server.url("/chain/6"), allow_private=True)
    assert err.reason == "too_many_redirects"
    err = await _error(server.url("/chain/2"), allow_private=True, max_redirects=1)
    assert err.reason == "too_many_redirects"


async def test_streamed_body_over_the_cap(server: Server) -> None:
    err = await _error(server.url("/huge"), allow_private=True)
    assert err.reason == "too_large"


async def test_declared_length_over_the_cap(server: Server) -> None:
    err = await _error(server.url("/declared-huge"), allow_private=True)
    assert err.reason == "too_large"


async def test_small_custom_cap(server: Server) -> None:
    err = await _error(server.url("/article"), allow_private=True, max_bytes=100)
    assert err.reason == "too_large"


async def test_slow_drip_hits_the_total_deadline(server: Server) -> None:
    started = time.monotonic()
    # a byte every 0.1 s: each read is quick, only the whole answer is late
    err = await _error(server.url("/slow"), allow_private=True, timeout=0.25)
    assert err.reason == "timeout"
    # a per-read timeout alone would wait the whole 5 s drip
    assert time.monotonic() - started < 3.0


async def test_verification_page_is_not_an_article(server: Server) -> None:
    err = await _error(server.url("/verify"), allow_private=True)
    assert err.reason == "not_article"
    assert err.detail == "verification_page"


async def test_binary_types_refused(server: Server) -> None:
    err = await _error(server.url("/image"), allow_private=True)
    assert err.reason == "unsupported_type"
    assert err.detail == "image/png"


async def test_http_error_status(server: Server) -> None:
    err = await _error(server.url("/missing"), allow_private=True)
    assert err.reason == "http_status"
    assert err.detail == "404"


# --------------------------------------------------------------------------- finding links


def test_find_urls_in_chinese_and_english_messages() -> None:
    text = (
        "看这篇https://news.example.cn/a/123.html，写得很好！"
        "另一篇（https://example.com/b?id=7&x=1）和 http://example.org/wiki/Acme_(company). "
        "Again: https://news.example.cn/a/123.html and HTTPS://Example.com/C, "
        "not ftp://example.com/x or www.example.com/y"
    )
    assert find_urls(text) == [
        "https://news.example.cn/a/123.html",
        "https://example.com/b?id=7&x=1",
        "http://example.org/wiki/Acme_(company)",
        "HTTPS://Example.com/C",
    ]


PIECES = [*"ab:/.?(),，。 \nhtps看sik", "http://", "HTTPS://x.cn", "https://"]


@given(st.lists(st.sampled_from(PIECES)).map("".join))
def test_find_urls_properties(text: str) -> None:
    urls = find_urls(text)
    assert len(urls) == len(set(urls))
    for url in urls:
        assert url in text
        assert url.lower().startswith(("http://", "https://"))
        assert not any(ch.isspace() or ord(ch) > 127 for ch in url)


def test_pick_article_urls() -> None:
    urls = [
        "https://example.com/",
        "https://t.me/somechannel/123",
        "https://www.youtube.com/watch?v=abc",
        "https://cdn.example.com/chart.PNG",
        "https://news.example.cn/a/1.html",
        "https://example.com/report.pdf",
        "https://www.bilibili.com/video/BV1xx",
        "https://example.org/story?id=2",
        "https://example.net/2024/11/18/story",
    ]
    assert pick_article_urls(urls) == [
        "https://news.example.cn/a/1.html",
        "https://example.com/report.pdf",
        "https://example.org/story?id=2",
    ]
    assert pick_article_urls(urls, limit=1) == ["https://news.example.cn/a/1.html"]
    assert not is_article_url("https://x.com/user/status/1")
    assert is_article_url("https://example.com/?p=123")


@pytest.mark.parametrize("module", ["fetch.py", "guard.py", "body.py", "urls.py"])
def test_the_fetcher_reads_no_environment(module: str) -> None:
    # settings are read in reader.settings and bot.config only (tested there)
    source = (ROOT / "reader" / module).read_text(encoding="utf-8")
    assert "os.environ" not in source and "getenv" not in source
    assert "FETCH_ALLOW_PRIVATE_NETWORKS" not in source.split('"""', 2)[2]  # docstring aside


# --------------------------------------------------------------------------- CLI


def _allow(allow: bool) -> dict[str, str]:
    return {"FETCH_ALLOW_PRIVATE_NETWORKS": "true"} if allow else {}


def test_cli_summarizes_a_link(server: Server) -> None:
    # in this process (same main(), no start-up); a link summarized by the module in a
    # child of its own is tests/test_cli_standalone.py's, ``python -m`` itself test_cli.py's
    result = run_cli(server.url("/plain"), env=_allow(True))
    assert result.returncode == 0, result.stderr
    assert PARAS[0] in result.stdout
    # an HTML page, with its title
    page = run_cli(server.url("/article"), env=_allow(True))
    assert page.returncode == 0, page.stderr
    assert page.stdout.splitlines()[0] == TITLE


@pytest.mark.parametrize(
    ("path", "allow", "reason"),
    [
        ("/article", False, "blocked_address"),
        ("/verify", True, "not_article"),
        ("ftp://files.example/report.txt", True, "bad_scheme"),
    ],
)
def test_cli_link_errors_are_one_line(server: Server, path: str, allow: bool, reason: str) -> None:
    result = run_cli(path if "://" in path else server.url(path), env=_allow(allow))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert reason in result.stderr


def test_summarizer_and_reader_do_not_import_the_bot() -> None:
    # the pure library and the reader stand without the Telegram shell
    for package in ("summarizer", "reader"):
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert "from bot" not in text and "import bot" not in text, path
    for path in (ROOT / "summarizer").rglob("*.py"):
        if path.name != "__main__.py":  # the CLI wires reader and summarizer together
            text = path.read_text(encoding="utf-8")
            assert "from reader" not in text and "import reader" not in text, path
