"""The schema, as an ordered list of migrations shared by every engine.

Migration ``i`` brings the schema from version ``i`` to ``i + 1``; ``PRAGMA
user_version`` records how many have run.  A later feature appends a
migration, never edits an old one.
"""

from __future__ import annotations

__all__ = ["MIGRATIONS"]

#: Migration ``i`` brings the schema from version ``i`` to ``i + 1``.
MIGRATIONS: tuple[str, ...] = (
    # 1: chats, users' language, articles
    """
    CREATE TABLE chats (
        chat_id     INTEGER PRIMARY KEY,
        type        TEXT NOT NULL,
        title       TEXT,
        username    TEXT,
        language    TEXT,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );
    CREATE TABLE users (
        user_id        INTEGER PRIMARY KEY,
        language_code  TEXT,
        updated_at     TEXT NOT NULL
    );
    CREATE TABLE articles (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        chat_id      INTEGER NOT NULL,
        message_id   INTEGER,
        text_hash    TEXT NOT NULL,
        text         TEXT NOT NULL,
        digest_json  TEXT NOT NULL,
        tags         TEXT NOT NULL DEFAULT '[]',
        source       TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        UNIQUE (chat_id, text_hash)
    );
    CREATE INDEX articles_by_hash ON articles (text_hash);
    CREATE INDEX articles_by_chat_time ON articles (chat_id, created_at);
    """,
    # 2: the link an article was read from (NULL for pasted text and documents)
    "ALTER TABLE articles ADD COLUMN url TEXT;",
    # 3: daily digest subscriptions, filters, per-chat settings, deliveries (exactly once)
    """
    CREATE TABLE subscriptions (
        chat_id        INTEGER PRIMARY KEY,
        hour           INTEGER NOT NULL,
        minute         INTEGER NOT NULL,
        second         INTEGER NOT NULL DEFAULT 0,
        timezone       TEXT NOT NULL,
        active         INTEGER NOT NULL DEFAULT 1,
        paused_reason  TEXT,
        created_at     TEXT NOT NULL,
        updated_at     TEXT NOT NULL
    );
    CREATE TABLE chat_filters (
        chat_id     INTEGER NOT NULL,
        term        TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        PRIMARY KEY (chat_id, term)
    );
    CREATE TABLE chat_settings (
        chat_id     INTEGER PRIMARY KEY,
        auto        INTEGER NOT NULL DEFAULT 0,
        empty_day   TEXT NOT NULL DEFAULT 'silent',
        updated_at  TEXT NOT NULL
    );
    CREATE TABLE deliveries (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        chat_id     INTEGER NOT NULL,
        local_date  TEXT NOT NULL,
        status      TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'abandoned')),
        parts       TEXT NOT NULL,
        sent_ids    TEXT NOT NULL DEFAULT '[]',
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        UNIQUE (chat_id, local_date)
    );
    CREATE TABLE delivery_articles (
        delivery_id  INTEGER NOT NULL,
        article_id   INTEGER NOT NULL,
        PRIMARY KEY (delivery_id, article_id)
    );
    CREATE INDEX delivery_articles_by_article ON delivery_articles (article_id);
    """,
    # 4: feeds (one row per distinct URL, polled once however many chats follow it), which
    # chats follow which feed, every item a feed has shown (so none is delivered twice), and
    # the feed an article came from
    """
    CREATE TABLE feeds (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        url            TEXT NOT NULL UNIQUE,
        title          TEXT,
        site_url       TEXT,
        etag           TEXT,
        last_modified  TEXT,
        next_poll_at   TEXT NOT NULL,
        lease_until    TEXT,
        primed         INTEGER NOT NULL DEFAULT 0,
        last_ok_at     TEXT,
        last_error     TEXT,
        failures       INTEGER NOT NULL DEFAULT 0,
        failing_since  TEXT,
        failing        INTEGER NOT NULL DEFAULT 0,
        created_at     TEXT NOT NULL,
        updated_at     TEXT NOT NULL
    );
    CREATE INDEX feeds_due ON feeds (next_poll_at);
    CREATE TABLE chat_feeds (
        chat_id           INTEGER NOT NULL,
        feed_id           INTEGER NOT NULL,
        added_at          TEXT NOT NULL,
        failing_notified  INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (chat_id, feed_id)
    );
    CREATE INDEX chat_feeds_by_feed ON chat_feeds (feed_id);
    CREATE TABLE feed_items (
        feed_id        INTEGER NOT NULL,
        item_key       TEXT NOT NULL,
        url            TEXT,
        title          TEXT,
        published_at   TEXT,
        text_hash      TEXT,
        first_seen_at  TEXT NOT NULL,
        last_seen_at   TEXT NOT NULL,
        PRIMARY KEY (feed_id, item_key)
    );
    ALTER TABLE articles ADD COLUMN origin TEXT;
    """,
    # 5: what several instances on one database must agree on: each update handled once
    # (Telegram re-delivers one whose answer was late), and per-chat rate limits
    """
    CREATE TABLE seen_updates (
        update_id  INTEGER PRIMARY KEY,
        seen_at    TEXT NOT NULL
    );
    CREATE INDEX seen_updates_by_time ON seen_updates (seen_at);
    CREATE TABLE chat_limits (
        chat_id  INTEGER NOT NULL,
        kind     TEXT NOT NULL,
        last_at  TEXT NOT NULL,
        PRIMARY KEY (chat_id, kind)
    );
    """,
    # 6: scheduled work as due rows any instance may take, each under a lease that expires
    # (a digest's next time, a half-sent delivery, the daily purge), and the parts of an
    # article forwarded in several messages, which may reach different instances
    """
    ALTER TABLE subscriptions ADD COLUMN next_due_at TEXT;
    ALTER TABLE subscriptions ADD COLUMN lease_until TEXT;
    CREATE INDEX subscriptions_due ON subscriptions (next_due_at);
    ALTER TABLE deliveries ADD COLUMN lease_until TEXT;
    CREATE TABLE due_jobs (
        name         TEXT PRIMARY KEY,
        next_due_at  TEXT NOT NULL,
        lease_until  TEXT
    );
    CREATE TABLE pending_parts (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        chat_id      INTEGER NOT NULL,
        rejoin_key   TEXT NOT NULL,
        part_json    TEXT NOT NULL,
        received_at  REAL NOT NULL
    );
    CREATE INDEX pending_parts_by_key ON pending_parts (chat_id, rejoin_key);
    """,
    # 7: a delivery's failed sends (its retry delays, whichever instance retries), and an
    # index for the deliveries still being sent (looked for by every instance every second)
    """
    ALTER TABLE deliveries ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX deliveries_sending ON deliveries (lease_until) WHERE status = 'sending';
    """,
)
