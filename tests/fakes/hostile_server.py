"""Hostile HTTP answers for :class:`~tests.fakes.http_server.HttpServer`: bombs and broken framing.

The attacks on the fetcher are the malformed answers (a body shorter than
its Content-Length, a broken chunk, a reset connection, stacked content
codings); each is a route, a function of the connected socket.  Bombs are
made at run time (:func:`zeros_compressed`), never stored: a few hundred
bytes that inflate to gigabytes.
"""

from __future__ import annotations

import socket
import struct
import zlib
from functools import cache

from tests.fakes.http_server import HttpServer, Route, response

__all__ = [
    "HostileServer",
    "Route",
    "chunks",
    "compressed",
    "reset_after",
    "response",
    "zeros_compressed",
]

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


class HostileServer(HttpServer):
    """``with HostileServer({"/bomb": route}) as s: s.url("/bomb")``; ``s.hits`` lists paths."""
