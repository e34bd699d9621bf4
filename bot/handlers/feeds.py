"""``/feed``: follow news feeds, list and remove them, import and export OPML.

Thin on purpose, like :mod:`bot.handlers.subscriptions`: parse the verb,
check the caller may change the chat's settings (in groups only admins;
anyone may *look* at the list, as with ``/filter list``), call
:class:`bot.feeds.following.FeedFollowing`, and word the outcome in the
caller's language.  Refusals come back as exceptions with reasons and are
worded by :func:`bot.messages.error_text`.  Feed titles and URLs come from
strangers' servers: every one goes through :func:`bot.messages.text`'s
escaping (or :func:`html.escape`), and lists are split at Telegram's limit.
"""

from __future__ import annotations

import html
import logging
import math
from datetime import datetime, tzinfo
from typing import Final

from telegram import Document, InputFile, Message, Update
from telegram.error import TelegramError

from bot.context import BotContext
from bot.errors import CommandError
from bot.feeds.following import EXPORT_NAME, Added, ImportReport, display_title
from bot.handlers.admin import may_change_settings
from bot.handlers.common import reply_html, reply_parts, ui_language
from bot.ingest import command_argument
from bot.messages import UiLanguage, error_text, stored_error_text
from bot.messages import text as t
from bot.render import MAX_MESSAGE_LENGTH, clip_text, telegram_length
from bot.render_daily import format_when
from bot.services import Services
from bot.storage.feeds import StoredFeed
from reader.errors import FeedError, ReaderError
from reader.opml import MAX_OPML_BYTES

__all__ = [
    "OPML_EXTENSIONS",
    "import_document",
    "is_opml",
    "list_parts",
    "on_feed",
    "report_text",
]

log = logging.getLogger(__name__)

#: File names read as OPML (a subscription list exported from a feed reader).
OPML_EXTENSIONS: Final = (".opml",)
_OPML_TYPES: Final = frozenset({"text/x-opml", "application/x-opml", "text/x-opml+xml"})
#: A feed's title and URL in a list or report, clipped (UTF-16 units).
TITLE_MAX: Final = 120
URL_MAX: Final = 300
_ADD, _LIST = ("add", "follow"), ("list", "ls")
_REMOVE = ("remove", "rm", "del", "delete", "unfollow")


def is_opml(document: Document) -> bool:
    """Whether a sent file is an OPML list (by its name, or a type only OPML has)."""
    name = (document.file_name or "").lower()
    return name.endswith(OPML_EXTENSIONS) or (document.mime_type or "").lower() in _OPML_TYPES


async def on_feed(update: Update, context: BotContext) -> None:
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    svc, lang = context.services, ui_language(update)
    verb, _, rest = command_argument(message).partition(" ")
    verb, argument = verb.lower(), rest.strip()
    if verb in ("", *_LIST) and not argument:
        await reply_parts(message, await list_parts(svc, chat.id, lang))
        return
    if "." in verb and not argument:  # "/feed 36kr.com/feed": adding is what was meant
        verb, argument = "add", verb
    known = verb in (*_ADD, *_REMOVE, "import", "export")
    if not known or (verb in (*_ADD, *_REMOVE) and not argument):
        await reply_html(message, t("feed_usage", lang))
        return
    if not await may_change_settings(update, context):
        return
    if verb in _ADD:
        await _add(svc, message, argument, lang)
    elif verb in _REMOVE:
        await _remove(svc, message, argument, lang)
    elif verb == "export":
        await _export(svc, message, lang)
    else:
        replied = message.reply_to_message
        document = replied.document if replied is not None else None
        if document is None or not is_opml(document):
            await reply_html(message, t("feed_import_usage", lang))
            return
        await import_document(svc, message, document, lang=lang)


async def _add(svc: Services, message: Message, url: str, lang: UiLanguage) -> None:
    try:
        async with svc.typing.while_slow(message):
            added = await svc.feeds.add(message.chat_id, url)
    except (CommandError, ReaderError) as exc:
        await reply_html(message, error_text(exc, lang))
        return
    await reply_html(message, await _added_text(svc, message.chat_id, added, lang))


async def _added_text(svc: Services, chat_id: int, added: Added, lang: UiLanguage) -> str:
    title = clip_text(added.title, TITLE_MAX)
    if added.result == "exists":
        return t("feed_exists", lang, title=title)
    minutes = max(1, math.ceil(svc.settings.feed_poll_seconds / 60))
    sub = await svc.storage.subscription(chat_id)
    nxt = "feed_next_digest" if sub is not None and sub.active else "feed_next_subscribe"
    return "\n".join(
        [
            t(
                "feed_added",
                lang,
                title=title,
                count=added.items or 0,
                url=clip_text(added.feed.url, URL_MAX),
            ),
            t(nxt, lang, minutes=minutes),
        ]
    )


