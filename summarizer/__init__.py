"""zhaiyao's summarizer: faithful extractive digests of Chinese and English news.

A pure library: text in, a :class:`Digest` out.  No Telegram, no network, no
database.  Deterministic and offline (jieba + sumy, no model downloads).

>>> from summarizer import summarize
>>> d = summarize(article_text)          # doctest: +SKIP
>>> d.title, d.sentences, d.key_points, d.tags
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from summarizer.compose import DailyDigest, DailyItem, Entry, Group, compose
    from summarizer.digest import Digest, Language, Stats
    from summarizer.errors import Reason, SummarizerError, UnsupportedInputError
    from summarizer.pipeline import DEFAULT_MAX_SENTENCES, looks_like_article, summarize

# Names are imported on first use (PEP 562): ``import summarizer.errors`` (the reader's
# worker processes, the CLI's argument errors) must not load jieba's dictionary.
_HOME = {
    "DailyDigest": "compose",
    "DailyItem": "compose",
    "Entry": "compose",
    "Group": "compose",
    "compose": "compose",
    "Digest": "digest",
    "Language": "digest",
    "Stats": "digest",
    "Reason": "errors",
    "SummarizerError": "errors",
    "UnsupportedInputError": "errors",
    "DEFAULT_MAX_SENTENCES": "pipeline",
    "looks_like_article": "pipeline",
    "summarize": "pipeline",
}


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module 'summarizer' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"summarizer.{module}"), name)
    globals()[name] = value
    return value


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
