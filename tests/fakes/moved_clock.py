"""The bot's clock in end-to-end tests: the real one, moved on when a test says so.

An application built with ``clock=MovedClock()`` keeps real time (its JobQueue
ticks on the real clock, and some rows are stamped with it), but a test can
make a poll interval or a digest's time pass at once: move the clock past it,
then run the round or wait for the next tick (a second), not for the interval.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

__all__ = ["MovedClock"]


class MovedClock:
    """Aware UTC now, to the second, plus :attr:`offset` (never behind the real clock)."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC).replace(microsecond=0) + self.offset

    def move(self, by: timedelta) -> None:
        """Move the clock on by ``by`` (forward only: time stamped with it stays in order)."""
        if by < timedelta(0):
            raise ValueError("the clock only moves forward")
        self.offset += by
