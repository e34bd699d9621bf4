"""Feeds a chat follows: one ``feeds`` row per distinct URL, one ``chat_feeds`` row per follow.

A feed is stored once however many chats follow it, so the poller fetches
each URL once per round (:mod:`bot.storage.feed_polls` holds the polling
side of the same aggregate).  A feed nobody follows any more is deleted
with every item it showed: nothing is polled for nobody.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bot.storage.connection import Database, Row, Transaction, parse_ts, ts, utc_now

__all__ = [
    "FEED_COLUMNS",
    "LATE_FOLLOW_WINDOW",
    "ChatFeed",
    "FeedQueries",
    "FollowResult",
    "StoredFeed",
    "drop_unfollowed_feeds",
    "feed_from_row",
]

#: What :meth:`FeedQueries.follow_feed` did.
FollowResult = Literal["added", "exists", "full"]

#: A chat that follows a feed already polled gets the items stored this far back.
LATE_FOLLOW_WINDOW = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class StoredFeed:
    """A feed as stored: where it is, what its last answer said, and whether it is failing."""

    id: int
    url: str
    title: str | None
    site_url: str | None
    etag: str | None
    last_modified: str | None
    next_poll_at: datetime
    primed: bool
    last_ok_at: datetime | None
    last_error: str | None
    failures: int
    failing_since: datetime | None
    failing: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ChatFeed:
    """One feed a chat follows, and since when."""

    feed: StoredFeed
    added_at: datetime


FEED_COLUMNS = (
    "id, url, title, site_url, etag, last_modified, next_poll_at, primed, last_ok_at, "
    "last_error, failures, failing_since, failing, created_at"
)


def _maybe_ts(value: str | None) -> datetime | None:
    return parse_ts(value) if value is not None else None


def feed_from_row(row: Row) -> StoredFeed:
    (id_, url, title, site_url, etag, modified, next_poll, primed, last_ok, error, failures,
     failing_since, failing, created) = row  # fmt: skip
    return StoredFeed(
        id=id_,
        url=url,
        title=title,
        site_url=site_url,
        etag=etag,
        last_modified=modified,
        next_poll_at=parse_ts(next_poll),
        primed=bool(primed),
        last_ok_at=_maybe_ts(last_ok),
        last_error=error,
        failures=int(failures),
        failing_since=_maybe_ts(failing_since),
        failing=bool(failing),
        created_at=parse_ts(created),
    )


async def drop_unfollowed_feeds(tx: Transaction, feed_ids: list[int]) -> None:
    """Delete those of ``feed_ids`` that nobody follows, with their items (inside ``tx``)."""
    for feed_id in feed_ids:
        result = await tx.execute(
            "DELETE FROM feeds WHERE id = ? AND NOT EXISTS "
            "(SELECT 1 FROM chat_feeds WHERE feed_id = ?)",
            (feed_id, feed_id),
        )
        if result.rowcount > 0:
            await tx.execute("DELETE FROM feed_items WHERE feed_id = ?", (feed_id,))


async def copy_recent_items(tx: Transaction, chat_id: int, feed_id: int, now: datetime) -> int:
    """Give a chat that follows a primed feed late the items stored in the last day.

    The digests already exist (in another following chat's articles), so
    nothing is fetched or summarized again; each copy is stamped ``now`` so
    it reaches the chat's next digest.  How many were copied.
    """
    result = await tx.execute(
        """
        INSERT INTO articles
            (chat_id, message_id, text_hash, text, digest_json, tags, source, created_at,
             url, origin)
        SELECT ?, NULL, a.text_hash, a.text, a.digest_json, a.tags, 'feed', ?, fi.url, f.title
        FROM feed_items fi
        JOIN feeds f ON f.id = fi.feed_id
        JOIN articles a ON a.id = (
            SELECT min(a2.id) FROM articles a2 WHERE a2.text_hash = fi.text_hash
        )
        WHERE fi.feed_id = ? AND fi.text_hash IS NOT NULL AND fi.first_seen_at >= ?
        ON CONFLICT (chat_id, text_hash) DO NOTHING
        """,
        (chat_id, ts(now), feed_id, ts(now - LATE_FOLLOW_WINDOW)),
    )
    return max(result.rowcount, 0)


class FeedQueries:
    """Following and unfollowing feeds; looking feeds up."""

    db: Database

    async def follow_feed(
        self,
        chat_id: int,
        url: str,
        *,
        title: str | None,
        site_url: str | None,
        limit: int,
        now: datetime | None = None,
    ) -> tuple[FollowResult, StoredFeed | None]:
        """Follow ``url`` from ``chat_id``, storing the feed if it is new.

        One transaction: the chat's follows are counted (``limit`` or more:
        ``"full"``, nothing stored, no feed returned), the feed row is upserted
        by URL (a new one is due at once, so the poller primes it on its next
        tick; a known one keeps its state, and gets a title if it had none),
        and the follow is inserted (``"exists"`` if the chat follows it
        already).  A chat that newly follows an already primed feed gets its
        last day of stored items (:func:`copy_recent_items`).
        """
        when = now or utc_now()
        stamp = ts(when)
        async with self.db.transaction(lock=f"chat_feeds:{chat_id}") as tx:
            feed_row = await tx.fetchone(f"SELECT {FEED_COLUMNS} FROM feeds WHERE url = ?", (url,))
            if feed_row is not None:
                followed = await tx.fetchone(
                    "SELECT 1 FROM chat_feeds WHERE chat_id = ? AND feed_id = ?",
                    (chat_id, feed_row[0]),
                )
                if followed is not None:
                    return "exists", feed_from_row(feed_row)
            count = await tx.fetchone(
                "SELECT count(*) FROM chat_feeds WHERE chat_id = ?", (chat_id,)
            )
            if count is not None and int(count[0]) >= limit:
                return "full", None
            await tx.execute(
                """
                INSERT INTO feeds (url, title, site_url, next_poll_at, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (url) DO UPDATE SET
                    title = COALESCE(feeds.title, excluded.title),
                    site_url = COALESCE(feeds.site_url, excluded.site_url)
                """,
                (url, title, site_url, stamp, stamp, stamp),
            )
            feed_row = await tx.fetchone(f"SELECT {FEED_COLUMNS} FROM feeds WHERE url = ?", (url,))
            assert feed_row is not None
            feed = feed_from_row(feed_row)
            await tx.execute(
                "INSERT INTO chat_feeds (chat_id, feed_id, added_at, failing_notified) "
                "VALUES (?, ?, ?, ?)",
                # a chat that follows a failing feed is told so by /feed add itself
                (chat_id, feed.id, stamp, int(feed.failing)),
            )
            if feed.primed:
                await copy_recent_items(tx, chat_id, feed.id, when)
        return "added", feed

    async def chat_feeds(self, chat_id: int) -> list[ChatFeed]:
        """The chat's feeds in the order ``/feed list`` numbers them: by follow time, then id."""
        columns = ", ".join(f"f.{c.strip()}" for c in FEED_COLUMNS.split(","))
        rows = await self.db.fetchall(
            f"""
            SELECT {columns}, cf.added_at FROM chat_feeds cf JOIN feeds f ON f.id = cf.feed_id
            WHERE cf.chat_id = ? ORDER BY cf.added_at, f.id
            """,
            (chat_id,),
        )
        return [ChatFeed(feed_from_row(r[:-1]), parse_ts(r[-1])) for r in rows]

    async def unfollow_feed(self, chat_id: int, feed_id: int) -> bool:
        """Stop following; a feed nobody follows any more goes with its items.

        The articles the chat already got from it stay (they are the chat's,
        like forwarded ones, until retention or ``/forget``).
        """
        async with self.db.transaction() as tx:
            result = await tx.execute(
                "DELETE FROM chat_feeds WHERE chat_id = ? AND feed_id = ?", (chat_id, feed_id)
            )
            if result.rowcount > 0:
                await drop_unfollowed_feeds(tx, [feed_id])
        return result.rowcount > 0

    async def feed_by_url(self, url: str) -> StoredFeed | None:
        row = await self.db.fetchone(f"SELECT {FEED_COLUMNS} FROM feeds WHERE url = ?", (url,))
        return feed_from_row(row) if row else None

    async def feed(self, feed_id: int) -> StoredFeed | None:
        row = await self.db.fetchone(f"SELECT {FEED_COLUMNS} FROM feeds WHERE id = ?", (feed_id,))
        return feed_from_row(row) if row else None

    async def feed_followers(self, feed_id: int) -> list[int]:
        """The chats following ``feed_id``, by chat id."""
        rows = await self.db.fetchall(
            "SELECT chat_id FROM chat_feeds WHERE feed_id = ? ORDER BY chat_id", (feed_id,)
        )
        return [int(r[0]) for r in rows]
