"""Pieces of Bot API messages, shaped as Telegram sends them (for ``FakeTelegram.send``)."""

from __future__ import annotations

import re
import time
from typing import Any

__all__ = [
    "channel_origin",
    "chat_origin",
    "command",
    "document",
    "hidden_user_origin",
    "photo",
    "sticker",
    "user_origin",
    "voice",
]

_COMMAND = re.compile(r"^/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?")


def command(text: str) -> dict[str, Any]:
    """``text`` and the ``bot_command`` entity Telegram attaches to its leading /command."""
    m = _COMMAND.match(text)
    assert m, f"not a command: {text!r}"
    return {
        "text": text,
        "entities": [{"type": "bot_command", "offset": 0, "length": m.end()}],
    }


def channel_origin(channel_id: int, message_id: int, title: str = "Channel") -> dict[str, Any]:
    return {
        "forward_origin": {
            "type": "channel",
            "date": int(time.time()) - 60,
            "chat": {"id": channel_id, "type": "channel", "title": title},
            "message_id": message_id,
        }
    }


def user_origin(user_id: int) -> dict[str, Any]:
    return {
        "forward_origin": {
            "type": "user",
            "date": int(time.time()) - 60,
            "sender_user": {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"},
        }
    }


def hidden_user_origin(name: str) -> dict[str, Any]:
    return {
        "forward_origin": {
            "type": "hidden_user",
            "date": int(time.time()) - 60,
            "sender_user_name": name,
        }
    }


def chat_origin(chat_id: int, title: str = "Group") -> dict[str, Any]:
    return {
        "forward_origin": {
            "type": "chat",
            "date": int(time.time()) - 60,
            "sender_chat": {"id": chat_id, "type": "supergroup", "title": title},
        }
    }


def sticker() -> dict[str, Any]:
    return {
        "sticker": {
            "file_id": "sticker-1",
            "file_unique_id": "u-sticker-1",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "👍",
        }
    }


def photo(caption: str | None = None) -> dict[str, Any]:
    d: dict[str, Any] = {
        "photo": [{"file_id": "photo-1", "file_unique_id": "u-photo-1", "width": 90, "height": 60}]
    }
    if caption is not None:
        d["caption"] = caption
    return d


def voice() -> dict[str, Any]:
    return {"voice": {"file_id": "voice-1", "file_unique_id": "u-voice-1", "duration": 3}}


def document(
    file_id: str,
    file_name: str | None,
    mime_type: str | None = None,
    file_size: int | None = None,
    caption: str | None = None,
) -> dict[str, Any]:
    """A file sent as a document (what Telegram says about it; the bytes come from getFile)."""
    doc: dict[str, Any] = {"file_id": file_id, "file_unique_id": f"u-{file_id}"}
    if file_name is not None:
        doc["file_name"] = file_name
    if mime_type is not None:
        doc["mime_type"] = mime_type
    if file_size is not None:
        doc["file_size"] = file_size
    d: dict[str, Any] = {"document": doc}
    if caption is not None:
        d["caption"] = caption
    return d
