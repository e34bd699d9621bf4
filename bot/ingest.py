"""Updates → article text, and rejoining an article forwarded in several parts.

Telegram splits long posts into several messages; forwarded together they
arrive as separate updates within a second or two.  :class:`Rejoiner`
buffers parts per chat and origin and hands them over as one list once no
new part has arrived for ``window`` seconds, so one article gets one digest.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from telegram import (
    Message,
    MessageEntity,
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
)

__all__ = [
    "DIRECT_PREFIX",
    "LONG_PART_CHARS",
    "Part",
    "Rejoiner",
    "command_argument",
    "has_words",
    "join_parts",
    "message_text",
    "origin_key",
    "part_from_message",
    "rejoin_key",
]

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


Spawn = Callable[[Coroutine[Any, Any, None], Part], object]


@dataclass(slots=True)
class _Buffer:
    parts: list[Part]
    last: float


class Rejoiner:
    """Buffers parts per (chat, key); flushes a buffer ``window`` seconds after its last part.

    ``on_flush`` receives the parts in their original order.  ``spawn`` starts
    the waiting task (default :func:`asyncio.create_task`); the application
    passes its own ``create_task`` so errors reach its error handler and
    shutdown waits for pending buffers.  ``clock`` and ``sleep`` default to
    the event loop's; tests pass a manual clock so no test waits on real time.
    """

    def __init__(
        self,
        window: float,
        on_flush: Callable[[list[Part]], Awaitable[None]],
        *,
        spawn: Spawn | None = None,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.window = window
        self._on_flush = on_flush
        self._spawn = spawn
        #: The event loop's clock unless given (tests pass a manual clock and its sleep).
        self._clock = clock
        self._sleep = sleep
        self._buffers: dict[tuple[int, str], _Buffer] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def pending(self, chat_id: int, key: str) -> bool:
        return (chat_id, key) in self._buffers

    def _now(self) -> float:
        return self._clock() if self._clock is not None else asyncio.get_running_loop().time()

    def add(self, part: Part) -> None:
        now = self._now()
        slot = (part.chat_id, part.key)
        buffer = self._buffers.get(slot)
        if buffer is not None:
            buffer.parts.append(part)
            buffer.last = now
            return
        self._buffers[slot] = _Buffer([part], now)
        waiter = self._wait_then_flush(slot)
        if self._spawn is not None:
            self._spawn(waiter, part)
        else:
            task = asyncio.create_task(waiter)
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _wait_then_flush(self, slot: tuple[int, str]) -> None:
        while (delay := self._buffers[slot].last + self.window - self._now()) > 0:
            await self._sleep(delay)
        parts = sorted(self._buffers.pop(slot).parts, key=lambda p: p.order)
        await self._on_flush(parts)


def rejoin_key(message: Message, text: str, rejoiner: Rejoiner) -> str | None:
    """The buffer a message joins, or ``None`` to handle it at once.

    Forwards join their origin's buffer; a direct message joins its sender's
    when it is long enough to be a split paste or such a paste is pending.
    """
    key = origin_key(message)
    if key is not None:
        return key
    direct = f"{DIRECT_PREFIX}{message.from_user.id if message.from_user else 0}"
    if len(text) >= LONG_PART_CHARS or rejoiner.pending(message.chat_id, direct):
        return direct
    return None
