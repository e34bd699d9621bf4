"""Links in, article text out: the bot's (and the CLI's) only network reader.

Anyone can send the bot a link, and the page behind it may be hostile, so
:func:`fetch_url`:

- opens only links :func:`reader.guard.check_url` allows, through a client
  whose every connection (each redirect hop too) goes to a vetted address;
- keeps one deadline for the whole download (DNS, connects, redirects, body),
  so a server that drips a byte a second cannot hold a worker;
- reads the body through :func:`reader.body.read_body`, which caps the bytes
  *decoded* (a compressed bomb stops at the cap, stacked codings are refused);
- extracts the article off the event loop, in a worker process with time and
  memory limits (:mod:`reader.isolate`);
- raises nothing but :class:`FetchError`: a reset, a short body, broken
  chunks or a parser that trips on a page are the link's failure, never the
  caller's crash (a message with three links still answers the other two).
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import logging
from dataclasses import dataclass
from typing import Literal

import httpx

from reader.body import read_body
from reader.documents import Page, decode_text, ensure_article, extract_document
from reader.encodings import _html_charset
from reader.errors import FetchError
from reader.guard import (
    DEFAULT_TIMEOUT,
    HEADERS,
    LOCATION,
    check_peer,
    check_url,
    for_log,
    make_client,
)
from reader.isolate import read_in_worker
from summarizer.errors import NotArticleError, UnsupportedInputError

__all__ = ["MAX_FETCH_BYTES", "MAX_REDIRECTS", "FetchedPage", "fetch_url"]

log = logging.getLogger(__name__)

MAX_FETCH_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_UTF8_FIRST = b'<meta charset="utf-8">'  # the first <meta> charset is the one read

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
    body: bytes  # decoded (no content coding)
    page: Page

    @property
    def title(self) -> str | None:
        return self.page.title

    @property
    def text(self) -> str:
        return self.page.text


@dataclass(frozen=True, slots=True)
class _Download:
    url: httpx.URL
    mime: str
    charset: str | None
    kind: Kind
    body: bytes


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


def _charset(response: httpx.Response) -> str | None:
    """The declared charset if Python can decode text with it, else ``None`` (sniff instead).

    A header may name anything: ``undefined`` (a real codec that refuses
    every byte), ``base64`` (not a text encoding) or nothing known at all.
    """
    try:
        name = response.charset_encoding
        info = codecs.lookup(name) if name else None
    except (LookupError, ValueError):
        return None
    if info is None or info.name == "undefined" or not getattr(info, "_is_text_encoding", True):
        return None
    return name


def _redirect_target(response: httpx.Response, location: str, allow_private: bool) -> httpx.URL:
    try:
        target = str(response.url.join(location))
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise FetchError("bad_url", "the site redirected to an invalid link") from exc
    return check_url(target, allow_private=allow_private)


async def _hop(
    client: httpx.AsyncClient,
    url: httpx.URL,
    *,
    allow_private: bool,
    max_bytes: int,
    last: bool,
) -> _Download | httpx.URL:
    """One request: the download, or where the site redirects to (already vetted)."""
    request = client.build_request("GET", url, headers=HEADERS)
    response = await client.send(request, stream=True)
    try:
        check_peer(response, allow_private)
        status = response.status_code
        # a client from make_client hands the Location over untouched by httpx
        location = response.extensions.get(LOCATION) or response.headers.get("location")
        if status in _REDIRECTS and location:
            if last:
                raise FetchError("too_many_redirects", "the link redirects too many times")
            target = _redirect_target(response, location, allow_private)
            log.debug("redirect %d: %s -> %s", status, for_log(response.url), for_log(target))
            return target
        if status >= 300:
            raise FetchError("http_status", f"the site answered HTTP {status}", detail=str(status))
        content_type = response.headers.get("content-type", "")
        mime = content_type.split(";", 1)[0].strip().lower()
        if mime and mime not in _KIND_BY_TYPE and not mime.endswith("octet-stream"):
            raise FetchError("unsupported_type", f"the link is {mime}, not a page", detail=mime)
        body = await read_body(response, max_bytes)
        kind = _kind(content_type, body[:1024])
        if kind is None:
            raise FetchError(
                "unsupported_type", "the link is not a page or a PDF", detail=mime or None
            )
        return _Download(response.url, mime or kind, _charset(response), kind, body)
    finally:
        with contextlib.suppress(Exception):  # closing a broken stream must not mask why
            await response.aclose()


async def _download(
    client: httpx.AsyncClient,
    url: httpx.URL,
    *,
    allow_private: bool,
    max_bytes: int,
    max_redirects: int,
) -> _Download:
    """Follow redirects hop by hop (each target vetted), translating transport errors."""
    for hop in range(max_redirects + 1):
        try:
            got = await _hop(
                client,
                url,
                allow_private=allow_private,
                max_bytes=max_bytes,
                last=hop == max_redirects,
            )
        except httpx.TimeoutException as exc:
            raise FetchError("timeout", "the site did not answer in time") from exc
        except (httpx.InvalidURL, UnicodeError) as exc:
            # with a client not from make_client, httpx parses a redirect's Location
            # itself and raises these for a malformed one (UnicodeError: bad IDNA)
            raise FetchError("bad_url", "the link or its redirect cannot be followed") from exc
        except httpx.ConnectError as exc:
            why = type(exc).__name__
            raise FetchError("network", f"could not reach the site ({why})", detail=why) from exc
        except (httpx.HTTPError, httpx.StreamError) as exc:
            # refused or reset connections, bodies shorter than their Content-Length,
            # broken chunked framing, malformed status lines or headers
            why = type(exc).__name__
            raise FetchError("network", f"the site's answer broke off ({why})", detail=why) from exc
        if isinstance(got, _Download):
            return got
        url = got
    raise AssertionError("unreachable")  # pragma: no cover


def _extract(kind: Kind, body: bytes, charset: str | None, url: str) -> Page:
    """Bytes of a fetched response → its article; blocking work, run off the event loop.

    Pages and PDFs are parsed in a worker process with time and memory limits
    (:mod:`reader.isolate`): trafilatura spends seconds to minutes on a hostile
    page of a few hundred kilobytes (thousands of links or table cells), and a
    thread could not be stopped.  The worker reads bytes and their ``<meta>``
    charset only, so the page is decoded here, where the HTTP header's charset
    is known, and handed over as UTF-8 that says so first.
    """
    if kind == "html":
        text, _ = decode_text(body, charset or _html_charset(body))
        doc = read_in_worker("html", _UTF8_FIRST + text.encode("utf-8", "replace"))
        return Page(doc.title, doc.text, url)
    if kind == "pdf":
        doc = extract_document(body, "download.pdf", "application/pdf")
        page = Page(doc.title, doc.text, url)
    else:
        text, _ = decode_text(body, charset)
        page = Page(None, text.lstrip("\ufeff").strip(), url)
    return ensure_article(page)


async def _article(got: _Download) -> Page:
    """The article in a download, or :class:`FetchError` (whatever the parser raised)."""
    final = str(got.url)
    try:
        return await asyncio.to_thread(_extract, got.kind, got.body, got.charset, final)
    except NotArticleError as exc:
        log.info("not an article (%s): %s", exc.reason, for_log(final))
        raise FetchError("not_article", str(exc), detail=exc.reason) from exc
    except UnsupportedInputError as exc:
        raise FetchError("unreadable", str(exc), detail=exc.reason) from exc
    except Exception as exc:  # a parser tripping on a hostile page fails this link only
        log.warning("extraction failed on %s (%s)", for_log(final), got.kind, exc_info=True)
        raise FetchError("unreadable", f"the {got.kind} could not be read") from exc


async def fetch_url(
    url: str,
    *,
    allow_private: bool = False,
    client: httpx.AsyncClient | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = MAX_FETCH_BYTES,
    max_redirects: int = MAX_REDIRECTS,
) -> FetchedPage:
    """Fetch a link and extract its article, or raise :class:`FetchError` (and nothing else).

    ``timeout`` bounds the whole download (DNS, connects, redirects, body).
    ``client`` should come from :func:`reader.guard.make_client` (with the
    same ``allow_private``); without one, a guarded client is made and closed.
    ``max_bytes`` caps the body after decoding.  Reasons: ``bad_url``,
    ``bad_scheme``, ``blocked_port``, ``blocked_address``, ``timeout``,
    ``network`` (also a connection reset or a malformed answer),
    ``too_many_redirects``, ``http_status`` (detail: the status),
    ``unsupported_type``, ``unsupported_encoding`` (stacked or unknown
    compression), ``too_large``, ``not_article`` (detail: a
    :data:`~summarizer.errors.PageReason`), ``unreadable`` (detail, when
    known: an :data:`~summarizer.errors.Reason`, e.g. a PDF with no text
    layer; also corrupt compressed data).
    """
    target = check_url(url, allow_private=allow_private)
    own = client is None
    http = make_client(allow_private=allow_private, timeout=timeout) if client is None else client
    try:
        async with asyncio.timeout(timeout):
            got = await _download(
                http,
                target,
                allow_private=allow_private,
                max_bytes=max_bytes,
                max_redirects=max_redirects,
            )
    except TimeoutError as exc:
        log.info("fetch timed out: %s", for_log(target))
        raise FetchError("timeout", f"the page did not load within {timeout:g} s") from exc
    except FetchError as exc:
        log.info("fetch refused (%s): %s", exc.reason, for_log(target))
        raise
    except Exception as exc:  # whatever else broke is this link's failure, not the caller's
        log.warning("fetch failed on %s", for_log(target), exc_info=True)
        why = type(exc).__name__
        raise FetchError("network", f"the page could not be loaded ({why})", detail=why) from exc
    finally:
        if own:
            with contextlib.suppress(Exception):
                await http.aclose()
    page = await _article(got)
    log.info("fetched %s: %s, %d bytes", for_log(got.url), got.mime, len(got.body))
    return FetchedPage(str(got.url), got.mime, got.body, page)
