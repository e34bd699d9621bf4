"""Links in, article text out: the bot's (and the CLI's) only network reader.

Safety first, because anyone can send the bot a link:

- only ``http``/``https``, on ports 80, 443 or an unprivileged port that is
  not on the browsers' unsafe list; credentials in a URL are never sent;
- every connection goes through :class:`GuardedBackend`, which resolves the
  host itself, refuses if any address is private, loopback, link-local,
  multicast, reserved or unspecified, and then connects to the address it
  checked.  There is no second DNS lookup to rebind, redirects are
  checked hop by hop because each hop opens its own connection, and TLS still
  verifies the certificate for the real host name (httpcore passes the URL's
  host as SNI/``server_hostname``);
- one deadline for the whole fetch (DNS, connect, every redirect, the body),
  so a server that drips a byte a second cannot hold a worker;
- a size cap enforced while streaming; only HTML, plain text and PDF.

``allow_private=True`` (``FETCH_ALLOW_PRIVATE_NETWORKS=true``, read by
:mod:`bot.config` like every setting) lifts the address check for
self-hosted intranets and the tests; nothing else.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

import httpcore
import httpx

from reader.documents import (
    Page,
    decode_text,
    ensure_article,
    extract_document,
    extract_page,
)
from reader.errors import FetchError
from summarizer.errors import NotArticleError, UnsupportedInputError

__all__ = [
    "DEFAULT_TIMEOUT",
    "MAX_FETCH_BYTES",
    "MAX_REDIRECTS",
    "USER_AGENT",
    "FetchedPage",
    "GuardedBackend",
    "check_url",
    "fetch_url",
    "find_urls",
    "is_article_url",
    "is_public_address",
    "make_client",
    "pick_article_urls",
]

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0
MAX_FETCH_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
#: Browser-like, so news sites serve their normal page, and naming the bot so
#: site owners can tell who is fetching.
USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36 zhaiyao/0.1 (news summary bot)"
)
_HEADERS = {
    "User-Agent": USER_AGENT,
    "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,application/pdf;q=0.8,*/*;q=0.1",
    "Accept-Language": "zh-CN,zh;q=0.9,zh-TW;q=0.8,en;q=0.7",
}
# Ports browsers refuse above 1024 (Fetch standard "bad ports"); below 1024 only 80/443.
_UNSAFE_PORTS = frozenset(
    {1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666}
    | {6667, 6668, 6669, 6679, 6697, 10080}
)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_HOSTNAME = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9._~\u0080-\uffff-]+$")  # IDN allowed
_LOCAL_NAMES = (".localhost", ".local", ".internal", ".lan", ".home.arpa")

Kind = Literal["html", "txt", "pdf"]
_KIND_BY_TYPE: dict[str, Kind] = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "txt",
    "application/pdf": "pdf",
}


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """What a link gave: where it ended up, what it sent, and the article in it."""

    url: str  # after redirects, without credentials
    content_type: str  # e.g. "text/html"
    body: bytes
    page: Page

    @property
    def title(self) -> str | None:
        return self.page.title

    @property
    def text(self) -> str:
        return self.page.text


# --------------------------------------------------------------------------- addresses

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def is_public_address(ip: IPAddress) -> bool:
    """A globally routable unicast address (IPv4 inside IPv6 is unwrapped)."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public_address(embedded)
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def _allowed(ip: IPAddress, allow_private: bool) -> bool:
    return allow_private or is_public_address(ip)


async def _resolve(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to, in the resolver's order (tests replace this)."""
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        addr = str(sockaddr[0]).split("%", 1)[0]  # drop an IPv6 zone id
        if addr not in seen:
            seen.append(addr)
    return seen


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolve, vet every address, then connect to a vetted address only.

    Checking at connect time (not before the request) is what defeats DNS
    rebinding: the address checked is the address connected to.
    """

    def __init__(
        self, *, allow_private: bool = False, inner: httpcore.AsyncNetworkBackend | None = None
    ) -> None:
        self._allow_private = allow_private
        self._inner = inner if inner is not None else httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await _resolve(host, port)
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve the host ({exc})") from exc
        if not addresses:
            raise httpcore.ConnectError("the host has no address")
        blocked = [
            a for a in addresses if not _allowed(ipaddress.ip_address(a), self._allow_private)
        ]
        if blocked:
            # One private answer is enough to refuse: mixed answers are a rebinding trick.
            raise FetchError("blocked_address", "the link points to a private or reserved address")
        error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        raise error if error is not None else httpcore.ConnectError("no address to connect to")

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are never used for links")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport with its connection pool on a :class:`GuardedBackend`.

    httpx does not take a network backend, so the pool it made is replaced
    (``_pool`` is what ``handle_async_request`` uses; httpx is pinned <1 and
    the tests fail loudly if that changes).
    """

    def __init__(self, *, allow_private: bool) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=10,
            max_keepalive_connections=5,
            keepalive_expiry=5.0,
            network_backend=GuardedBackend(allow_private=allow_private),
        )


