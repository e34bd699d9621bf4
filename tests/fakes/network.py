"""A fake internet for the SSRF guard: names that resolve to public addresses served on loopback.

The guard refuses private addresses, and every test server listens on
127.0.0.x.  Rather than loosen the policy, a test gives the guard this
:class:`~reader.guard.Network`: its resolver answers from :attr:`FakeInternet.names`
(``news.test`` -> ``93.184.216.34``), and its sockets dial a public address's
loopback stand-in from :attr:`FakeInternet.routes` while reporting the public
address as the peer, so the guard sees exactly what it would see on the real
internet.  Anything not in the tables fails like an unknown name or an
unreachable host; a private address is dialled as itself (the guard must
never let one through, and the test server behind it counts the hits).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import httpcore

from reader.guard import Network

__all__ = ["PUBLIC", "FakeInternet"]

#: A globally routable address (documentation ranges are not "global"): the tests' public site.
PUBLIC = "93.184.216.34"


class _Stream(httpcore.AsyncNetworkStream):
    """A loopback stream that reports the public address it stands in for as its peer."""

    def __init__(self, inner: httpcore.AsyncNetworkStream, peer: tuple[str, int]) -> None:
        self._inner = inner
        self._peer = peer

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        return await self._inner.start_tls(ssl_context, server_hostname, timeout)

    def get_extra_info(self, info: str) -> Any:
        if info == "server_addr":
            return self._peer
        return self._inner.get_extra_info(info)


class _Sockets(httpcore.AsyncNetworkBackend):
    def __init__(self, internet: FakeInternet) -> None:
        self._internet = internet
        self._real = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self._internet.dialled.append(host)
        local = self._internet.routes.get(host)
        if local is None:
            if ipaddress.ip_address(host).is_global:
                raise httpcore.ConnectError(f"{host} is not on the fake internet")
            local = host  # private: dialled as itself (the guard must have refused it)
        stream = await self._real.connect_tcp(
            local, port, timeout=timeout, socket_options=socket_options
        )
        return _Stream(stream, (host, port))

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("no unix sockets on the fake internet")

    async def sleep(self, seconds: float) -> None:
        await self._real.sleep(seconds)


@dataclass
class FakeInternet:
    """``names``: host -> addresses; ``routes``: public address -> the loopback host serving it.

    ``resolved`` and ``dialled`` record what the guard asked, in order.
    """

    names: dict[str, list[str]] = field(default_factory=lambda: {"news.test": [PUBLIC]})
    routes: dict[str, str] = field(default_factory=lambda: {PUBLIC: "127.0.0.1"})
    resolved: list[str] = field(default_factory=list)
    dialled: list[str] = field(default_factory=list)

    async def resolve(self, host: str, port: int) -> list[str]:
        self.resolved.append(host)
        try:
            return [str(ipaddress.ip_address(host))]
        except ValueError:
            pass
        if host not in self.names:
            raise OSError(f"unknown host {host}")
        return list(self.names[host])

    @property
    def network(self) -> Network:
        """What :func:`reader.guard.make_client` takes."""
        return Network(resolve=self.resolve, sockets=_Sockets(self))
