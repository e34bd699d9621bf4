"""Digests → Telegram HTML that Telegram accepts and that fits one message.

Everything that comes from an article goes through :func:`html.escape`;
length is measured as Telegram measures it (visible text after entity
parsing, in UTF-16 code units), and a long digest is shortened by whole
sentences or points first, then by clipping plain text, so a tag or an
entity is never cut in half.  Lone surrogates (which UTF-8, and so
Telegram, cannot carry) become U+FFFD before anything is measured or cut,
so a surrogate pair is never split either.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from bot.messages import UiLanguage, text
from summarizer import Digest

__all__ = [
    "MAX_MESSAGE_LENGTH",
    "clean_text",
    "clip_text",
    "link_host",
    "message_link",
    "render_digest",
    "telegram_length",
    "utf16_length",
]

#: Telegram's limit for a message's text after entity parsing, in UTF-16 code units.
MAX_MESSAGE_LENGTH = 4096
TITLE_MAX = 256
TAGS_MAX = 8
#: A hashtag's most characters: one absurd tag must not crowd out the digest.
HASHTAG_MAX = 64

_TAG = re.compile(r"<[^>]*>")
_NOT_WORD = re.compile(r"\W+")
_ELLIPSIS = "…"
_SURROGATE = re.compile("[\ud800-\udfff]")


def utf16_length(s: str) -> int:
    """``s``'s length in UTF-16 code units (Telegram's unit); a lone surrogate counts 1."""
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


def clean_text(s: str) -> str:
    """``s`` with each lone surrogate replaced by U+FFFD: it cannot be sent as UTF-8."""
    return _SURROGATE.sub("\ufffd", s)


def telegram_length(message_html: str) -> int:
    """Length of ``message_html`` as Telegram counts it: tags dropped, entities decoded."""
    return utf16_length(html.unescape(_TAG.sub("", message_html)))


def _esc(s: str) -> str:
    return html.escape(clean_text(s), quote=False)


def clip_text(s: str, units: int) -> str:
    """``s`` cut to at most ``units`` UTF-16 units (ellipsis included), never mid-character.

    Plain text in, plain text out: escape after clipping, so an entity is never cut.
    """
    if utf16_length(s) <= units:
        return s
    budget = max(units - 1, 0)
    out: list[str] = []
    used = 0
    for ch in s:
        w = 2 if ord(ch) > 0xFFFF else 1
        if used + w > budget:
            break
        out.append(ch)
        used += w
    return "".join(out).rstrip() + _ELLIPSIS


def _hashtags(tags: Sequence[str]) -> list[str]:
    """``#Tag`` for each tag, made of word characters only so Telegram links it whole."""
    seen: dict[str, None] = {}
    for tag in tags:
        word = _NOT_WORD.sub("_", tag).strip("_")[:HASHTAG_MAX].rstrip("_")
        if word and word.casefold() not in (s.casefold() for s in seen):
            seen["#" + word] = None
    return list(seen)[:TAGS_MAX]


def _footer(d: Digest, lang: UiLanguage) -> str:
    key = "footer_words" if d.language == "en" else "footer_chars"
    minutes = max(1, round(d.stats.reading_minutes))
    return text(
        key, lang, source=d.stats.input_length, digest=d.stats.digest_length, minutes=minutes
    )


def _assemble(
    title: str | None,
    sentences: Sequence[str],
    points: Sequence[str],
    footer: str,
    hashtags: Sequence[str],
    url: str | None = None,
) -> str:
    blocks: list[str] = []
    if title and url:
        blocks.append(f'<b><a href="{html.escape(url, quote=True)}">{_esc(title)}</a></b>')
    elif title:
        blocks.append(f"<b>{_esc(title)}</b>")
    if sentences:
        blocks.append("\n".join(_esc(s) for s in sentences))
    if points:
        blocks.append("\n".join(f"{i}. {_esc(p)}" for i, p in enumerate(points, 1)))
    tail = f"<i>{footer}</i>"
    if hashtags:
        tail += "\n" + " ".join(hashtags)
    blocks.append(tail)
    return "\n\n".join(blocks)


def render_digest(
    d: Digest, lang: UiLanguage, *, limit: int = MAX_MESSAGE_LENGTH, url: str | None = None
) -> str:
    """The digest message: bold title, key sentences, numbered points, footer, hashtags.

    Always within ``limit`` as Telegram counts it: trailing points and
    sentences go first, then the one that is left is clipped.  With ``url``
    (an article read from a link) the title links to it; a page without a
    title is headed by its host, so the link is always there to tap.
    """
    url = clean_text(url) if url and url.strip() else None
    heading = clean_text(d.title).strip() if d.title else ""
    if not heading and url:
        heading = link_host(url)
    titles = [clip_text(heading, TITLE_MAX)] if heading else []
    sentences = [t for t in (clean_text(s).strip() for s in d.sentences) if t]
    points = [t for t in (clean_text(p).strip() for p in d.key_points) if t]
    footer = _footer(d, lang)
    tags = _hashtags(d.tags)

    def build() -> str:
        return _assemble(titles[0] if titles else None, sentences, points, footer, tags, url)

    return _shrink(build, sentences, points, limit, spare=(tags, titles))


def link_host(url: str) -> str:
    """A link's host (``www.`` dropped): the title of a page that has none."""
    try:
        host = urlsplit(url).hostname
    except ValueError:
        host = None
    return clean_text(host or url).removeprefix("www.")


def _shrink(
    build: Callable[[], str],
    first: list[str],
    second: list[str],
    limit: int,
    spare: Sequence[list[str]] = (),
) -> str:
    """Drop items from the ends of ``first``/``second`` (the longer list first),
    then clip the last remaining item, until ``build()`` fits ``limit``.

    Every round removes an item or makes the last one strictly shorter, so it
    ends.  Only a limit far below Telegram's can need more: then the items of
    each ``spare`` list go too (hashtags, then the title); ``ValueError`` if
    even that is not enough.
    """
    while True:
        message = build()
        over = telegram_length(message) - limit
        if over <= 0:
            return message
        if len(first) + len(second) > 1:
            (second if len(second) >= len(first) and second else first).pop()
            continue
        items = first or second
        if items:
            keep = utf16_length(items[0]) - over
            if keep > utf16_length(_ELLIPSIS):  # something besides the ellipsis survives
                items[0] = clip_text(items[0], keep)
            else:
                items.clear()
            continue
        extra = next((x for x in spare if x), None)
        if extra is None:
            raise ValueError("message does not fit even without article text")
        extra.pop()


def message_link(chat_id: int, message_id: int | None, username: str | None) -> str | None:
    """A t.me link to a message, when Telegram has one (supergroups and channels)."""
    if message_id is None:
        return None
    if username:
        return f"https://t.me/{username}/{message_id}"
    s = str(chat_id)
    if s.startswith("-100"):
        return f"https://t.me/c/{s[4:]}/{message_id}"
    return None
