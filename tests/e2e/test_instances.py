"""Several ``python -m bot`` instances on one PostgreSQL database, end to end.

Two real processes in webhook mode behind a round-robin proxy
(:class:`tests.fakes.rr_proxy.RoundRobinProxy`), as a load balancer in front
of two replicas would be; the fake Bot API delivers each update by POSTing it
to the proxy (:meth:`FakeTelegram.post_update`) and, like Telegram, delivers
one again when it got no answer.  Every wait is on an event: a message the
fake got, a line an instance logged, a port that accepts connections.

Then one instance is killed (SIGKILL) while it sends a daily digest of
several parts, and the other sends the rest once the lease
(``DIGEST_LEASE_SECONDS``) runs out: each part arrives exactly once.  One
pair of processes for both stories: a start costs a second of CPU.

Polling mode (one poller elected, a standby taking over) is in
test_takeover.py, with the same :class:`Instance`.
"""

from __future__ import annotations

import signal
from pathlib import Path

from bot.storage import Storage
from summarizer import summarize
from tests.articles import EN_ARTICLE, SPLIT_PART_1, SPLIT_PART_2, ZH_HANS_ARTICLE
from tests.e2e.bot_process import START_TIMEOUT
from tests.e2e.instances import HOOK, SECRET, Instance, deliver, logged, started
from tests.e2e.owed_digest import owe_digest, sending_after_part_1
from tests.fakes.builders import channel_origin
from tests.fakes.rr_proxy import RoundRobinProxy
from tests.fakes.telegram_server import FakeTelegram


async def test_two_webhook_instances_share_the_updates_and_finish_a_dead_ones_digest(
    fake: FakeTelegram, postgres_url: str, tmp_path: Path
) -> None:
    # each instance reaches the Bot API through a proxy of its own: who sent what is known
    with RoundRobinProxy([fake.port]) as via_a, RoundRobinProxy([fake.port]) as via_b:
        vias = [via_a, via_b]
        pair = [
            Instance(fake, tmp_path / name, postgres_url, via=via)
            for name, via in zip("ab", vias, strict=True)
        ]
        try:
            for instance in pair:
                # the parts of a forward arrive well within it
                instance.settings["FORWARD_MERGE_SECONDS"] = "1.0"
                # short, so the takeover of a dead instance's digest takes seconds
                instance.settings["DIGEST_LEASE_SECONDS"] = "3"
            await started(fake, pair)
            answered = await _one_answer_per_update_and_split_forwards_rejoined(fake, pair)
            await _a_dead_instances_digest_is_finished_by_the_other(fake, pair, vias, postgres_url)
        finally:
            for instance in pair:
                instance.stop()
    # one killed, the other stopped cleanly: only now is "exactly one answer" final
    assert {chat: len(fake.sent(chat)) for chat in answered} == dict.fromkeys(answered, 1)
    for instance in pair:
        assert "Traceback" not in instance.log


async def _one_answer_per_update_and_split_forwards_rejoined(
    fake: FakeTelegram, pair: list[Instance]
) -> list[int]:
    """Each update answered once, re-delivered or not; a split forward one digest.
    The chats, each owed exactly one answer (final once both instances are gone)."""
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

    return [*chats, repeated, split]


def _sent_through(via: RoundRobinProxy) -> int:
    return sum(f.path.endswith("/sendMessage") for f in via.forwarded)


async def _a_dead_instances_digest_is_finished_by_the_other(
    fake: FakeTelegram, pair: list[Instance], vias: list[RoundRobinProxy], url: str
) -> None:
    """SIGKILL the instance sending a digest of several parts while Telegram holds its
    part 2: the other takes the delivery once the lease runs out, and sends only the
    parts not recorded, each once."""
    chat = 6301
    fake.chat(chat)
    # part 1 goes out and is recorded; Telegram holds part 2 (whoever sends it)
    hold = fake.hold_when(sending_after_part_1(fake, chat))
    before = [_sent_through(v) for v in vias]
    await owe_digest(url, chat)  # due two minutes ago: the next tick of either takes it
    await fake.wait_for(hold.arrived.is_set, timeout=START_TIMEOUT, what="digest part 2")
    # the sender is the instance whose proxy passed part 1 on; kill it now
    [sender] = [i for i, v, n in zip(pair, vias, before, strict=True) if _sent_through(v) > n]
    [other] = [i for i in pair if i is not sender]
    other_via = vias[pair.index(other)]
    assert sender.proc is not None
    sender.proc.send_signal(signal.SIGKILL)
    assert sender.proc.wait(timeout=10) == -signal.SIGKILL
    hold.drop()  # the connection closes unanswered: Telegram never delivered part 2
    by_other = _sent_through(other_via)

    store = await Storage.connect(url)
    try:
        [left] = await store.unfinished_deliveries()
        [part_1] = fake.sent(chat)
        assert left.status == "sending" and len(left.parts) >= 3
        assert left.sent_ids == (part_1.response["result"]["message_id"],)
        assert hold.params["text"] == left.parts[1]  # was in flight, never delivered

        await fake.wait_sent(chat, len(left.parts), timeout=START_TIMEOUT)
        await logged(other, f"finishing the digest for chat {chat}")
        # a clean stop lets the run finish recording what it sent
        assert other.proc is not None
        other.proc.send_signal(signal.SIGTERM)
        assert other.proc.wait(timeout=20) == 0, other.log[-3000:]
        done = await store.delivery(chat, left.local_date)
    finally:
        await store.close()
    digest = fake.sent(chat)
    assert [c.text for c in digest] == list(left.parts)  # every part once, in order
    # no other attempt reached Telegram, and the rest went through the live instance
    assert [c.text for c in fake.calls("sendMessage") if c.chat_id == chat] == list(left.parts)
    assert _sent_through(other_via) - by_other == len(left.parts) - 1
    assert done is not None and done.status == "sent"
    assert done.sent_ids == tuple(c.response["result"]["message_id"] for c in digest)
