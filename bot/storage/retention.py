"""Deleting across aggregates: retention (old articles and deliveries) and ``/forget``."""

from __future__ import annotations

from datetime import datetime

from bot.storage.connection import Database, ts
from bot.storage.feed_polls import prune_feed_items
from bot.storage.feeds import drop_unfollowed_feeds

__all__ = ["RetentionQueries"]

#: Every table keyed by chat: what ``/forget`` empties for one chat.
_CHAT_TABLES = (
    "deliveries",
    "articles",
    "chat_feeds",
    "subscriptions",
    "chat_filters",
    "chat_settings",
    "chat_limits",
    "chats",
)


class RetentionQueries:
    db: Database

    def _forget_cached_chat(self, chat_id: int) -> None:
        """Drop what is cached of the chat (:class:`~bot.storage.chats.ChatQueries` caches)."""

    async def purge_before(self, cutoff: datetime) -> int:
        """Delete articles (and deliveries) older than ``cutoff``; how many articles went.

        Feed item keys not seen since ``cutoff`` go too, except those a feed still shows.
        """
        stamp = ts(cutoff)
        async with self.db.transaction() as tx:
            await tx.execute(
                "DELETE FROM delivery_articles WHERE article_id IN "
                "(SELECT id FROM articles WHERE created_at < ?)",
                (stamp,),
            )
            gone = await tx.execute("DELETE FROM articles WHERE created_at < ?", (stamp,))
            await tx.execute(
                "DELETE FROM delivery_articles WHERE delivery_id IN "
                "(SELECT id FROM deliveries WHERE created_at < ? AND status != 'sending')",
                (stamp,),
            )
            await tx.execute(
                "DELETE FROM deliveries WHERE created_at < ? AND status != 'sending'", (stamp,)
            )
            await prune_feed_items(tx, cutoff)
        return gone.rowcount

    async def forget_chat(self, chat_id: int) -> None:
        """Delete everything stored for ``chat_id``, in one transaction."""
        async with self.db.transaction() as tx:
            await tx.execute(
                "DELETE FROM delivery_articles WHERE delivery_id IN "
                "(SELECT id FROM deliveries WHERE chat_id = ?)",
                (chat_id,),
            )
            followed = await tx.fetchall(
                "SELECT feed_id FROM chat_feeds WHERE chat_id = ?", (chat_id,)
            )
            for table in _CHAT_TABLES:
                await tx.execute(f"DELETE FROM {table} WHERE chat_id = ?", (chat_id,))
            await drop_unfollowed_feeds(tx, [int(r[0]) for r in followed])
        self._forget_cached_chat(chat_id)
