"""The one exception family the summarizer raises.

Callers (the bot, the CLI) translate ``reason`` into a message for people;
the library never formats user-facing text itself.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["Reason", "SummarizerError", "UnsupportedInputError"]

Reason = Literal["empty", "binary", "no_text", "unsupported_format", "too_large"]


class SummarizerError(Exception):
    """Base class of every error this package raises on purpose."""


class UnsupportedInputError(SummarizerError):
    """The input cannot be summarized: nothing readable, binary junk, or the like.

    ``reason`` is a stable machine-readable code:

    - ``empty``: nothing but whitespace;
    - ``binary``: bytes or control characters, not text;
    - ``no_text``: no words at all (emoji, punctuation, bare URLs);
    - ``unsupported_format``: a document type the extractor does not read;
    - ``too_large``: a document over the extractor's size cap.
    """

    def __init__(self, reason: Reason, message: str) -> None:
        super().__init__(message)
        self.reason: Reason = reason