def make_client(
    *, allow_private: bool = False, timeout: float = DEFAULT_TIMEOUT
) -> httpx.AsyncClient:
    """An :class:`httpx.AsyncClient` whose every connection is address-checked.

    No environment proxies (a proxy would be the only address checked), no
    automatic redirects (:func:`fetch_url` checks each hop).  A long-running
    bot may keep one and pass it to :func:`fetch_url`.
    """
    return httpx.AsyncClient(
        transport=_GuardedTransport(allow_private=allow_private),
        headers=_HEADERS,
        timeout=httpx.Timeout(timeout),
        follow_redirects=False,
        trust_env=False,
    )


# --------------------------------------------------------------------------- URLs


def _for_log(url: httpx.URL | str) -> str:
    """Scheme and host only: paths and queries may carry tokens."""
    u = httpx.URL(str(url)) if not isinstance(url, httpx.URL) else url
    return f"{u.scheme}://{u.host}"


def check_url(url: str, *, allow_private: bool = False) -> httpx.URL:
    """Parse and vet a link before any connection; return it without credentials.

    Raises :class:`FetchError` (``bad_url``, ``bad_scheme``, ``blocked_port``,
    ``blocked_address``).  Host names are checked again, on their resolved
    addresses, when connecting.
    """
    try:
        u = httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise FetchError("bad_url", "that is not a valid link") from exc
    if u.scheme not in ("http", "https"):
        raise FetchError("bad_scheme", "only http and https links can be opened")
    host = u.host
    try:
        ip: IPAddress | None = ipaddress.ip_address(host)
    except ValueError:
        ip = None
    if ip is None and not _HOSTNAME.match(host):
        raise FetchError("bad_url", "the link has no valid host")
    port = u.port
    if port is not None and port not in (80, 443) and (port < 1024 or port in _UNSAFE_PORTS):
        raise FetchError("blocked_port", f"links to port {port} are not opened")
    if u.userinfo:
        u = u.copy_with(userinfo=b"")  # never forward credentials someone pasted
    if u.fragment:
        u = u.copy_with(fragment=None)
    if not allow_private:
        lowered = host.lower().rstrip(".")
        if (ip is not None and not is_public_address(ip)) or (
            lowered == "localhost" or lowered.endswith(_LOCAL_NAMES)
        ):
            raise FetchError("blocked_address", "the link points to a private or local address")
    return u


# Only the scheme is case-insensitive: with re.I the negated non-ASCII range
# would also exclude "s", "i" and "k" (they case-fold to ſ, ı and the Kelvin sign).
_URL = re.compile(r"""(?i:https?)://[^\s<>"'`{}|\\^\x00-\x1f\x7f-\U0010ffff]+""")
_TRAILING = ".,;:!?*'\""
_PAIRS = {")": "(", "]": "[", "}": "{"}


def find_urls(text: str) -> list[str]:
    """http/https links in a message, in order, without duplicates.

    A link ends at whitespace or at the first non-ASCII character (Chinese
    messages glue text to links: ``看这篇https://x.cn/a，很好``); trailing
    punctuation and unbalanced closing brackets are not part of it.
    """
    found: list[str] = []
    for m in _URL.finditer(text):
        url = m.group(0)
        while url:
            last = url[-1]
            unbalanced = last in _PAIRS and url.count(_PAIRS[last]) < url.count(last)
            if last in _TRAILING or unbalanced:
                url = url[:-1]
            else:
                break
        if urlsplit(url).hostname and url not in found:
            found.append(url)
    return found


