"""The bot's database: one module per aggregate behind one :class:`Storage`.

- :mod:`.connection`: the SQLite connection, migrations and transactions —
  the only place that talks to aiosqlite;
- :mod:`.schema`: the ordered migrations;
- :mod:`.chats`, :mod:`.articles`, :mod:`.subscriptions`,
  :mod:`.deliveries`, :mod:`.retention`: each aggregate's records next to
  its queries.

Nothing else in the bot writes SQL.  The rest of the bot sees only
:class:`Storage` (and the records), so a second engine is one more
:class:`~bot.storage.connection.Database`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bot.storage.articles import ArticleQueries, StoredArticle
from bot.storage.chats import EMPTY_DAY_POLICIES, ChatInfo, ChatQueries, ChatSettings
from bot.storage.connection import Database, utc_now
from bot.storage.deliveries import Delivery, DeliveryQueries
from bot.storage.retention import RetentionQueries
from bot.storage.schema import MIGRATIONS
from bot.storage.subscriptions import FilterAdded, Subscription, SubscriptionQueries

__all__ = [
    "EMPTY_DAY_POLICIES",
    "MIGRATIONS",
    "ChatInfo",
    "ChatSettings",
    "Delivery",
    "FilterAdded",
    "Storage",
    "StoredArticle",
    "Subscription",
    "utc_now",
]


class Storage(ChatQueries, ArticleQueries, SubscriptionQueries, DeliveryQueries, RetentionQueries):
    """The bot's database.  Build it anywhere; :meth:`open` it in the event loop.

    ``Storage(path)`` does no I/O, so the application can be wired before
    the loop runs; ``post_init`` opens it and ``post_shutdown`` closes it.
    """

    def __init__(self, path: str | Path, *, migrations: Sequence[str] = MIGRATIONS) -> None:
        ChatQueries.__init__(self)
        self.db = Database(path, migrations=migrations)

    @classmethod
    async def connect(cls, path: str | Path, *, migrations: Sequence[str] = MIGRATIONS) -> Storage:
        storage = cls(path, migrations=migrations)
        await storage.open()
        return storage

    @property
    def path(self) -> str | Path:
        return self.db.path

    @property
    def is_open(self) -> bool:
        return self.db.is_open

    async def open(self) -> None:
        """Open (creating the file and its directory if needed) and migrate."""
        await self.db.open()

    async def close(self) -> None:
        await self.db.close()

    async def schema_version(self) -> int:
        return await self.db.schema_version()
