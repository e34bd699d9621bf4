"""Daily digests: the domain (:mod:`.digests`, :mod:`.schedule`) apart from Telegram (:mod:`.jobs`).

The domain composes, claims and delivers each chat's digest exactly once
through a small :class:`Sender`, and runs the due work (digests whose time
came, half-sent ones, the purge) that any instance may claim; it is tested
with a fake sender and an injected clock, no Application.  :class:`DailyJobs`
ticks it on the JobQueue and maps Telegram's errors to the domain's
:class:`~bot.errors.RecipientGone` and :class:`~bot.errors.SendFailed`.
"""

from __future__ import annotations

from bot.daily.digests import (
    FILTER_MAX_COUNT,
    FILTER_MAX_LENGTH,
    FIRST_LOOKBACK,
    LEASE,
    MAX_ITEMS,
    ROLL_UP_WINDOW,
    DailyDigests,
    Outcome,
    Prepared,
    Ran,
    Sender,
    daily_items,
)
from bot.daily.jobs import DailyJobs, telegram_sender
from bot.daily.schedule import (
    CATCH_UP_WINDOW,
    DEFAULT_TIME,
    last_occurrence,
    missed_date,
    next_occurrence,
    parse_subscription,
    parse_time,
    parse_zone,
)

__all__ = [
    "CATCH_UP_WINDOW",
    "DEFAULT_TIME",
    "FILTER_MAX_COUNT",
    "FILTER_MAX_LENGTH",
    "FIRST_LOOKBACK",
    "LEASE",
    "MAX_ITEMS",
    "ROLL_UP_WINDOW",
    "DailyDigests",
    "DailyJobs",
    "Outcome",
    "Prepared",
    "Ran",
    "Sender",
    "daily_items",
    "last_occurrence",
    "missed_date",
    "next_occurrence",
    "parse_subscription",
    "parse_time",
    "parse_zone",
    "telegram_sender",
]
