"""A round-robin HTTP reverse proxy on 127.0.0.1: several bot instances behind one webhook.

What a load balancer in front of N replicas does, in a few lines: each
request goes to the next backend in turn (one that refuses the connection
is skipped, as a health-checking proxy would; none left: 502).  It records
which backend took each request, and can *lose an answer*: forward a request,
let the backend handle it, then close the client's connection without
answering, which is what makes Telegram deliver the same update again.

One request per connection (``Connection: close`` both ways): the fake Bot
API posts each update on a connection of its own.
"""

from __future__ import annotations

import http.client
import itertools
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["Forwarded", "RoundRobinProxy"]

#: Headers that belong to one hop, not to the request (RFC 9110 §7.6.1).
_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding"}
)


@dataclass(frozen=True, slots=True)
class Forwarded:
    """One request the proxy passed on: to which backend (its index), and what came back;
    ``started``/``finished``: ``time.monotonic()`` when it arrived and when its answer did."""

    backend: int
    path: str
    body: bytes
    status: int
    answered: bool  # False: the answer was lost on purpose
    started: float
    finished: float


class RoundRobinProxy:
    """``with RoundRobinProxy([port_a, port_b]) as proxy: proxy.url("/hook")``."""

    def __init__(self, backends: list[int], *, timeout: float = 30.0) -> None:
        self.backends = list(backends)
        self.timeout = timeout
        self._turn = itertools.count()
        self._lock = threading.Lock()
        self._lose = 0
        self.forwarded: list[Forwarded] = []
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> RoundRobinProxy:
        handler = type("Handler", (_Handler,), {"proxy": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> RoundRobinProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def url(self, path: str) -> str:
        assert self._httpd is not None, "proxy not started"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}{path}"

    def lose_next_answer(self) -> None:
        """The next request reaches a backend, but its answer never reaches the client."""
        with self._lock:
            self._lose += 1

    def _forward(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, int, dict[str, str], bytes, bool]:
        """(backend, status, headers, body, answer it?) — 502 from no backend at all."""
        started = time.monotonic()
        with self._lock:
            first = next(self._turn)
            lose = self._lose > 0
            self._lose -= int(lose)
        for i in range(len(self.backends)):
            backend = (first + i) % len(self.backends)
            conn = http.client.HTTPConnection(
                "127.0.0.1", self.backends[backend], timeout=self.timeout
            )
            try:
                conn.request(method, path, body=body, headers={**headers, "Connection": "close"})
                response = conn.getresponse()
                data = response.read()
            except ConnectionRefusedError:
                continue  # that instance is down: the next one
            finally:
                conn.close()
            kept = {k: v for k, v in response.getheaders() if k.lower() not in _HOP_BY_HOP}
            with self._lock:
                self.forwarded.append(
                    Forwarded(
                        backend, path, body, response.status, not lose, started, time.monotonic()
                    )
                )
            return backend, response.status, kept, data, not lose
        return -1, 502, {"Content-Type": "text/plain"}, b"no backend answers", True


class _Handler(BaseHTTPRequestHandler):
    proxy: RoundRobinProxy
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    def do_POST(self) -> None:
        self._relay()

    def do_GET(self) -> None:
        self._relay()

    def _relay(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        _, status, answer_headers, data, answer = self.proxy._forward(
            self.command, self.path, headers, body
        )
        self.close_connection = True
        if not answer:
            return  # the connection closes with no answer at all
        self.send_response(status)
        for key, value in answer_headers.items():
            if key.lower() not in ("content-length", "date", "server"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        try:
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            return  # the client is gone (a test killed that instance): nobody to answer
