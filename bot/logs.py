"""Logging that never shows the bot token.

python-telegram-bot logs request URLs (``.../bot<token>/getUpdates``) at
DEBUG and httpx logs every request at INFO.  httpx is held at WARNING, and a
filter on the handler rewrites every record, arguments and traceback
included, replacing each secret with a placeholder.  Tracebacks that bypass
logging (an exception nobody caught, in the main thread or another) are
scrubbed the same way by :func:`install_excepthook`: python-telegram-bot's
``InvalidToken`` message, for one, quotes the token.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Iterable
from types import TracebackType
from typing import TextIO
from urllib.parse import quote

__all__ = ["REDACTED", "SecretFilter", "install_excepthook", "setup_logging"]

REDACTED = "<redacted>"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_QUIET = ("httpx", "httpcore")


class SecretFilter(logging.Filter):
    """Replaces secrets (and their URL-encoded forms) in messages, arguments and tracebacks."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        found: set[str] = set()
        for s in secrets:
            if s:
                found.update({s, quote(s, safe=""), quote(s)})
        # longest first, so a secret containing another is replaced whole
        self._secrets = sorted(found, key=len, reverse=True)
        self._formatter = logging.Formatter()

    def scrub(self, text: str) -> str:
        for s in self._secrets:
            text = text.replace(s, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep what can be kept
            message = f"{record.msg!s} {record.args!r}"
        record.msg = self.scrub(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = self.scrub(record.stack_info)
        return True


def setup_logging(
    level: str, secrets: Iterable[str], *, stream: TextIO | None = None
) -> logging.Handler:
    """Log to ``stream`` (default stderr) at ``level``, secrets scrubbed; returns the handler."""
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.addFilter(SecretFilter(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in _QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    return handler


def install_excepthook(secrets: Iterable[str]) -> None:
    """Print uncaught exceptions (any thread) with secrets scrubbed, as logging would."""
    scrub = SecretFilter(secrets).scrub

    def report(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        text = "".join(traceback.format_exception(kind, exc, tb))
        sys.stderr.write(scrub(text))
        sys.stderr.flush()

    def report_thread(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        exc = args.exc_value if args.exc_value is not None else args.exc_type()
        sys.stderr.write(f"Exception in thread {args.thread.name if args.thread else '?'}:\n")
        report(args.exc_type, exc, args.exc_traceback)

    sys.excepthook = report
    threading.excepthook = report_thread
