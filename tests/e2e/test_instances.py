"""Several ``python -m bot`` instances on one PostgreSQL database, end to end.

Two real processes in webhook mode behind a round-robin proxy
(:class:`tests.fakes.rr_proxy.RoundRobinProxy`), as a load balancer in front
of two replicas would be; the fake Bot API delivers each update by POSTing it
to the proxy (:meth:`FakeTelegram.post_update`) and, like Telegram, delivers
one again when it got no answer.  Every wait is on an event: a message the
fake got, a line an instance logged, a port that accepts connections.

One instance killed (SIGKILL) while it sends a daily digest of several parts
leaves the rest to the other, once its lease (``DIGEST_LEASE_SECONDS``) runs
out: each part arrives exactly once.

In polling mode the instances elect one poller (a PostgreSQL advisory lock,
:mod:`bot.leader`); each reaches the Bot API through a proxy of its own,
so the test knows which one polled when.
"""

from __future__ import annotations

import asyncio
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.storage import Storage
from summarizer import summarize
from tests.articles import EN_ARTICLE, SPLIT_PART_1, SPLIT_PART_2, ZH_HANS_ARTICLE
from tests.e2e.bot_process import START_TIMEOUT, BotProcess
from tests.e2e.owed_digest import owe_digest, sending_after_part_1
from tests.fakes.builders import channel_origin
from tests.fakes.rr_proxy import Forwarded, RoundRobinProxy
from tests.fakes.telegram_server import FakeTelegram

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


@pytest.fixture
def pair(fake: FakeTelegram, postgres_url: str, tmp_path: Path) -> Iterator[list[Instance]]:
    """Two instances on one fresh PostgreSQL database (not started yet)."""
    instances = [Instance(fake, tmp_path / name, postgres_url) for name in ("a", "b")]
    try:
        yield instances
    finally:
        for instance in instances:
            instance.stop()


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


async def test_two_webhook_instances_answer_each_update_once_and_rejoin_split_forwards(
    fake: FakeTelegram, pair: list[Instance]
) -> None:
    for instance in pair:  # the parts of a forward arrive well within it
        instance.settings["FORWARD_MERGE_SECONDS"] = "1.0"
    await started(fake, pair)
    [set_a, set_b] = fake.calls("setWebhook")  # both register: setWebhook is idempotent
    assert set_a.params == set_b.params
    assert set_a.params["url"] == f"https://bot.example.test{HOOK}"
    assert set_a.params["secret_token"] == SECRET

    with RoundRobinProxy([i.port for i in pair]) as proxy:
        # four chats, four updates: the proxy alternates, so each instance handles two
        chats = [6101, 6102, 6103, 6104]
        for chat in chats:
            update = fake.webhook_update({"message": fake.new_message(chat, text=EN_ARTICLE)})
            assert await deliver(fake, proxy, update) == 1
        for chat in chats:
            [reply] = await fake.wait_sent(chat, timeout=START_TIMEOUT)
            assert "Northwind" in reply.text
        assert [f.backend for f in proxy.forwarded] == [0, 1, 0, 1]

        # an answer lost on the way back: Telegram delivers the update again, and the
        # proxy's next turn is the other instance; both have it, and whichever comes
        # second to claim its update_id (either: each answered before handling) skips it
        repeated = 6105
        message = fake.new_message(repeated, text=ZH_HANS_ARTICLE)
        update = fake.webhook_update({"message": message})
        proxy.lose_next_answer()
        assert await deliver(fake, proxy, update) == 2
        got_it_first, got_it_again = (pair[f.backend] for f in proxy.forwarded[-2:])
        assert got_it_first is not got_it_again
        [reply] = await fake.wait_sent(repeated, timeout=START_TIMEOUT)
        assert reply.reply_to == message["message_id"]
        skipped = f"update {update['update_id']} was handled already: skipped"
        await fake.wait_for(
            lambda: any(skipped in i.log for i in pair), timeout=START_TIMEOUT, what=skipped
        )
        assert [skipped in i.log for i in pair].count(True) == 1

        # a forward in two parts, one to each instance: one article, one digest
        split = 6106
        first = fake.new_message(split, text=SPLIT_PART_1, **channel_origin(-100666, 20))
        second = fake.new_message(split, text=SPLIT_PART_2, **channel_origin(-100666, 21))
        for message in (first, second):
            await deliver(fake, proxy, fake.webhook_update({"message": message}))
        assert proxy.forwarded[-2].backend != proxy.forwarded[-1].backend
        [digest] = await fake.wait_sent(split, timeout=START_TIMEOUT)
        assert digest.reply_to == first["message_id"]
        whole = summarize(SPLIT_PART_1.strip() + "\n" + SPLIT_PART_2.strip())
        assert f"{whole.stats.input_length} chars →" in digest.text

    # both stop cleanly; only then is "exactly one answer" final
    for instance in pair:
        assert instance.proc is not None
        instance.proc.send_signal(signal.SIGTERM)
    for instance in pair:
        assert instance.proc is not None
        assert instance.proc.wait(timeout=20) == 0, instance.log[-3000:]
    assert len(fake.sent(repeated)) == 1
    assert len(fake.sent(split)) == 1  # both stopped: no part was left to answer alone
    assert [len(fake.sent(c)) for c in chats] == [1, 1, 1, 1]
    for instance in pair:
        assert "Traceback" not in instance.log


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
            fake.send(6202, ZH_HANS_ARTICLE)
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


