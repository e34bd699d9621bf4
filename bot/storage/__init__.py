"""The bot's database: one module per aggregate behind one :class:`Storage`.

- :mod:`.engine`: what an engine offers (:class:`~bot.storage.engine.Database`);
- :mod:`.connection`: the SQLite engine — the only place that talks to aiosqlite;
- :mod:`.postgres`: the PostgreSQL engine (psycopg), :mod:`.dialect` the SQL
  it rewrites; :mod:`.engines` picks one from a setting;
- :mod:`.schema`: the ordered migrations (one list for both engines);
- :mod:`.chats`, :mod:`.articles`, :mod:`.subscriptions`,
  :mod:`.deliveries`, :mod:`.retention`: each aggregate's records next to
  its queries; :mod:`.due`: scheduled work as due rows under leases.

Nothing else in the bot writes SQL.  The rest of the bot sees only
:class:`Storage` (and the records), whichever engine is underneath.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.storage.articles import ArticleQueries, StoredArticle
from bot.storage.chats import EMPTY_DAY_POLICIES, ChatInfo, ChatQueries, ChatSettings
from bot.storage.connection import utc_now
from bot.storage.deliveries import Delivery, DeliveryQueries
from bot.storage.due import DueQueries
from bot.storage.engines import Target, engine_for, settings_target
from bot.storage.feed_polls import FeedPollQueries
from bot.storage.feeds import ChatFeed, FeedQueries, FollowResult, StoredFeed
from bot.storage.limits import LimitQueries
from bot.storage.parts import PartQueries
from bot.storage.retention import RetentionQueries
from bot.storage.schema import MIGRATIONS
from bot.storage.subscriptions import FilterAdded, Subscription, SubscriptionQueries
from bot.storage.updates import UpdateQueries

if TYPE_CHECKING:
    from bot.config import Settings

__all__ = [
    "EMPTY_DAY_POLICIES",
    "MIGRATIONS",
    "ChatFeed",
    "ChatInfo",
    "ChatSettings",
    "Delivery",
    "FilterAdded",
    "FollowResult",
    "Storage",
    "StoredArticle",
    "StoredFeed",
    "Subscription",
    "utc_now",
]


class Storage(
    ChatQueries,
    ArticleQueries,
    SubscriptionQueries,
    DeliveryQueries,
    DueQueries,
    UpdateQueries,
    PartQueries,
    LimitQueries,
    FeedQueries,
    FeedPollQueries,
    RetentionQueries,
):
    """The bot's database.  Build it anywhere; :meth:`open` it in the event loop.

    ``Storage(target)`` does no I/O, so the application can be wired before
    the loop runs; ``post_init`` opens it and ``post_shutdown`` closes it.
    ``target`` is a SQLite path, a ``postgresql://`` URL, or an engine.
    """

    def __init__(self, target: Target, *, migrations: Sequence[str] = MIGRATIONS) -> None:
        ChatQueries.__init__(self)
        self.db = engine_for(target, migrations=migrations)

    @classmethod
    def from_settings(cls, settings: Settings) -> Storage:
        """The storage the settings name: ``DATABASE_URL`` if set, else ``DATABASE_PATH``."""
        return cls(settings_target(settings))

    @classmethod
    async def connect(cls, target: Target, *, migrations: Sequence[str] = MIGRATIONS) -> Storage:
        storage = cls(target, migrations=migrations)
        await storage.open()
        return storage

    @property
    def where(self) -> str:
        """The database, fit for a log line (a path, or a URL without its password)."""
        return self.db.where

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
