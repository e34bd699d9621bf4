"""reader.fetch against HTTP servers the tests start on 127.0.0.1 (and 127.0.0.2)."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from fpdf import FPDF
from hypothesis import given
from hypothesis import strategies as st

import reader.guard as guard
from bot.errors import FetchError
from reader.fetch import fetch_url
from reader.guard import USER_AGENT, check_url, is_public_address, make_client
from reader.urls import find_urls, is_article_url, pick_article_urls

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


def _pdf_bytes() -> bytes:
    pdf = FPDF()
    pdf.set_title("Acme Q3")
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    for sentence in PDF_SENTENCES:
        pdf.multi_cell(0, 6, sentence, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


@dataclass
class Hit:
    path: str
    headers: dict[str, str]


@dataclass
class Server:
    host: str
    port: int
    hits: list[Hit] = field(default_factory=list)

    def url(self, path: str, host: str | None = None) -> str:
        return f"http://{host or self.host}:{self.port}{path}"


Route = Callable[[BaseHTTPRequestHandler, "Server"], None]


def _send(
    h: BaseHTTPRequestHandler, status: int, body: bytes, ctype: str, length: bool = True
) -> None:
    h.send_response(status)
    h.send_header("Content-Type", ctype)
    if length:
        h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


def _redirect(location: str, status: int = 302) -> Route:
    def route(h: BaseHTTPRequestHandler, s: Server) -> None:
        h.send_response(status)
        h.send_header("Location", location.format(port=s.port))
        h.send_header("Content-Length", "0")
        h.end_headers()

    return route


def _chain(h: BaseHTTPRequestHandler, s: Server) -> None:
    """/chain/N redirects N times, then serves the article."""
    n = int(h.path.rsplit("/", 1)[1])
    if n == 0:
        _send(h, 200, ARTICLE, "text/html; charset=utf-8")
    else:
        _redirect(f"/chain/{n - 1}", 301)(h, s)


def _huge(h: BaseHTTPRequestHandler, s: Server) -> None:
    """6 MB with no Content-Length: the cap must be enforced while streaming."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Connection", "close")
    h.end_headers()
    chunk = b"<p>" + "数据".encode() * 20_000 + b"</p>"
    try:
        for _ in range(6 * 1024 * 1024 // len(chunk) + 1):
            h.wfile.write(chunk)
    except OSError:
        pass  # the client stopped reading: expected


def _declared_huge(h: BaseHTTPRequestHandler, s: Server) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", str(50 * 1024 * 1024))
    h.end_headers()
    with contextlib.suppress(OSError):  # the client may hang up first
        h.wfile.write(b"<html>" + b" " * 1024)


def _slow(h: BaseHTTPRequestHandler, s: Server) -> None:
    """Headers at once, then one byte every 0.1 s for at most 5 s (a drip, not a hang)."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.end_headers()
    try:
        for _ in range(50):
            h.wfile.write(b" ")
            h.wfile.flush()
            time.sleep(0.1)
    except OSError:
        pass


ROUTES: dict[str, Route] = {
    "/article": lambda h, s: _send(h, 200, ARTICLE, "text/html; charset=utf-8"),
    "/verify": lambda h, s: _send(h, 200, VERIFY, "text/html; charset=utf-8"),
    "/plain": lambda h, s: _send(h, 200, PLAIN, "text/plain; charset=gbk"),
    "/report": lambda h, s: _send(h, 200, _pdf_bytes(), "application/octet-stream"),
    "/pdf": lambda h, s: _send(h, 200, _pdf_bytes(), "application/pdf"),
    "/image": lambda h, s: _send(h, 200, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png"),
    "/missing": lambda h, s: _send(h, 404, b"<h1>Not Found</h1>", "text/html"),
    "/redirect": _redirect("/article"),
    "/to-private-ip": _redirect("http://127.0.0.2:{port}/article"),
    "/to-internal-name": _redirect("http://internal.test:{port}/article"),
    "/to-ftp": _redirect("ftp://127.0.0.1/file"),
    "/huge": _huge,
    "/declared-huge": _declared_huge,
    "/slow": _slow,
}


def _handler(server: Server) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            server.hits.append(Hit(self.path, {k.lower(): v for k, v in self.headers.items()}))
            route = ROUTES.get(self.path) or (_chain if self.path.startswith("/chain/") else None)
            if route is None:
                _send(self, 404, b"no such route", "text/plain")
            else:
                route(self, server)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def _start(host: str, port: int = 0) -> Iterator[Server]:
    state = Server(host, 0)
    httpd = ThreadingHTTPServer((host, port), _handler(state))
    httpd.daemon_threads = True
    httpd.block_on_close = False
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


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
def only_127_0_0_1_is_public(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend 127.0.0.1 is a public host, so guards can be tested on loopback."""
    real = guard.is_public_address

    def policy(ip: guard.IPAddress) -> bool:
        return ip == ipaddress.ip_address("127.0.0.1") or real(ip)

    monkeypatch.setattr(guard, "is_public_address", policy)


@pytest.fixture
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Host names the tests resolve; anything else fails like an unknown name."""
    table: dict[str, list[str]] = {}

    async def resolve(host: str, port: int) -> list[str]:
        try:
            return [str(ipaddress.ip_address(host))]
        except ValueError:
            pass
        if host not in table:
            raise OSError(f"unknown host {host}")
        return table[host]

    monkeypatch.setattr(guard, "_resolve", resolve)
    return table


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
    hit = server.hits[-1]
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
    server: Server, inner: Server, only_127_0_0_1_is_public: None
) -> None:
    # the first hop is "public" and is served; the hop to 127.0.0.2 is not
    assert (await fetch_url(server.url("/article"))).title == TITLE
    err = await _error(server.url("/to-private-ip"))
    assert err.reason == "blocked_address"
    assert inner.hits == []


async def test_redirect_to_a_name_that_resolves_privately_is_refused(
    server: Server,
    inner: Server,
    only_127_0_0_1_is_public: None,
    fake_dns: dict[str, list[str]],
) -> None:
    fake_dns["internal.test"] = ["127.0.0.2"]
    err = await _error(server.url("/to-internal-name"))
    assert err.reason == "blocked_address"
    assert inner.hits == []


async def test_host_name_is_resolved_once_and_the_vetted_address_is_used(
    server: Server, only_127_0_0_1_is_public: None, fake_dns: dict[str, list[str]]
) -> None:
    fake_dns["news.test"] = ["127.0.0.1"]
    got = await fetch_url(server.url("/article", host="news.test"))
    assert got.title == TITLE
    assert got.url == server.url("/article", host="news.test")
    assert server.hits[-1].headers["host"] == f"news.test:{server.port}"  # Host preserved


async def test_any_private_answer_refuses_the_name(
    server: Server, inner: Server, only_127_0_0_1_is_public: None, fake_dns: dict[str, list[str]]
) -> None:
    """DNS rebinding: a public and a private answer together are refused outright."""
    fake_dns["rebind.test"] = ["127.0.0.1", "127.0.0.2"]
    before = len(server.hits)
    err = await _error(server.url("/article", host="rebind.test"))
    assert err.reason == "blocked_address"
    assert len(server.hits) == before and inner.hits == []


async def test_unknown_host_is_a_network_error(fake_dns: dict[str, list[str]]) -> None:
    err = await _error("http://no-such-host.test/a")
    assert err.reason == "network"


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
    hit = server.hits[-1]
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
    err = await _error(server.url("/slow"), allow_private=True, timeout=0.5)
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


def _cli(url: str, allow: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "FETCH_ALLOW_PRIVATE_NETWORKS"}
    env["PYTHONIOENCODING"] = "utf-8"
    if allow:
        env["FETCH_ALLOW_PRIVATE_NETWORKS"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "summarizer", url],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=env,
    )


def test_cli_summarizes_a_link(server: Server) -> None:
    result = _cli(server.url("/article"), allow=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == TITLE


@pytest.mark.parametrize(
    ("path", "allow", "reason"),
    [
        ("/article", False, "blocked_address"),
        ("/verify", True, "not_article"),
        ("ftp://files.example/report.txt", True, "bad_scheme"),
    ],
)
def test_cli_link_errors_are_one_line(server: Server, path: str, allow: bool, reason: str) -> None:
    result = _cli(path if "://" in path else server.url(path), allow=allow)
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
