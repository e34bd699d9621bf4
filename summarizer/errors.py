"""The one exception family the summarizer raises.

Callers (the bot, the CLI) translate ``reason`` into a message for people;
the library never formats user-facing text itself.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["NotArticleError", "PageReason", "Reason", "SummarizerError", "UnsupportedInputError"]

Reason = Literal[
    "empty",
    "binary",
    "no_text",
    "unsupported_format",
    "too_large",
    "no_text_layer",
    "undecodable",
    "corrupt",
    "encrypted",
    "too_complex",
]
#: Why a fetched page is not an article (see :func:`reader.documents.classify_page`).
PageReason = Literal["verification_page", "login_wall", "paywall", "error_page", "too_little_text"]


class SummarizerError(Exception):
    """Base class of every error this package raises on purpose."""


class UnsupportedInputError(SummarizerError):
    """The input cannot be summarized: nothing readable, binary junk, or the like.

    ``reason`` is a stable machine-readable code:

    - ``empty``: nothing but whitespace;
    - ``binary``: bytes or control characters, not text;
    - ``no_text``: no words at all (emoji, punctuation, bare URLs);
    - ``unsupported_format``: a document type the extractor does not read;
    - ``too_large``: a document over the extractor's size cap;
    - ``no_text_layer``: a PDF with no text in it (a scan or drawings only);
    - ``undecodable``: text bytes in no encoding the extractor recognises;
    - ``corrupt``: a damaged PDF/DOCX, or a file whose content contradicts its type;
    - ``encrypted``: a password-protected PDF.
    - ``too_complex``: a (small) document that unpacks to, or takes, more than the
      reader's limits allow (zip and flate bombs, pathological nesting, timeouts).
    """

    def __init__(self, reason: Reason, message: str) -> None:
        super().__init__(message)
        self.reason: Reason = reason


class NotArticleError(SummarizerError):
    """The page is not the article: a verification, login, paywall or error page.

    Raised instead of returning its text, so no digest of an anti-bot page is
    ever made.  ``reason`` is one of :data:`PageReason`.
    """

    def __init__(self, reason: PageReason, message: str) -> None:
        super().__init__(message)
        self.reason: PageReason = reason
