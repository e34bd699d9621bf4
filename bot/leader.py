"""Exactly one instance polls Telegram: a leader lock, and standing by for it.

Telegram answers a second ``getUpdates`` poller with 409 Conflict, so with
several instances on one database only the holder of a *leader lock* polls;
the others stand by (they still serve the JobQueue: scheduled work is due
rows any instance may take) and try the lock every :data:`RETRY_SECONDS`.

- PostgreSQL (:class:`bot.storage.postgres_leader.PostgresLeaderLock`): a
  session-level advisory lock on a connection of its own.  The leader pings
  that connection every :data:`CHECK_SECONDS`; when the ping fails the lock
  is gone with the session, and the leader stops its updater at once.  A
  new leader first waits out :data:`PG_GRACE_SECONDS` (longer than a ping
  interval plus its timeout), so a deposed leader has always stopped before
  the new one polls.  The server ends a silent holder's session after
  :data:`~bot.storage.postgres_leader.IDLE_TIMEOUT` s, so a vanished machine
  is replaced within about 10 + 2 + 3.5 s, one killed outright (its socket
  closed) within about 2 + 3.5 s: well within 30 s.
- SQLite (:class:`FileLeaderLock`): ``fcntl.flock`` on ``<database>.lock``.
  The kernel drops it only when the holding process ends, so no grace is
  needed.  A second ``python -m bot`` on the same file stands by, saying so
  in the log (with the holder's pid), and takes over when the first stops:
  the same rule as on PostgreSQL, and under a supervisor (systemd,
  ``restart:`` in compose) no crash loop.

Webhook mode takes no lock: every instance serves the webhook, and
python-telegram-bot's ``start_webhook`` always calls the idempotent
``setWebhook`` with the same settings.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from telegram.ext import Application

    from bot.config import Settings

__all__ = [
    "CHECK_SECONDS",
    "PG_GRACE_SECONDS",
    "RETRY_SECONDS",
    "FileLeaderLock",
    "LeaderLock",
    "Leadership",
    "leader_lock",
    "polling_leadership",
]

log = logging.getLogger(__name__)

#: How often the leader checks that its lock is still held.
CHECK_SECONDS = 1.0
#: How often a standby tries to take the lock.
RETRY_SECONDS = 2.0
#: How long one check may take on PostgreSQL before the lock counts as lost.
PG_PING_TIMEOUT = 2.0
#: A new PostgreSQL leader waits this long before polling: a deposed one notices first.
PG_GRACE_SECONDS = CHECK_SECONDS + PG_PING_TIMEOUT + 0.5


class LeaderLock(Protocol):
    """One instance's handle on the polling lock (never blocks to wait for it)."""

    @property
    def where(self) -> str:
        """What the lock guards, for log lines (a path, or a URL without its password)."""
        ...

    async def acquire(self) -> bool:
        """Take the lock if it is free; ``True`` if this instance holds it now.

        Raises if it cannot tell (the database is unreachable); the caller tries again.
        """
        ...

    async def held(self) -> bool:
        """Whether this instance still holds it (``False``: lost; stop polling now)."""
        ...

    async def release(self) -> None: ...

    def holder(self) -> str:
        """Who holds it instead, as far as known (for the standby's log line)."""
        ...


