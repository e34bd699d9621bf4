"""A raw HTTP server on 127.0.0.1 that answers with whatever bytes a test gives it.

``http.server`` always writes well-formed HTTP; the attacks on the fetcher are
the malformed ones (a body shorter than its Content-Length, a broken chunk,
a reset connection, stacked content codings), so this server writes bytes
straight to the socket.  Each route is a function of the connected socket;
:func:`response` builds the common case.  Bombs are made at run time
(:func:`zeros_compressed`), never stored: a few hundred bytes that inflate
to gigabytes.

It runs in a thread, so a subprocess (the CLI) and a test's own event loop
can both use it.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import zlib
from collections.abc import Callable, Iterable
from functools import cache

__all__ = [
    "HostileServer",
    "Route",
    "chunks",
    "compressed",
    "reset_after",
    "response",
    "zeros_compressed",
]

Route = Callable[[socket.socket], None]

_MB = 1 << 20
_GZIP, _ZLIB, _RAW = 31, 15, -15
_WBITS = {"gzip": _GZIP, "x-gzip": _GZIP, "deflate": _ZLIB, "raw-deflate": _RAW}


def compressed(data: bytes, coding: str) -> bytes:
    """``data`` in one content coding: ``gzip``, ``deflate`` (zlib) or ``raw-deflate``."""
    c = zlib.compressobj(9, zlib.DEFLATED, _WBITS[coding])
    return c.compress(data) + c.flush()


@cache
def zeros_compressed(megabytes: int, coding: str = "gzip") -> bytes:
    """``megabytes`` MB of zero bytes, compressed (about 1 KB per MB), in a valid stream.

    Compressing gigabytes would take seconds, so one megabyte is compressed
    and its deflate blocks repeated: a full flush resets the compressor, so
    every further megabyte compresses to the same bytes.  The trailer (CRC
    and length, or Adler-32) is computed for the whole stream, so a decoder
    that reads to the end finds it valid.
    """
    if megabytes < 2:
        return compressed(bytes(megabytes * _MB), coding)
    wbits = _WBITS[coding]
    block = bytes(_MB)
    c = zlib.compressobj(9, zlib.DEFLATED, wbits)
    first = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    tail = c.flush()
    trailer = {_GZIP: 8, _ZLIB: 4, _RAW: 0}[wbits]
    last_block = tail[: len(tail) - trailer]
    end = b""
    if wbits == _GZIP:
        crc = 0
        for _ in range(megabytes):
            crc = zlib.crc32(block, crc)
        end = struct.pack("<II", crc, (megabytes * _MB) & 0xFFFFFFFF)
    elif wbits == _ZLIB:
        adler = 1
        for _ in range(megabytes):
            adler = zlib.adler32(block, adler)
        end = struct.pack(">I", adler)
    return first + again * (megabytes - 1) + last_block + end


def response(
    body: bytes = b"",
    *,
    status: str = "200 OK",
    headers: Iterable[tuple[str, str]] = (("Content-Type", "text/html; charset=utf-8"),),
    length: int | None = None,
    chunked: bool = False,
) -> Route:
    """A route sending one response and closing: ``length`` overrides Content-Length.

    With ``chunked`` the body is sent as given after ``Transfer-Encoding:
    chunked``: frame it with :func:`chunks` (or break the framing on purpose).
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


def chunks(*pieces: bytes) -> bytes:
    """``pieces`` in chunked transfer framing, with the closing empty chunk."""
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces if p) + b"0\r\n\r\n"


def reset_after(data: bytes) -> Route:
    """Send ``data``, then reset the connection (RST, not a clean close)."""

    def route(sock: socket.socket) -> None:
        sock.sendall(data)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()  # with a zero linger time, closing sends RST

    return route


class HostileServer:
    """``with HostileServer({"/bomb": route}) as s: s.url("/bomb")``; ``s.hits`` lists paths."""

    def __init__(self, routes: dict[str, Route] | None = None, host: str = "127.0.0.1") -> None:
        self.host = host
        self.routes: dict[str, Route] = dict(routes or {})
        self.hits: list[str] = []
        self._listener = socket.create_server((host, 0))
        self._listener.settimeout(0.05)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def port(self) -> int:
        return int(self._listener.getsockname()[1])

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def _serve(self) -> None:
        while not self._stopping.is_set():
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
            request = b""
            while b"\r\n\r\n" not in request and len(request) < 65536:
                data = conn.recv(4096)
                if not data:
                    return
                request += data
            parts = request.split(b" ", 2)
            path = parts[1].decode("latin-1") if len(parts) > 1 else ""
            self.hits.append(path)
            route = self.routes.get(path) or response(b"no such route", status="404 Not Found")
            route(conn)
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_WR)

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        self._listener.close()
