"""Where article text comes from: bytes, files and URLs in, text (with title and URL) out.

- :mod:`reader.documents`: .txt/.md/.html/.pdf/.docx bytes → text, and web
  pages → their article (refusing verification, login, paywall and error pages);
- :mod:`reader.fetch`: the HTTP fetcher (size cap on decoded bytes, redirects
  checked hop by hop, one deadline), on :mod:`reader.guard` (the SSRF guard) and
  :mod:`reader.body` (content codings); :mod:`reader.urls`: link heuristics;
- :mod:`reader.feeds` (RSS/Atom, :mod:`reader.jsonfeed`), :mod:`reader.feedfetch`
  (conditional feed fetching) and :mod:`reader.opml`: news feeds;
- :mod:`reader.settings`: ``FETCH_ALLOW_PRIVATE_NETWORKS``.

It knows nothing of Telegram or storage; the summarizer does not import it.
"""

from __future__ import annotations

from reader.errors import FeedError, FetchError, ReaderError, SettingError

__all__ = ["FeedError", "FetchError", "ReaderError", "SettingError"]
