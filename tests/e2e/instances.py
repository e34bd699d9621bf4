"""Several ``python -m bot`` processes on one PostgreSQL database: the test's handles.

:class:`Instance` is one bot process with its own directory and log, in
webhook mode behind :class:`tests.fakes.rr_proxy.RoundRobinProxy` or polling;
the functions wait on events (a port that accepts connections, a line an
instance logged, an update answered), never on the clock alone.
"""

from __future__ import annotations

import asyncio
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

from tests.e2e.bot_process import START_TIMEOUT, BotProcess
from tests.fakes.rr_proxy import RoundRobinProxy
from tests.fakes.telegram_server import FakeTelegram

__all__ = ["HOOK", "SECRET", "Instance", "accepts", "deliver", "logged", "started"]

SECRET = "instances_Webhook-secret"
HOOK = "/hook/zhaiyao"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class Instance:
    """One bot process with its own directory and log: in webhook mode on ``port``, or
    polling (``webhook=False``), optionally reaching the Bot API through ``via``."""

    def __init__(
        self,
        fake: FakeTelegram,
        directory: Path,
        url: str,
        *,
        webhook: bool = True,
        via: RoundRobinProxy | None = None,
    ) -> None:
        directory.mkdir()
        self.process = BotProcess(fake, directory)
        self.process.database_url = url
        self.port = free_port()
        self.settings = {"LOG_LEVEL": "INFO", "DEFAULT_TIMEZONE": "UTC"}
        if webhook:
            self.settings |= {
                "WEBHOOK_URL": f"https://bot.example.test{HOOK}",
                "WEBHOOK_LISTEN": "127.0.0.1",
                "WEBHOOK_PORT": str(self.port),
                "WEBHOOK_SECRET": SECRET,
            }
        if via is not None:
            self.settings |= {
                "TELEGRAM_BASE_URL": via.url("/bot"),
                "TELEGRAM_BASE_FILE_URL": via.url("/file/bot"),
            }
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = self.process.start(**self.settings)

    @property
    def log(self) -> str:
        return self.process.log.read_text(encoding="utf-8", errors="replace")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        if self.alive():
            assert self.proc is not None
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.process.stop()


async def started(fake: FakeTelegram, instances: list[Instance]) -> None:
    """Until each instance registered the webhook and its port accepts connections."""
    for instance in instances:
        instance.start()

    def ready() -> bool:
        for instance in instances:
            if not instance.alive():
                raise AssertionError(f"an instance exited:\n{instance.log[-3000:]}")
        return len(fake.calls("setWebhook")) >= len(instances) and all(
            accepts(i.port) for i in instances
        )

    await fake.wait_for(ready, timeout=START_TIMEOUT, what="both instances serving the webhook")


async def deliver(fake: FakeTelegram, proxy: RoundRobinProxy, update: dict[str, Any]) -> int:
    """Post ``update`` until it is answered (Telegram's re-delivery); how many posts it took."""
    for attempt in range(1, 4):
        status = await asyncio.to_thread(fake.post_update, proxy.url(HOOK), update)
        if status == 200:
            return attempt
        assert status is None, f"the webhook answered {status}"
    raise AssertionError(f"update {update['update_id']} was never answered")


async def logged(instance: Instance, line: str, *, timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while line not in instance.log:
        if time.monotonic() > deadline:
            raise AssertionError(f"never logged {line!r}:\n{instance.log[-3000:]}")
        await asyncio.sleep(0.05)
