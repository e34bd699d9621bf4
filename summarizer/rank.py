"""Sentence salience and selection.

Content salience is LexRank's degree centrality: how much a sentence's TF-IDF
vector agrees with every other sentence.  With unit-length vectors the sum of
a sentence's cosines to all others is ``v_i · Σv − 1``, so it costs one pass
over the words instead of LexRank's all-pairs matrix: a 2,000-sentence text
is as cheap per sentence as a 20-sentence one.

Priors are mixed in: each genre's positional prior (:mod:`summarizer.genre`:
a story's lede, a broker note's verdict, a round-up's lead items); a
one-paragraph brief is written lede-first; words of the title and headings
mark the subject; a sentence that is mostly digits is a table row, not a
gist; fragments and run-ons make poor digest sentences.  Selection is greedy
under a length budget, takes a news lede first, skips near-repeats, keeps
every sentence readable on its own (:mod:`summarizer.standalone`: a leading
connective is dropped, a pronoun brings the sentence before it or yields), and
stops once the next sentence is clearly weaker than the best, so a digest is
as short as the article allows, but a long article's never a mere fragment.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from summarizer.segment import Article, Sentence
from summarizer.standalone import Dependence, dependence
from summarizer.text import content_length

_DIGIT = re.compile(r"\d")

__all__ = [
    "DEFAULT_WEIGHTS",
    "Pick",
    "Weights",
    "choose",
    "is_brief",
    "score_sentences",
    "sections",
    "select",
]


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
    # share of the content score taken by each genre's positional prior (genre.py)
    news_prior: float = 0.15
    press_prior: float = 0.4
    research_prior: float = 0.25
    commentary_prior: float = 0.2
    briefing_prior: float = 0.7
    min_chars: int = 40  # a long article's digest has at least this many letters
    long_article: int = 800  # ... when the article has more letters than this

    def prior_weight(self, genre: str) -> float:
        return float(getattr(self, f"{genre}_prior", 0.0))


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
    prior: Sequence[float] | None = None,
    prior_weight: float = 0.0,
    brief: bool | None = None,
) -> list[float]:
    """One salience score in [0, 1] per sentence of ``article`` (same order).

    ``prior`` (one value in [0, 1] per sentence) is where the article's genre
    puts its point; it takes ``prior_weight`` of the content score.  ``brief``
    (default: one paragraph, :func:`is_brief`) replaces it with the lede-first
    prior of a one-paragraph news brief.
    """
    n = len(article.sentences)
    if n == 0:
        return []
    vecs, norms = _vectors(tokens)
    degree = _degree(vecs, norms)
    top = max(degree) or 1.0
    subject = set(title_tokens)
    brief = is_brief(article) if brief is None else brief
    scores: list[float] = []
    for i, sent in enumerate(article.sentences):
        content = degree[i] / top if n > 1 else 1.0
        if subject:
            overlap = len(subject & vecs[i].keys()) / len(subject)
            content = (1 - weights.title) * content + weights.title * overlap
        if brief:
            lead = 1.0 if i == 0 else 0.0
            content = (1 - weights.brief_lead) * content + weights.brief_lead * lead
        elif prior is not None and prior_weight:
            content = (1 - prior_weight) * content + prior_weight * prior[i]
        shape = _shape_factor(sent.text, sent.length, len(tokens[i]), weights)
        scores.append(content * shape)
    return scores


def _overlap(a: dict[str, float], b: dict[str, float]) -> float:
    if not a or not b:
        return 0.0
    return len(a.keys() & b.keys()) / math.sqrt(len(a) * len(b))


@dataclass(frozen=True, slots=True)
class Pick:
    """A chosen sentence, shown from offset ``start`` of its text (past a
    connective that was dropped; 0 for the whole sentence)."""

    index: int
    start: int = 0


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
    """Indices of the chosen sentences, in document order (see :func:`choose`)."""
    picks = choose(
        article,
        tokens,
        scores,
        max_sentences=max_sentences,
        max_length=max_length,
        exclude=exclude,
        weights=weights,
    )
    return [p.index for p in picks]


def choose(
    article: Article,
    tokens: Sequence[Sequence[str]],
    scores: Sequence[float],
    *,
    max_sentences: int,
    max_length: int,
    exclude: frozenset[int] = frozenset(),
    weights: Weights = DEFAULT_WEIGHTS,
    lede: int | None = None,
    also: int | None = None,
    min_chars: int = 0,
    brief: bool | None = None,
) -> list[Pick]:
    """The chosen sentences, in document order.

    ``lede`` (a news story's opening sentence) is taken first whatever its
    score; ``also`` (a broker note's rating) joins the chosen ones when a
    slot and the budget are left.  Otherwise the best sentence is always taken, even when it alone
    exceeds the budget.  A sentence that opens with a connective is shown
    without it, one that points back comes with the sentence before it, or
    yields (:mod:`summarizer.standalone`).  A one-paragraph ``brief`` whose lede
    is complete gets that lede alone.  While the digest has fewer than
    ``min_chars`` letters, weaker sentences are added too (a long article
    never gets a one-line digest of a fragment).
    """
    sents = article.sentences
    order = sorted(
        (i for i in range(len(sents)) if i not in exclude), key=lambda i: (-scores[i], i)
    )
    if not order:
        return []
    deps = _Dependences(sents)
    word_sets = [dict.fromkeys(t, 1.0) for t in tokens]
    brief = is_brief(article) if brief is None else brief
    section = sections(article)
    best = scores[order[0]]
    chosen: list[int] = []
    used = 0

    def cost(i: int) -> int:
        dep = deps[i]
        if dep.kind == "trim" and i - 1 not in chosen:
            return content_length(sents[i].text[dep.start :])
        if dep.tag:
            return content_length(sents[i].text[dep.tag :])
        return sents[i].length

    def antecedent(i: int) -> int | None:
        """The sentence ``i`` points back to, if it can come along."""
        j = i - 1
        if j < 0 or j in exclude or j in chosen:
            return None
        if sents[j].block != sents[i].block and not _adjacent_blocks(article, j, i):
            return None
        if sents[j].length < 6 or scores[j] <= 0.05 * best:
            return None
        if deps[j].kind == "needs" and j - 1 not in chosen:
            return None
        return j

    def add(i: int) -> None:
        nonlocal used
        used += cost(i)
        chosen.append(i)

    def take(i: int, spread: bool, force: bool = False) -> bool:
        """Add sentence ``i`` if it fits; False once the rest are too weak to matter."""
        if chosen and not force:
            ratio = weights.section_ratio if spread else weights.keep_ratio
            if scores[i] < ratio * best:
                return False
        if chosen:
            if spread and any(section[i] == section[j] for j in chosen):
                return True
            if max(_overlap(word_sets[i], word_sets[j]) for j in chosen) > weights.redundancy:
                return True
        dep = deps[i]
        if dep.kind == "needs" and i - 1 not in chosen:
            j = antecedent(i)
            if j is None or len(chosen) + 2 > max_sentences:
                return True  # it yields to another sentence
            if chosen and used + cost(j) + cost(i) > max_length:
                return True
            add(j)
            add(i)
            return True
        if chosen and used + cost(i) > max_length:
            return True
        add(i)
        return True

    done = False
    if lede is not None and lede not in exclude:
        take(lede, False, force=True)
        done = brief and chosen == [0] and sents[0].length >= weights.lede_complete
    # Articles with headings cover one topic per section: first one sentence
    # per section, then the best of the rest.
    passes = (True, False) if len(set(section)) > 1 else (False,)
    for spread in passes:
        if done:
            break
        for i in order:
            if len(chosen) >= max_sentences:
                break
            if i in chosen:
                continue
            if not take(i, spread):
                break
            if brief and chosen == [0] and sents[0].length >= weights.lede_complete:
                done = True
                break
    room = bool(chosen) and len(chosen) < max_sentences
    if also is not None and room and also not in chosen and also not in exclude:
        take(also, False, force=True)
    if min_chars:
        for i in order:
            if len(chosen) >= max_sentences or _letters(sents, chosen, deps) >= min_chars:
                break
            if i not in chosen:
                take(i, False, force=True)
    if not chosen:  # every candidate points back with nothing to bring: show the best
        chosen.append(order[0])
    # A connective comes back once the sentence before it is shown too, unless
    # that would overrun the budget (the sentence reads as well without it).
    restore = len(chosen) == 1 or sum(cost(i) for i in chosen) <= max_length
    picks = []
    for i in sorted(chosen):
        dep = deps[i]
        trimmed = dep.kind == "trim" and (i - 1 not in chosen or not restore)
        picks.append(Pick(i, dep.start if trimmed else dep.tag))
    return picks


class _Dependences:
    """Each sentence's :func:`~summarizer.standalone.dependence`, computed when first
    needed (selection looks at a handful of a long article's sentences)."""

    __slots__ = ("_cache", "_sents")

    def __init__(self, sents: Sequence[Sentence]) -> None:
        self._sents = sents
        self._cache: dict[int, Dependence] = {}

    def __getitem__(self, i: int) -> Dependence:
        dep = self._cache.get(i)
        if dep is None:
            dep = self._cache[i] = dependence(self._sents[i].text)
        return dep


def _letters(sents: Sequence[Sentence], chosen: Sequence[int], deps: _Dependences) -> int:
    """Letters and digits shown so far (how a reader measures a digest's length)."""
    total = 0
    for i in chosen:
        text = sents[i].text
        if deps[i].kind == "trim" and i - 1 not in chosen:
            text = text[deps[i].start :]
        elif deps[i].tag:
            text = text[deps[i].tag :]
        total += sum(1 for ch in text if ch.isalnum())
    return total


def _adjacent_blocks(article: Article, j: int, i: int) -> bool:
    """Sentence ``j`` ends the paragraph right before sentence ``i``'s (no heading between)."""
    bj, bi = article.sentences[j].block, article.sentences[i].block
    return bi == bj + 1 and article.blocks[bj].kind != "heading"


def sections(article: Article) -> list[int]:
    """For each sentence, the number of headings before it: its section."""
    heading_before: list[int] = []
    count = 0
    for block in article.blocks:
        if block.kind == "heading":
            count += 1
        heading_before.append(count)
    return [heading_before[s.block] for s in article.sentences]