async def test_an_instance_killed_mid_digest_leaves_the_rest_to_the_other(
    fake: FakeTelegram, postgres_url: str, tmp_path: Path
) -> None:
    chat = 6301
    fake.chat(chat)
    await owe_digest(postgres_url, chat)
    # part 1 goes out and is recorded; Telegram holds part 2 (whoever sends it)
    hold = fake.hold_when(sending_after_part_1(fake, chat))
    with RoundRobinProxy([fake.port]) as via_a, RoundRobinProxy([fake.port]) as via_b:
        a = Instance(fake, tmp_path / "a", postgres_url, via=via_a)
        b = Instance(fake, tmp_path / "b", postgres_url, via=via_b)
        try:
            for instance in (a, b):  # short, so the test waits seconds for the takeover
                instance.settings["DIGEST_LEASE_SECONDS"] = "3"
                instance.start()  # both at once: one claims the digest at its start-up
            await fake.wait_for(hold.arrived.is_set, timeout=START_TIMEOUT, what="part 2")

            def sent_through(via: RoundRobinProxy) -> int:
                return sum(f.path.endswith("/sendMessage") for f in via.forwarded)

            # the sender is the instance whose proxy passed part 1 on; kill it now
            sender, other = (a, b) if sent_through(via_a) else (b, a)
            other_via = via_b if sender is a else via_a
            assert sender.proc is not None
            sender.proc.send_signal(signal.SIGKILL)
            assert sender.proc.wait(timeout=10) == -signal.SIGKILL
            hold.drop()  # the connection closes unanswered: Telegram never delivered part 2

            store = await Storage.connect(postgres_url)
            try:
                [left] = await store.unfinished_deliveries()
                [part_1] = fake.sent(chat)
                assert left.status == "sending" and len(left.parts) >= 3
                assert left.sent_ids == (part_1.response["result"]["message_id"],)
                assert hold.params["text"] == left.parts[1]  # was in flight, never delivered

                # the live instance takes the delivery once the lease runs out, and sends
                # only the parts not recorded
                await fake.wait_sent(chat, len(left.parts), timeout=START_TIMEOUT)
                await logged(other, f"finishing the digest for chat {chat}")
                # a clean stop lets the run finish recording what it sent
                assert other.proc is not None
                other.proc.send_signal(signal.SIGTERM)
                assert other.proc.wait(timeout=20) == 0, other.log[-3000:]
                done = await store.delivery(chat, left.local_date)
            finally:
                await store.close()
        finally:
            a.stop()
            b.stop()
    digest = fake.sent(chat)
    assert [c.text for c in digest] == list(left.parts)  # every part once, in order
    # no other attempt reached Telegram, and the rest went through the live instance
    assert [c.text for c in fake.calls("sendMessage") if c.chat_id == chat] == list(left.parts)
    assert sent_through(other_via) == len(left.parts) - 1
    assert done is not None and done.status == "sent"
    assert done.sent_ids == tuple(c.response["result"]["message_id"] for c in digest)
    assert "Traceback" not in other.log
