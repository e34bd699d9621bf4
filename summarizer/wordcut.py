"""jieba's exact segmentation (no HMM), computed in one pass per block.

jieba's ``cut(text, HMM=False)`` builds a DAG of dictionary words, then a
second loop scores every edge with ``log(freq)``.  This module walks each
block once from the end, scoring edges as it finds them with a memo of
log-probabilities, over the very same dictionary (``jieba.dt.FREQ``,
including words added with ``jieba.add_word``).  Same dictionary, same
maximum-probability route, same tie-breaking and the same handling of
non-Han runs, so the words are identical to ``jieba.lcut(text, HMM=False)``
(a test checks this); it is just about twice as fast, which is most of the
summarizer's run time.
"""

from __future__ import annotations

from math import log
from typing import Any

__all__ = ["WordCutter"]

_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


class WordCutter:
    """Segments text exactly like ``jieba.lcut(text, HMM=False)``."""

    def __init__(self, jieba: Any) -> None:
        self._dt = jieba.dt
        self._re_han = jieba.re_han_default
        self._re_skip = jieba.re_skip_default
        self._total = -1
        self._logp: dict[str, float] = {}

    def cut(self, text: str) -> list[str]:
        dt = self._dt
        if dt.total != self._total:  # the dictionary changed: the memo is stale
            self._total = dt.total
            self._logp = {}
        out: list[str] = []
        re_han, re_skip = self._re_han, self._re_skip
        for blk in re_han.split(text):
            if not blk:
                continue
            if re_han.match(blk):
                self._block(blk, out)
            else:
                for x in re_skip.split(blk):
                    if re_skip.match(x):
                        out.append(x)
                    else:
                        out.extend(x)
        return out

    def _block(self, s: str, out: list[str]) -> None:
        freq = self._dt.FREQ
        logp = self._logp
        logtotal = log(self._total)
        n = len(s)
        score = [0.0] * (n + 1)
        nxt = [0] * (n + 1)
        for k in range(n - 1, -1, -1):
            best_v = 0.0
            best_x = -1
            i = k
            frag = s[k]
            while i < n and frag in freq:
                if freq[frag]:
                    lp = logp.get(frag)
                    if lp is None:
                        lp = logp[frag] = log(freq[frag]) - logtotal
                    v = lp + score[i + 1]
                    if best_x < 0 or v >= best_v:  # ties go to the longer word, as in jieba
                        best_v, best_x = v, i
                i += 1
                frag = s[k : i + 1]
            if best_x < 0:  # no dictionary word starts here: a single character
                best_v, best_x = -logtotal + score[k + 1], k
            score[k] = best_v
            nxt[k] = best_x + 1
        x = 0
        buf = ""
        while x < n:
            y = nxt[x]
            word = s[x:y]
            if y - x == 1 and word in _ASCII_ALNUM:
                buf += word
            else:
                if buf:
                    out.append(buf)
                    buf = ""
                out.append(word)
            x = y
        if buf:
            out.append(buf)
