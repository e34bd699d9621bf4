"""The polling side of the feeds aggregate: leases, fetch outcomes, items seen, fan-out.

A round (:mod:`bot.feeds.poller`) claims due feeds with a lease, fetches
each once, and hands back one :class:`FeedPoll` per feed; :meth:`record_polls`
writes a batch of them in one transaction (one commit for many feeds: on a
disk every commit is an ``fsync``, and a round of 5 000 feeds answering 304
must not cost 5 000 of them).

Exactly once per chat: a new item's key is inserted into ``feed_items`` in
the same transaction as its ``articles`` rows, and only the statement that
inserted the key fans it out; ``articles`` is ``UNIQUE (chat_id, text_hash)``
besides, so the same story from two feeds (or a feed and a forward) is one
article.  An item is recorded only once it is digested: a crash between
fetch and write re-reads it next round rather than losing it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.storage.connection import Database, Transaction, parse_ts, ts
from bot.storage.due import skip_locked
from bot.storage.feeds import FEED_COLUMNS, StoredFeed, feed_from_row
from summarizer import Digest

__all__ = [
    "FAIL_AFTER",
    "DigestedItem",
    "FeedFailed",
    "FeedFetched",
    "FeedNotModified",
    "FeedPoll",
    "FeedPollQueries",
    "PollsWritten",
    "SeenItem",
    "prune_feed_items",
]

#: Consecutive failures for this long mark a feed failing (its chats are told once).
FAIL_AFTER = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class SeenItem:
    """An item the feed shows: enough to recognise it next time and to link it."""

    key: str
    url: str | None = None
    title: str | None = None
    published: datetime | None = None


@dataclass(frozen=True, slots=True)
class DigestedItem:
    """A new item with its text and digest, ready to be one article per following chat."""

    item: SeenItem
    text: str
    text_hash: str
    digest: Digest


@dataclass(frozen=True, slots=True)
class FeedFetched:
    """A 200 answer: the feed's new validators, what it shows, and its new items.

    ``seen`` is every item the feed shows that is not delivered now (old ones,
    or the first fetch's flood guard); items left for a later round are in
    neither list.
    """

    feed_id: int
    fetched_at: datetime
    next_poll_at: datetime
    etag: str | None = None
    last_modified: str | None = None
    title: str | None = None
    site_url: str | None = None
    seen: tuple[SeenItem, ...] = ()
    new: tuple[DigestedItem, ...] = ()


@dataclass(frozen=True, slots=True)
class FeedNotModified:
    """A 304: nothing changed, nothing to read."""

    feed_id: int
    fetched_at: datetime
    next_poll_at: datetime


@dataclass(frozen=True, slots=True)
class FeedFailed:
    """The fetch (or the parse, or anything else about this feed) failed."""

    feed_id: int
    fetched_at: datetime
    next_poll_at: datetime
    error: str


FeedPoll = FeedFetched | FeedNotModified | FeedFailed


@dataclass(slots=True)
class PollsWritten:
    """What :meth:`FeedPollQueries.record_polls` wrote."""

    articles: int = 0  # article rows inserted (one per chat and new item)
    items: int = 0  # new items delivered
    failing: list[int] = field(default_factory=list)  # feeds that failed and are failing


def _maybe(when: datetime | None) -> str | None:
    return ts(when) if when is not None else None


async def prune_feed_items(tx: Transaction, cutoff: datetime) -> int:
    """Forget item keys not seen since ``cutoff``, but never one the feed still shows.

    The keys of a feed's latest full fetch all carry that fetch's stamp, the
    newest of the feed's: those stay however old (a feed answering 304 for a
    month still shows them, and a dropped key would come back as new).
    """
    result = await tx.execute(
        """
        DELETE FROM feed_items WHERE last_seen_at < ? AND last_seen_at < (
            SELECT max(f2.last_seen_at) FROM feed_items f2 WHERE f2.feed_id = feed_items.feed_id
        )
        """,
        (ts(cutoff),),
    )
    return max(result.rowcount, 0)


class FeedPollQueries:
    """Claiming due feeds and writing what their fetches found."""

    db: Database

    async def claim_due_feeds(
        self, now: datetime, *, lease: timedelta, limit: int
    ) -> list[StoredFeed]:
        """Up to ``limit`` feeds due at ``now`` whose lease is free, leased until ``now + lease``.

        Each claim is a conditional UPDATE that re-checks the lease, so two
        pollers (two processes) never hold one feed; a poller that dies lets
        its lease run out and the feed is claimed again.  Earliest due first.  On
        PostgreSQL the SELECT skips feeds another poller is claiming right now
        (:func:`~bot.storage.due.skip_locked`) instead of waiting for them.
        """
        stamp = ts(now)
        until = ts(now + lease)
        claimed: list[StoredFeed] = []
        async with self.db.transaction() as tx:
            rows = await tx.fetchall(
                f"""
                SELECT {FEED_COLUMNS} FROM feeds
                WHERE next_poll_at <= ? AND (lease_until IS NULL OR lease_until < ?)
                ORDER BY next_poll_at, id LIMIT ?{skip_locked(self.db)}
                """,
                (stamp, stamp, limit),
            )
            for row in rows:
                result = await tx.execute(
                    "UPDATE feeds SET lease_until = ? WHERE id = ? "
                    "AND next_poll_at <= ? AND (lease_until IS NULL OR lease_until < ?)",
                    (until, row[0], stamp, stamp),
                )
                if result.rowcount > 0:
                    claimed.append(feed_from_row(row))
        return claimed

    async def known_item_keys(self, feed_id: int, keys: Sequence[str]) -> set[str]:
        """Which of ``keys`` the feed has shown before."""
        known: set[str] = set()
        for start in range(0, len(keys), 500):
            chunk = list(keys[start : start + 500])
            marks = ", ".join("?" * len(chunk))
            rows = await self.db.fetchall(
                f"SELECT item_key FROM feed_items WHERE feed_id = ? AND item_key IN ({marks})",
                (feed_id, *chunk),
            )
            known.update(r[0] for r in rows)
        return known

    async def move_feed(self, feed_id: int, url: str) -> int:
        """A permanent redirect: the feed lives at ``url`` now; the id it goes on with.

        If another feed row already has that URL, the two are one feed: the
        follows and the items seen move into that row (a chat following both
        keeps one follow) and this one is deleted.
        """
        async with self.db.transaction(lock=f"feed_url:{url}") as tx:
            row = await tx.fetchone("SELECT id FROM feeds WHERE url = ?", (url,))
            if row is None:
                await tx.execute("UPDATE feeds SET url = ? WHERE id = ?", (url, feed_id))
                return feed_id
            target = int(row[0])
            if target == feed_id:
                return feed_id
            await tx.execute(
                """
                INSERT INTO chat_feeds (chat_id, feed_id, added_at, failing_notified)
                SELECT chat_id, ?, added_at, 0 FROM chat_feeds WHERE feed_id = ?
                ON CONFLICT (chat_id, feed_id) DO NOTHING
                """,
                (target, feed_id),
            )
            await tx.execute(
                """
                INSERT INTO feed_items (feed_id, item_key, url, title, published_at, text_hash,
                                        first_seen_at, last_seen_at)
                SELECT ?, item_key, url, title, published_at, text_hash, first_seen_at,
                       last_seen_at
                FROM feed_items WHERE feed_id = ?
                ON CONFLICT (feed_id, item_key) DO NOTHING
                """,
                (target, feed_id),
            )
            for table, column in (("chat_feeds", "feed_id"), ("feed_items", "feed_id")):
                await tx.execute(f"DELETE FROM {table} WHERE {column} = ?", (feed_id,))
            await tx.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))
        return target

    async def record_polls(self, polls: Sequence[FeedPoll]) -> PollsWritten:
        """Write the outcome of each poll, all in one transaction; a feed deleted
        meanwhile (unfollowed by everyone) is skipped."""
        written = PollsWritten()
        async with self.db.transaction() as tx:
            for poll in polls:
                row = await tx.fetchone(
                    "SELECT title, failures, failing_since, failing FROM feeds WHERE id = ?",
                    (poll.feed_id,),
                )
                if row is None:
                    continue
                if isinstance(poll, FeedFailed):
                    if await _record_failure(tx, poll, row):
                        written.failing.append(poll.feed_id)
                    continue
                if isinstance(poll, FeedFetched):
                    await _record_items(tx, poll, row[0], written)
                await _record_success(tx, poll, recovering=int(row[1]) > 0 or bool(row[3]))
        return written

    async def chats_to_warn(self, feed_id: int) -> list[tuple[int, str | None]]:
        """Chats following a failing feed that were not told yet, with their language."""
        rows = await self.db.fetchall(
            """
            SELECT cf.chat_id, c.language FROM chat_feeds cf
            JOIN feeds f ON f.id = cf.feed_id
            LEFT JOIN chats c ON c.chat_id = cf.chat_id
            WHERE cf.feed_id = ? AND f.failing = 1 AND cf.failing_notified = 0
            ORDER BY cf.chat_id
            """,
            (feed_id,),
        )
        return [(int(r[0]), r[1]) for r in rows]

    async def mark_warned(self, feed_id: int, chat_id: int) -> None:
        """The chat was told its feed is failing: not again until the feed recovers."""
        await self.db.execute(
            "UPDATE chat_feeds SET failing_notified = 1 WHERE feed_id = ? AND chat_id = ?",
            (feed_id, chat_id),
        )

    async def release_feeds(self, feed_ids: Sequence[int]) -> None:
        """Give back leases of feeds claimed but not polled (a round cut short)."""
        async with self.db.transaction() as tx:
            for feed_id in feed_ids:
                await tx.execute("UPDATE feeds SET lease_until = NULL WHERE id = ?", (feed_id,))


async def _record_failure(tx: Transaction, poll: FeedFailed, row: Sequence[object]) -> bool:
    """Count one more failure; True when the feed is failing (now, or already)."""
    _, failures, since_text, was_failing = row
    stamp = ts(poll.fetched_at)
    since = parse_ts(str(since_text)) if since_text is not None else poll.fetched_at
    failing = bool(was_failing) or poll.fetched_at - since >= FAIL_AFTER
    await tx.execute(
        """
        UPDATE feeds SET failures = ?, failing_since = ?, failing = ?, last_error = ?,
            next_poll_at = ?, lease_until = NULL, updated_at = ?
        WHERE id = ?
        """,
        (
            int(str(failures)) + 1,
            ts(since),
            int(failing),
            poll.error[:500],
            ts(poll.next_poll_at),
            stamp,
            poll.feed_id,
        ),
    )
    return failing


async def _record_success(
    tx: Transaction, poll: FeedFetched | FeedNotModified, *, recovering: bool
) -> None:
    stamp = ts(poll.fetched_at)
    if isinstance(poll, FeedFetched):
        await tx.execute(
            """
            UPDATE feeds SET etag = ?, last_modified = ?, title = COALESCE(?, title),
                site_url = COALESCE(?, site_url), primed = 1
            WHERE id = ?
            """,
            (poll.etag, poll.last_modified, poll.title, poll.site_url, poll.feed_id),
        )
    await tx.execute(
        """
        UPDATE feeds SET next_poll_at = ?, lease_until = NULL, last_ok_at = ?, last_error = NULL,
            failures = 0, failing_since = NULL, failing = 0, updated_at = ?
        WHERE id = ?
        """,
        (ts(poll.next_poll_at), stamp, stamp, poll.feed_id),
    )
    if recovering:  # told it was failing: told again if it fails again
        await tx.execute(
            "UPDATE chat_feeds SET failing_notified = 0 WHERE feed_id = ? AND failing_notified = 1",
            (poll.feed_id,),
        )


async def _record_items(
    tx: Transaction, poll: FeedFetched, stored_title: str | None, written: PollsWritten
) -> None:
    """Refresh the keys the feed shows; insert and fan out each new item (once)."""
    stamp = ts(poll.fetched_at)
    origin = poll.title or stored_title
    if poll.seen:
        await tx.executemany(
            """
            INSERT INTO feed_items (feed_id, item_key, url, title, published_at, text_hash,
                                    first_seen_at, last_seen_at)
            VALUES (?, ?, ?, ?, ?, NULL, ?, ?)
            ON CONFLICT (feed_id, item_key) DO UPDATE SET last_seen_at = excluded.last_seen_at
            """,
            [
                (poll.feed_id, s.key, s.url, s.title, _maybe(s.published), stamp, stamp)
                for s in poll.seen
            ],
        )
    for new in poll.new:
        item = new.item
        inserted = await tx.execute(
            """
            INSERT INTO feed_items (feed_id, item_key, url, title, published_at, text_hash,
                                    first_seen_at, last_seen_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (feed_id, item_key) DO NOTHING
            """,
            (
                poll.feed_id,
                item.key,
                item.url,
                item.title,
                _maybe(item.published),
                new.text_hash,
                stamp,
                stamp,
            ),
        )
        if inserted.rowcount <= 0:  # delivered already (another poller, a restarted round)
            continue
        written.items += 1
        fanned = await tx.execute(
            """
            INSERT INTO articles (chat_id, message_id, text_hash, text, digest_json, tags,
                                  source, created_at, url, origin)
            SELECT chat_id, NULL, ?, ?, ?, ?, 'feed', ?, ?, ? FROM chat_feeds WHERE feed_id = ?
            ON CONFLICT (chat_id, text_hash) DO NOTHING
            """,
            (
                new.text_hash,
                new.text,
                json.dumps(new.digest.to_dict(), ensure_ascii=False),
                json.dumps(list(new.digest.tags), ensure_ascii=False),
                stamp,
                item.url,
                origin,
                poll.feed_id,
            ),
        )
        written.articles += max(fanned.rowcount, 0)
