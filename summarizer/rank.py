"""Sentence salience and selection.

Content salience is LexRank's degree centrality: how much a sentence's TF-IDF
vector agrees with every other sentence.  With unit-length vectors the sum of
a sentence's cosines to all others is ``v_i · Σv − 1``, so it costs one pass
over the words instead of LexRank's all-pairs matrix: a 2,000-sentence text
is as cheap per sentence as a 20-sentence one.

Priors that news writing obeys are mixed in: a one-paragraph brief is
written lede-first; words of the title and headings mark the subject; a
sentence that is mostly digits is a table row, not a gist; fragments and
run-ons make poor digest sentences.  Selection is greedy under a length
budget, skips near-repeats, and stops once the next sentence is clearly
weaker than the best, so a digest is as short as the article allows.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from summarizer.segment import Article

_DIGIT = re.compile(r"\d")

__all__ = ["DEFAULT_WEIGHTS", "Weights", "score_sentences", "sections", "select"]


@dataclass(frozen=True, slots=True)
class Weights:
    """Knobs of the ranker; the defaults were chosen on the dev sets, per feature."""

    title: float = 0.3  # share of a sentence's score from overlap with title/headings
    brief_lead: float = 0.7  # share from position in a one-paragraph brief
    digits: float = 2.0  # penalty per unit of digit density
    redundancy: float = 0.4  # word overlap above which a sentence repeats a chosen one
    keep_ratio: float = 0.5  # add sentences scoring at least this share of the best
    section_ratio: float = 0.2  # ... or this share, for the best of a section not yet covered
    lede_complete: int = 25  # a brief's lede this long stands alone
    long_sentence: int = 80  # content units; a longer sentence's score shrinks by long/units


DEFAULT_WEIGHTS = Weights()


def _vectors(tokens: Sequence[Sequence[str]]) -> tuple[list[dict[str, float]], list[float]]:
    """TF-IDF vectors and their lengths, IDF taken over the article's own sentences."""
    n = len(tokens)
    tfs = [Counter(t) for t in tokens]
    df: Counter[str] = Counter()
    for tf in tfs:
        df.update(tf.keys())
    log = math.log
    idf = {w: log(1.0 + n / c) for w, c in df.items()}
    vecs = [{w: c * idf[w] for w, c in tf.items()} for tf in tfs]
    norms = [math.sqrt(sum(x * x for x in v.values())) for v in vecs]
    return vecs, norms


def _degree(vecs: Sequence[dict[str, float]], norms: Sequence[float]) -> list[float]:
    """Each sentence's summed cosine to all the others: ``u_i · Σu − 1`` for unit ``u``."""
    total: dict[str, float] = {}
    get = total.get
    for v, norm in zip(vecs, norms, strict=True):
        if norm:
            inv = 1.0 / norm
            for w, x in v.items():
                total[w] = get(w, 0.0) + x * inv
    return [
        max(0.0, sum(x * total[w] for w, x in v.items()) / norm - 1.0) if norm else 0.0
        for v, norm in zip(vecs, norms, strict=True)
    ]


def _shape_factor(text: str, units: int, n_tokens: int, weights: Weights) -> float:
    """Fragments, run-ons (which crowd a short digest), lead-ins and digit-dense rows
    make poor digest sentences."""
    if n_tokens == 0 or units < 6:
        return 0.1
    long = weights.long_sentence
    factor = 0.6 if units < 12 else 1.0 if units <= long else long / units
    if text.endswith((":", "：")):  # it introduces a quote or a list: not a gist by itself
        factor *= 0.5
    digits = len(_DIGIT.findall(text))
    return factor * max(0.05, 1.0 - weights.digits * digits / max(1, len(text)))


def is_brief(article: Article) -> bool:
    """One paragraph of prose: a news brief, written lede-first."""
    return len({s.block for s in article.sentences}) <= 1


def score_sentences(
    article: Article,
    tokens: Sequence[Sequence[str]],
    title_tokens: Sequence[str] = (),
    weights: Weights = DEFAULT_WEIGHTS,
) -> list[float]:
    """One salience score in [0, 1] per sentence of ``article`` (same order)."""
    n = len(article.sentences)
    if n == 0:
        return []
    vecs, norms = _vectors(tokens)
    degree = _degree(vecs, norms)
    top = max(degree) or 1.0
    subject = set(title_tokens)
    brief = is_brief(article)
    scores: list[float] = []
    for i, sent in enumerate(article.sentences):
        content = degree[i] / top if n > 1 else 1.0
        if subject:
            overlap = len(subject & vecs[i].keys()) / len(subject)
            content = (1 - weights.title) * content + weights.title * overlap
        if brief:
            lead = 1.0 if i == 0 else 0.0
            content = (1 - weights.brief_lead) * content + weights.brief_lead * lead
        shape = _shape_factor(sent.text, sent.length, len(tokens[i]), weights)
        scores.append(content * shape)
    return scores


def _overlap(a: dict[str, float], b: dict[str, float]) -> float:
    if not a or not b:
        return 0.0
    return len(a.keys() & b.keys()) / math.sqrt(len(a) * len(b))


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

    The best sentence is always taken, even when it alone exceeds the budget.
    """
    sents = article.sentences
    order = sorted(
        (i for i in range(len(sents)) if i not in exclude), key=lambda i: (-scores[i], i)
    )
    if not order:
        return []
    word_sets = [dict.fromkeys(t, 1.0) for t in tokens]
    brief = is_brief(article)
    section = sections(article)
    chosen: list[int] = []
    used = 0

    def take(i: int, spread: bool) -> bool:
        """Add sentence ``i`` if it fits; False once the rest are too weak to matter."""
        nonlocal used
        if chosen:
            ratio = weights.section_ratio if spread else weights.keep_ratio
            if scores[i] < ratio * scores[chosen[0]]:
                return False
            if spread and any(section[i] == section[j] for j in chosen):
                return True
            if used + sents[i].length > max_length:
                return True
            if max(_overlap(word_sets[i], word_sets[j]) for j in chosen) > weights.redundancy:
                return True
        chosen.append(i)
        used += sents[i].length
        return True

    # Articles with headings cover one topic per section: first one sentence
    # per section, then the best of the rest.
    passes = (True, False) if len(set(section)) > 1 else (False,)
    for spread in passes:
        for i in order:
            if len(chosen) >= max_sentences or i in chosen:
                continue
            if not take(i, spread):
                break
            if brief and chosen == [0] and sents[0].length >= weights.lede_complete:
                return [0]
    return sorted(chosen)


def sections(article: Article) -> list[int]:
    """For each sentence, the number of headings before it: its section."""
    heading_before: list[int] = []
    count = 0
    for block in article.blocks:
        if block.kind == "heading":
            count += 1
        heading_before.append(count)
    return [heading_before[s.block] for s in article.sentences]
