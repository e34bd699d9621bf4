"""When to poll a feed next: after an answer, after a failure, and spread over the interval.

Pure arithmetic on seconds, so the poller's timing rules are tested without
a clock or a network:

- after an answer, the next poll waits the longest of what we poll at
  (``poll_seconds``) and what the feed asked for (``<ttl>``, ``Cache-Control:
  max-age``), up to a day;
- after a failure, the wait doubles from ``poll_seconds`` with each
  consecutive failure, up to a day, and never less than a ``Retry-After``;
- the first poll after a feed is primed lands at a deterministic offset
  within the interval (from a hash of its URL): 5 000 feeds imported at once
  are primed together, and without the offset would stay in lock-step, all
  due in the same tick forever.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

__all__ = ["MAX_WAIT", "answer_wait", "failure_wait", "next_poll", "spread"]

#: The longest a feed waits between two polls, whatever it asks for or however it fails.
MAX_WAIT = 86_400.0


def spread(url: str, period: float) -> float:
    """A stable offset in ``[0, period)`` for ``url``: the same on every run and process."""
    digest = hashlib.sha256(url.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 * period


def answer_wait(
    poll_seconds: float,
    *,
    ttl: float | None = None,
    max_age: float | None = None,
    retry_after: float | None = None,
) -> float:
    """Seconds until the next poll of a feed that answered (a feed may only slow us down)."""
    asked = max((v for v in (ttl, max_age, retry_after) if v is not None), default=0.0)
    return min(max(float(poll_seconds), asked), MAX_WAIT)


def failure_wait(poll_seconds: float, failures: int, *, retry_after: float | None = None) -> float:
    """Seconds until the next try after ``failures`` consecutive failures (this one included)."""
    doubled = float(poll_seconds) * 2.0 ** min(max(failures - 1, 0), 40)
    return min(max(doubled, retry_after or 0.0), MAX_WAIT)


def next_poll(
    now: datetime, wait: float, *, url: str, poll_seconds: float, first: bool
) -> datetime:
    """``now + wait``; on a feed's first poll, plus its :func:`spread` within ``poll_seconds``.

    Rounded up to the second (timestamps are stored to the second), and
    never past :data:`MAX_WAIT` from ``now``.
    """
    total = wait + (spread(url, poll_seconds) if first else 0.0)
    total = min(total, MAX_WAIT)
    whole = int(-(-total // 1))  # ceil: a feed is never polled before its wait is over
    return now.replace(microsecond=0) + timedelta(seconds=max(whole, 1))
