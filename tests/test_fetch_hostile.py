"""reader.fetch against hostile servers: bombs, broken HTTP, odd redirects and charsets.

Whatever a link answers, the fetcher must stay within its byte cap, keep the
event loop running, and raise :class:`FetchError` and nothing else.  Broken
HTTP comes from a raw socket server (:mod:`tests.fakes.hostile_server`);
pure response shapes (codings, charsets, redirects) from
:class:`httpx.MockTransport`, which skips the SSRF guard (the guard is tested
on real sockets in ``test_fetch.py``).
"""

from __future__ import annotations

import contextlib
import functools
import tracemalloc
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import reader.fetch as fetch
from bot.errors import FetchError
from reader.documents import read_inline
from reader.fetch import MAX_FETCH_BYTES, fetch_url
from reader.isolate import read_in_worker
from tests.fakes.cli import run_cli
from tests.fakes.hostile_server import (
    HostileServer,
    Route,
    chunks,
    compressed,
    reset_after,
    response,
    zeros_compressed,
)

ROOT = Path(__file__).resolve().parents[1]

TITLE = "港口物流指数连续三个月回升"
PARAS = [
    "港口协会周四发布报告称，十一月沿海主要港口集装箱吞吐量同比增长百分之六点二，连续三个月回升。",
    "报告显示，出口航线订舱量明显增加，东南亚和中东方向的增幅最大，欧洲航线基本持平。",
    "协会负责人表示，运价在经历夏季波动后趋于稳定，港口作业效率也有所提高。",
    "业内人士预计，年底前货运需求仍将保持较快增长，但燃油成本上升可能压缩航运企业利润。",
]
ARTICLE = (
    f"<!doctype html><html><head><meta charset='utf-8'><title>{TITLE}</title></head>"
    f"<body><article><h1>{TITLE}</h1>" + "".join(f"<p>{p}</p>" for p in PARAS) + "</article>"
    "</body></html>"
).encode()
HTML = ("Content-Type", "text/html; charset=utf-8")
GZIP = ("Content-Encoding", "gzip")

#: A bomb well past the 5 MB cap (64 KB on the wire): more than the memory the tests allow
#: (4 x the cap), so a decoder that inflated it whole fails them.  A gigabyte would prove
#: nothing more, and its checksum alone costs half a second to compute.
BOMB_MB = 64


def _gz(data: bytes, layers: int = 1) -> bytes:
    for _ in range(layers):
        data = compressed(data, "gzip")
    return data


def _stacked_bomb(layers: int) -> bytes:
    """:data:`BOMB_MB` of zeros in ``layers`` gzip layers: a few kilobytes, or hundreds of bytes."""
    return _gz(zeros_compressed(BOMB_MB), layers - 1)


def _routes() -> dict[str, Route]:
    head_ok = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n"
    return {
        "/article": response(ARTICLE, headers=[HTML]),
        "/gzip-article": response(_gz(ARTICLE), headers=[HTML, GZIP]),
        "/chunked-article": response(
            chunks(ARTICLE[:100], ARTICLE[100:300], ARTICLE[300:]), headers=[HTML], chunked=True
        ),
        "/chunked-gzip-article": response(
            chunks(*(_gz(ARTICLE)[i : i + 50] for i in range(0, len(_gz(ARTICLE)), 50))),
            headers=[HTML, GZIP],
            chunked=True,
        ),
        "/gzip-bomb": response(zeros_compressed(BOMB_MB), headers=[HTML, GZIP]),
        "/chunked-gzip-bomb": response(
            chunks(zeros_compressed(BOMB_MB)), headers=[HTML, GZIP], chunked=True
        ),
        "/gzip-gzip": response(
            _stacked_bomb(2), headers=[HTML, ("Content-Encoding", "gzip, gzip")]
        ),
        "/gzip-gzip-gzip": response(
            _stacked_bomb(3), headers=[HTML, ("Content-Encoding", "gzip, gzip, gzip")]
        ),
        "/two-coding-headers": response(_stacked_bomb(2), headers=[HTML, GZIP, GZIP]),
        # transport-level breakage
        "/short-body": response(ARTICLE[:100], headers=[HTML], length=5000),
        "/bad-chunk": response(b"zz\r\n<html>\r\n0\r\n\r\n", headers=[HTML], chunked=True),
        "/chunk-cut": response(b"400\r\n<html>", headers=[HTML], chunked=True),
        "/reset-mid-body": reset_after(head_ok + b"Content-Length: 9000\r\n\r\n<html><p>"),
        "/reset-at-once": reset_after(b""),
        "/not-http": _raw(b"SSH-2.0-OpenSSH_9.6\r\n"),
        "/bad-status": _raw(b"HTTP/1.1 abc\r\n\r\n"),
        "/two-lengths": _raw(head_ok + b"Content-Length: 5\r\nContent-Length: 7\r\n\r\nhello"),
        "/bad-header": _raw(b"HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n"),
        "/closed": _raw(b""),
        "/gzip-cut": response(_gz(ARTICLE)[:-40], headers=[HTML, GZIP]),
        "/gzip-corrupt": response(b"\x1f\x8b\x08\x00" + b"\xff" * 200, headers=[HTML, GZIP]),
        **{f"/to/{i}": _redirect(location) for i, location in enumerate(REDIRECTS)},
        "/to/article": response(ARTICLE, headers=[HTML]),
    }


