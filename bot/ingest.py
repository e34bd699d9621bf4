"""Updates → article text, and rejoining an article forwarded in several parts.

Telegram splits long posts into several messages; forwarded together they
arrive as separate updates within a second or two.  :class:`Rejoiner`
keeps parts per chat and origin and hands them over as one list once no
new part has arrived for ``window`` seconds, so one article gets one digest.
The parts wait in the database, so a forward whose parts reach different
instances is still one article, and a restart loses none.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from telegram import (
    Message,
    MessageEntity,
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
    Update,
)
from telegram.ext import Application

__all__ = [
    "DIRECT_PREFIX",
    "LONG_PART_CHARS",
    "RESUME_SECONDS",
    "Part",
    "PartStore",
    "Rejoiner",
    "application_rejoiner",
    "command_argument",
    "has_words",
    "join_parts",
    "message_text",
    "origin_key",
    "part_from_message",
    "rejoin_key",
    "resume_pending_parts",
]

log = logging.getLogger(__name__)

#: A direct (not forwarded) message this long may be the first piece of a
#: paste that the Telegram client split at its 4096-character limit.
LONG_PART_CHARS = 3500
#: Buffer keys of direct (not forwarded) messages start with this.
DIRECT_PREFIX = "direct:"


def message_text(message: Message) -> str | None:
    """The readable text of a message: its text or its caption (photo, video, …)."""
    return message.text if message.text is not None else message.caption


def has_words(text: str) -> bool:
    """Any letter or digit at all (emoji, punctuation and spaces are not words)."""
    return any(ch.isalnum() for ch in text)


def origin_key(message: Message) -> str | None:
    """Who originally sent a forwarded message, as a stable key; ``None`` if not forwarded."""
    origin = message.forward_origin
    if isinstance(origin, MessageOriginUser):
        return f"user:{origin.sender_user.id}"
    if isinstance(origin, MessageOriginHiddenUser):
        return f"hidden:{origin.sender_user_name}"
    if isinstance(origin, MessageOriginChat):
        return f"chat:{origin.sender_chat.id}"
    if isinstance(origin, MessageOriginChannel):
        return f"channel:{origin.chat.id}"
    return None


def command_argument(message: Message) -> str:
    """Everything after the leading ``/command`` (newlines kept, unlike ``context.args``)."""
    text = message.text or ""
    for entity in message.entities:
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            # entity offsets count UTF-16 units; the command itself is ASCII
            return text[entity.length :].strip()
    return ""


@dataclass(frozen=True, slots=True)
class Part:
    """One message's share of an article."""

    chat_id: int
    key: str
    message_id: int
    order: tuple[int, int]
    text: str
    update: object = field(default=None, compare=False)


def part_from_message(message: Message, text: str, key: str, update: object = None) -> Part:
    origin = message.forward_origin
    # a channel origin carries the post's own id: its parts' true order
    first = origin.message_id if isinstance(origin, MessageOriginChannel) else 0
    return Part(
        chat_id=message.chat_id,
        key=key,
        message_id=message.message_id,
        order=(first, message.message_id),
        text=text,
        update=update,
    )


def join_parts(parts: list[Part]) -> str:
    return "\n".join(p.text.strip() for p in parts if p.text.strip())


#: Starts a waiting task for the update it belongs to (or ``None`` after a restart).
Spawn = Callable[[Coroutine[Any, Any, None], object], object]
#: Turns a stored update (``Update.to_dict()``) back into an update another instance can answer.
Revive = Callable[[dict[str, Any]], object]


class PartStore(Protocol):
    """Where parts wait: the database (:class:`bot.storage.parts.PartQueries`)."""

    async def add_pending_part(
        self, chat_id: int, rejoin_key: str, part_json: str, received_at: float
    ) -> int: ...

    async def pending_part_latest(self, chat_id: int, rejoin_key: str) -> float | None: ...

    async def claim_pending_parts(
        self, chat_id: int, rejoin_key: str, quiet_since: float
    ) -> list[tuple[int, str]]: ...

    async def pending_part_slots(self, key_prefix: str) -> list[tuple[int, str]]: ...


