"""Which parts of a message are links, and which links could be articles.

Pure string work, no network: :mod:`bot.links` picks the links of a message to
read with these, and :mod:`reader.fetch` reads them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

__all__ = ["find_urls", "is_article_url", "pick_article_urls"]

# Only the scheme is case-insensitive: with re.I the negated non-ASCII range
# would also exclude "s", "i" and "k" (they case-fold to ſ, ı and the Kelvin sign).
_URL = re.compile(r"""(?i:https?)://[^\s<>"'`{}|\\^\x00-\x1f\x7f-\U0010ffff]+""")
_TRAILING = ".,;:!?*'\""
_PAIRS = {")": "(", "]": "[", "}": "{"}


def find_urls(text: str) -> list[str]:
    """http/https links in a message, in order, without duplicates.

    A link ends at whitespace or at the first non-ASCII character (Chinese
    messages glue text to links: ``看这篇https://x.cn/a，很好``); trailing
    punctuation and unbalanced closing brackets are not part of it.
    """
    found: list[str] = []
    for m in _URL.finditer(text):
        url = m.group(0)
        while url:
            last = url[-1]
            unbalanced = last in _PAIRS and url.count(_PAIRS[last]) < url.count(last)
            if last in _TRAILING or unbalanced:
                url = url[:-1]
            else:
                break
        try:
            host = urlsplit(url).hostname
        except ValueError:  # "http://[oops": an unclosed IPv6 bracket is not a link
            continue
        if host and url not in found:
            found.append(url)
    return found


# Hosts whose links are not articles: Telegram itself, video and social sites
# that need JavaScript or a login (they would only give verification pages).
_NON_ARTICLE_HOSTS = (
    "t.me",
    "telegram.me",
    "telegram.org",
    "telegram.dog",
    "youtube.com",
    "youtu.be",
    "b23.tv",
    "douyin.com",
    "tiktok.com",
    "instagram.com",
    "twitter.com",
    "x.com",
)
_NON_ARTICLE_EXTENSIONS = frozenset(
    {
        ".jpg",
        ".jpeg",
        ".png",
        ".gif",
        ".webp",
        ".svg",
        ".bmp",
        ".ico",
        ".heic",
        ".avif",
        ".tif",
        ".tiff",
        ".mp4",
        ".mov",
        ".webm",
        ".mkv",
        ".avi",
        ".m3u8",
        ".mp3",
        ".m4a",
        ".wav",
        ".ogg",
        ".flac",
        ".aac",
        ".zip",
        ".rar",
        ".7z",
        ".gz",
        ".tgz",
        ".tar",
        ".bz2",
        ".xz",
        ".apk",
        ".ipa",
        ".exe",
        ".dmg",
        ".iso",
        ".msi",
        ".deb",
        ".rpm",
        ".xls",
        ".xlsx",
        ".ppt",
        ".pptx",
        ".csv",
        ".json",
        ".css",
        ".js",
        ".woff",
        ".woff2",
        ".ttf",
    }
)


def is_article_url(url: str) -> bool:
    """Could this link be an article (a page or a PDF), not media, an app or a home page?"""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    if not host or parts.scheme.lower() not in ("http", "https"):
        return False
    if any(host == h or host.endswith("." + h) for h in _NON_ARTICLE_HOSTS):
        return False
    if host.endswith("bilibili.com") and parts.path.startswith("/video"):
        return False
    path = parts.path.lower()
    if path in ("", "/") and not parts.query:
        return False  # a home page lists articles; it is not one
    dot = path.rfind(".")
    return not (dot > path.rfind("/") and path[dot:] in _NON_ARTICLE_EXTENSIONS)


def pick_article_urls(urls: Iterable[str], limit: int = 3) -> list[str]:
    """The first ``limit`` article-like links (see :func:`is_article_url`)."""
    return [u for u in urls if is_article_url(u)][: max(0, limit)]