# Hosts whose links are not articles: Telegram itself, video and social sites
# that need JavaScript or a login (they would only give verification pages).
_NON_ARTICLE_HOSTS = (
    "t.me",
    "telegram.me",
    "telegram.org",
    "telegram.dog",
    "youtube.com",
    "youtu.be",
    "b23.tv",
    "douyin.com",
    "tiktok.com",
    "instagram.com",
    "twitter.com",
    "x.com",
)
_NON_ARTICLE_EXTENSIONS = frozenset(
    {
        ".jpg",
        ".jpeg",
        ".png",
        ".gif",
        ".webp",
        ".svg",
        ".bmp",
        ".ico",
        ".heic",
        ".avif",
        ".tif",
        ".tiff",
        ".mp4",
        ".mov",
        ".webm",
        ".mkv",
        ".avi",
        ".m3u8",
        ".mp3",
        ".m4a",
        ".wav",
        ".ogg",
        ".flac",
        ".aac",
        ".zip",
        ".rar",
        ".7z",
        ".gz",
        ".tgz",
        ".tar",
        ".bz2",
        ".xz",
        ".apk",
        ".ipa",
        ".exe",
        ".dmg",
        ".iso",
        ".msi",
        ".deb",
        ".rpm",
        ".xls",
        ".xlsx",
        ".ppt",
        ".pptx",
        ".csv",
        ".json",
        ".css",
        ".js",
        ".woff",
        ".woff2",
        ".ttf",
    }
)


def is_article_url(url: str) -> bool:
    """Could this link be an article (a page or a PDF), not media, an app or a home page?"""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    if not host or parts.scheme.lower() not in ("http", "https"):
        return False
    if any(host == h or host.endswith("." + h) for h in _NON_ARTICLE_HOSTS):
        return False
    if host.endswith("bilibili.com") and parts.path.startswith("/video"):
        return False
    path = parts.path.lower()
    if path in ("", "/") and not parts.query:
        return False  # a home page lists articles; it is not one
    dot = path.rfind(".")
    return not (dot > path.rfind("/") and path[dot:] in _NON_ARTICLE_EXTENSIONS)


def pick_article_urls(urls: Iterable[str], limit: int = 3) -> list[str]:
    """The first ``limit`` article-like links (see :func:`is_article_url`)."""
    return [u for u in urls if is_article_url(u)][: max(0, limit)]


# --------------------------------------------------------------------------- fetching


def _kind(content_type: str, head: bytes) -> Kind | None:
    mime = content_type.split(";", 1)[0].strip().lower()
    kind = _KIND_BY_TYPE.get(mime)
    if kind is not None:
        return kind
    if mime in ("", "application/octet-stream", "binary/octet-stream"):
        if head.startswith(b"%PDF-"):
            return "pdf"
        if head.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
            return "html"
    return None


def _check_peer(response: httpx.Response, allow_private: bool) -> None:
    """Defence in depth: the socket's peer must be allowed too.

    The guarded backend already connected only to vetted addresses; this
    catches a caller-supplied client without it (too late to unsend the
    request, but the content is never read or returned).
    """
    if allow_private:
        return
    stream = response.extensions.get("network_stream")
    peer = stream.get_extra_info("server_addr") if stream is not None else None
    if not peer:
        return
    try:
        ip = ipaddress.ip_address(str(peer[0]).split("%", 1)[0])
    except ValueError:
        return
    if not is_public_address(ip):
        raise FetchError("blocked_address", "the link points to a private or reserved address")


async def _read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError("too_large", f"the page is larger than {max_bytes // 1024} KB")
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FetchError("too_large", f"the page is larger than {max_bytes // 1024} KB")
        chunks.append(chunk)
    return b"".join(chunks)


