"""A response body read within a byte cap that counts *decoded* bytes, as they are produced.

A compressed body is small on the wire and huge in memory: 3 KB of
``Content-Encoding: gzip, gzip`` inflates to gigabytes.  httpx decodes a whole
network chunk (and every stacked coding) before a caller can count anything,
so the fetcher reads the raw bytes (:meth:`httpx.Response.aiter_raw`) and
inflates them here with :class:`zlib.decompressobj` and ``max_length``: at
most :data:`_STEP` bytes come out per call, each piece is counted against the
cap, and inflating stops the moment the cap is passed.  The work per fetch is
therefore bounded by the cap (milliseconds), whatever the compression ratio,
so it stays on the event loop.

One coding at most (``gzip``, ``deflate`` in its zlib or raw form, or none);
stacked or unknown codings are refused, and the request only offers what is
decoded here (:data:`ACCEPT_ENCODING`).  ``br`` is not offered: no Brotli
decoder is installed.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

import httpx

from reader.errors import FetchError

__all__ = ["ACCEPT_ENCODING", "CODINGS", "content_coding", "read_body"]

#: The content codings :func:`read_body` decodes (``x-gzip`` is gzip's old name).
CODINGS = ("gzip", "deflate")
ACCEPT_ENCODING = ", ".join(CODINGS)
_ALIASES = {"x-gzip": "gzip"}
_STEP = 64 * 1024  # decoded bytes per zlib call: small enough to count often


def _too_large(max_bytes: int) -> FetchError:
    return FetchError("too_large", f"the page is larger than {max_bytes // 1024} KB")


def content_coding(response: httpx.Response) -> str | None:
    """The one content coding of ``response`` (``None``: identity), or :class:`FetchError`.

    ``Content-Encoding: gzip, gzip`` (or several headers) stacks codings; no
    server needs that for a page, and each layer multiplies the ratio, so it is
    refused (``unsupported_encoding``) instead of decoded.
    """
    names = [
        name.strip().lower()
        for value in response.headers.get_list("content-encoding")
        for name in value.split(",")
    ]
    names = [_ALIASES.get(n, n) for n in names if n and n != "identity"]
    if not names:
        return None
    if len(names) > 1:
        raise FetchError(
            "unsupported_encoding",
            "the page is compressed more than once",
            detail=", ".join(names)[:60],
        )
    if names[0] not in CODINGS:
        raise FetchError(
            "unsupported_encoding",
            "the page is compressed in a way I cannot read",
            detail=names[0][:60],
        )
    return names[0]


class _Inflater:
    """One gzip or deflate stream, inflated at most :data:`_STEP` bytes at a time."""

    def __init__(self, coding: str) -> None:
        self._coding = coding
        # deflate is meant to be zlib-wrapped, but some servers send raw deflate:
        # the first bytes decide (a zlib header is a multiple of 31 with method 8)
        self._inflate: zlib._Decompress | None = None
        self._head = b""  # deflate's first bytes, until there are two to decide by

    def _start(self, head: bytes) -> zlib._Decompress:
        if self._coding == "gzip":
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        wrapped = len(head) >= 2 and head[0] & 0x0F == 8 and (head[0] << 8 | head[1]) % 31 == 0
        return zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)

    def feed(self, data: bytes) -> Iterator[bytes]:
        """The decoded pieces of ``data`` (each at most :data:`_STEP` bytes), lazily."""
        if self._inflate is None:
            data = self._head + data
            if len(data) < 2:
                self._head = data
                return
            self._inflate = self._start(data)
        inflate = self._inflate
        pending = data
        while not inflate.eof:
            try:
                piece = inflate.decompress(pending, _STEP)
            except zlib.error as exc:
                raise FetchError(
                    "unreadable", f"the page's {self._coding} data is corrupt"
                ) from exc
            pending = inflate.unconsumed_tail
            if piece:
                yield piece
            if not pending and len(piece) < _STEP:
                return  # input used up and nothing held back: wait for more

    def finish(self) -> None:
        """The body ended: the compressed stream must have ended too."""
        if self._inflate is None or not self._inflate.eof:
            raise FetchError("unreadable", f"the page's {self._coding} data is cut off")


async def read_body(response: httpx.Response, max_bytes: int) -> bytes:
    """The decoded body of a streamed ``response``, or :class:`FetchError`.

    ``too_large`` as soon as more than ``max_bytes`` are on the wire or come
    out of the decoder; ``unsupported_encoding`` for stacked or unknown
    codings; ``unreadable`` for corrupt or truncated compressed data.
    Transport errors (a reset, a short body, broken chunks) are httpx's
    exceptions, for the caller to translate.
    """
    coding = content_coding(response)
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(max_bytes)
    inflater = _Inflater(coding) if coding is not None else None
    body = bytearray()
    wire = 0
    async for chunk in response.aiter_raw():
        wire += len(chunk)
        if wire > max_bytes:
            raise _too_large(max_bytes)
        pieces = (chunk,) if inflater is None else inflater.feed(chunk)
        for piece in pieces:
            if len(body) + len(piece) > max_bytes:
                raise _too_large(max_bytes)
            body += piece
    if inflater is not None and wire:  # an empty body is empty in any coding
        inflater.finish()
    return bytes(body)
