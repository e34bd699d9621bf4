"""Characters and scripts: what the text is written in, and a Simplified view of it.

jieba's dictionary is Simplified, so Traditional text is analysed through an
OpenCC ``tw2sp`` view (Taiwan phrases such as 使用者/視訊 become 用户/视频) and
the results are mapped back sentence by sentence; the digest itself always
quotes the original.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from summarizer.digest import Language
from summarizer.errors import UnsupportedInputError

__all__ = [
    "content_length",
    "detect_language",
    "is_traditional",
    "normalize_input",
    "scrub_surrogates",
    "to_simplified",
    "to_simplified_many",
]

HAN_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN = re.compile(f"[{HAN_RANGES}]")
_HAN_RUN = re.compile(f"[{HAN_RANGES}]+")
_LATIN_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
# A content unit: one Han character, or a run of other letters/digits.
_UNIT = re.compile(f"[{HAN_RANGES}]|[^\\W{HAN_RANGES}_]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f]+")
_SURROGATE = re.compile("[\ud800-\udfff]")


def content_length(text: str) -> int:
    """Han characters plus runs of other letters/digits: the unit readers count.

    The same lines and sentences are measured by several stages (furniture,
    segmentation, ranking, key points): short strings are counted once.
    """
    if len(text) > 512:
        return len(_UNIT.findall(text))
    return _short_length(text)


@lru_cache(maxsize=1 << 14)
def _short_length(text: str) -> int:
    return len(_UNIT.findall(text))


def scrub_surrogates(text: str) -> str:
    """``text`` with surrogate pairs joined and lone surrogates replaced by U+FFFD.

    A lone surrogate (a broken JSON ``\\ud800`` escape, a bad client) is not a
    character: it cannot be encoded, so OpenCC, jieba's caches and Telegram
    would all fail on it.  Cleaning it once at the boundary keeps the rest safe.
    """
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def normalize_input(text: str | bytes) -> str:
    """Make raw input safe to analyse, or raise :class:`UnsupportedInputError`.

    Control characters and zero-width marks go; line structure stays (it carries
    headings, paragraphs and lists).  Input that is mostly control bytes or
    replacement characters is binary, not text.
    """
    if isinstance(text, bytes | bytearray):
        if b"\x00" in text[:4096]:
            raise UnsupportedInputError("binary", "the input is binary data, not text")
        text = bytes(text).decode("utf-8", errors="replace")
    text = scrub_surrogates(text)
    if not text or not text.strip():
        raise UnsupportedInputError("empty", "the input is empty")
    sample = text[:20000]
    bad = len(_CONTROL.findall(sample)) + sample.count("\ufffd")
    if bad > max(8, len(sample) // 20):
        raise UnsupportedInputError("binary", "the input looks like binary data, not text")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n").replace("\u3000", " ")
    text = _CONTROL.sub("", text)
    text = _ZERO_WIDTH.sub("", text)
    text = _SPACES.sub(" ", text)
    return text


def _han_count(text: str) -> int:
    return sum(map(len, _HAN_RUN.findall(text)))


def detect_language(text: str) -> Language:
    """zh-Hans, zh-Hant, en or mixed, from Han characters against Latin words.

    Latin tokens inside Chinese (5G, Q3, App Store) are common in business
    news, so a text is Chinese once Han characters clearly dominate.
    """
    sample = text[:6000]
    han = _han_count(sample)
    words = len(_LATIN_WORD.findall(sample))
    if han == 0:
        return "en"
    zh_words = han / 1.7  # a Chinese word is about 1.7 characters
    share = zh_words / (zh_words + words)
    if share < 0.25:
        return "en"
    if share < 0.7:
        return "mixed"
    return "zh-Hant" if is_traditional(sample, han) else "zh-Hans"


def is_traditional(text: str, han: int | None = None) -> bool:
    """Traditional when OpenCC t2s changes a noticeable share of the Han characters.

    A Simplified text is (almost) a fixed point of t2s; a Traditional one has
    a fifth or more of its characters changed.  A sample is enough.
    """
    sample = scrub_surrogates(text[:6000])
    if han is None:
        han = _han_count(sample)
    if not han:
        return False
    simplified = _converter("t2s").convert(sample)
    if simplified == sample:
        return False
    changed = sum(map(str.__ne__, sample, simplified))
    return changed >= max(2, han // 25)


@lru_cache(maxsize=4)
def _converter(config: str) -> Any:
    import opencc

    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """The Simplified (mainland phrasing) view of any Chinese text."""
    if not _HAN.search(text):
        return text
    return _converter("tw2sp").convert(scrub_surrogates(text).replace("\x00", " "))


def to_simplified_many(texts: Sequence[str]) -> list[str]:
    """Convert many short texts in one OpenCC call; order and count are kept."""
    if not texts:
        return []
    joined = "\n".join(t.replace("\n", " ") for t in texts)
    out = to_simplified(joined).split("\n")
    if len(out) != len(texts):  # defensive: never trust a conversion to keep structure
        return [to_simplified(t) for t in texts]
    return out


def is_mostly_symbols(text: str) -> bool:
    """True for text with no letters or Han at all (emoji, punctuation, digits only)."""
    return not any(unicodedata.category(ch)[0] == "L" for ch in text)
