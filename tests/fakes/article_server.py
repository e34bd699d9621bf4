# ruff: noqa: E501  (article lines are prose, one sentence a line)
"""A small news site on 127.0.0.1 for the bot's link tests (text written for this repository).

Article pages in UTF-8 and Big5, a WeChat-style verification page, a
redirect, a redirect to a private address, a 6 MB page, a page that drips
one byte at a time, and an image.  Every request is recorded so a test can
prove a link was (or was never) fetched.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

__all__ = ["ARTICLES", "ArticleServer", "Page"]


@dataclass(frozen=True, slots=True)
class Page:
    """An article page: its ``<title>``, paragraphs, and the charset it is served in."""

    title: str
    paragraphs: tuple[str, ...]
    charset: str = "utf-8"

    def html(self) -> bytes:
        # the site's own furniture, in the page's script (Big5 has no Simplified characters)
        site, home, markets, rights = (
            ("示例財經", "首頁", "市場", "版權所有")
            if self.charset == "big5"
            else ("示例财经", "首页", "市场", "版权所有")
        )
        body = "".join(f"<p>{p}</p>" for p in self.paragraphs)
        page = (
            f"<!doctype html><html><head><meta charset='{self.charset}'>"
            f"<title>{self.title} - {site}</title></head><body>"
            f"<nav><a href='/'>{home}</a> <a href='/markets'>{markets}</a></nav>"
            f"<article><h1>{self.title}</h1>{body}</article>"
            f"<footer>{site} {rights}</footer></body></html>"
        )
        return page.encode(self.charset)


ARTICLES: dict[str, Page] = {
    "/news/pearl-river-retail": Page(
        "珠江百货十月销售额增长一成",
        (
            "珠江百货周二公布，十月份门店销售额达到十八亿元，同比增长百分之十一，增幅为年内最高。",
            "公司表示，国庆黄金周期间客流明显回升，化妆品和运动服饰的销售尤其强劲。",
            "线上商城的订单量同比增长百分之二十六，会员复购率提高到百分之四十二。",
            "管理层预计第四季度仍将保持增长，但提醒租金和人工成本上升会压缩利润空间。",
        ),
    ),
    "/news/harbor-freight": Page(
        "Harbor Freight Lines adds six routes as Asian exports rebound",
        (
            "Harbor Freight Lines said on Monday it will add six container routes between southern China and the US West Coast from December.",
            "The company said bookings for the first quarter were already 18 percent above last year as retailers restock.",
            "Chief executive Maria Olsen told analysts that freight rates had stabilised after a volatile summer.",
            "Shares of the shipping group rose 4 percent in early trading in Singapore.",
        ),
    ),
    "/news/taichung-chips": Page(
        "晨曦半導體擴建台中封裝廠",
        (
            "晨曦半導體週三宣布，將投資新台幣九十億元擴建台中的先進封裝廠，預計明年底完工。",
            "公司表示，擴建後封裝產能將提高四成，主要供應人工智慧伺服器的客戶。",
            "新廠預計創造六百個工作機會，並與在地大學合作培訓工程師。",
            "分析師認為，先進封裝需求強勁，這項投資有助公司鞏固市場地位。",
        ),
        charset="big5",
    ),
    "/news/orchard-payments": Page(
        "Orchard Pay wins licence to offer cross-border payments",
        (
            "Orchard Pay said on Thursday it had received a licence to offer cross-border payments for small merchants.",
            "The start-up expects the first customers to go live in the spring, beginning with sellers in Vietnam and Thailand.",
            "Its founders said fees would be about half of what banks charge for the same transfers.",
        ),
    ),
}

VERIFY = (
    "<html><head><title>微信公众平台</title></head><body>"
    "<h2>环境异常</h2><p>当前环境异常，完成验证后即可继续访问。</p>"
    "<p>请在微信客户端打开链接。</p><a href='#'>去验证</a></body></html>"
).encode()

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 256

Route = Callable[[BaseHTTPRequestHandler, "ArticleServer"], None]


def _send(h: BaseHTTPRequestHandler, status: int, body: bytes, ctype: str) -> None:
    h.send_response(status)
    h.send_header("Content-Type", ctype)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


def _redirect(location: str) -> Route:
    def route(h: BaseHTTPRequestHandler, s: ArticleServer) -> None:
        h.send_response(302)
        h.send_header("Location", location.format(port=s.port))
        h.send_header("Content-Length", "0")
        h.end_headers()

    return route


def _huge(h: BaseHTTPRequestHandler, s: ArticleServer) -> None:
    """6 MB of HTML with no Content-Length: the cap has to be enforced while reading."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html; charset=utf-8")
    h.send_header("Connection", "close")
    h.end_headers()
    chunk = b"<p>" + "行情数据".encode() * 16_000 + b"</p>"
    with contextlib.suppress(OSError):  # the bot hangs up at the cap: expected
        for _ in range(6 * 1024 * 1024 // len(chunk) + 1):
            h.wfile.write(chunk)


def _slow(h: BaseHTTPRequestHandler, s: ArticleServer) -> None:
    """Headers at once, then one byte every 0.1 s for at most 10 s."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.end_headers()
    with contextlib.suppress(OSError):
        for _ in range(100):
            if s.stopping.is_set():
                return
            h.wfile.write(b" ")
            h.wfile.flush()
            time.sleep(0.1)


def _article(page: Page) -> Route:
    def route(h: BaseHTTPRequestHandler, s: ArticleServer) -> None:
        _send(h, 200, page.html(), f"text/html; charset={page.charset}")

    return route


ROUTES: dict[str, Route] = {
    **{path: _article(page) for path, page in ARTICLES.items()},
    "/verify": lambda h, s: _send(h, 200, VERIFY, "text/html; charset=utf-8"),
    "/chart.png": lambda h, s: _send(h, 200, PNG, "image/png"),
    "/files/chart": lambda h, s: _send(h, 200, PNG, "image/png"),
    "/moved": _redirect("/news/harbor-freight"),
    "/to-private": _redirect("http://127.0.0.2:{port}/news/harbor-freight"),
    "/huge": _huge,
    "/slow": _slow,
}


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients hanging up on the huge and slow pages are the point of those pages


class ArticleServer:
    """``with ArticleServer() as site: site.url("/news/…")``; ``site.hits`` lists paths asked for."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.hits: list[str] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body leave at once, as a server's do

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                with server._lock:
                    server.hits.append(path)
                route = ROUTES.get(path)
                if route is None:
                    _send(self, 404, b"<h1>Not Found</h1>", "text/html")
                else:
                    route(self, server)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._httpd = _QuietServer((host, 0), Handler)
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def served(self, path: str) -> int:
        with self._lock:
            return self.hits.count(path)

    def __enter__(self) -> ArticleServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