class FileLeaderLock:
    """``fcntl.flock`` on a file next to the SQLite database; the holder's pid is written in it."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._fd: int | None = None

    @property
    def where(self) -> str:
        return f"DATABASE_PATH {self.path.with_suffix('')}"

    async def acquire(self) -> bool:
        if self._fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # BlockingIOError: another process holds it
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return True

    async def held(self) -> bool:
        return self._fd is not None  # an flock lasts as long as our descriptor

    async def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            os.close(fd)  # closing drops the flock; the file stays (deleting it would race)

    def holder(self) -> str:
        try:
            pid = self.path.read_text().strip()
        except OSError:
            pid = ""
        return f"process {pid}" if pid.isdigit() else "another process"


class Leadership:
    """Run ``elected`` while this instance holds ``lock``, ``deposed`` when it stops holding it.

    :meth:`start` tries once at once (so a lone instance polls as soon as it
    starts), then a background task keeps going: the leader checks its lock
    every ``check_seconds`` and steps down when it is lost; a standby tries
    every ``retry_seconds`` and, having taken the lock, waits
    ``grace_seconds`` before ``elected``.  ``sleep`` is injectable for tests.
    """

    def __init__(
        self,
        lock: LeaderLock,
        *,
        elected: Callable[[], Awaitable[None]],
        deposed: Callable[[], Awaitable[None]],
        check_seconds: float = CHECK_SECONDS,
        retry_seconds: float = RETRY_SECONDS,
        grace_seconds: float = 0.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.lock = lock
        self._elected = elected
        self._deposed = deposed
        self.check_seconds = check_seconds
        self.retry_seconds = retry_seconds
        self.grace_seconds = grace_seconds
        self._sleep = sleep
        self.is_leader = False
        self._task: asyncio.Task[None] | None = None
        self._said_standby = False

    async def start(self) -> None:
        """One try now (errors from ``elected`` propagate), then keep watching in the background."""
        await self._try(at_start=True)
        self._task = asyncio.create_task(self._run(), name="leadership")

    async def stop(self) -> None:
        """Stop watching; if leading, run ``deposed`` and give the lock back."""
        if self._task is not None:
            task, self._task = self._task, None
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self.is_leader:
            await self._step_down()
        await self.lock.release()

    async def _run(self) -> None:
        while True:
            if self.is_leader:
                await self._sleep(self.check_seconds)
                if not await self.lock.held():
                    log.warning("lost the polling lock (%s): polling stops now", self.lock.where)
                    await self._step_down()
            else:
                await self._sleep(self.retry_seconds)
                try:
                    await self._try(at_start=False)
                except Exception:  # e.g. the Bot API refused start_polling: let another try
                    log.exception("could not start polling; giving the lock back")
                    self.is_leader = False
                    await self.lock.release()

    async def _try(self, *, at_start: bool) -> None:
        try:
            acquired = await self.lock.acquire()
        except Exception as exc:  # the database is unreachable right now: try again later
            log.warning("could not try the polling lock (%s): %s", self.lock.where, exc)
            return
        if not acquired:
            if not self._said_standby:
                self._said_standby = True
                log.log(
                    # on SQLite a second process is unusual; on PostgreSQL, standbys are the plan
                    logging.WARNING if isinstance(self.lock, FileLeaderLock) else logging.INFO,
                    "%s holds the polling lock for %s: standing by (this instance polls "
                    "when it stops; scheduled work runs here meanwhile)",
                    self.lock.holder(),
                    self.lock.where,
                )
            return
        if self.grace_seconds > 0:  # a deposed leader may not have noticed yet: let it stop
            await self._sleep(self.grace_seconds)
            if not await self.lock.held():
                return
        self.is_leader = True
        self._said_standby = False
        log.info("this instance polls Telegram (%s)", "at start" if at_start else "took over")
        await self._elected()

    async def _step_down(self) -> None:
        self.is_leader = False
        try:
            await self._deposed()
        finally:
            await self.lock.release()


def leader_lock(settings: Settings) -> LeaderLock | None:
    """The polling lock for the settings' database (``None`` for an in-memory SQLite one)."""
    if settings.database_url:
        from bot.storage.postgres_leader import PostgresLeaderLock

        return PostgresLeaderLock(settings.database_url, ping_timeout=PG_PING_TIMEOUT)
    if str(settings.database_path) == ":memory:":
        return None
    return FileLeaderLock(f"{settings.database_path}.lock")


def polling_leadership(
    application: Application[Any, Any, Any, Any, Any, Any],
    settings: Settings,
    options: dict[str, Any],
    *,
    grace_seconds: float | None = None,
    retry_seconds: float = RETRY_SECONDS,
) -> Leadership | None:
    """Polling with ``options`` only while this instance holds the lock (``None``: no lock).

    A standby tries the lock every ``retry_seconds``.
    ``grace_seconds``: how long a new leader waits before polling; by default
    :data:`PG_GRACE_SECONDS` on PostgreSQL, none for the file lock.  Only a caller that
    knows no deposed leader can still be polling (tests that run one bot at a time) may
    pass 0."""
    lock = leader_lock(settings)
    if lock is None:
        return None
    if grace_seconds is None:
        grace_seconds = PG_GRACE_SECONDS if settings.database_url else 0.0
    updater = application.updater
    assert updater is not None

    async def elected() -> None:
        await updater.start_polling(**options)

    async def deposed() -> None:
        if updater.running:
            await updater.stop()

    return Leadership(
        lock,
        elected=elected,
        deposed=deposed,
        grace_seconds=grace_seconds,
        retry_seconds=retry_seconds,
    )