async def _remove(svc: Services, message: Message, which: str, lang: UiLanguage) -> None:
    try:
        feed = await svc.feeds.remove(message.chat_id, which)
    except CommandError as exc:
        await reply_html(message, error_text(exc, lang))
        return
    title = clip_text(display_title(feed.title, feed.url), TITLE_MAX)
    await reply_html(message, t("feed_removed", lang, title=title))


async def _export(svc: Services, message: Message, lang: UiLanguage) -> None:
    chat = message.chat
    name = chat.title or chat.username or chat.first_name or str(chat.id)
    body, count = await svc.feeds.export(message.chat_id, title=f"zhaiyao · {name}")
    if not count:
        await reply_html(message, t("feed_export_none", lang))
        return
    await message.reply_document(
        InputFile(body, filename=EXPORT_NAME),
        caption=t("feed_export_caption", lang, count=count),
        do_quote=True,
    )


def _status(feed: StoredFeed, lang: UiLanguage, zone: tzinfo) -> str:
    """A feed's state in words (HTML): when it was last read, or why not, in the chat's zone."""

    def when(at: datetime) -> str:
        return format_when(at.astimezone(zone), lang)

    if feed.failing:
        since = feed.failing_since or feed.last_ok_at
        head = t("feed_list_failing", lang, when=when(since) if since else "?")
        return head + stored_error_text(feed.last_error, lang)
    if feed.last_error:
        return t("feed_list_error", lang) + stored_error_text(feed.last_error, lang)
    if feed.last_ok_at is not None:
        return t("feed_list_ok", lang, when=when(feed.last_ok_at))
    return t("feed_list_pending", lang)


async def list_parts(svc: Services, chat_id: int, lang: UiLanguage) -> list[str]:
    """``/feed list`` as messages: numbered title, URL and state, split between feeds."""
    feeds = await svc.feeds.feeds(chat_id)
    if not feeds:
        return [t("feed_list_none", lang)]
    zone = await svc.daily.digests.timezone(chat_id)
    blocks = []
    for number, item in enumerate(feeds, 1):
        feed = item.feed
        title = html.escape(clip_text(display_title(feed.title, feed.url), TITLE_MAX), quote=False)
        url = html.escape(clip_text(feed.url, URL_MAX), quote=False)
        blocks.append(f"{number}. <b>{title}</b>\n{url}\n{_status(feed, lang, zone)}")
    heading = t("feed_list_heading", lang, count=len(feeds), max=svc.settings.feed_max_per_chat)
    return _split([heading, *blocks])


def _split(blocks: list[str], limit: int = MAX_MESSAGE_LENGTH) -> list[str]:
    """Blocks joined by blank lines into as few messages as fit, never splitting a block."""
    parts: list[str] = []
    current = ""
    for block in blocks:
        candidate = f"{current}\n\n{block}" if current else block
        if current and telegram_length(candidate) > limit:
            parts.append(current)
            candidate = block
        current = candidate
    if current:
        parts.append(current)
    return parts


async def import_document(
    svc: Services, message: Message, document: Document, *, lang: UiLanguage
) -> None:
    """Download an .opml file, follow its feeds, and reply with one report."""
    if document.file_size is not None and document.file_size > MAX_OPML_BYTES:
        limit = max(1, MAX_OPML_BYTES // (1024 * 1024))
        await reply_html(message, t("file_too_large", lang, limit=limit))
        return
    try:
        async with svc.typing.while_slow(message):
            file = await message.get_bot().get_file(document.file_id)
            body = bytes(await file.download_as_bytearray())
            if len(body) > MAX_OPML_BYTES:
                raise FeedError("not_opml", "the file is over the OPML size cap")
            report = await svc.feeds.import_opml(message.chat_id, body)
    except TelegramError as exc:
        log.warning("could not download an OPML file in chat %s: %s", message.chat_id, exc)
        await reply_html(message, t("file_download_failed", lang))
        return
    except ReaderError as exc:
        await reply_html(message, error_text(exc, lang))
        return
    await reply_html(message, report_text(report, lang))


def report_text(report: ImportReport, lang: UiLanguage, *, limit: int = MAX_MESSAGE_LENGTH) -> str:
    """The import's one message: counts, then each failure and why, as many as fit."""
    lines = [
        t(
            "feed_import_report",
            lang,
            added=report.count("added"),
            exists=report.count("exists"),
            failed=report.count("failed"),
        )
    ]
    failed = report.failed
    for shown, line in enumerate(failed):
        name = clip_text(line.title if line.title != line.url else line.url, TITLE_MAX)
        why = error_text(line.error, lang) if line.error else t("feed_unknown_error", lang)
        entry = t("feed_import_line", lang, name=name) + why
        more = t("feed_import_more", lang, count=len(failed) - shown)
        # keep room for the "…and N more" line should the next one not fit
        if telegram_length("\n".join([*lines, entry, more])) > limit:
            lines.append(more)
            break
        lines.append(entry)
    return "\n".join(lines)
