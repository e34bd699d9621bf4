"""zhaiyao's summarizer: faithful extractive digests of Chinese and English news.

A pure library: text in, a :class:`Digest` out.  No Telegram, no network, no
database.  Deterministic and offline (jieba + sumy, no model downloads).

>>> from summarizer import summarize
>>> d = summarize(article_text)          # doctest: +SKIP
>>> d.title, d.sentences, d.key_points, d.tags
"""

from __future__ import annotations

from summarizer.compose import DailyDigest, DailyItem, Entry, Group, compose
from summarizer.digest import Digest, Language, Stats
from summarizer.errors import Reason, SummarizerError, UnsupportedInputError
from summarizer.pipeline import DEFAULT_MAX_SENTENCES, looks_like_article, summarize

__all__ = [
    "DEFAULT_MAX_SENTENCES",
    "DailyDigest",
    "DailyItem",
    "Digest",
    "Entry",
    "Group",
    "Language",
    "Reason",
    "Stats",
    "SummarizerError",
    "UnsupportedInputError",
    "compose",
    "looks_like_article",
    "summarize",
]
