"""The reader's one exception family.

``bot.messages`` (and the CLI) turn each into words for people; nothing here
formats user-facing text.  Document-format errors are still raised as
:class:`summarizer.errors.UnsupportedInputError` / :class:`NotArticleError`
(their reasons are shared with the summarizer's own input checks).
"""

from __future__ import annotations

from typing import Literal

__all__ = ["FeedError", "FeedReason", "FetchError", "FetchReason", "ReaderError", "SettingError"]


class ReaderError(Exception):
    """Base class of every error the reader raises on purpose."""


class SettingError(ReaderError):
    """A reader setting (``FETCH_ALLOW_PRIVATE_NETWORKS``) is malformed; the message names it."""


#: Why a link could not be read; ``bot.messages`` has a ``fetch_<reason>`` text for each.
FetchReason = Literal[
    "blocked_address",
    "blocked_port",
    "bad_scheme",
    "bad_url",
    "too_large",
    "timeout",
    "http_status",
    "unsupported_type",
    "unsupported_encoding",
    "too_many_redirects",
    "network",
    "not_article",
    "unreadable",
]


class FetchError(ReaderError):
    """A link could not be turned into article text.

    ``reason`` is a stable :data:`FetchReason` the message table translates.
    ``detail`` refines it: the HTTP status for ``http_status``, the
    :data:`summarizer.errors.PageReason` for ``not_article`` (e.g.
    ``verification_page``), the document reason for ``unreadable``.
    ``retry_after`` (seconds) is set for HTTP 429/503 answers that say when
    to come back (``Retry-After``), so a poller can wait that long.
    """

    def __init__(
        self,
        reason: FetchReason,
        message: str,
        *,
        detail: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.reason: FetchReason = reason
        self.detail = detail
        self.retry_after = retry_after


#: Why bytes (or a page) gave no feed; ``bot.messages`` words each for people.
#: ``not_feed``: not RSS/Atom/JSON Feed at all; ``unreadable``: a feed too broken to
#: read; ``no_feed``: an HTML page that announces none; ``not_opml``: not an OPML file.
FeedReason = Literal["not_feed", "unreadable", "no_feed", "not_opml"]


class FeedError(ReaderError):
    """Bytes that should have been a feed (or an OPML list of feeds) were not.

    Fetching errors stay :class:`FetchError`; this is about what came back.
    """

    def __init__(self, reason: FeedReason, message: str) -> None:
        super().__init__(message)
        self.reason: FeedReason = reason
