"""Schedule arithmetic and argument parsing for daily digests (pure: no I/O, no clock).

Wall-clock times are kept in the chat's IANA zone, so a digest set for 08:30
in Asia/Taipei stays at 08:30 there across daylight-saving changes elsewhere.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import CommandError
from bot.storage import Subscription

__all__ = [
    "CATCH_UP_WINDOW",
    "DEFAULT_TIME",
    "last_occurrence",
    "local_date",
    "missed_date",
    "next_occurrence",
    "parse_subscription",
    "parse_time",
    "parse_zone",
    "subscription_time",
]

DEFAULT_TIME = time(8, 0)
#: A digest whose time passed while no instance ran is still sent if at most this late.
CATCH_UP_WINDOW = timedelta(hours=12)

_TIME = re.compile(r"^([01]?\d|2[0-3])[:：.]([0-5]\d)$")


def parse_time(token: str) -> time | None:
    """``08:30``, ``8:30``, ``21：00`` (full-width colon) → a time; anything else → None."""
    m = _TIME.match(token.strip())
    return time(int(m.group(1)), int(m.group(2))) if m else None


def parse_zone(token: str) -> ZoneInfo | None:
    """An IANA zone name (``Asia/Taipei``, ``UTC``), case as IANA writes it; else None."""
    name = token.strip()
    if not name or name.startswith(("/", ".")) or ".." in name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _at(day: date, at: time, tz: ZoneInfo) -> datetime:
    """``at`` on ``day`` in ``tz`` as a real instant.

    A wall time skipped by a daylight-saving jump (02:30 on a spring-forward
    night) is the instant it would have been, i.e. 03:30; a repeated one
    (autumn) is its first occurrence.  Round-tripping through UTC normalises.
    """
    naive = datetime.combine(day, at.replace(tzinfo=None))
    return naive.replace(tzinfo=tz, fold=0).astimezone(UTC).astimezone(tz)


def next_occurrence(now: datetime, at: time, tz: ZoneInfo) -> datetime:
    """The first time ``at`` (wall clock in ``tz``) comes after ``now``, in ``tz``."""
    local = now.astimezone(tz)
    candidate = _at(local.date(), at, tz)
    if candidate <= local:
        candidate = _at(local.date() + timedelta(days=1), at, tz)
    return candidate


def last_occurrence(now: datetime, at: time, tz: ZoneInfo) -> datetime:
    """The latest time ``at`` (wall clock in ``tz``) was reached at or before ``now``."""
    local = now.astimezone(tz)
    candidate = _at(local.date(), at, tz)
    if candidate > local:
        candidate = _at(local.date() - timedelta(days=1), at, tz)
    return candidate


def subscription_time(sub: Subscription) -> time:
    return time(sub.hour, sub.minute, sub.second)


def local_date(now: datetime, tz: ZoneInfo) -> date:
    """ "Today" for a chat: the date in its zone, not the server's."""
    return now.astimezone(tz).date()


def missed_date(sub: Subscription, now: datetime) -> date | None:
    """The local date of a digest due within :data:`CATCH_UP_WINDOW` before ``now``.

    Only a time reached after the subscription was set counts: subscribing
    at 09:00 for 08:30 does not owe today's 08:30 digest.
    """
    tz = ZoneInfo(sub.timezone)
    last = last_occurrence(now, subscription_time(sub), tz)
    if now - last > CATCH_UP_WINDOW or last < sub.updated_at:
        return None
    return last.date()


def parse_subscription(argument: str) -> tuple[time, ZoneInfo | None]:
    """``/subscribe``'s argument: an optional time and an optional IANA zone, either order.

    No time means :data:`DEFAULT_TIME`; no zone means "keep the chat's".
    Raises :class:`~bot.errors.CommandError` (``bad_time``/``bad_zone``) naming
    the token it could not read.
    """
    at, zone = DEFAULT_TIME, None
    tokens = argument.split()
    for token in tokens[:2]:
        parsed_time = parse_time(token)
        if parsed_time is not None:
            at = parsed_time
        elif any(ch.isdigit() for ch in token) and "/" not in token:
            raise CommandError("bad_time", value=token)
        elif (parsed_zone := parse_zone(token)) is not None:
            zone = parsed_zone
        else:
            raise CommandError("bad_zone", value=token)
    if len(tokens) > 2:
        raise CommandError("bad_time", value=" ".join(tokens[2:]))
    return at, zone
