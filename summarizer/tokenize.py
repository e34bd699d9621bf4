"""Words: jieba for Chinese (on the Simplified view), a small regex tokenizer for English.

Numbers and Latin tokens inside Chinese (5G, 7亿, Q3, 60%) stay words.
Stop words come from the lists sumy ships, read as data files so that
importing this module stays cheap.  :class:`SumyTokenizer` lets sumy's
algorithms run on these words without NLTK data.
"""

from __future__ import annotations

import logging
import marshal
import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from importlib import resources
from typing import Any, BinaryIO

from summarizer.text import HAN_RANGES
from summarizer.wordcut import WordCutter

__all__ = ["SumyTokenizer", "stop_words", "tokenize", "tokenize_many"]

_HAN = re.compile(f"[{HAN_RANGES}]")
_EN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9&'’\-]*|[0-9]+(?:[.,][0-9]+)*%?")
_KEEP = re.compile(f"[{HAN_RANGES}A-Za-z0-9]")


@lru_cache(maxsize=1)
def _jieba():  # type: ignore[no-untyped-def]
    import sys

    # jieba reads its data files through pkg_resources when it can import it, else
    # straight from its package directory.  The same files; but importing
    # pkg_resources (deprecated) costs ~0.1 s of CPU and warns.  A ``None`` in
    # ``sys.modules`` makes that one import fail, and is taken out again at once.
    blocked = "pkg_resources" not in sys.modules
    if blocked:
        sys.modules["pkg_resources"] = None
    try:
        import jieba
    finally:
        if blocked:
            del sys.modules["pkg_resources"]

    jieba.setLogLevel(logging.WARNING)
    # jieba reads its 9 MB dictionary cache with ``marshal.load(file)``, which reads the
    # file in small pieces: 1.0 s of CPU at every start, where ``marshal.loads`` of the
    # whole file takes 0.35 s.  The same bytes, the same dictionary; jieba (unmaintained
    # since 2020) uses its ``marshal`` only for that cache.
    jieba.marshal = _WholeFileMarshal()
    jieba.initialize()
    # Platform names and business terms jieba's dictionary lacks (营收, 私域, 钉钉)
    # are words, not pairs of characters.
    for word in _extra_words():
        if not jieba.dt.FREQ.get(word):
            jieba.add_word(word, freq=_EXTRA_FREQ)
    return jieba


class _WholeFileMarshal:
    """``marshal`` for jieba's cache: ``load`` reads the whole file, then decodes it."""

    dump = staticmethod(marshal.dump)

    @staticmethod
    def load(file: BinaryIO) -> Any:
        return marshal.loads(file.read())


@lru_cache(maxsize=1)
def _cutter() -> WordCutter:
    return WordCutter(_jieba())


_EXTRA_FREQ = 2000
_BUSINESS_TERMS = (
    "营收 净利 归母 扣非 毛利率 净利率 环比 同比 私域 公域 小程序 直播带货 电商 跨境电商 "
    "市占率 渗透率 出货量 复购率 客单价 流量池 商家 网红 种草 下沉市场 新零售 数字化 "
    "云计算 大模型 人工智能 芯片 半导体 新能源 储能 光伏 动力电池"
).split()


def _extra_words() -> list[str]:
    from summarizer.tags import load_platforms

    words = [  # not the ambiguous ones (联想, 佳能): as words they would split 最佳能力 wrongly
        a
        for p in load_platforms()
        for a in p.aliases
        if _HAN.search(a) and " " not in a and a not in p.ambiguous
    ]
    return sorted(set(words) | set(_BUSINESS_TERMS))


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
    """A light English stemmer: plurals and common verb endings, nothing clever.

    (NLTK's Snowball was measured too: it changed which sentences win on the
    English dev set without improving them, and costs 0.3 s of import.)
    """
    n = len(word)
    if n > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if (n > 4 and word.endswith("es") and word[-3] in "sxz") or word.endswith(("ches", "shes")):
        return word[:-2]
    if n > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    for suffix in ("ing", "ed", "ly"):
        if n > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
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


_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_UNITS = "万亿千百%‰"


def _with_units(raw: Iterable[str]) -> Iterator[str]:
    """Keep a quantity whole: "2" "." "5" "亿元" → "2.5亿", "元"; "60" "%" → "60%"."""
    number = ""  # digits seen so far, possibly ending with "."
    for tok in raw:
        if number:
            if number[-1] != "." and tok == ".":
                number += tok
                continue
            if number[-1] == "." and tok[:1].isdigit() and _NUMBER.fullmatch(tok):
                number += tok
                continue
            if number[-1] == ".":  # a full stop after a number, not a decimal point
                yield number[:-1]
                yield "."
                number = ""
            elif tok[:1] and tok[0] in _UNITS:
                yield number + tok[0]
                number = ""
                if len(tok) > 1:
                    yield tok[1:]
                continue
            else:
                yield number
                number = ""
        if tok[:1].isdigit() and _NUMBER.fullmatch(tok):  # most tokens are words: no regex
            number = tok
        else:
            yield tok
    if number:
        yield number.rstrip(".")


def tokenize(sentence: str) -> list[str]:
    """Content words of one sentence (already in the Simplified view)."""
    if _HAN.search(sentence):
        raw = list(_with_units(_cutter().cut(sentence)))
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
    for tok in _with_units(_cutter().cut(joined)):
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
