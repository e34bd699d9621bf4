# ruff: noqa: E501  (article lines are prose, one sentence a line)
"""A small news site on 127.0.0.1 for the bot's link tests (text written for this repository).

Article pages in UTF-8 and Big5, a WeChat-style verification page, a
redirect, a redirect to a private address, a 6 MB page, a page that drips
one byte at a time, and an image.  Every request is recorded so a test can
prove a link was (or was never) fetched.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.fakes.http_server import HttpServer, Route, drip, redirect, response, unbounded

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


def _page(body: bytes, ctype: str) -> Route:
    return response(body, headers=[("Content-Type", ctype)])


class ArticleServer(HttpServer):
    """``with ArticleServer() as site: site.url("/news/…")``; ``site.hits`` lists paths asked for."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        super().__init__(host=host)
        self.routes.update(
            {
                **{
                    p: _page(a.html(), f"text/html; charset={a.charset}")
                    for p, a in ARTICLES.items()
                },
                "/verify": _page(VERIFY, "text/html; charset=utf-8"),
                "/chart.png": _page(PNG, "image/png"),
                "/files/chart": _page(PNG, "image/png"),
                "/moved": redirect("/news/harbor-freight"),
                "/to-private": redirect(f"http://127.0.0.2:{self.port}/news/harbor-freight"),
                # 6 MB with no Content-Length, and one byte every 0.1 s for at most 10 s
                "/huge": unbounded(b"<p>" + "行情数据".encode() * 16_000 + b"</p>", 6 << 20),
                "/slow": drip(self.stopping, 100),
            }
        )
