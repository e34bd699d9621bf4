"""What kind of text an article is, from its own signals, and where its point sits.

Each genre puts its main point in a different place, so each gets its own
positional prior:

- ``news``: lede-first.  The first real paragraph's opening sentence is the
  story; later paragraphs add detail, quotes and side stories.
- ``press``: a company announcement is written like news (the announcement
  first), with more boilerplate further down.
- ``research``: a broker note states its verdict (rating, target price,
  earnings versus expectations) and the drivers behind it, often as short
  point headlines ("■收入低于预期：…").
- ``commentary``: opinion pieces and long reads argue a thesis; it sits in
  the opening paragraphs or a section's first sentence, not necessarily in
  the first line, so centrality and the title lead and position only helps.
- ``briefing``: several short headed or numbered stories with no single
  lede (a morning round-up); the items the title names and the first items
  lead.

The signals are the text's own (rating words, announcement verbs, datelines,
headings and how alike the sections are), never a URL, so any page or paste
is classified the same way.  All matching runs on the Simplified view.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from summarizer.segment import Article, Sentence

__all__ = ["GENRES", "Genre", "classify", "lede_index", "position_prior", "verdict_index"]

Genre = Literal["news", "press", "research", "commentary", "briefing"]
GENRES: tuple[Genre, ...] = ("news", "press", "research", "commentary", "briefing")

_RESEARCH_WEAK = re.compile(
    r"归母净利|扣非|营业收入|营收|同比增长|同比下降|毛利率|净利率|业绩|估值|预计公司|"
    r"我们(?:认为|预计|预测)|符合预期|低于预期|超预期|高于预期"
)
# Announcement language: a company speaking about itself.
_PRESS = re.compile(
    r"(?:今日|今天|日前|近日|正式)?宣布|隆重|举办|举行|召开|顺利|签约|签署|发布会|战略合作|荣获|"
    r"\b(?:announce[sd]?|today announced|is pleased to|launche[sd]|unveil(?:s|ed)?)\b|"
    r"\((?:NYSE|NASDAQ|Nasdaq|TSX|LSE|HKEX)[:：]"
)
_PRESS_BOILERPLATE = re.compile(r"^(?:关于|About )\S{1,30}$|^(?:媒体联系|Media [Cc]ontact)")
# A news lede dates and sources its fact.
_NEWS = re.compile(
    r"\d{1,2}月\d{1,2}日|[昨今本前]日|近日|日前|本周|上周|周[一二三四五六日]|记者|报道|据[^，。]{0,12}(?:报道|消息|透露)|"
    r"表示|指出|透露|\b(?:on )?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b|"
    r"\b(?:yesterday|today|said|says|reported|according to)\b|\((?:Reuters|AP|AFP|Bloomberg)\)"
)
_OPINION = re.compile(
    r"我认为|笔者|我们应当|我们必须|值得深思|不妨|难道|何以|\bI think\b|\bwe should\b|\bwe must\b|"
    r"\bin my view\b|\bopinion\b"
)
_FURNITURE_LEDE = re.compile(
    r"^\s*(?:编者按|编者的话|本文来自|本文转载|原标题|来源[:：]|作者[:：]|文[/|:：]|记者[:：]|图[/:：]|"
    r"By [A-Z][a-z]+(?: [A-Z][a-z]+)*\s*$|Photo(?:graph)?:|Image (?:caption|source|copyright)|"
    r"Getty Images|Advertiser [Dd]isclosure|Sponsored|"
    r"We (?:may )?(?:receive|earn) (?:a )?compensation|We recommend the best products)"
)
_RISK = re.compile(r"风险提示|风险因素|主要风险|\bRisks?\b")
# The rating itself: what a broker note's reader wants first.
_RATING_PATTERN = (
    r"(?:买入|增持|减持|推荐|中性|持有|跑赢行业|强推)(?:-?[AB])?评级|评级[为:：]?(?:买入|增持|推荐|中性)|"
    r"(?:维持|给予|上调|下调|首次覆盖)[^，。；]{0,12}(?:评级|买入|增持|推荐)|"
    r"\b(?:Overweight|Underweight|Outperform|Underperform|[Bb]uy) rating\b"
)
_RATING = re.compile(_RATING_PATTERN)
# A verdict: a rating, a target price, a forecast, or earnings against expectations.
_VERDICT = re.compile(
    _RATING_PATTERN + r"|目标价|盈利预测|\bprice target\b|"
    r"(?:符合|低于|高于|好于|超|超出|不及)(?:市场)?(?:一致)?预期"
)
# Broker-note vocabulary: ratings, targets, forecasts, the risk boilerplate.
_RESEARCH_STRONG = re.compile(
    _RATING_PATTERN + r"|目标价|盈利预测|风险提示|投资要点|投资建议|EPS|每股收益|市盈率|"
    r"PE(?![A-Za-z])|\b(?:price target|Overweight|Underweight|Outperform|Underperform)\b"
)
_BRACKET_ITEM = re.compile(r"^\s*[【\[][^】\]]{2,30}[】\]]")
_TITLE_SEPARATORS = re.compile(r"[；;|｜]")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*|[\u4e00-\u9fff]")

#: A lede shorter than this (content units) is a kicker ("6G合作向前冲！"): the next
#: sentence of the paragraph is the lede.
LEDE_MIN = {True: 14, False: 8}  # Han text, English


def _items(article: Article) -> list[list[int]]:
    """Sentence indices grouped by item: a heading's section, a numbered item, or a
    paragraph that opens with a bracketed headline (【…】)."""
    groups: list[list[int]] = []
    current: list[int] | None = None
    last_block = -1
    for s in article.sentences:
        if s.block != last_block:
            block = article.blocks[s.block]
            before = article.blocks[s.block - 1] if s.block > 0 else None
            new = (
                block.kind == "item"
                or _BRACKET_ITEM.match(block.text) is not None
                or (before is not None and before.kind == "heading")
                or current is None
            )
            if new:
                current = []
                groups.append(current)
            last_block = s.block
        assert current is not None
        current.append(s.index)
    return groups


def _section_subjects(items: list[list[int]], simp: Sequence[str], title: str) -> float:
    """Share of items that mention the title's most widespread word: high when all
    sections are about one subject (a feature), low for a round-up of stories."""
    words = [w for w in _WORD.findall(title.lower()) if len(w) > 1 or "\u4e00" <= w <= "\u9fff"]
    if not words or not items:
        return 1.0
    # Han characters one by one are too common; use title bigrams for Chinese.
    grams: set[str] = set()
    han = "".join(w for w in words if "\u4e00" <= w[0] <= "\u9fff")
    grams.update(han[i : i + 2] for i in range(len(han) - 1))
    grams.update(w for w in words if w.isascii() and len(w) > 2)
    if not grams:
        return 1.0
    texts = ["".join(simp[i] for i in item).lower() for item in items]
    best = 0
    for g in grams:
        best = max(best, sum(1 for t in texts if g in t))
    return best / len(items)


def _bigrams(text: str) -> set[str]:
    han = "".join(ch for ch in text if "\u4e00" <= ch <= "\u9fff")
    grams = {han[i : i + 2] for i in range(len(han) - 1)}
    grams.update(w.lower() for w in re.findall(r"[A-Za-z][A-Za-z0-9]{2,}", text))
    return grams


def _title_match(article: Article, items: list[list[int]], simp: Sequence[str]) -> list[float]:
    """For each item, how well some part of the title (a round-up's title lists its
    lead stories, split by ；/|) names it: the share of that part's bigrams the item's
    heading and first sentence contain."""
    title = article.title or ""
    parts = [_bigrams(p) for p in _TITLE_SEPARATORS.split(title) if p.strip()]
    parts = [p for p in parts if p]
    out: list[float] = []
    for item in items:
        first = article.sentences[item[0]]
        head = article.blocks[first.block - 1].text if first.block > 0 else ""
        grams = _bigrams(head + simp[item[0]])
        out.append(max((len(p & grams) / len(p) for p in parts), default=0.0))
    return out


def classify(article: Article, simp: Sequence[str], title: str = "") -> Genre:
    """The genre of ``article``; ``simp`` are its sentences in Simplified script."""
    text = "\n".join(simp)
    strong = {m.group(0) for m in _RESEARCH_STRONG.finditer(text)}
    weak = len(_RESEARCH_WEAK.findall(text))
    density = weak * 1000 / max(1, len(text))
    if (
        len(strong) >= 3
        or (len(strong) >= 2 and weak >= 3)
        or (len(strong) >= 1 and weak >= 6)
        or (weak >= 10 and density >= 6)
    ):
        return "research"
    items = _items(article)
    long_items = [it for it in items if sum(article.sentences[i].length for i in it) >= 20]
    if len(long_items) >= 4:
        sizes = sorted(sum(article.sentences[i].length for i in it) for it in long_items)
        short = sizes[len(sizes) // 2] <= 220
        multi_title = len(_TITLE_SEPARATORS.findall(title)) >= 2
        if short and (multi_title or _section_subjects(items, simp, title) < 0.5):
            return "briefing"
    lede = lede_index(article)
    head = simp[lede] if lede is not None else ""
    opening = "".join(simp[: min(len(simp), 6)])
    if _OPINION.search(text) and not _NEWS.search(head):
        return "commentary"
    total = sum(s.length for s in article.sentences)
    headings = sum(1 for b in article.blocks if b.kind == "heading")
    if total > 2500 and headings >= 3 and not _NEWS.search(head):
        return "commentary"
    press = len(_PRESS.findall(opening)) + sum(
        1 for b in article.blocks if _PRESS_BOILERPLATE.match(b.text)
    )
    if press >= 2 or (press >= 1 and not _NEWS.search(opening)):
        return "press"
    return "news"


def lede_index(article: Article) -> int | None:
    """The lede: the first substantial sentence of the first real paragraph (not a
    heading, list item or furniture line such as an editor's note)."""
    by_block: dict[int, list[Sentence]] = {}
    for s in article.sentences:
        by_block.setdefault(s.block, []).append(s)
    for block_index, para in by_block.items():
        block = article.blocks[block_index]
        if block.kind != "paragraph" or _FURNITURE_LEDE.match(block.text):
            continue
        han = any("\u4e00" <= ch <= "\u9fff" for ch in para[0].text)
        for t in para[:3]:
            if t.length >= LEDE_MIN[han] and not t.text.rstrip().endswith(("?", "？")):
                return t.index
        if sum(t.length for t in para) >= LEDE_MIN[han]:
            return para[0].index
    return None


def verdict_index(article: Article, simp: Sequence[str]) -> int | None:
    """A broker note's rating sentence ("维持买入评级"), the last one if several (the
    conclusion follows the drivers)."""
    found = [i for i, t in enumerate(simp) if _RATING.search(t)]
    return found[-1] if found else None


def position_prior(article: Article, genre: Genre, simp: Sequence[str]) -> list[float]:
    """A prior in [0, 1] per sentence: where this genre puts what matters."""
    sents = article.sentences
    if not sents:
        return []
    para_rank: dict[int, int] = {}
    for s in sents:
        para_rank.setdefault(s.block, len(para_rank))
    if genre in ("news", "press"):
        lede = lede_index(article)
        out = []
        for s in sents:
            p = para_rank[s.block]
            value = 0.75**p * 0.8**s.pos_in_block
            out.append(1.0 if s.index == lede else min(value, 0.9))
        return out
    if genre == "briefing":
        out = [0.1] * len(sents)
        items = _items(article)
        named = _title_match(article, items, simp)
        for k, item in enumerate(items):
            out[item[0]] = max(0.2, 0.4 * 0.85**k + 0.6 * named[k])
        return out
    if genre == "research":
        out = []
        for s, t in zip(sents, simp, strict=True):
            # the risk boilerplate lists what could fall short of expectations: no verdict
            verdict = _VERDICT.search(t) is not None and _RISK.search(t) is None
            place = 0.9 ** para_rank[s.block] * 0.95**s.pos_in_block
            out.append(0.0 if _RISK.search(t) else 0.6 * (1.0 if verdict else 0.0) + 0.4 * place)
        return out
    # commentary: the thesis sits early or opens a section
    out = []
    for s in sents:
        p = para_rank[s.block]
        out.append(0.85**p * (1.0 if s.pos_in_block == 0 else 0.7))
    return out
