"""Words: jieba for Chinese (on the Simplified view), a small regex tokenizer for English.

Numbers and Latin tokens inside Chinese (5G, 7亿, Q3, 60%) stay words.
Stop words come from the lists sumy ships, read as data files so that
importing this module stays cheap.  :class:`SumyTokenizer` lets sumy's
algorithms run on these words without NLTK data.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

from summarizer.text import HAN_RANGES

__all__ = ["SumyTokenizer", "stop_words", "tokenize", "tokenize_many"]

_HAN = re.compile(f"[{HAN_RANGES}]")
_EN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9&'’\-]*|[0-9]+(?:[.,][0-9]+)*%?")
_KEEP = re.compile(f"[{HAN_RANGES}A-Za-z0-9]")
_EN_SUFFIXES = ("ies", "es", "s", "ing", "ed", "ly")


@lru_cache(maxsize=1)
def _jieba():  # type: ignore[no-untyped-def]
    import warnings

    with warnings.catch_warnings():  # jieba imports the deprecated pkg_resources
        warnings.simplefilter("ignore")
        import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """sumy's Chinese and English stop words, plus punctuation-like tokens."""
    words: set[str] = set()
    for lang in ("chinese", "english"):
        try:
            data = resources.files("sumy").joinpath(f"data/stopwords/{lang}.txt").read_text("utf-8")
        except (FileNotFoundError, ModuleNotFoundError):
            continue
        words.update(w.strip().lower() for w in data.splitlines() if w.strip())
    words.update({"的", "了", "和", "是", "在", "也", "而", "与", "及", "等", "对", "将", "为"})
    return frozenset(words)


def _stem(word: str) -> str:
    for suf in _EN_SUFFIXES:
        if len(word) > len(suf) + 3 and word.endswith(suf):
            return word[: -len(suf)]
    return word


_NORMAL: dict[str, str] = {}  # raw token -> content word ("" for a stop word or symbol)
_NORMAL_MAX = 300_000


def _normal(tok: str) -> str:
    word = tok.strip().lower()
    if not word or word in stop_words() or not _KEEP.search(word):
        word = ""
    elif word.isascii() and word.isalpha():
        word = _stem(word)
    if len(_NORMAL) >= _NORMAL_MAX:
        _NORMAL.clear()
    _NORMAL[tok] = word
    return word


def _keep(raw: Sequence[str]) -> list[str]:
    """Content words of a token stream; memoised, as news reuses its vocabulary."""
    memo = _NORMAL
    out: list[str] = []
    for tok in raw:
        word = memo.get(tok)
        if word is None:
            word = _normal(tok)
        if word:
            out.append(word)
    return out


def tokenize(sentence: str) -> list[str]:
    """Content words of one sentence (already in the Simplified view)."""
    if _HAN.search(sentence):
        raw = _jieba().lcut(sentence, HMM=False)
    else:
        raw = _EN_WORD.findall(sentence)
    return _keep(raw)


def tokenize_many(sentences: Sequence[str]) -> list[list[str]]:
    """Content words of each sentence, with one jieba call for the whole text.

    jieba emits a line break as a token of its own, so joining the sentences
    with newlines and splitting the token stream on them maps words back to
    sentences exactly, without jieba's per-call overhead.
    """
    joined = "\n".join(s.replace("\n", " ") for s in sentences)
    if not _HAN.search(joined):
        return [tokenize(s) for s in sentences]
    memo = _NORMAL
    out: list[list[str]] = []
    cur: list[str] = []
    for tok in _jieba().lcut(joined, HMM=False):
        if tok == "\n":
            out.append(cur)
            cur = []
            continue
        word = memo.get(tok)
        if word is None:
            word = _normal(tok)
        if word:
            cur.append(word)
    out.append(cur)
    if len(out) != len(sentences):  # defensive: fall back to one call per sentence
        return [tokenize(s) for s in sentences]
    return out


class SumyTokenizer:
    """A sumy tokenizer that needs no NLTK data: our sentences, our words.

    sumy only calls ``to_sentences``/``to_words`` and reads ``language``.
    """

    language = "chinese"

    def __init__(self, sentences: Sequence[str] = ()) -> None:
        self._cache: dict[str, tuple[str, ...]] = {}
        self._sentences = tuple(sentences)

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        from summarizer.segment import split_sentences

        return tuple(split_sentences(paragraph))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        words = self._cache.get(sentence)
        if words is None:
            from summarizer.text import to_simplified

            words = tuple(tokenize(to_simplified(sentence)))
            self._cache[sentence] = words
        return words