#: Redirect targets and what becomes of them.
REDIRECTS = {
    "data:text/html,<p>hello</p>": "bad_scheme",
    "mailto:desk@news.test": "bad_scheme",
    "javascript:alert(1)": "bad_scheme",
    "ftp://news.test/file": "bad_scheme",
    "file:///etc/passwd": "bad_scheme",
    "http:article": "followed",
    "https:evil.test/x": "bad_url",
    "http://[::1": "bad_url",
    "http://xn--/": "bad_url",
    "http://a..b/": "bad_url",
    "http://news.test:99999/": "bad_url",
    "http://news.test:abc/": "bad_url",
    "http://" + "a" * 64 + ".test/": "bad_url",
    "http://\x00/": "network",  # a NUL in a header is malformed HTTP
}


def _redirect(location: str) -> Route:
    return response(headers=[("Location", location)], status="302 Found")


def _raw(data: bytes) -> Route:
    def route(sock: Any) -> None:
        sock.sendall(data)

    return route


@pytest.fixture
def real_worker() -> None:
    """Parse pages in the worker process, as in production (see below)."""


@pytest.fixture(autouse=True)
def extraction_in_process(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages are parsed in this process (the worker's own code, without its ~2 s start-up).

    These tests are about what reaches the parser; the worker is used as in
    production by ``test_fetch.py`` and by the tests that ask for ``real_worker``.
    """
    if "real_worker" not in request.fixturenames:
        monkeypatch.setattr(fetch, "read_in_worker", read_inline)


@pytest.fixture(scope="module")
def hostile() -> Iterator[HostileServer]:
    with HostileServer(_routes()) as server:
        yield server


async def _error(url: str, **kwargs: Any) -> FetchError:
    with pytest.raises(FetchError) as exc_info:
        await fetch_url(url, **kwargs)
    return exc_info.value


# --------------------------------------------------------------------------- real sockets


@pytest.mark.parametrize("path", ["/gzip-article", "/chunked-article", "/chunked-gzip-article"])
async def test_compressed_and_chunked_pages_are_read(hostile: HostileServer, path: str) -> None:
    got = await fetch_url(hostile.url(path), allow_private=True)
    assert got.title == TITLE
    assert got.text.split("\n") == PARAS
    assert got.body == ARTICLE  # decoded


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/gzip-bomb", "too_large"),
        ("/chunked-gzip-bomb", "too_large"),
        ("/gzip-gzip", "unsupported_encoding"),
        ("/gzip-gzip-gzip", "unsupported_encoding"),
        ("/two-coding-headers", "unsupported_encoding"),
        ("/gzip-cut", "unreadable"),
        ("/gzip-corrupt", "unreadable"),
        ("/short-body", "network"),
        ("/bad-chunk", "network"),
        ("/chunk-cut", "network"),
        ("/reset-mid-body", "network"),
        ("/reset-at-once", "network"),
        ("/not-http", "network"),
        ("/bad-status", "network"),
        ("/two-lengths", "network"),
        ("/bad-header", "network"),
        ("/closed", "network"),
    ],
)
async def test_hostile_answers_are_fetch_errors(
    hostile: HostileServer, path: str, reason: str
) -> None:
    err = await _error(hostile.url(path), allow_private=True)
    assert err.reason == reason


async def test_bombs_stay_within_the_cap_in_memory(hostile: HostileServer) -> None:
    """Python's allocations while refusing a bomb stay a small multiple of the 5 MB cap."""
    assert BOMB_MB * 2**20 > 4 * MAX_FETCH_BYTES  # inflated whole, it would break the bound
    tracemalloc.start()
    try:
        for path in ("/gzip-bomb", "/gzip-gzip", "/chunked-gzip-bomb"):
            tracemalloc.reset_peak()
            await _error(hostile.url(path), allow_private=True)
            _, peak = tracemalloc.get_traced_memory()
            assert peak < 4 * MAX_FETCH_BYTES, (path, peak)
    finally:
        tracemalloc.stop()


# That a bomb never stalls the event loop follows from the bounded work above (each raw
# chunk inflates to at most the cap, tested below): the stalls themselves are timed in
# bench/bench_hostile_fetch.py, not asserted here (no test depends on a machine's speed).


# --------------------------------------------------------------------------- response shapes


class _Chunks(httpx.AsyncByteStream):
    """A raw body in the given pieces (httpx's ``content=`` would decode it up front)."""

    def __init__(self, *pieces: bytes) -> None:
        self._pieces = pieces

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for piece in self._pieces:
            yield piece


Handler = Callable[[httpx.Request], httpx.Response]


def _answer(
    body: bytes = ARTICLE, *headers: tuple[str, str], status: int = 200, pieces: int = 1
) -> Handler:
    size = -(-len(body) // pieces) if body else 1
    parts = [body[i : i + size] for i in range(0, len(body), size)]

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, headers=list(headers), stream=_Chunks(*parts))

    return handler


async def _mock_fetch(handler: Handler, url: str = "https://news.test/a") -> fetch.FetchedPage:
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        return await fetch_url(url, client=client, allow_private=True)


async def _mock_error(handler: Handler, url: str = "https://news.test/a") -> FetchError:
    with pytest.raises(FetchError) as exc_info:
        await _mock_fetch(handler, url)
    return exc_info.value


@pytest.mark.parametrize(
    ("coding", "data"),
    [
        ("gzip", compressed(ARTICLE, "gzip")),
        ("x-gzip", compressed(ARTICLE, "gzip")),
        ("deflate", compressed(ARTICLE, "deflate")),
        ("deflate", compressed(ARTICLE, "raw-deflate")),  # what some servers call deflate
        ("identity, gzip", compressed(ARTICLE, "gzip")),
        ("GZIP", compressed(ARTICLE, "gzip")),
        ("identity", ARTICLE),
    ],
)
@pytest.mark.parametrize("pieces", [1, 7, 10**6])  # 10**6: one byte at a time
async def test_content_codings_read(coding: str, data: bytes, pieces: int) -> None:
    got = await _mock_fetch(_answer(data, HTML, ("Content-Encoding", coding), pieces=pieces))
    assert got.title == TITLE and got.body == ARTICLE


@pytest.mark.parametrize("coding", ["gzip", "deflate", "raw-deflate"])
async def test_one_raw_chunk_of_a_bomb_is_inflated_only_up_to_the_cap(coding: str) -> None:
    # a single 64 KB chunk that inflates to 64 MB: httpx's own decoder would inflate it whole
    assert BOMB_MB * 2**20 > 4 * MAX_FETCH_BYTES
    data = zeros_compressed(BOMB_MB, coding)
    name = "deflate" if coding == "raw-deflate" else coding
    tracemalloc.start()
    try:
        err = await _mock_error(_answer(data, HTML, ("Content-Encoding", name)))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert err.reason == "too_large"
    assert peak < 4 * MAX_FETCH_BYTES


async def test_the_cap_counts_decoded_bytes() -> None:
    # 200 KB on the wire, 6 MB decoded: over the 5 MB cap although the wire is far under it
    data = zeros_compressed(6)
    assert len(data) < 200_000
    err = await _mock_error(_answer(data, HTML, GZIP))
    assert err.reason == "too_large"
    async with httpx.AsyncClient(transport=httpx.MockTransport(_answer(data, HTML, GZIP))) as c:
        err = await _error("https://news.test/a", client=c, allow_private=True, max_bytes=1000)
    assert err.reason == "too_large"


@pytest.mark.parametrize(
    "coding", ["br", "zstd", "compress", "gzip, deflate", "deflate, gzip", "gzip,gzip", "x-evil"]
)
async def test_stacked_and_unknown_codings_refused(coding: str) -> None:
    err = await _mock_error(_answer(_gz(ARTICLE), HTML, ("Content-Encoding", coding)))
    assert err.reason == "unsupported_encoding"


def test_the_request_offers_only_codings_that_are_decoded() -> None:
    from reader.guard import HEADERS

    offered = {c.strip() for c in HEADERS["Accept-Encoding"].split(",")}
    assert offered == {"gzip", "deflate"}


async def test_an_empty_compressed_body_is_no_crash() -> None:
    err = await _mock_error(_answer(b"", ("Content-Type", "text/html"), GZIP))
    assert err.reason == "not_article"


@pytest.mark.parametrize("location", list(REDIRECTS))
async def test_redirects_to_odd_links_are_followed_or_refused_clearly(
    hostile: HostileServer, location: str
) -> None:
    path = f"/to/{list(REDIRECTS).index(location)}"
    expected = REDIRECTS[location]
    if expected == "followed":  # "http:article" is relative to the page, as in browsers
        got = await fetch_url(hostile.url(path), allow_private=True)
        assert got.url == hostile.url("/to/article") and got.title == TITLE
    else:
        err = await _error(hostile.url(path), allow_private=True)
        assert err.reason == expected


@pytest.mark.parametrize("location", list(REDIRECTS))
async def test_odd_redirects_through_a_plain_httpx_client_are_fetch_errors(location: str) -> None:
    """A caller's own client lets httpx parse the Location first; still only a FetchError."""
    redirect = _answer(b"", ("Location", location), status=302)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/article"):
            return _answer(ARTICLE, HTML)(request)
        return redirect(request)

    try:
        got = await _mock_fetch(handler)
    except FetchError as exc:
        assert exc.reason in ("bad_url", "bad_scheme", "network", "http_status")
    else:
        assert got.title == TITLE


@pytest.mark.parametrize("charset", ["undefined", "base64", "rot13", "no-such-charset", '"'])
@pytest.mark.parametrize("mime", ["text/html", "text/plain"])
async def test_an_unusable_declared_charset_is_ignored(charset: str, mime: str) -> None:
    body = ARTICLE if mime == "text/html" else "\n".join(PARAS).encode()
    got = await _mock_fetch(_answer(body, ("Content-Type", f"{mime}; charset={charset}")))
    assert got.text.split("\n")[-1] == PARAS[-1]


async def test_an_unusable_charset_in_the_page_is_at_most_a_fetch_error() -> None:
    page = ARTICLE.replace(b"charset='utf-8'", b"charset='undefined'")
    with contextlib.suppress(FetchError):  # read or refused, never another exception
        await _mock_fetch(_answer(page, ("Content-Type", "text/html")))


async def test_any_transport_exception_becomes_a_fetch_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise RuntimeError("a transport bug")

    err = await _mock_error(handler)
    assert err.reason == "network"
    assert isinstance(err.__cause__, RuntimeError)


async def test_any_extraction_exception_becomes_a_fetch_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object) -> object:
        raise RecursionError("a parser deep in a hostile page")

    monkeypatch.setattr(fetch, "_extract", broken)
    err = await _mock_error(_answer(ARTICLE, HTML))
    assert err.reason == "unreadable"


async def test_extraction_runs_off_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    loop_thread = threading.get_ident()
    threads: list[int] = []
    real = fetch._extract

    def spy(*args: Any) -> Any:
        threads.append(threading.get_ident())
        return real(*args)

    monkeypatch.setattr(fetch, "_extract", spy)
    got = await _mock_fetch(_answer(ARTICLE, HTML))
    assert got.title == TITLE
    assert threads and loop_thread not in threads


def _cells(n: int) -> bytes:
    """A page of ``n`` table cells: cheap to send, seconds of trafilatura per 100 KB."""
    return b"<html><body><table>" + b"<tr><td>a</td><td>b</td></tr>" * n + b"</table></body></html>"


async def test_a_page_that_parses_forever_is_stopped_by_the_worker(
    real_worker: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 1 MB of table cells keeps trafilatura busy for ~10 s; the worker is stopped at its limit.
    # A page read first warms the worker (its start-up counts against the first file's
    # limit), so the limit can be half a second, still far below the page's parsing time.
    assert (await _mock_fetch(_answer(ARTICLE, HTML))).title == TITLE
    monkeypatch.setattr(fetch, "read_in_worker", functools.partial(read_in_worker, timeout=0.5))
    err = await _mock_error(_answer(_cells(35_000), HTML))
    assert err.reason == "unreadable"
    assert err.detail == "too_complex"


async def test_the_worker_reads_the_page_in_the_headers_charset(real_worker: None) -> None:
    # GB18030 bytes, declared only in the HTTP header: decoded before the worker sees them
    page = ARTICLE.replace(b"<meta charset='utf-8'>", b"").decode().encode("gb18030")
    got = await _mock_fetch(_answer(page, ("Content-Type", "text/html; charset=gb18030")))
    assert got.title == TITLE and got.text.split("\n") == PARAS


# --------------------------------------------------------------------------- the CLI


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/gzip-gzip", "unsupported_encoding"),
        ("/short-body", "network"),
        ("/reset-mid-body", "network"),
        ("/gzip-bomb", "too_large"),
    ],
)
def test_cli_prints_one_line_for_a_hostile_link(
    hostile: HostileServer, path: str, reason: str
) -> None:
    result = run_cli(hostile.url(path), env={"FETCH_ALLOW_PRIVATE_NETWORKS": "true"})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert reason in result.stderr
