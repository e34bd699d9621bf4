"""Two ``python -m bot`` instances polling on one PostgreSQL: exactly one polls, and a
standby takes over within 30 s when the poller dies.

The instances elect one poller (a PostgreSQL advisory lock, :mod:`bot.leader`;
the new leader waits out its grace, as in production); each reaches the Bot
API through a proxy of its own, so the test knows which one polled when.
Its own module, so that it runs beside the webhook instances
(test_instances.py), not after them: it waits on real time for ~10 s.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path

from tests.articles import EN_ARTICLE
from tests.e2e.bot_process import START_TIMEOUT
from tests.e2e.instances import Instance, logged
from tests.fakes.rr_proxy import Forwarded, RoundRobinProxy
from tests.fakes.telegram_server import FakeTelegram


def polls(via: RoundRobinProxy) -> list[Forwarded]:
    """The ``getUpdates`` calls that went through ``via``."""
    return [f for f in via.forwarded if f.path.endswith("/getUpdates")]


async def test_a_polling_standby_takes_over_when_the_leader_dies(
    fake: FakeTelegram, postgres_url: str, tmp_path: Path
) -> None:
    # each instance reaches the Bot API through a proxy of its own: who polled when is known
    with RoundRobinProxy([fake.port]) as via_a, RoundRobinProxy([fake.port]) as via_b:
        a = Instance(fake, tmp_path / "a", postgres_url, webhook=False, via=via_a)
        b = Instance(fake, tmp_path / "b", postgres_url, webhook=False, via=via_b)
        try:
            a.start()  # both at once: one wins the lock, the other stands by
            b.start()

            def roles() -> tuple[Instance, Instance] | None:
                led = [i for i in (a, b) if "this instance polls Telegram (at start)" in i.log]
                waits = [i for i in (a, b) if "standing by" in i.log]
                return (led[0], waits[0]) if len(led) == len(waits) == 1 else None

            leader, standby = await fake.wait_for(
                roles, timeout=START_TIMEOUT, what="one leader and one standby"
            )
            leader_via, standby_via = (via_a, via_b) if leader is a else (via_b, via_a)
            fake.send(6201, EN_ARTICLE)
            [reply] = await fake.wait_sent(6201, timeout=START_TIMEOUT)
            assert "Northwind" in reply.text

            assert leader.proc is not None
            leader.proc.send_signal(signal.SIGKILL)
            assert leader.proc.wait(timeout=10) == -signal.SIGKILL
            killed = time.monotonic()
            fake.send(6202, EN_ARTICLE)  # the article matters not: who answers does
            # the bound: a standby polls within 30 s of the leader's death
            await fake.wait_sent(6202, timeout=30)
            await logged(standby, "this instance polls Telegram (took over)")
        finally:
            a.stop()
            b.stop()
    assert polls(leader_via) and polls(standby_via)
    # never two live pollers: the standby's first poll came after the leader was gone
    assert min(f.started for f in polls(standby_via)) > killed
    assert [len(fake.sent(c)) for c in (6201, 6202)] == [1, 1]
    assert "Traceback" not in standby.log