def _encode(part: Part) -> str:
    to_dict = getattr(part.update, "to_dict", None)
    return json.dumps(
        {
            "message_id": part.message_id,
            "order": list(part.order),
            "text": part.text,
            "update": to_dict() if callable(to_dict) else None,
        },
        ensure_ascii=False,
    )


def _no_update(data: dict[str, Any]) -> object:
    return None


class Rejoiner:
    """Joins the parts of one (chat, key) ``window`` seconds after the last part arrived.

    The parts wait in the database (``store``), not in this process: with
    several instances the parts of one forward may reach different ones,
    and each instance that added a part waits and then tries to claim the
    slot; the claim is atomic, so exactly one of them gets every part and the
    others get nothing.  Parts left by a process that stopped are flushed by
    :meth:`resume` at the next start.

    ``scope`` keeps two rejoiners (private chats, groups) apart in the one
    table.  ``on_flush`` receives the parts in their original order; a part
    that came from another instance (or an earlier run) carries the update
    ``revive`` rebuilt from its stored JSON.  ``spawn`` starts the waiting
    task (default :func:`asyncio.create_task`); the application passes its
    own ``create_task`` so errors reach its error handler and shutdown waits
    for pending parts.  ``clock`` is wall time (``time.time``), comparable
    across instances; tests pass a manual clock and its ``sleep``, so no test
    waits on real time.
    """

    def __init__(
        self,
        window: float,
        on_flush: Callable[[list[Part]], Awaitable[None]],
        *,
        store: PartStore,
        scope: str = "chat",
        revive: Revive = _no_update,
        spawn: Spawn | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.window = window
        self._on_flush = on_flush
        self._store = store
        self.scope = scope
        self._prefix = f"{scope}/"
        self._revive = revive
        self._spawn = spawn
        self._clock = clock
        self._sleep = sleep
        #: Slots this instance has a waiting task for, and those given a part since it looked.
        self._waiting: set[tuple[int, str]] = set()
        self._touched: set[tuple[int, str]] = set()
        #: Parts this instance stored, by row id: flushed with their live update objects.
        self._local: dict[int, Part] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        #: Per chat: the lock of :meth:`turn` and how many hold or wait for it.
        self._turns: dict[int, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def turn(self, chat_id: int) -> AsyncIterator[None]:
        """One message of a chat at a time, from deciding whether it joins to storing it.

        Updates are handled concurrently; without this, a paste's tail could
        look for its head's part before the head was stored, and be answered
        alone.  The lock is this instance's: across instances the database
        decides, as the parts arrive.
        """
        lock, users = self._turns.get(chat_id, (asyncio.Lock(), 0))
        self._turns[chat_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._turns[chat_id]
            if users > 1:
                self._turns[chat_id] = (lock, users - 1)
            else:
                del self._turns[chat_id]

    def _stored_key(self, key: str) -> str:
        return f"{self._prefix}{key}"

    async def pending(self, chat_id: int, key: str) -> bool:
        """Whether parts of (chat, key) are waiting, on any instance."""
        latest = await self._store.pending_part_latest(chat_id, self._stored_key(key))
        return latest is not None

    async def add(self, part: Part) -> None:
        """Store the part, then make sure this instance waits for (and tries) the slot's flush."""
        stored = self._stored_key(part.key)
        row = await self._store.add_pending_part(part.chat_id, stored, _encode(part), self._clock())
        self._local[row] = part
        self._watch((part.chat_id, stored), part.update)

    async def resume(self) -> int:
        """Wait for (and flush) the slots left in the database, e.g. by a stopped process.

        Returns how many slots this instance was not waiting for yet.
        """
        slots = await self._store.pending_part_slots(self._prefix)
        new = [slot for slot in slots if slot not in self._waiting]
        for slot in new:
            self._watch(slot, None)
        return len(new)

    def _watch(self, slot: tuple[int, str], update: object) -> None:
        self._touched.add(slot)
        if slot in self._waiting:
            return
        self._waiting.add(slot)
        waiter = self._wait_then_flush(slot)
        if self._spawn is not None:
            self._spawn(waiter, update)
        else:
            task = asyncio.create_task(waiter)
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _wait_then_flush(self, slot: tuple[int, str]) -> None:
        chat_id, stored = slot
        try:
            while True:
                self._touched.discard(slot)
                latest = await self._store.pending_part_latest(chat_id, stored)
                if latest is None:  # flushed (here or by another instance)
                    if slot in self._touched:  # a part was added while we looked
                        continue
                    self._forget(slot)
                    return
                delay = latest + self.window - self._clock()
                if delay > 0:
                    await self._sleep(delay)
                    continue
                # quiet since the newest part we saw: the claim fails if a newer one came
                claimed = await self._store.claim_pending_parts(chat_id, stored, latest)
                if claimed:  # ours, all of them; parts stored since start the next batch
                    await self._on_flush(self._parts(claimed, chat_id, stored))
        finally:
            self._waiting.discard(slot)

    def _forget(self, slot: tuple[int, str]) -> None:
        """Drop the live updates of this slot's parts that another instance flushed."""
        for row in [
            r for r, p in self._local.items() if (p.chat_id, self._stored_key(p.key)) == slot
        ]:
            del self._local[row]

    def _parts(self, claimed: list[tuple[int, str]], chat_id: int, stored: str) -> list[Part]:
        key = stored[len(self._prefix) :]
        parts: list[Part] = []
        for row, data in claimed:
            local = self._local.pop(row, None)
            if local is not None:
                parts.append(local)
                continue
            fields = json.loads(data)
            update = fields.get("update")
            parts.append(
                Part(
                    chat_id=chat_id,
                    key=key,
                    message_id=int(fields["message_id"]),
                    order=(int(fields["order"][0]), int(fields["order"][1])),
                    text=str(fields["text"]),
                    update=self._revive(update) if isinstance(update, dict) else None,
                )
            )
        return sorted(parts, key=lambda p: p.order)


#: How often each instance looks for parts nobody waits for (their instance stopped).
RESUME_SECONDS = 30.0


def application_rejoiner(
    application: Application[Any, Any, Any, Any, Any, Any],
    window: float,
    on_flush: Callable[[list[Part]], Awaitable[None]],
    *,
    store: PartStore,
    scope: str,
) -> Rejoiner:
    """The :class:`Rejoiner` of one way in, wired to ``application``.

    Parts from another instance come back as updates bound to this bot;
    waiting runs as the application's tasks (errors reach its error handler,
    shutdown waits); parts left waiting are resumed at start-up and every 30 s.
    """
    rejoiner = Rejoiner(
        window,
        on_flush,
        store=store,
        scope=scope,
        revive=lambda data: Update.de_json(data, application.bot),
        spawn=lambda coro, update: application.create_task(coro, update=update),
    )
    resume_pending_parts(application, rejoiner)
    return rejoiner


def resume_pending_parts(
    application: Application[Any, Any, Any, Any, Any, Any], rejoiner: Rejoiner
) -> None:
    """Flush parts nobody waits for: at start-up (left by an earlier run), then every 30 s.

    An instance that stored a part and then died leaves it in the table;
    any live instance picks the slot up here (the claim stays atomic).
    """

    async def resume(context: object) -> None:
        found = await rejoiner.resume()
        if found:
            log.info("rejoining the parts of %d forwarded article(s) left waiting", found)

    job_queue = application.job_queue
    if job_queue is not None:  # absent only without python-telegram-bot[job-queue]
        job_queue.run_repeating(resume, RESUME_SECONDS, first=0, name=f"rejoin-{rejoiner.scope}")


async def rejoin_key(message: Message, text: str, rejoiner: Rejoiner) -> str | None:
    """The buffer a message joins, or ``None`` to handle it at once.

    Forwards join their origin's buffer; a direct message joins its sender's
    when it is long enough to be a split paste or such a paste is pending.
    """
    key = origin_key(message)
    if key is not None:
        return key
    direct = f"{DIRECT_PREFIX}{message.from_user.id if message.from_user else 0}"
    if len(text) >= LONG_PART_CHARS or await rejoiner.pending(message.chat_id, direct):
        return direct
    return None
