"""The one HTTP test server: a thread on 127.0.0.x writing each route's bytes to the socket.

``http.server`` always writes well-formed HTTP, and the attacks on the
fetcher are the malformed answers (a body shorter than its Content-Length,
a broken chunk, a reset connection), so every route here is a function of
the connected socket; :func:`response` and :func:`redirect` build the
ordinary ones.  Route sets live with their data: the news site in
:mod:`tests.fakes.article_server`, the bombs and broken framing in
:mod:`tests.fakes.hostile_server`.  Every request is recorded, so a test can
prove a link was (or was never) fetched.

It runs in a thread, so a subprocess (the CLI) and a test's own event loop
can both use it.  One response per connection (``Connection: close``).
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Self
from urllib.parse import urlsplit

__all__ = ["HttpServer", "Request", "Route", "drip", "redirect", "response", "unbounded"]

Route = Callable[[socket.socket], None]

_HTML = ("Content-Type", "text/html; charset=utf-8")


@dataclass(frozen=True, slots=True)
class Request:
    """One request as the server read it: the path (no query) and lower-cased headers."""

    path: str
    target: str
    headers: dict[str, str]


def response(
    body: bytes = b"",
    *,
    status: str = "200 OK",
    headers: Iterable[tuple[str, str]] = (_HTML,),
    length: int | None = None,
    chunked: bool = False,
) -> Route:
    """A route sending one response and closing: ``length`` overrides Content-Length.

    With ``chunked`` the body is sent as given after ``Transfer-Encoding:
    chunked``: frame it with :func:`~tests.fakes.hostile_server.chunks` (or break
    the framing on purpose).
    """
    head = [f"HTTP/1.1 {status}", *(f"{k}: {v}" for k, v in headers), "Connection: close"]
    if chunked:
        head.append("Transfer-Encoding: chunked")
    else:
        head.append(f"Content-Length: {len(body) if length is None else length}")
    data = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body

    def route(sock: socket.socket) -> None:
        sock.sendall(data)

    return route


def redirect(location: str, status: str = "302 Found") -> Route:
    return response(status=status, headers=[("Location", location)])


def _head(ctype: str) -> bytes:
    return f"HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nConnection: close\r\n\r\n".encode()


def unbounded(chunk: bytes, total: int, ctype: str = "text/html; charset=utf-8") -> Route:
    """About ``total`` bytes of ``chunk`` repeated, with no Content-Length: a reader has to
    enforce its size cap while reading (the OSError when it hangs up is expected)."""

    def route(sock: socket.socket) -> None:
        sock.sendall(_head(ctype))
        for _ in range(total // len(chunk) + 1):
            sock.sendall(chunk)

    return route


def drip(stopping: threading.Event, count: int, every: float = 0.1) -> Route:
    """Headers at once, then one byte each ``every`` seconds, ``count`` times (a drip, not a
    hang), until ``stopping`` is set."""

    def route(sock: socket.socket) -> None:
        sock.sendall(_head("text/html"))
        for _ in range(count):
            if stopping.wait(every):
                return
            sock.sendall(b" ")

    return route


def _parse(request: bytes) -> Request:
    head = request.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    first, *lines = head.split("\r\n")
    parts = first.split(" ", 2)
    target = parts[1] if len(parts) > 1 else ""
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Request(urlsplit(target).path, target, headers)


class HttpServer:
    """``with HttpServer({"/a": route}) as s: s.url("/a")``; ``s.hits`` lists the paths asked for.

    ``port`` 0 picks a free one; a second server may share a port on another
    loopback address (127.0.0.2).  ``stopping`` is set on exit, for routes that
    drip slowly.
    """

    def __init__(
        self, routes: dict[str, Route] | None = None, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        """``routes`` by path (the query is ignored); more may be added to ``self.routes``."""
        self.host = host
        self.routes: dict[str, Route] = dict(routes or {})
        self.requests: list[Request] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._listener = socket.create_server((host, port))
        self._listener.settimeout(0.05)
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def port(self) -> int:
        return int(self._listener.getsockname()[1])

    @property
    def hits(self) -> list[str]:
        with self._lock:
            return [r.path for r in self.requests]

    def url(self, path: str, host: str | None = None) -> str:
        """``path`` on this server, by address or by a ``host`` name (a fake DNS name)."""
        return f"http://{host or self.host}:{self.port}{path}"

    def served(self, path: str) -> int:
        return self.hits.count(path)

    def route_for(self, request: Request) -> Route | None:
        """The route answering ``request``: ``routes`` by path.  A server whose answers
        depend on the request (conditional GETs: the feed server) overrides this."""
        return self.routes.get(request.path)

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with contextlib.suppress(OSError), conn:
            conn.settimeout(5)
            raw = b""
            while b"\r\n\r\n" not in raw and len(raw) < 65536:
                data = conn.recv(4096)
                if not data:
                    return
                raw += data
            request = _parse(raw)
            with self._lock:
                self.requests.append(request)
            route = self.route_for(request) or response(
                b"<h1>Not Found</h1>", status="404 Not Found"
            )
            route(conn)
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_WR)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        with contextlib.suppress(OSError):  # wakes accept() now, not at its next 50 ms poll
            self._listener.shutdown(socket.SHUT_RDWR)
        self._thread.join(timeout=5)
        self._listener.close()
