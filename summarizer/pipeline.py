"""``summarize``: one article in, one :class:`Digest` out."""

from __future__ import annotations

import re

from summarizer.digest import Digest, Language, Stats
from summarizer.errors import UnsupportedInputError
from summarizer.genre import classify, lede_index, position_prior, verdict_index
from summarizer.html import html_to_text, looks_like_html
from summarizer.keypoints import find_key_points, repeats_point
from summarizer.rank import DEFAULT_WEIGHTS, Weights, choose, is_brief, score_sentences
from summarizer.segment import Article, parse
from summarizer.tags import find_tags
from summarizer.text import (
    content_length,
    detect_language,
    is_mostly_symbols,
    is_traditional,
    normalize_input,
    scrub_surrogates,
    to_simplified_many,
)
from summarizer.tokenize import tokenize, tokenize_many

__all__ = ["DEFAULT_MAX_SENTENCES", "default_max_length", "looks_like_article", "summarize"]

DEFAULT_MAX_SENTENCES = 3
#: Default budgets: about 150 Chinese characters, or 60 English words.
ZH_MAX_LENGTH = 150
EN_MAX_LENGTH = 60
#: Sentences analysed at most; beyond this a text is a book, not an article.
MAX_SENTENCES_ANALYSED = 4000
_READING_SPEED = {"zh": 400.0, "en": 230.0}  # units per minute
_WS = re.compile(r"\s+")


def default_max_length(language: Language) -> int:
    return EN_MAX_LENGTH if language == "en" else ZH_MAX_LENGTH


def looks_like_article(text: str) -> bool:
    """Long enough to be worth a digest (not chit-chat or a one-liner)."""
    try:
        clean = normalize_input(text)
    except UnsupportedInputError:
        return False
    n = content_length(clean)
    han = sum(1 for ch in clean if "\u4e00" <= ch <= "\u9fff")
    # Han characters carry about a word each; English needs more units.
    if han * 2 >= n:
        return n >= 80
    return n >= 60


def _reading_minutes(units: int, language: Language) -> float:
    speed = _READING_SPEED["en" if language == "en" else "zh"]
    return round(max(units / speed, 0.1), 1) if units else 0.0


def _letters(text: str) -> int:
    """Letters and digits: how a reader measures a digest's (and an article's) length."""
    return sum(map(str.isalnum, text))


def _covered(sentence: str, points: list[str]) -> bool:
    """Whether a sentence repeats a key point, list markers aside ("（3）…" is item 3)."""
    return any(repeats_point(sentence, p) for p in points if p)


def summarize(
    text: str | bytes,
    *,
    max_sentences: int = DEFAULT_MAX_SENTENCES,
    max_length: int | None = None,
    title: str | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
) -> Digest:
    """Digest one article.

    ``max_length`` is in content units (Han characters plus Latin words);
    it defaults to about 150 for Chinese and 60 for English.  ``title``
    overrides headline detection (e.g. a page's ``<title>``).

    Raises :class:`~summarizer.errors.UnsupportedInputError` (a
    :class:`~summarizer.errors.SummarizerError`) when there is nothing to
    summarize; never anything else on purpose.
    """
    clean = normalize_input(text)
    if is_mostly_symbols(clean):
        raise UnsupportedInputError("no_text", "the input has no words to summarize")
    if looks_like_html(clean):
        clean = html_to_text(clean)
    article = parse(clean)
    if title is not None and title.strip():
        article.title = scrub_surrogates(title.strip())
    if not article.sentences and article.title is None:
        # headings only (or nothing but furniture): the lines are the content
        if not article.blocks:
            raise UnsupportedInputError("no_text", "the input has no article text")
        article = _headings_as_sentences(article)
    if len(article.sentences) > MAX_SENTENCES_ANALYSED:
        article.sentences = article.sentences[:MAX_SENTENCES_ANALYSED]

    body = "\n".join(s.text for s in article.sentences)
    language = detect_language((article.title or "") + "\n" + body)
    originals = [article.title or ""] + [s.text for s in article.sentences]
    # jieba's dictionary is Simplified: analyse Traditional text through a converted view.
    simplified = (
        to_simplified_many(originals)
        if language == "zh-Hant" or (language == "mixed" and is_traditional(body))
        else originals
    )
    simp_title, simp_sents = simplified[0], simplified[1:]
    tokens = tokenize_many(simp_sents)
    title_tokens = tokenize(simp_title) if simp_title else []

    key_points = find_key_points(article.lines)
    compact_points = [_WS.sub("", p) for p in key_points]
    exclude = frozenset(
        i for i, s in enumerate(article.sentences) if _covered(s.text, compact_points)
    )
    genre = classify(article, simp_sents, simp_title)
    prior = position_prior(article, genre, simp_sents)
    # a one-paragraph news brief is lede-first; a one-paragraph broker note or
    # round-up keeps its own genre's prior
    brief = is_brief(article) and genre in ("news", "press", "commentary")
    scores = score_sentences(
        article, tokens, title_tokens, weights, prior, weights.prior_weight(genre), brief
    )
    budget = max_length if max_length is not None else default_max_length(language)
    points_chars = sum(_letters(p) for p in key_points)
    long_article = len(clean) > weights.long_article and _letters(clean) > weights.long_article
    picks = choose(
        article,
        tokens,
        scores,
        max_sentences=max(1, max_sentences),
        max_length=max(1, budget),
        exclude=exclude,
        weights=weights,
        lede=lede_index(article) if genre in ("news", "press") else None,
        also=verdict_index(article, simp_sents) if genre == "research" else None,
        min_chars=max(0, weights.min_chars - points_chars) if long_article else 0,
        brief=brief,
    )
    sentences = tuple(article.sentences[p.index].text[p.start :] for p in picks)
    simp_chosen = [simp_sents[p.index] for p in picks]
    tags = find_tags(
        "\n".join(simp_sents),
        title=simp_title or None,
        key_sentences=simp_chosen,
    )
    input_units = content_length(clean)
    digest_units = sum(content_length(s) for s in sentences) + sum(
        content_length(p) for p in key_points
    )
    stats = Stats(
        input_chars=len(clean),
        digest_chars=sum(len(s) for s in sentences) + sum(len(p) for p in key_points),
        input_length=input_units,
        digest_length=digest_units,
        reading_minutes=_reading_minutes(input_units, language),
    )
    return Digest(
        title=article.title,
        sentences=sentences,
        key_points=tuple(key_points),
        tags=tuple(tags),
        language=language,
        stats=stats,
    )


def _headings_as_sentences(article: Article) -> Article:
    """A text of short unpunctuated lines: treat each line as a sentence."""
    from summarizer.segment import Sentence, split_sentences

    # an item line with no sentence is a bare list number ("1."): not a line of content
    blocks = [b for b in article.blocks if b.kind != "item" or split_sentences(b.text)]
    sentences = [
        Sentence(b.text, i, b.index, 0, content_length(b.text))
        for i, b in enumerate(blocks or article.blocks)
    ]
    return Article(article.title, article.blocks, sentences)
