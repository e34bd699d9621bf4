"""The article's own list of points, quoted verbatim; never invented.

Writers flag their points with list structure: numbered or bulleted lines
(■ ● ▲ ◆, "-", "——要……", 亮點1、, 第一，, 一、, （一）, ①), "一是……；二是……"
or "First, … Second, …" inside a paragraph, numbered headings with body text
between them, or a run of short lines punctuated as a series ("……；" / "……；" /
"……。").  Those shapes are cheap to recognise with one regex pass per line, and
they are exactly what a reader would call "the points".  Ordinary paragraphs,
headings and slogans are not a list: an unmarked run of short lines counts
only when it is punctuated as a series or introduced by a line ending with a
colon, and quoted speech, exclamations and questions never do.  Neither are
lists that only look like one: a briefing's numbered stories, promo and
related-link boxes, stat boxes, spec tables and reference lists.

Items are verbatim slices of their line with the marker and trailing
series punctuation (；;，,、。：:) removed.  A long item is reduced to its lead
phrase (before a dash or a colon, as research notes head their paragraphs)
or its lead sentence, and a list whose items stay too long is rejected.
When an article has several lists, the one that carries it is chosen (see
``_rank``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from summarizer.text import HAN_RANGES, content_length

__all__ = ["find_key_points", "repeats_point", "strip_list_marker"]

MAX_ITEMS = 8
_ITEM_CAP_ZH = 50  # content units: Han characters plus Latin words; a point is short
_ITEM_CAP_EN = 25  # words
_SHORT_ZH = 40  # unmarked lines must be shorter still
_SHORT_EN = 20
_MAX_CHAINS = 4  # inline lists looked at per line; more is not prose
_INTRO_SPAN = 200  # characters before an inline list that may introduce it

_HAN = re.compile(f"[{HAN_RANGES}]")
_ZH_DIGITS = "一二三四五六七八九十"
_ZH_VALUE = {c: i + 1 for i, c in enumerate(_ZH_DIGITS)}
# Circled and similar numerals: block start → family name (value = offset + 1).
_CIRCLED = {
    0x2460: "c①",  # ①-⑳
    0x2474: "c⑴",  # ⑴-⒇
    0x2488: "c⒈",  # ⒈-⒛
    0x2776: "c❶",  # ❶-❿
    0x2780: "c➀",  # ➀-➉
    0x278A: "c➊",  # ➊-➓
}
_CIRCLED_SPAN = {0x2460: 20, 0x2474: 20, 0x2488: 20, 0x2776: 10, 0x2780: 10, 0x278A: 10}
_CIRCLED_CLASS = "\u2460-\u249b\u2776-\u2793"
_ZH_SEQ = {"首先": 1, "其次": 2, "再次": 3, "最后": 0, "最後": 0}
_EN_SEQ = {
    "First": 1,
    "Firstly": 1,
    "First of all": 1,
    "Second": 2,
    "Secondly": 2,
    "Third": 3,
    "Thirdly": 3,
    "Fourth": 4,
    "Fourthly": 4,
    "Fifth": 5,
    "Finally": 0,
    "Lastly": 0,
}
_LAST = 0  # ordinal of 最后/Finally: closes a sequence
_LOOSE = frozenset({"zhseq"})  # need 3+ similar items

_N = f"[{_ZH_DIGITS}]{{1,3}}"
_DI_UNIT = "(?:点|點|条|條|步|项|項)?"  # 第一点， / 第二步：
# "亮點1、" / "重点一：" headings name themselves as the article's points.
_KEYWORD = "亮点|亮點|重点|重點|要点|要點"
# 首先/其次/最后 need their comma at a line start ("其次要" is not "secondly").
_ZHSEQ = r"(?P<zhseq>首先|其次|再次|最后|最後)"
_MARKERS = (
    rf"[(（](?P<pnum>\d{{1,2}})[)）]"
    rf"|(?P<num>\d{{1,2}})(?P<numsep>[.．](?!\d)|[、)）])"
    rf"|[(（](?P<pzh>{_N})[)）]"
    rf"|(?P<zhshi>{_N})是[，,:：]?"
    rf"|第(?P<di>{_N}){_DI_UNIT}[，,、:：]"
    rf"|(?:{_KEYWORD})(?P<kw>\d{{1,2}}|{_N})(?:[、.．:：]|\s)?"
    rf"|其(?P<qi>{_N})[，,、:：是]"
    rf"|(?P<circ>[{_CIRCLED_CLASS}])"
    r"|[(（](?P<palpha>[a-h])[)）]"
)
_EN_ORD = (
    r"(?P<enord>First(?:ly| of all)?|Second(?:ly)?|Third(?:ly)?|Fourth(?:ly)?|Fifth"
    r"|Finally|Lastly)[,:]"
)
_LINE_MARKER = re.compile(
    r"\s*(?:"
    r"(?P<bullet>[•·●▪◦‣∙・◆◇■□▲△▸★☆▶►✓✔➢➤○◎])"
    r"|(?P<dash>——|[-*–—](?=\s))"
    rf"|{_MARKERS}"
    rf"|{_ZHSEQ}[，,:：]"
    r"|(?P<alpha>[a-h])[)）]"
    r"|(?P<zhhead>" + _N + r")[、.．](?!\d)"
    rf"|{_EN_ORD}"
    r")\s*"
)
# Inside a paragraph a marker must start a clause (start, space or punctuation).
# Every scanner branch begins with a literal, checked against the character
# before it afterwards, so the regex engine can skip plain text quickly; the
# token found is then classified by _INLINE_FORM.
_NOT_CLAUSE = r"[^\s，,；;：:。！？!?]"
_AT_CLAUSE = rf"(?<!{_NOT_CLAUSE}.)"  # placed after the first character
_AT_SENTENCE = r"(?:(?<=^.)|(?<=[.;:!?]\s.)|(?<=[.;:!?][”\"’']\s.))"  # idem, English


def _inline_scanner() -> re.Pattern[str]:
    zh = f"[{_ZH_DIGITS}]"
    branches = [f"{re.escape(c)}{_AT_CLAUSE}(?:\\d{{1,2}}|{zh}{{1,3}}|[a-h])[)）]" for c in "(（"]
    # "1.5" is a decimal, but "1）19Q2" is item one about 19Q2.
    branches += [f"{d}{_AT_CLAUSE}\\d?(?:[.．](?!\\d)|[、)）])" for d in "0123456789"]
    branches += [f"{c}{_AT_CLAUSE}{zh}{{0,2}}是[，,:：]?" for c in _ZH_DIGITS]
    branches.append(f"第{_AT_CLAUSE}{zh}{{1,3}}{_DI_UNIT}[，,、:：是]")
    for kw in _KEYWORD.split("|"):
        branches.append(f"{kw[0]}{_AT_CLAUSE}{kw[1]}(?:\\d{{1,2}}|{zh}{{1,3}})(?:[、.．:：]|\\s)?")
    branches.append(f"其{_AT_CLAUSE}(?:{zh}{{1,3}}[，,、:：是]|次[，,:：]?)")
    branches.append(f"首{_AT_CLAUSE}先[，,:：]?")
    branches.append(f"再{_AT_CLAUSE}次[，,:：]?")
    branches.append(f"最{_AT_CLAUSE}[后後][，,:：]?")
    for base, span in _CIRCLED_SPAN.items():
        branches += [re.escape(chr(cp)) for cp in range(base, base + span)]
    for word in sorted(_EN_SEQ, key=len, reverse=True):
        branches.append(f"{word[0]}{_AT_SENTENCE}{re.escape(word[1:])}[,:]")
    return re.compile("|".join(branches))


_INLINE_SCAN = _inline_scanner()
_INLINE_FORM = re.compile(rf"{_MARKERS}|{_ZHSEQ}[，,:：]?|{_EN_ORD}")
_SENTENCE_END = re.compile(r"[。！？!?；;]|\.(?=\s|$)")
_INTERNAL_STOP = re.compile(r"[。！？!?；;]|\.\s")
_TRAILING = "；;，,、。：: \t"
_OPEN_QUOTES = "“”「『\"'‘’《"
_CLOSE_QUOTES = "”’」』\"'）)"
_INTRO_WORDS = re.compile(
    r"要点|重点|要點|重點|建议|建議|措施|举措|舉措|亮点|亮點|原因|方面|特点|特點|优势|優勢|"
    r"目标|目標|任务|任務|以下|如下|分别|分別|"
    r"[两兩二三四五六七八九十几幾多\d][个個点點大项項条條种種]|"
    r"\b(?:key|points?|takeaways?|highlights?|steps?|ways|reasons?|tips|lessons|following|"
    r"priorities|measures|goals|three|four|five|several)\b",
    re.IGNORECASE,
)
_FURNITURE_INTRO = re.compile(
    r"相关|相關|推荐|推薦|阅读|閱讀|延伸|热门|熱門|往期|猜你|更多|参考|參考|来源|來源|"
    r"related|read more|see also|recommended|more from|you may also|references|sources",
    re.IGNORECASE,
)
_ABBREVIATION = re.compile(
    r"(?:^|[\s(])(?:(?:[A-Za-z]\.){2,}|(?:Inc|Co|Corp|Ltd|Bros|Jr|Sr|St|No|etc|vs)\.)$"
)
_HEADLINE_BREAK = re.compile(r"[!！?？][^!！?？\s]|[|丨]")
# Bullets flattened into one paragraph ("■甲：…… ■乙：……"): each starts an item.
_FLAT_BULLET = re.compile(r"(?:^|(?<=[\s。！？；]))[■●▲◆★▶►]")
# The lead phrase of a long item ends at a colon or a dash ("红利见顶——……").
_LEAD_BREAK = re.compile(r"：|:(?=\s)|——")
_MIN_LEAD = {"colon": 6, "dash": 2}  # Han characters; a shorter label is a spec key
_MIN_LEAD_EN = 2  # words
_FLAT_PARAGRAPH = re.compile(r"(?<=[。！？])[ \u3000]+(?=\S)")
_HAN_STOP = re.compile(r"[。！？]")
_FLAT_HEAD = 30  # content units of a flattened paragraph's headline
_STORY = 25  # content units: an item this long that names its source is a news story
_MAX_GAP = 12  # lines of body text between two numbered headings
# Items that name who reported them are news stories (a briefing), not points.
_ATTRIBUTION = re.compile(
    r"据[^，。；]{0,15}(?:报道|報導|报导|消息|透露|披露|获悉|獲悉|了解|統計|统计)|获悉|獲悉|"
    r"知情人士|记者|記者|宣布|[（(](?:新浪财经|路透|彭博|新华社|中新社|[^（）()]{2,6}报|[^（）()]{2,6}網)[)）]|"
    r"\b(?:said|says|told|reported|announced|according to)\b",
    re.IGNORECASE,
)
# A promo/link box: "A SIMPLE GUIDE: How do I…", "VIDEO: The 20-second hand wash".
_SHOUTED_LABEL = re.compile(r"^[A-Z][A-Z0-9'’&\- ]{2,}:\s")
# A list followed by a credit line is the text of a chart or stat box.
_CREDIT = re.compile(
    r"^\s*(?:source|sources|图源|圖源|来源|來源|资料来源|資料來源|数据来源)\s*[:：]", re.I
)
# Research-note sections every report has; they are not the report's points.
_BOILERPLATE_HEAD = re.compile(
    r"^(?:盈利预测|盈利預測|投资建议|投資建議|风险提示|風險提示|风险因素|風險因素|估值|"
    r"评级|評級|免责声明|免責聲明|Risks?\b|Valuation\b|Disclaimer\b)"
)
# A spec row: a short label and a short value carrying a figure ("重量：170g").
_SPEC_ROW = re.compile(r"^[^：:|]{1,8}[：:|]\s*[^，,；;。]{1,16}$")
_DIGIT = re.compile(r"\d")
_STAT = re.compile(r"[$€£¥]?\d[\d.,]*\s*(?:%|％|percent\b)")


@dataclass(frozen=True, slots=True)
class _Marker:
    family: str
    ordinal: int  # -1: unordered (bullets); 0: "last" (最后/Finally)
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Candidate:
    items: list[str]
    line: int
    pos: int
    preferred: bool  # introduced by a colon or by a mention of points
    marked: bool = True  # numbered/bulleted, not just a punctuated series
    bodies: tuple[str, ...] = ()  # the raw text each item stands for
    end: int = -1  # index of the line after the list (-1: unknown)


def _marker(g: dict[str, str | None], start: int, end: int) -> _Marker | None:
    """Family and ordinal of one marker token (groups of _LINE_MARKER or _INLINE_FORM)."""
    if bullet := g.get("bullet"):
        return _Marker("b" + bullet, -1, start, end)
    if dash := g.get("dash"):
        return _Marker("d" + dash, -1, start, end)
    if pnum := g.get("pnum"):
        return _Marker("(n)", int(pnum), start, end)
    if num := g.get("num"):
        sep = g.get("numsep") or "."
        return _Marker("n" + {"．": ".", "）": ")"}.get(sep, sep), int(num), start, end)
    if kw := g.get("kw"):
        n = int(kw) if kw.isdigit() else _zh_number(kw)
        return _Marker("kw", n, start, end) if n else None
    for key in ("pzh", "zhshi", "di", "qi", "zhhead"):
        if value := g.get(key):
            n = _zh_number(value)
            return _Marker(key, n, start, end) if n else None
    if circ := g.get("circ"):
        cp = ord(circ)
        for base, family in _CIRCLED.items():
            if base <= cp < base + _CIRCLED_SPAN[base]:
                return _Marker(family, cp - base + 1, start, end)
        return None
    if alpha := g.get("palpha"):
        return _Marker("(a)", ord(alpha) - ord("a") + 1, start, end)
    if alpha := g.get("alpha"):
        return _Marker("a)", ord(alpha) - ord("a") + 1, start, end)
    if word := g.get("zhseq"):
        return _Marker("zhseq", _ZH_SEQ[word], start, end)
    if word := g.get("enord"):
        return _Marker("enord", _EN_SEQ[word], start, end)
    return None


def _zh_number(text: str) -> int:
    """一 … 九十九; 0 when it is not a plain numeral."""
    if len(text) == 1:
        return _ZH_VALUE.get(text, 0)
    if len(text) == 2 and text[0] == "十":
        return 10 + _ZH_VALUE.get(text[1], 0) if text[1] != "十" else 0
    if len(text) == 2 and text[1] == "十":
        return _ZH_VALUE.get(text[0], 0) * 10
    if len(text) == 3 and text[1] == "十" and text[0] != "十":
        return _ZH_VALUE[text[0]] * 10 + _ZH_VALUE.get(text[2], 0)
    return 0


def _starts(m: _Marker) -> bool:
    return m.ordinal in (-1, 1)


def _follows(prev: _Marker, nxt: _Marker) -> bool:
    if nxt.family != prev.family or prev.ordinal == _LAST:
        return False
    if prev.ordinal == -1:
        return True
    return nxt.ordinal == prev.ordinal + 1 or nxt.ordinal == _LAST


def _is_han(text: str) -> bool:
    return bool(_HAN.search(text))


def _clean(text: str) -> str:
    """Strip spaces and trailing series punctuation, keeping a lone '.' of an abbreviation."""
    t = text.strip().lstrip("：:，,、；; \t")
    while t and t[-1] in _TRAILING:
        t = t[:-1]
    if t.endswith(".") and not t.endswith("..") and not _ABBREVIATION.search(t):
        t = t[:-1]
    return t.rstrip()


def _lead(text: str) -> str:
    m = _SENTENCE_END.search(text.strip())
    return text.strip()[: m.start()] if m else text


def _lead_phrase(text: str) -> tuple[str, bool] | None:
    """The short phrase a long item opens with, up to its colon or dash, and whether a dash
    ended it; None if there is none.

    Research notes and policy texts head each paragraph this way ("……好于预期：二季度收入
    ……", "红利见顶——随着……"); a label of a few characters ("重量：") is a spec key, not a
    phrase.
    """
    t = text.strip()
    stop = _SENTENCE_END.search(t)
    m = _LEAD_BREAK.search(t, 0, stop.start() if stop else len(t))
    if m is None:
        return None
    head = _clean(t[: m.start()])
    n = content_length(head)
    if sum(head.count(c) for c in "(（[【") > sum(head.count(c) for c in ")）]】"):
        return None  # the colon is inside a bracket: "美国市场放开（据测算：……）"
    if _is_han(head):
        ok = _MIN_LEAD["dash" if m.group() == "——" else "colon"] <= n <= _SHORT_ZH
    else:
        ok = _MIN_LEAD_EN <= n <= _SHORT_EN
    if not ok or head[0] in _OPEN_QUOTES or content_length(t[m.end() :]) < n:
        return None
    return head, m.group() == "——"


def _point(text: str) -> str | None:
    """The displayable point of one item (its lead phrase when it is long), or None."""
    item = _clean(text)
    if content_length(item) == 0:
        return None
    han = _is_han(item)
    cap, short = (_ITEM_CAP_ZH, _SHORT_ZH) if han else (_ITEM_CAP_EN, _SHORT_EN)
    size = content_length(item)
    if size <= short:
        return item
    # A long item is a point only when it opens with a short headline: a phrase
    # before a dash, a short first sentence (which keeps a "label：value" pair
    # whole), or a phrase before a colon; else a single sentence within the cap.
    # A paragraph that merely carries a number (wire briefs "① … ② …") is not.
    head = _lead_phrase(item)
    if head is not None and head[1]:
        return head[0]
    several = bool(_INTERNAL_STOP.search(item))
    if several:
        lead = _clean(_lead(item))
        if 0 < content_length(lead) <= short:
            return lead
    if head is not None:
        return head[0]
    return item if size <= cap and not several else None


def _points(raw: Sequence[str]) -> list[str | None]:
    """Points of a list's items, headed alike: when most long items were cut to their
    lead phrase, a short item with a lead phrase is cut too."""
    points = [_point(r) for r in raw]
    heads = [_lead_phrase(_clean(r)) for r in raw]
    cut = sum(h is not None and p == h[0] for p, h in zip(points, heads, strict=True))
    if cut == 0 or cut * 2 < len(raw):
        return points
    return [
        h[0] if h is not None and p == _clean(r) else p
        for r, p, h in zip(raw, points, heads, strict=True)
    ]


def _intro_flags(intro: str) -> tuple[bool, bool]:
    """(ends with a colon, mentions points/建议/三点…) for the text that introduces a list."""
    t = intro.rstrip()
    return t.endswith((":", "：")), bool(_INTRO_WORDS.search(intro))


def _similar(lengths: Sequence[int]) -> bool:
    lo, hi = min(lengths), max(lengths)
    return hi <= max(3 * lo, lo + 10)


def _furniture_intro(intro: str) -> bool:
    return bool(_FURNITURE_INTRO.search(intro)) and content_length(intro) <= 12


def _marked_runs(lines: Sequence[str], markers: list[_Marker | None]) -> list[_Candidate]:
    out: list[_Candidate] = []
    n = len(lines)
    i = 0
    while i < n:
        first = markers[i]
        if first is None or not _starts(first):
            i += 1
            continue
        j, last = i + 1, first
        while j < n:
            mk = markers[j]
            if mk is None or not _follows(last, mk):
                break
            last, j = mk, j + 1
        run = [mk for mk in markers[i:j] if mk is not None]
        cand = _marked_candidate(lines, run, i)
        if cand is not None:
            out.append(cand)
        i = j
    return out


def _marked_candidate(lines: Sequence[str], run: list[_Marker], i: int) -> _Candidate | None:
    family, j = run[0].family, i + len(run)
    if len(run) < (3 if family in _LOOSE else 2):
        return None
    raw = [lines[i + k][mk.end :] for k, mk in enumerate(run)]
    items = _points(raw)
    if any(p is None for p in items):
        return None
    points = [p for p in items if p is not None]
    if family in _LOOSE and not _similar([content_length(p) for p in points]):
        return None
    intro = lines[i - 1] if i > 0 else ""
    if _furniture_intro(intro):
        return None
    colon, words = _intro_flags(intro)
    # A headline-like run closing the text is a related-links list, not points.
    if j == len(lines) and not colon and any(_HEADLINE_BREAK.search(r.strip()) for r in raw):
        return None
    return _Candidate(points, i, 0, colon or words, True, tuple(raw), j)


def _heading(text: str) -> str | None:
    """A numbered heading's text when it is short and one clause, else None."""
    t = _clean(text)
    n = content_length(t)
    short = _SHORT_ZH if _is_han(t) else _SHORT_EN
    if n == 0 or n > short or _INTERNAL_STOP.search(t) or t[0] in _OPEN_QUOTES:
        return None
    return t


def _heading_runs(lines: Sequence[str], markers: list[_Marker | None]) -> list[_Candidate]:
    """Numbered headings with body text between them ("亮點1、……" / body / "亮點2、……").

    Two headings are the article's points only when the article says so: the
    first is introduced by a colon or a mention of points, or the marker itself
    is 亮点/重点; three or more numbered sections are its outline.  A briefing's
    numbered stories are told apart by their bodies (see ``_not_points``).
    """
    out: list[_Candidate] = []
    used: set[int] = set()
    for i, first in enumerate(markers):
        if first is None or first.ordinal != 1 or i in used:
            continue
        chain, last, k = [i], first, i + 1
        while k < len(lines) and k - chain[-1] <= _MAX_GAP + 1:
            mk = markers[k]
            if mk is not None and mk.family == first.family:
                if not _follows(last, mk):
                    break
                chain.append(k)
                last = mk
            k += 1
        if len(chain) < 2 or all(b - a == 1 for a, b in pairwise(chain)):
            continue  # consecutive lines: _marked_runs' business
        used.update(chain)
        heads = [_heading(lines[c][m.end :]) for c in chain if (m := markers[c]) is not None]
        if any(h is None for h in heads):
            continue
        intro = lines[i - 1] if i > 0 else ""
        colon, words = _intro_flags(intro)
        announced = colon or words or first.family == "kw"
        if _furniture_intro(intro) or not (announced or len(heads) >= 3):
            continue
        bounds = [*chain[1:], min(chain[-1] + 2, len(lines))]
        bodies = tuple(" ".join(lines[a + 1 : b]) for a, b in zip(chain, bounds, strict=True))
        points = [h for h in heads if h is not None]
        out.append(_Candidate(points, i, 0, announced, True, bodies, chain[-1] + 1))
    return out


def _short_line(line: str) -> str | None:
    """Ending class of a short one-clause line that could be a list item, else None.

    Quotes, exclamations, questions and ellipses are speech or rhetoric, not points.
    """
    t = line.strip()
    if not t or t[0] in _OPEN_QUOTES or t.endswith(("！", "!", "？", "?", "…", "...", "——")):
        return None
    if (lead := _lead_phrase(t)) is not None and lead[1]:
        return None  # "甲——……": its lead phrase is the point (_led_runs)
    cap = _SHORT_ZH if _is_han(t) else _SHORT_EN
    if content_length(t) > cap or t.endswith((":", "：")):
        return None
    if _INTERNAL_STOP.search(t[:-1]):
        return None
    last = t.rstrip(_CLOSE_QUOTES)[-1:]
    if not last:
        return None
    if last in "；;，,、":
        return "semi"
    if last in "。.":
        return "stop"
    return "none"


def _plain_runs(lines: Sequence[str], markers: list[_Marker | None]) -> list[_Candidate]:
    """Unmarked items: a punctuated series (……；/……；/……。) or lines after a colon."""
    out: list[_Candidate] = []
    n = len(lines)
    kinds = [_short_line(ln) if markers[k] is None else None for k, ln in enumerate(lines)]
    i = 0
    while i < n:
        if kinds[i] is None:
            i += 1
            continue
        j = i
        while j < n and kinds[j] is not None:
            j += 1
        out.extend(_plain_candidates(lines, kinds, i, j))
        i = j
    return out


def _plain_candidates(
    lines: Sequence[str], kinds: list[str | None], i: int, j: int
) -> list[_Candidate]:
    out: list[_Candidate] = []
    intro = lines[i - 1] if i > 0 else ""
    colon, words = _intro_flags(intro)
    if colon and not _furniture_intro(intro):
        # After a colon: lines in one ending style (a ；-series may close with 。).
        style, e = kinds[i], i
        while e < j and kinds[e] == style:
            e += 1
        if style == "semi" and e < j:
            e += 1
        if e - i >= 2 and (style != "stop" or words):
            cand = _plain_candidate(lines, i, e, True)
            if cand is not None:
                return [cand]
    # Anywhere: a series of semicolon-terminated lines, closed by one more line.
    k = i
    while k < j:
        if kinds[k] != "semi":
            k += 1
            continue
        e = k
        while e < j and kinds[e] == "semi":
            e += 1
        if e < j:
            e += 1  # the closing item (……。 or unpunctuated)
        intro_k = lines[k - 1] if k > 0 else ""
        colon_k, words_k = _intro_flags(intro_k)
        if e - k >= (2 if colon_k else 3):
            cand = _plain_candidate(lines, k, e, colon_k or words_k)
            if cand is not None:
                out.append(cand)
        k = e
    return out


def _plain_candidate(lines: Sequence[str], i: int, j: int, preferred: bool) -> _Candidate | None:
    points = [_clean(lines[k]) for k in range(i, j)]
    if any(content_length(p) == 0 for p in points):
        return None
    if not _similar([content_length(p) for p in points]):
        return None
    return _Candidate(points, i, 0, preferred, False, tuple(lines[i:j]), j)


def _led_runs(lines: Sequence[str], markers: list[_Marker | None]) -> list[_Candidate]:
    """Unmarked paragraphs after a colon that each open with a lead phrase ("甲——……").

    A dash marks a lead phrase well enough; a colon may just as well follow a
    speaker ("某公司总裁：……"), so colon-led paragraphs count only when the
    introduction announces points ("三大变化：").
    """
    out: list[_Candidate] = []
    n = len(lines)
    heads = [_lead_phrase(ln) if markers[k] is None else None for k, ln in enumerate(lines)]
    i = 1
    while i < n:
        colon, words = _intro_flags(lines[i - 1])
        if heads[i] is None or not colon or _furniture_intro(lines[i - 1]):
            i += 1
            continue
        j = i
        while j < n and (lead := heads[j]) is not None and (lead[1] or words):
            j += 1
        points = [h[0] for h in heads[i:j] if h is not None]
        if len(points) >= 2 and _similar([content_length(p) for p in points]):
            out.append(_Candidate(points, i, 0, True, False, tuple(lines[i:j]), j))
        i = max(j, i + 1)
    return out


def _flat_heads(line: str, index: int) -> list[_Candidate]:
    """Paragraphs flattened into one line ("甲。正文…… 乙。正文……"), each led by a headline.

    Chinese puts no space after 。, so "。 " inside a paragraph marks where
    paragraphs were joined; when three or more in a row open with a short
    headline sentence followed by a body at least twice as long, those
    headlines are the section heads a research note lists.
    """
    if not _is_han(line):
        return []
    parts = _FLAT_PARAGRAPH.split(line)
    if len(parts) < 3:
        return []
    heads: list[str | None] = []
    for part in parts:
        m = _HAN_STOP.search(part)
        head = _clean(part[: m.start()]) if m else ""
        body = part[m.end() :] if m else ""
        n = content_length(head)
        ok = (
            _MIN_LEAD["colon"] // 2 <= n <= _FLAT_HEAD
            and head[0] not in _OPEN_QUOTES
            and bool(_HAN_STOP.search(body))
            and content_length(body) >= 2 * n
        )
        heads.append(head if ok else None)
    out: list[_Candidate] = []
    k = 0
    while k < len(heads):
        e = k
        while e < len(heads) and heads[e] is not None:
            e += 1
        if e - k >= 3:
            points = [h for h in heads[k:e] if h is not None]
            out.append(_Candidate(points, index, k, False, False, tuple(parts[k:e])))
        k = e + 1
    return out


def _inline(line: str, index: int, prev: str) -> list[_Candidate]:
    """Enumerations inside one paragraph: 一是……二是……, ①……②……, First, … Second, …"""
    found: list[_Marker] = []
    for m in _INLINE_SCAN.finditer(line):
        form = _INLINE_FORM.fullmatch(m.group())
        mk = _marker(form.groupdict(), m.start(), m.end()) if form else None
        if mk is not None:
            found.append(mk)
    if len(found) < 2:
        return []
    chains: list[list[_Marker]] = []
    open_chains: dict[str, list[_Marker]] = {}
    for mk in found:
        chain = open_chains.get(mk.family)
        if chain is not None and _follows(chain[-1], mk):
            chain.append(mk)
        elif mk.ordinal == 1:
            chain = [mk]
            open_chains[mk.family] = chain
            chains.append(chain)
    out: list[_Candidate] = []
    for chain in chains[:_MAX_CHAINS]:
        family = chain[0].family
        if len(chain) < (3 if family in _LOOSE else 2):
            continue
        raw = [line[a.end : b.start] for a, b in pairwise(chain)]
        stop = _SENTENCE_END.search(line, chain[-1].end)
        raw.append(line[chain[-1].end : stop.start() if stop else len(line)])
        items = _points(raw)
        if any(p is None for p in items):
            continue
        points = [p for p in items if p is not None]
        if family in _LOOSE and not _similar([content_length(p) for p in points]):
            continue
        prefix = line[max(0, chain[0].start - _INTRO_SPAN) : chain[0].start]
        colon, words = _intro_flags(prefix if prefix.strip() else prev)
        words = words or bool(_INTRO_WORDS.search(prev))
        out.append(_Candidate(points, index, chain[0].start, colon or words, True, tuple(raw)))
    return out


def _expand(lines: Sequence[str]) -> list[str]:
    """Lines with flattened bullet paragraphs ("■甲…… ■乙……") split before each bullet."""
    out: list[str] = []
    for ln in lines:
        cuts = [m.start() for m in _FLAT_BULLET.finditer(ln)]
        if len(cuts) < 2:
            out.append(ln)
            continue
        bounds = [0, *cuts] if cuts[0] > 0 else cuts
        out.extend(p for a, b in pairwise([*bounds, len(ln)]) if (p := ln[a:b]).strip())
    return out


def _not_points(cand: _Candidate, lines: Sequence[str]) -> bool:
    """Lists that are page furniture or a briefing's stories rather than the article's points."""
    items = cand.items
    # Promo boxes shout a label before each link.
    if sum(bool(_SHOUTED_LABEL.match(b.strip())) for b in cand.bodies) * 2 > len(items):
        return True
    # A chart's or stat box's text: figures first, or a credit line after it.
    if 0 <= cand.end < len(lines) and _CREDIT.match(lines[cand.end]):
        return True
    if all(_STAT.match(p) for p in items):
        return True
    # A spec table: short "label: figure" rows.
    specs = sum(bool(_SPEC_ROW.match(p) and _DIGIT.search(p)) for p in items)
    if specs * 3 >= len(items) * 2:
        return True
    # A briefing: (nearly) every item is a whole story that names its source.
    stories = [b for b in cand.bodies if content_length(b) >= _STORY and _ATTRIBUTION.search(b)]
    return len(stories) >= 2 and len(stories) * 3 >= len(items) * 2


def _strip_boilerplate(cand: _Candidate) -> _Candidate | None:
    """The candidate without research boilerplate sections (投资建议, 风险提示…); None if < 2."""
    keep = [k for k, p in enumerate(cand.items) if not _BOILERPLATE_HEAD.match(p)]
    if len(keep) == len(cand.items):
        return cand
    if len(keep) < 2:
        return None
    items = [cand.items[k] for k in keep]
    bodies = tuple(cand.bodies[k] for k in keep if k < len(cand.bodies))
    return _Candidate(items, cand.line, cand.pos, cand.preferred, cand.marked, bodies, cand.end)


def _rank(cand: _Candidate, n_lines: int) -> tuple[int, int, int]:
    """Sort key: the list that carries the article first.

    An introduced list beats an unannounced one, three or more parallel items
    beat a pair, and among equals the one nearer the lede wins; an unannounced
    list in the last fifth of the text is a sidebar or an aside.
    """
    score = 2 * cand.preferred + (len(cand.items) >= 3)
    if not cand.preferred and n_lines >= 5 and cand.line >= 0.8 * n_lines:
        score -= 1
    return (-score, cand.line, cand.pos)


def find_key_points(lines: Sequence[str]) -> list[str]:
    """Verbatim key points the article itself lists, in order; [] when it lists none.

    When the article has several lists, the one that carries it wins: one
    introduced by a colon or by a mention of points (要点, 建议, 三点, "key
    points"…), then one with three or more items, then the earliest.  At
    most ``MAX_ITEMS`` points.
    """
    lines = _expand([ln for ln in lines if ln.strip()])
    markers: list[_Marker | None] = []
    for ln in lines:
        m = _LINE_MARKER.match(ln)
        markers.append(_marker(m.groupdict(), m.start(), m.end()) if m else None)
    candidates = (
        _marked_runs(lines, markers)
        + _heading_runs(lines, markers)
        + _plain_runs(lines, markers)
        + _led_runs(lines, markers)
    )
    for k, ln in enumerate(lines):
        candidates.extend(_inline(ln, k, lines[k - 1] if k else ""))
        candidates.extend(_flat_heads(ln, k))
    kept = [
        c
        for cand in candidates
        if not _not_points(cand, lines) and (c := _strip_boilerplate(cand)) is not None
    ]
    if not kept:
        return []
    best = min(kept, key=lambda c: _rank(c, len(lines)))
    return best.items[:MAX_ITEMS]


_NOT_WORD = re.compile(r"[\W_]+")


def strip_list_marker(text: str) -> str:
    """``text`` without the list marker it opens with ("（3）", "■", "——", "第二，", "1. ")."""
    m = _LINE_MARKER.match(text)
    if m is None or _marker(m.groupdict(), m.start(), m.end()) is None:
        return text.strip()
    return text[m.end() :].strip()


def repeats_point(sentence: str, point: str) -> bool:
    """Whether ``sentence`` is the list item ``point`` was taken from, or a part of it.

    Compared without list markers, spaces and punctuation, so "（3）降低佣金；"
    repeats the point "降低佣金", and so does an item whose lead phrase the
    point is ("降低佣金：……") or a sentence that is one part of a longer point.
    """
    s = _NOT_WORD.sub("", strip_list_marker(sentence))
    p = _NOT_WORD.sub("", point)
    return bool(s and p) and (p in s or s in p)
