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
import dataclasses
import logging
from collections.abc import Callable, Mapping
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

__all__ = [
    "MAX_FETCH_BYTES",
    "MAX_REDIRECTS",
    "Answer",
    "FetchedPage",
    "Screen",
    "fetch_url",
    "guarded_get",
]

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
class Answer:
    """The final (non-redirect) answer of a guarded GET, its body decoded and capped."""

    url: httpx.URL  # after redirects
    status: int
    headers: httpx.Headers
    mime: str  # "" if the server sent no Content-Type
    charset: str | None  # the declared charset, if Python can decode with it
    body: bytes  # b"" when the screen skipped it (a 304)
    redirects: tuple[int, ...]  # the status of every redirect hop followed, in order


#: Looks at an answer before its body is read: raises :class:`FetchError` to
#: refuse it (a status, a content type), returns ``False`` to skip the body.
Screen = Callable[[httpx.Response], bool]


def _mime(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def _page_screen(response: httpx.Response) -> bool:
    """Pages, text and PDFs with a 2xx status (what :func:`fetch_url` reads)."""
    status = response.status_code
    if status >= 300:
        raise FetchError("http_status", f"the site answered HTTP {status}", detail=str(status))
    mime = _mime(response)
    if mime and mime not in _KIND_BY_TYPE and not mime.endswith("octet-stream"):
        raise FetchError("unsupported_type", f"the link is {mime}, not a page", detail=mime)
    return True


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
    headers: Mapping[str, str],
    allow_private: bool,
    max_bytes: int,
    last: bool,
    screen: Screen,
) -> Answer | tuple[httpx.URL, int]:
    """One request: the answer, or where the site redirects to (already vetted) and how."""
    request = client.build_request("GET", url, headers=headers)
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
            return target, status
        body = await read_body(response, max_bytes) if screen(response) else b""
        mime, charset = _mime(response), _charset(response)
        return Answer(response.url, status, response.headers, mime, charset, body, ())
    finally:
        with contextlib.suppress(Exception):  # closing a broken stream must not mask why
            await response.aclose()


async def _follow(
    client: httpx.AsyncClient,
    url: httpx.URL,
    *,
    headers: Mapping[str, str],
    allow_private: bool,
    max_bytes: int,
    max_redirects: int,
    screen: Screen,
) -> Answer:
    """Follow redirects hop by hop (each target vetted, loops refused), translating errors."""
    # A site may redirect a link to itself once, setting a cookie on the way (the
    # client keeps it); the third visit of one URL is a loop, whatever the hop limit.
    visits = {str(url): 1}
    statuses: list[int] = []
    for hop in range(max_redirects + 1):
        try:
            got = await _hop(
                client,
                url,
                headers=headers,
                allow_private=allow_private,
                max_bytes=max_bytes,
                last=hop == max_redirects,
                screen=screen,
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
        if isinstance(got, Answer):
            return dataclasses.replace(got, redirects=tuple(statuses))
        url, status = got
        statuses.append(status)
        visits[str(url)] = visits.get(str(url), 0) + 1
        if visits[str(url)] > 2:
            raise FetchError("too_many_redirects", "the link redirects in a loop")
    raise AssertionError("unreachable")  # pragma: no cover


async def guarded_get(
    url: str,
    *,
    allow_private: bool = False,
    client: httpx.AsyncClient | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = MAX_FETCH_BYTES,
    max_redirects: int = MAX_REDIRECTS,
    headers: Mapping[str, str] = HEADERS,
    screen: Screen = _page_screen,
) -> Answer:
    """GET a link through the SSRF guard, or raise :class:`FetchError` (and nothing else).

    The download half of :func:`fetch_url`, shared with :mod:`reader.feedfetch`:
    ``timeout`` bounds the whole download (DNS, connects, redirects, body),
    each redirect hop is vetted and a loop is refused, ``max_bytes`` caps the
    decoded body, and ``screen`` decides which answers are wanted.
    """
    target = check_url(url, allow_private=allow_private)
    own = client is None
    http = make_client(allow_private=allow_private, timeout=timeout) if client is None else client
    try:
        async with asyncio.timeout(timeout):
            return await _follow(
                http,
                target,
                headers=headers,
                allow_private=allow_private,
                max_bytes=max_bytes,
                max_redirects=max_redirects,
                screen=screen,
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


async def _article(got: Answer, kind: Kind) -> Page:
    """The article in a download, or :class:`FetchError` (whatever the parser raised)."""
    final = str(got.url)
    try:
        return await asyncio.to_thread(_extract, kind, got.body, got.charset, final)
    except NotArticleError as exc:
        log.info("not an article (%s): %s", exc.reason, for_log(final))
        raise FetchError("not_article", str(exc), detail=exc.reason) from exc
    except UnsupportedInputError as exc:
        raise FetchError("unreadable", str(exc), detail=exc.reason) from exc
    except Exception as exc:  # a parser tripping on a hostile page fails this link only
        log.warning("extraction failed on %s (%s)", for_log(final), kind, exc_info=True)
        raise FetchError("unreadable", f"the {kind} could not be read") from exc


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
    got = await guarded_get(
        url,
        allow_private=allow_private,
        client=client,
        timeout=timeout,
        max_bytes=max_bytes,
        max_redirects=max_redirects,
    )
    kind = _kind(got.mime, got.body[:1024])
    if kind is None:
        log.info("fetch refused (unsupported_type): %s", for_log(got.url))
        raise FetchError(
            "unsupported_type", "the link is not a page or a PDF", detail=got.mime or None
        )
    page = await _article(got, kind)
    log.info("fetched %s: %s, %d bytes", for_log(got.url), got.mime or kind, len(got.body))
    return FetchedPage(str(got.url), got.mime or kind, got.body, page)
