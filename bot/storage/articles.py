"""Articles a chat shared (with their digest), and the stored digest of a text."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from bot.storage.connection import Database, Row, parse_ts, ts, utc_now
from summarizer import Digest

__all__ = ["ARTICLE_COLUMNS", "ArticleQueries", "StoredArticle", "article_from_row"]


@dataclass(frozen=True, slots=True)
class StoredArticle:
    id: int
    chat_id: int
    message_id: int | None
    text_hash: str
    digest: Digest
    tags: tuple[str, ...]
    source: str
    created_at: datetime
    url: str | None = None  # the link it was read from, if any
    origin: str | None = None  # the feed it came from (its title), if any


ARTICLE_COLUMNS = (
    "id, chat_id, message_id, text_hash, digest_json, tags, source, created_at, url, origin"
)


def article_from_row(row: Row) -> StoredArticle:
    id_, chat_id, message_id, text_hash, digest_json, tags, source, created_at, url, origin = row
    return StoredArticle(
        id=id_,
        chat_id=chat_id,
        message_id=message_id,
        text_hash=text_hash,
        digest=Digest.from_dict(json.loads(digest_json)),
        tags=tuple(json.loads(tags)),
        source=source,
        created_at=parse_ts(created_at),
        url=url,
        origin=origin,
    )


def with_text(rows: list[Row]) -> list[tuple[StoredArticle, str]]:
    """Rows of ``ARTICLE_COLUMNS, text``, newest first → (article, text), oldest first."""
    return [(article_from_row(r[:-1]), r[-1]) for r in reversed(rows)]


class ArticleQueries:
    db: Database

    async def digest_for_hash(self, text_hash: str) -> Digest | None:
        """A stored digest of the same text from any chat (digests depend on text only)."""
        row = await self.db.fetchone(
            "SELECT digest_json FROM articles WHERE text_hash = ? ORDER BY id LIMIT 1",
            (text_hash,),
        )
        return Digest.from_dict(json.loads(row[0])) if row else None

    async def article(self, chat_id: int, text_hash: str) -> StoredArticle | None:
        row = await self.db.fetchone(
            f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE chat_id = ? AND text_hash = ?",
            (chat_id, text_hash),
        )
        return article_from_row(row) if row else None

    async def add_article(
        self,
        *,
        chat_id: int,
        message_id: int | None,
        text_hash: str,
        text: str,
        digest: Digest,
        source: str,
        created_at: datetime | None = None,
        url: str | None = None,
        origin: str | None = None,
    ) -> StoredArticle:
        """Store an article once per chat; a repeat returns the first copy."""
        await self.db.execute(
            """
            INSERT INTO articles
                (chat_id, message_id, text_hash, text, digest_json, tags, source, created_at, url,
                 origin)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (chat_id, text_hash) DO NOTHING
            """,
            (
                chat_id,
                message_id,
                text_hash,
                text,
                json.dumps(digest.to_dict(), ensure_ascii=False),
                json.dumps(list(digest.tags), ensure_ascii=False),
                source,
                ts(created_at or utc_now()),
                url,
                origin,
            ),
        )
        stored = await self.article(chat_id, text_hash)
        assert stored is not None  # just inserted, or there already
        return stored

    async def recent_articles(
        self, chat_id: int, since: datetime, *, limit: int = 50
    ) -> list[StoredArticle]:
        """The newest ``limit`` articles stored for ``chat_id`` since ``since``, oldest first."""
        rows = await self.db.fetchall(
            f"""
            SELECT {ARTICLE_COLUMNS} FROM articles
            WHERE chat_id = ? AND created_at >= ?
            ORDER BY created_at DESC, id DESC LIMIT ?
            """,
            (chat_id, ts(since), limit),
        )
        return [article_from_row(r) for r in reversed(rows)]

    async def recent_articles_with_text(
        self, chat_id: int, since: datetime, *, limit: int = 500, shared_only: bool = False
    ) -> list[tuple[StoredArticle, str]]:
        """Like :meth:`recent_articles`, each with its text (what ``compose`` compares).

        ``shared_only``: leave out what the chat's feeds brought (``source='feed'``),
        for ``/summary`` alone, which sums up what members shared.
        """
        shared = "AND source != 'feed'" if shared_only else ""
        rows = await self.db.fetchall(
            f"""
            SELECT {ARTICLE_COLUMNS}, text FROM articles
            WHERE chat_id = ? AND created_at >= ? {shared}
            ORDER BY created_at DESC, id DESC LIMIT ?
            """,
            (chat_id, ts(since), limit),
        )
        return with_text(rows)
