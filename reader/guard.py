"""The SSRF guard: which links may be opened, and a client that connects only to vetted addresses.

Anyone can send the bot a link, so:

- only ``http``/``https``, on ports 80, 443 or an unprivileged port that is
  not on the browsers' unsafe list; credentials in a URL are never sent;
- every connection goes through :class:`GuardedBackend`, which resolves the
  host itself, refuses if any address is private, loopback, link-local,
  multicast, reserved or unspecified, and then connects to the address it
  checked.  There is no second DNS lookup to rebind, redirects are
  checked hop by hop (:mod:`reader.fetch`) because each hop opens its own
  connection, and TLS still verifies the certificate for the real host name
  (httpcore passes the URL's host as SNI/``server_hostname``).

``allow_private=True`` (``FETCH_ALLOW_PRIVATE_NETWORKS=true``, read by
:mod:`reader.settings`) lifts the address check for self-hosted intranets and
the tests; nothing else.

What lies *under* the check is a :class:`Network` (name resolution and the
socket layer), passed to :func:`make_client`: the system's DNS and sockets by
default, a fake internet in tests (host names that resolve to public addresses
served on 127.0.0.1), so the policy itself is tested unchanged.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import re
import socket
import ssl
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

import httpcore
import httpx

from reader.body import ACCEPT_ENCODING
from reader.errors import FetchError

__all__ = [
    "DEFAULT_TIMEOUT",
    "HEADERS",
    "LOCATION",
    "USER_AGENT",
    "GuardedBackend",
    "IPAddress",
    "Network",
    "Resolver",
    "check_peer",
    "check_url",
    "for_log",
    "is_public_address",
    "make_client",
    "resolve_host",
]

DEFAULT_TIMEOUT = 10.0
#: Browser-like, so news sites serve their normal page, and naming the bot so
#: site owners can tell who is fetching.
USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36 zhaiyao/0.1 (news summary bot)"
)
HEADERS = {
    "User-Agent": USER_AGENT,
    "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,application/pdf;q=0.8,*/*;q=0.1",
    "Accept-Language": "zh-CN,zh;q=0.9,zh-TW;q=0.8,en;q=0.7",
    # only the codings reader.body decodes within the size cap (httpx would offer its own)
    "Accept-Encoding": ACCEPT_ENCODING,
}
# Ports browsers refuse above 1024 (Fetch standard "bad ports"); below 1024 only 80/443.
_UNSAFE_PORTS = frozenset(
    {1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666}
    | {6667, 6668, 6669, 6679, 6697, 10080}
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_HOSTNAME = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9._~\u0080-\uffff-]+$")  # IDN allowed
_LOCAL_NAMES = (".localhost", ".local", ".internal", ".lan", ".home.arpa")

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


class Resolver(Protocol):
    """The addresses a host name resolves to, in the resolver's order (an IP: itself).

    Raises :class:`OSError` for a name that does not resolve.
    """

    async def __call__(self, host: str, port: int) -> list[str]: ...


async def resolve_host(host: str, port: int) -> list[str]:
    """The system resolver (``getaddrinfo``), each address once; an IP literal is itself."""
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


def _sockets() -> httpcore.AsyncNetworkBackend:
    return httpcore.AnyIOBackend()


@dataclass(frozen=True, slots=True)
class Network:
    """What the guard stands on: how names resolve and how a vetted address is dialled.

    The defaults are the system's; a test passes its own (the address check
    between the two is the same either way).
    """

    resolve: Resolver = resolve_host
    sockets: httpcore.AsyncNetworkBackend = field(default_factory=_sockets)


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolve, vet every address, then connect to a vetted address only.

    Checking at connect time (not before the request) is what defeats DNS
    rebinding: the address checked is the address connected to.
    """

    def __init__(self, *, allow_private: bool = False, network: Network | None = None) -> None:
        network = network if network is not None else Network()
        self._allow_private = allow_private
        self._resolve = network.resolve
        self._inner = network.sockets

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await self._resolve(host, port)
        except (OSError, UnicodeError) as exc:  # UnicodeError: a name IDNA cannot encode
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


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """One verifying TLS context for every client: loading the CA bundle takes ~0.3 s,
    which would stall the event loop on every link fetched without a shared client."""
    return httpx.create_ssl_context(trust_env=False)


#: Where :class:`_GuardedTransport` puts a response's ``Location`` (``response.extensions``).
LOCATION = "zhaiyao.location"


class _GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport with its connection pool on a :class:`GuardedBackend`.

    httpx does not take a network backend, so the pool it made is replaced
    (``_pool`` is what ``handle_async_request`` uses; httpx is pinned <1 and
    the tests fail loudly if that changes).

    It also takes the ``Location`` header out of every response (into
    ``extensions[LOCATION]``): even with redirects off, ``AsyncClient.send``
    parses a redirect's target first, and raises its own errors (or resolves
    ``http:host`` against the wrong base) on a hostile one.  The fetcher
    follows redirects itself and vets every target, so httpx must not see it.
    """

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        locations = response.headers.get_list("location")
        if locations:
            del response.headers["location"]
            response.extensions = {**response.extensions, LOCATION: locations[0]}
        return response

    def __init__(self, *, allow_private: bool, network: Network | None) -> None:
        super().__init__(verify=_ssl_context(), trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=_ssl_context(),
            max_connections=10,
            max_keepalive_connections=5,
            keepalive_expiry=5.0,
            network_backend=GuardedBackend(allow_private=allow_private, network=network),
        )


def make_client(
    *,
    allow_private: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    network: Network | None = None,
) -> httpx.AsyncClient:
    """An :class:`httpx.AsyncClient` whose every connection is address-checked.

    No environment proxies (a proxy would be the only address checked), no
    automatic redirects (:func:`reader.fetch.fetch_url` checks each hop).  A
    long-running bot may keep one and pass it to :func:`~reader.fetch.fetch_url`.
    ``network`` is what lies under the check (default: the system's DNS and sockets).
    """
    return httpx.AsyncClient(
        transport=_GuardedTransport(allow_private=allow_private, network=network),
        headers=HEADERS,
        timeout=httpx.Timeout(timeout),
        follow_redirects=False,
        trust_env=False,
    )


def for_log(url: httpx.URL | str) -> str:
    """Scheme and host only: paths and queries may carry tokens."""
    try:
        u = httpx.URL(str(url)) if not isinstance(url, httpx.URL) else url
        return f"{u.scheme}://{u.host}"
    except Exception:  # a log line never fails a fetch
        return "(unparsable link)"


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
    try:
        host = u.host  # decodes IDNA: a malformed A-label ("xn--") raises here
        port = u.port
    except (httpx.InvalidURL, ValueError) as exc:  # IDNAError is a ValueError
        raise FetchError("bad_url", "the link has no valid host") from exc
    try:
        ip: IPAddress | None = ipaddress.ip_address(host)
    except ValueError:
        ip = None
    if ip is None and (
        not _HOSTNAME.match(host)
        or not all(0 < len(label) < 64 for label in host.removesuffix(".").split("."))
    ):
        raise FetchError("bad_url", "the link has no valid host")
    if port is not None and port > 65535:
        raise FetchError("bad_url", "the link has no valid port")
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


def check_peer(response: httpx.Response, allow_private: bool) -> None:
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
