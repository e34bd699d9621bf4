"""A composed digest → one or more Telegram HTML messages.

What goes in (filtering, merging, ranking, grouping) is decided by
:func:`summarizer.compose`; this module only words and lays it out: a heading
(the date in the chat's zone for the daily digest, "the last 24 hours" for
``/summary`` alone), one block per platform (``#DingTalk · 2``), one line per
story (its gist, linked to the original message where Telegram has a link,
then the feed it came from, ``×2`` when merged). A digest longer than one
message is split between lines, never inside a tag, and each part stays within
Telegram's 4096 UTF-16 units as Telegram counts them (after entity parsing).
One line is never longer than a message: a gist (or platform name) too long
for one, say a stored title of thousands of emoji, is clipped (as plain text,
before escaping, so no entity, tag or surrogate pair is cut), and a digest is
always deliverable.
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime, time

from bot.messages import UiLanguage, text
from bot.render import MAX_MESSAGE_LENGTH, clean_text, clip_text, telegram_length, utf16_length
from summarizer.compose import DailyDigest, Entry, Group

__all__ = [
    "format_date",
    "format_time",
    "format_when",
    "render_composed",
    "render_daily",
    "render_empty_day",
    "render_roll_up",
]

_NOT_WORD = re.compile(r"\W+")
#: Extra links of a merged story shown after its gist (the rest are counted, not linked).
EXTRA_LINKS = 3
#: A gist's most UTF-16 units: a digest line is one line (the summarizer's gist
#: budget counts Han characters and words, so emoji or symbols escape it).
GIST_MAX = 300
#: A platform name's most characters in a group heading.
TAG_NAME_MAX = 64
#: Feed names shown after a gist (a story merged from more feeds names the first ones),
#: each clipped to this many UTF-16 units.
ORIGINS_SHOWN = 2
ORIGIN_MAX = 40


def format_date(day: date, lang: UiLanguage) -> str:
    """``2025年5月3日`` or ``3 May 2025``: month names come from the message table."""
    month_name = text("month_names", lang).split()[day.month - 1]
    return text("date_long", lang, year=day.year, month_name=month_name, day=day.day)


def format_time(at: time) -> str:
    return f"{at.hour:02d}:{at.minute:02d}"


def format_when(when: datetime, lang: UiLanguage) -> str:
    """A date and time as the reader writes them (in ``when``'s own zone)."""
    return text(
        "date_time", lang, date=format_date(when.date(), lang), time=format_time(when.timetz())
    )


def render_empty_day(day: date, lang: UiLanguage) -> str:
    """The one line a chat that asked for it gets on a day without articles."""
    return text("daily_empty", lang, date=format_date(day, lang))


def _group_heading(group: Group, lang: UiLanguage) -> str:
    if group.tag is None:
        name = text("daily_untagged", lang)
    else:
        word = _NOT_WORD.sub("_", group.tag).strip("_")[:TAG_NAME_MAX].rstrip("_")
        name = "#" + (word or "tag")
    return f"<b>{html.escape(name, quote=False)} · {group.articles}</b>"


def _link(url: str, label: str) -> str:
    if not url.strip():  # Telegram refuses an empty href
        return label
    return f'<a href="{html.escape(clean_text(url), quote=True)}">{label}</a>'


def _origins(entry: Entry) -> str:
    """`` · 36氪, 虎嗅``: the feeds a story came from (a feed title is untrusted: escaped)."""
    names = [
        clip_text(" ".join(clean_text(name).split()), ORIGIN_MAX)
        for name in entry.origins[:ORIGINS_SHOWN]
    ]
    names = [name for name in names if name]
    if not names:
        return ""
    return " · <i>" + html.escape(", ".join(names), quote=False) + "</i>"


def _entry_line(entry: Entry, gist: str, *, extras: bool = True) -> str:
    """The story's line; ``gist`` is plain text (escaped here)."""
    shown = html.escape(gist, quote=False)
    line = "• " + (_link(entry.links[0], shown) if entry.links else shown)
    if extras:
        line += _origins(entry)
    if entry.count > 1:
        line += f" ×{entry.count}"
        extra = entry.links[1 : 1 + EXTRA_LINKS] if extras else ()
        if extra:
            line += " " + " ".join(_link(url, str(i)) for i, url in enumerate(extra, 2))
    return line


def _fitted_line(entry: Entry, heading: str, limit: int) -> str:
    """The story's line, its gist clipped so it fits a message under its group's heading."""
    gist = clip_text(" ".join(clean_text(entry.gist).split()), GIST_MAX)
    line = _entry_line(entry, gist)
    over = telegram_length(f"{heading}\n{line}") - limit
    if over <= 0:
        return line
    gist = clip_text(gist, max(utf16_length(gist) - over, 1))
    line = _entry_line(entry, gist)
    if telegram_length(f"{heading}\n{line}") > limit:  # a limit far below Telegram's
        line = _entry_line(entry, clip_text(gist, 1), extras=False)
    return line


def render_daily(
    digest: DailyDigest, day: date, lang: UiLanguage, *, limit: int = MAX_MESSAGE_LENGTH
) -> list[str]:
    """The daily digest of ``day`` as messages, in order; empty when the digest is empty."""
    title = text("daily_heading", lang, date=format_date(day, lang))
    return render_composed(digest, title, lang, limit=limit)


def render_roll_up(
    digest: DailyDigest, hours: int, lang: UiLanguage, *, limit: int = MAX_MESSAGE_LENGTH
) -> list[str]:
    """What was shared in the last ``hours`` as messages (``/summary`` alone)."""
    title = text("roll_up_heading", lang, hours=hours)
    return render_composed(digest, title, lang, limit=limit)


def render_composed(
    digest: DailyDigest, title: str, lang: UiLanguage, *, limit: int = MAX_MESSAGE_LENGTH
) -> list[str]:
    """The digest as messages under ``title`` (HTML), in order; empty when it is empty.

    Parts break between lines; a group cut in two repeats its heading at the
    top of the next part so every part reads on its own.
    """
    if digest.is_empty:
        return []
    stories = len(digest.entries)
    head = [
        title,
        text(
            "daily_counts", lang, articles=sum(g.articles for g in digest.groups), stories=stories
        ),
    ]
    parts: list[str] = []
    lines: list[str] = list(head)

    def fits(candidate: list[str]) -> bool:
        return telegram_length("\n".join(candidate)) <= limit

    for group in digest.groups:
        heading = _group_heading(group, lang)
        for i, entry in enumerate(group.entries):
            line = _fitted_line(entry, heading, limit)
            # a group's heading never ends a part: it goes with its first line
            opening = (["", heading] if lines else [heading]) if i == 0 else []
            if fits([*lines, *opening, line]):
                lines.extend([*opening, line])
                continue
            if lines:
                parts.append("\n".join(lines))
            lines = [heading, line] if fits([heading, line]) else [line]
            if not fits(lines):
                raise ValueError("one digest line does not fit in a message")
    if digest.omitted:
        more = text("daily_more", lang, count=digest.omitted)
        if fits([*lines, "", more]):
            lines.extend(["", more])
        else:
            parts.append("\n".join(lines))
            lines = [more]
    parts.append("\n".join(lines))
    return parts
