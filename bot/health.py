"""``python -m bot health``: is this instance alive?  For Docker's ``HEALTHCHECK``.

Two questions, each answered without touching the bot's state:

- the database: the SQLite file opens read-only and has a schema (so a bot
  that never got past start-up, or lost its volume, is unhealthy); with
  ``DATABASE_URL`` (PostgreSQL), its host accepts a TCP connection;
- in webhook mode, the local webhook server answers HTTP on its port: any
  status counts (a GET on the hook path is refused with 405, which still
  proves the server runs); in polling mode there is no port to ask.

It never calls the Bot API: a health check every 30 s from every replica
should not spend Telegram's rate limits, and Telegram being down does not
make this container the one to restart.
"""

from __future__ import annotations

import socket
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from bot.config import Settings

__all__ = ["TIMEOUT", "Health", "check_health"]

#: Seconds each probe may take (Docker's own timeout is longer).
TIMEOUT = 5.0


@dataclass(frozen=True, slots=True)
class Health:
    ok: bool
    details: tuple[str, ...]

    def describe(self) -> str:
        return f"{'healthy' if self.ok else 'unhealthy'}: {'; '.join(self.details)}"


def check_health(settings: Settings) -> Health:
    """Probe the database and, in webhook mode, the webhook port."""
    results = [_database(settings.database_path, settings.database_url)]
    if settings.use_webhook:
        results.append(_webhook(settings))
    return Health(all(ok for ok, _ in results), tuple(detail for _, detail in results))


def _database(path: Path, url: str | None) -> tuple[bool, str]:
    if url is not None:
        return _postgres(url)
    if not path.is_file():
        return False, f"no database at {path} yet"
    try:
        db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=TIMEOUT)
        try:
            (version,) = db.execute("PRAGMA user_version").fetchone()
        finally:
            db.close()
    except sqlite3.Error as exc:
        return False, f"database {path} does not open: {exc}"
    if not version:
        return False, f"database {path} has no schema yet"
    return True, f"database {path} opens (schema version {version})"


def _postgres(url: str) -> tuple[bool, str]:
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port or 5432
    except ValueError:
        return False, "DATABASE_URL is malformed"
    if not host:  # a Unix socket: nothing to probe from here
        return True, "PostgreSQL over a local socket (not probed)"
    try:
        socket.create_connection((host, port), timeout=TIMEOUT).close()
    except OSError as exc:
        return False, f"PostgreSQL at {host}:{port} does not accept connections: {exc}"
    return True, f"PostgreSQL at {host}:{port} accepts connections"


def _webhook(settings: Settings) -> tuple[bool, str]:
    host = settings.webhook_listen
    host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{settings.webhook_port}/{settings.webhook_path}"
    try:
        answer = httpx.get(url, timeout=TIMEOUT, trust_env=False)  # no proxy for localhost
    except httpx.HTTPError as exc:
        return False, f"webhook server {shown}:{settings.webhook_port} does not answer: {exc}"
    return True, f"webhook server {shown}:{settings.webhook_port} answers ({answer.status_code})"