async def _download(
    client: httpx.AsyncClient,
    url: httpx.URL,
    *,
    allow_private: bool,
    max_bytes: int,
    max_redirects: int,
) -> tuple[httpx.URL, str, str | None, Kind, bytes]:
    for hop in range(max_redirects + 1):
        request = client.build_request("GET", url, headers=_HEADERS)
        try:
            response = await client.send(request, stream=True)
        except httpx.TimeoutException as exc:
            raise FetchError("timeout", "the site did not answer in time") from exc
        except httpx.HTTPError as exc:
            raise FetchError("network", f"could not reach the site ({type(exc).__name__})") from exc
        try:
            _check_peer(response, allow_private)
            status = response.status_code
            location = response.headers.get("location")
            if status in _REDIRECTS and location:
                if hop == max_redirects:
                    raise FetchError("too_many_redirects", f"more than {max_redirects} redirects")
                try:
                    target = str(response.url.join(location))
                except (httpx.InvalidURL, ValueError) as exc:
                    raise FetchError("bad_url", "the site redirected to an invalid link") from exc
                url = check_url(target, allow_private=allow_private)
                log.debug("redirect %d: %s -> %s", status, _for_log(response.url), _for_log(url))
                continue
            if status >= 300:
                raise FetchError(
                    "http_status", f"the site answered HTTP {status}", detail=str(status)
                )
            content_type = response.headers.get("content-type", "")
            mime = content_type.split(";", 1)[0].strip().lower()
            if mime and mime not in _KIND_BY_TYPE and not mime.endswith("octet-stream"):
                raise FetchError("unsupported_type", f"the link is {mime}, not a page", detail=mime)
            body = await _read_capped(response, max_bytes)
            kind = _kind(content_type, body[:1024])
            if kind is None:
                raise FetchError(
                    "unsupported_type", "the link is not a page or a PDF", detail=mime or None
                )
            return response.url, mime or kind, response.charset_encoding, kind, body
        finally:
            await response.aclose()
    raise AssertionError("unreachable")  # pragma: no cover


def _extract(kind: Kind, body: bytes, charset: str | None, url: str) -> Page:
    """Bytes of a fetched response → its article; CPU work, run in a thread."""
    if kind == "html":
        return extract_page(body, url, encoding=charset)
    if kind == "pdf":
        doc = extract_document(body, "download.pdf", "application/pdf")
        page = Page(doc.title, doc.text, url)
    else:
        text, _ = decode_text(body, charset)
        page = Page(None, text.lstrip("\ufeff").strip(), url)
    return ensure_article(page)


async def fetch_url(
    url: str,
    *,
    allow_private: bool = False,
    client: httpx.AsyncClient | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = MAX_FETCH_BYTES,
    max_redirects: int = MAX_REDIRECTS,
) -> FetchedPage:
    """Fetch a link and extract its article, or raise :class:`FetchError`.

    ``timeout`` bounds the whole download (DNS, connects, redirects, body).
    ``client`` should come from :func:`make_client` (with the same
    ``allow_private``); without one, a guarded client is made and closed.
    Reasons: ``bad_url``, ``bad_scheme``, ``blocked_port``,
    ``blocked_address``, ``timeout``, ``network``, ``too_many_redirects``,
    ``http_status`` (detail: the status), ``unsupported_type``, ``too_large``,
    ``not_article`` (detail: a :data:`~summarizer.errors.PageReason`),
    ``unreadable`` (detail: an :data:`~summarizer.errors.Reason`, e.g. a PDF
    with no text layer).
    """
    target = check_url(url, allow_private=allow_private)
    own = client is None
    http = make_client(allow_private=allow_private, timeout=timeout) if client is None else client
    try:
        async with asyncio.timeout(timeout):
            final, mime, charset, kind, body = await _download(
                http,
                target,
                allow_private=allow_private,
                max_bytes=max_bytes,
                max_redirects=max_redirects,
            )
    except TimeoutError as exc:
        log.info("fetch timed out: %s", _for_log(target))
        raise FetchError("timeout", f"the page did not load within {timeout:g} s") from exc
    except FetchError as exc:
        log.info("fetch refused (%s): %s", exc.reason, _for_log(target))
        raise
    finally:
        if own:
            await http.aclose()
    final_url = str(final)
    try:
        page = await asyncio.to_thread(_extract, kind, body, charset, final_url)
    except NotArticleError as exc:
        log.info("not an article (%s): %s", exc.reason, _for_log(final))
        raise FetchError("not_article", str(exc), detail=exc.reason) from exc
    except UnsupportedInputError as exc:
        raise FetchError("unreadable", str(exc), detail=exc.reason) from exc
    log.info("fetched %s: %s, %d bytes", _for_log(final), mime, len(body))
    return FetchedPage(final_url, mime, body, page)
