"""Sentence salience and selection.

Score = centrality (a sentence's TF-IDF cosine to the whole document, linear
in the document's size, unlike LexRank's all-pairs graph) mixed with
priors that news writing obeys: the lead, paragraph openings, words of the
title and headings.  Selection is greedy MMR under a length budget, so the
digest says several different things instead of one thing three times.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from summarizer.segment import Article

__all__ = ["Weights", "score_sentences", "select"]


@dataclass(frozen=True, slots=True)
class Weights:
    centrality: float = 0.5
    lead: float = 0.35
    paragraph_start: float = 0.1
    title: float = 0.25
    redundancy: float = 0.7


DEFAULT_WEIGHTS = Weights()


def _idf(token_sets: Sequence[set[str]]) -> dict[str, float]:
    df: Counter[str] = Counter()
    for ts in token_sets:
        df.update(ts)
    n = len(token_sets)
    return {w: math.log(1.0 + n / c) for w, c in df.items()}


def _length_factor(units: int, n_tokens: int) -> float:
    """Fragments and run-ons make poor digest sentences."""
    if n_tokens == 0 or units < 6:
        return 0.1
    if units < 12:
        return 0.6
    if units > 160:
        return 0.6
    return 1.0


def score_sentences(
    article: Article,
    tokens: Sequence[Sequence[str]],
    title_tokens: Sequence[str] = (),
    weights: Weights = DEFAULT_WEIGHTS,
) -> list[float]:
    """One salience score per sentence of ``article`` (same order)."""
    n = len(article.sentences)
    if n == 0:
        return []
    sets = [set(t) for t in tokens]
    idf = _idf(sets)
    tf: Counter[str] = Counter()
    for t in tokens:
        tf.update(t)
    centroid = {w: c * idf[w] for w, c in tf.items()}
    norm = math.sqrt(sum(v * v for v in centroid.values())) or 1.0
    title_set = set(title_tokens)
    first_block = article.sentences[0].block
    scores: list[float] = []
    raw_c = []
    for s in sets:
        if not s:
            raw_c.append(0.0)
            continue
        raw_c.append(sum(centroid[w] * idf[w] for w in s) / (norm * math.sqrt(len(s))))
    top_c = max(raw_c) or 1.0
    for i, sent in enumerate(article.sentences):
        c = raw_c[i] / top_c
        lead = 1.0 / math.sqrt(1.0 + i) if sent.block == first_block or i < 3 else 0.0
        para = 1.0 if sent.pos_in_block == 0 else 0.0
        tsim = len(sets[i] & title_set) / (len(title_set) or 1)
        score = (
            weights.centrality * c
            + weights.lead * lead
            + weights.paragraph_start * para
            + weights.title * tsim
        )
        scores.append(score * _length_factor(sent.length, len(sets[i])))
    return scores


def _overlap(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


def select(
    article: Article,
    tokens: Sequence[Sequence[str]],
    scores: Sequence[float],
    *,
    max_sentences: int,
    max_length: int,
    exclude: frozenset[int] = frozenset(),
    weights: Weights = DEFAULT_WEIGHTS,
) -> list[int]:
    """Indices of the chosen sentences, in document order.

    Greedy MMR: each step takes the best score minus redundancy with what is
    already chosen, skipping sentences that would break the length budget.
    The single best sentence is always taken, even when it alone is long.
    """
    sents = article.sentences
    candidates = [i for i in range(len(sents)) if i not in exclude and scores[i] > 0]
    if not candidates:
        candidates = [i for i in range(len(sents)) if i not in exclude]
    sets = [set(t) for t in tokens]
    chosen: list[int] = []
    used = 0
    pool = sorted(candidates, key=lambda i: (-scores[i], i))[:64]
    while pool and len(chosen) < max_sentences:
        best, best_val = -1, -math.inf
        for i in pool:
            red = max((_overlap(sets[i], sets[j]) for j in chosen), default=0.0)
            val = scores[i] - weights.redundancy * red * scores[i]
            if val > best_val:
                best, best_val = i, val
        pool.remove(best)
        length = sents[best].length
        if chosen and used + length > max_length:
            continue
        if chosen and best_val < 0.35 * scores[chosen[0]]:
            break
        chosen.append(best)
        used += length
    return sorted(chosen)
