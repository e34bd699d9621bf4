"""Chats, users' languages and per-chat settings (``/auto``, the empty-day policy)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.storage.connection import Database, ts, utc_now

__all__ = ["EMPTY_DAY_POLICIES", "ChatInfo", "ChatQueries", "ChatSettings"]

#: What a chat gets on a day with no articles: nothing, or one line saying so.
EMPTY_DAY_POLICIES = ("silent", "one_line")


@dataclass(frozen=True, slots=True)
class ChatInfo:
    chat_id: int
    type: str
    title: str | None
    username: str | None
    language: str | None


@dataclass(frozen=True, slots=True)
class ChatSettings:
    auto: bool = False
    empty_day: str = "silent"


class ChatQueries:
    """Chats and users are written on every update: what was last written is
    remembered, so a chat or user seen again costs no write."""

    db: Database

    def __init__(self) -> None:
        self._known_chats: dict[int, tuple[str, str | None, str | None, str | None]] = {}
        self._known_users: dict[int, str | None] = {}

    async def upsert_chat(
        self,
        chat_id: int,
        type: str,
        *,
        title: str | None = None,
        username: str | None = None,
        language: str | None = None,
    ) -> None:
        """Record a chat; ``language`` (a UI language) is kept when not given."""
        row = (type, title, username, language)
        if self._known_chats.get(chat_id) == row:
            return
        now = ts(utc_now())
        await self.db.execute(
            """
            INSERT INTO chats (chat_id, type, title, username, language, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (chat_id) DO UPDATE SET
                type = excluded.type,
                title = excluded.title,
                username = excluded.username,
                language = COALESCE(excluded.language, chats.language),
                updated_at = excluded.updated_at
            """,
            (chat_id, type, title, username, language, now, now),
        )
        self._known_chats[chat_id] = row

    async def chat(self, chat_id: int) -> ChatInfo | None:
        row = await self.db.fetchone(
            "SELECT chat_id, type, title, username, language FROM chats WHERE chat_id = ?",
            (chat_id,),
        )
        return ChatInfo(*row) if row else None

    async def set_user_language(self, user_id: int, language_code: str | None) -> None:
        if user_id in self._known_users and self._known_users[user_id] == language_code:
            return
        await self.db.execute(
            """
            INSERT INTO users (user_id, language_code, updated_at) VALUES (?, ?, ?)
            ON CONFLICT (user_id) DO UPDATE SET
                language_code = excluded.language_code, updated_at = excluded.updated_at
            """,
            (user_id, language_code, ts(utc_now())),
        )
        self._known_users[user_id] = language_code

    async def user_language(self, user_id: int) -> str | None:
        row = await self.db.fetchone(
            "SELECT language_code FROM users WHERE user_id = ?", (user_id,)
        )
        return row[0] if row else None

    def _forget_cached_chat(self, chat_id: int) -> None:
        self._known_chats.pop(chat_id, None)

    # --- per-chat settings -----------------------------------------------------

    async def chat_settings(self, chat_id: int) -> ChatSettings:
        row = await self.db.fetchone(
            "SELECT auto, empty_day FROM chat_settings WHERE chat_id = ?", (chat_id,)
        )
        if row is None:
            return ChatSettings()
        return ChatSettings(auto=bool(row[0]), empty_day=row[1])

    async def set_auto(self, chat_id: int, on: bool) -> None:
        await self.db.execute(
            "INSERT INTO chat_settings (chat_id, auto, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (chat_id) DO UPDATE SET auto = excluded.auto, "
            "updated_at = excluded.updated_at",
            (chat_id, int(on), ts(utc_now())),
        )

    async def set_empty_day(self, chat_id: int, policy: str) -> None:
        if policy not in EMPTY_DAY_POLICIES:
            raise ValueError(f"empty-day policy must be one of {EMPTY_DAY_POLICIES}")
        await self.db.execute(
            "INSERT INTO chat_settings (chat_id, empty_day, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (chat_id) DO UPDATE SET empty_day = excluded.empty_day, "
            "updated_at = excluded.updated_at",
            (chat_id, policy, ts(utc_now())),
        )
