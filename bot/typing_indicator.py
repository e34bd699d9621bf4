"""The one way the bot shows "typing…": only when work takes longer than a moment.

Summarizing usually takes milliseconds, fetching a page or downloading a file
seconds; a request for a quick one is wasted.  Failing to show it is never the
work's failure.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from telegram import Message
from telegram.constants import ChatAction

__all__ = ["SLOW_AFTER", "TypingIndicator"]

#: Seconds of work after which the chat is shown "typing…".
SLOW_AFTER = 1.0


class TypingIndicator:
    def __init__(self, after: float = SLOW_AFTER) -> None:
        self.after = after

    @contextlib.asynccontextmanager
    async def while_slow(self, message: Message) -> AsyncIterator[None]:
        """Show "typing…" in ``message``'s chat if the block lasts over :attr:`after` s."""

        async def later() -> None:
            await asyncio.sleep(self.after)
            with contextlib.suppress(Exception):
                await message.get_bot().send_chat_action(
                    message.chat_id,
                    ChatAction.TYPING,
                    message_thread_id=message.message_thread_id
                    if message.is_topic_message
                    else None,
                )

        task = asyncio.create_task(later())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
