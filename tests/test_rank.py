"""Selection (summarizer.rank.choose): standalone sentences, the lede, no thin digests.

Scores are given by hand so each test isolates one rule of the selection.
"""

from __future__ import annotations

from summarizer.rank import Pick, choose
from summarizer.segment import Article, parse
from summarizer.tokenize import tokenize_many

TEXT = (
    "星河汽车周一发布首款电动皮卡，续航里程达到六百公里。\n"
    "新车将于下月在全国二十个城市交付，首批订单已超过一万辆。\n"
    "此外，星河汽车还与两家电池厂商签署了长期供货协议。\n"
    "公司董事长在发布会上介绍了新车的设计理念。\n"
    "他表示，电动皮卡将成为公司未来三年销量增长最快的车型。\n"
)


def _article() -> tuple[Article, list[list[str]]]:
    article = parse(TEXT)
    return article, tokenize_many([s.text for s in article.sentences])


def _shown(article: Article, picks: list[Pick]) -> list[str]:
    return [article.sentences[p.index].text[p.start :] for p in picks]


def test_a_connective_is_dropped_when_its_sentence_stands_alone() -> None:
    article, tokens = _article()
    scores = [0.2, 0.2, 1.0, 0.2, 0.2]
    picks = choose(article, tokens, scores, max_sentences=1, max_length=150)
    assert _shown(article, picks) == ["星河汽车还与两家电池厂商签署了长期供货协议。"]
    assert all(s in TEXT for s in _shown(article, picks))


def test_a_connective_is_kept_when_the_sentence_before_is_shown() -> None:
    article, tokens = _article()
    scores = [0.2, 0.9, 1.0, 0.2, 0.2]
    picks = choose(article, tokens, scores, max_sentences=2, max_length=150)
    assert [p.index for p in picks] == [1, 2]
    assert _shown(article, picks)[1].startswith("此外，")


def test_a_pronoun_brings_its_antecedent() -> None:
    article, tokens = _article()
    scores = [0.2, 0.2, 0.2, 0.3, 1.0]
    picks = choose(article, tokens, scores, max_sentences=2, max_length=150)
    assert [p.index for p in picks] == [3, 4]


def test_a_pronoun_yields_when_its_antecedent_does_not_fit() -> None:
    article, tokens = _article()
    scores = [0.6, 0.2, 0.2, 0.3, 1.0]
    picks = choose(article, tokens, scores, max_sentences=1, max_length=150)
    assert [p.index for p in picks] == [0]  # "他表示…" alone would dangle


def test_the_lede_is_taken_whatever_its_score() -> None:
    article, tokens = _article()
    scores = [0.1, 0.2, 0.2, 0.9, 1.0]
    picks = choose(article, tokens, scores, max_sentences=1, max_length=150, lede=0)
    assert [p.index for p in picks] == [0]


def test_a_long_article_never_gets_a_thin_digest() -> None:
    article, tokens = _article()
    scores = [0.1, 0.1, 0.1, 1.0, 0.1]  # the rest are far below half the best
    thin = choose(article, tokens, scores, max_sentences=3, max_length=150)
    assert [p.index for p in thin] == [3]
    full = choose(article, tokens, scores, max_sentences=3, max_length=150, min_chars=40)
    letters = sum(ch.isalnum() for s in _shown(article, full) for ch in s)
    assert len(full) > 1 and letters >= 40


def test_the_budget_still_holds() -> None:
    article, tokens = _article()
    scores = [1.0, 0.9, 0.8, 0.7, 0.6]
    picks = choose(article, tokens, scores, max_sentences=3, max_length=40, min_chars=200)
    assert sum(article.sentences[p.index].length for p in picks) <= 40
