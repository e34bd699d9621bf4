"""The article's own list of points, quoted verbatim; never invented.

Writers flag their points with list structure: numbered or bulleted lines,
"一是……；二是……" or "First, … Second, …" inside a paragraph, or a run of
short lines punctuated as a series ("……；" / "……；" / "……。").  Those shapes
are cheap to recognise with one regex pass per line, and they are exactly
what a reader would call "the points".  Ordinary paragraphs, headings and
slogans are not a list: an unmarked run of short lines counts only when it
is punctuated as a series or introduced by a line ending with a colon, and
quoted speech, exclamations and questions never do.

Items are verbatim slices of their line with the marker and trailing
series punctuation (；;，,、。：:) removed; an item too long to be a point is
reduced to its lead sentence, and a list whose items stay too long is
rejected.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from summarizer.text import HAN_RANGES, content_length

__all__ = ["find_key_points"]

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
# 首先/其次/最后 need their comma at a line start ("其次要" is not "secondly").
_ZHSEQ = r"(?P<zhseq>首先|其次|再次|最后|最後)"
_MARKERS = (
    rf"[(（](?P<pnum>\d{{1,2}})[)）]"
    rf"|(?P<num>\d{{1,2}})(?P<numsep>[.．、)）])(?!\d)"
    rf"|[(（](?P<pzh>{_N})[)）]"
    rf"|(?P<zhshi>{_N})是[，,:：]?"
    rf"|第(?P<di>{_N})[，,、:：]"
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
    r"(?P<bullet>[•·●▪◦‣∙・◆◇■□★☆▶►✓✔➢➤○◎])"
    r"|(?P<dash>[-*–])(?=\s)"
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
    branches += [f"{d}{_AT_CLAUSE}\\d?[.．、)）](?!\\d)" for d in "0123456789"]
    branches += [f"{c}{_AT_CLAUSE}{zh}{{0,2}}是[，,:：]?" for c in _ZH_DIGITS]
    branches.append(f"第{_AT_CLAUSE}{zh}{{1,3}}[，,、:：是]")
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
    r"[两兩二三四五六七八九十几幾多][个個点點大项項条條种種]|"
    r"\b(?:key|points?|takeaways?|highlights?|steps?|ways|reasons?|tips|lessons|following|"
    r"priorities|measures|goals|three|four|five|several)\b",
    re.IGNORECASE,
)
_FURNITURE_INTRO = re.compile(
    r"相关|相關|推荐|推薦|阅读|閱讀|延伸|热门|熱門|往期|猜你|更多|"
    r"related|read more|see also|recommended|more from|you may also",
    re.IGNORECASE,
)
_ABBREVIATION = re.compile(
    r"(?:^|[\s(])(?:(?:[A-Za-z]\.){2,}|(?:Inc|Co|Corp|Ltd|Bros|Jr|Sr|St|No|etc|vs)\.)$"
)
_HEADLINE_BREAK = re.compile(r"[!！?？][^!！?？\s]|[|丨]")


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
    preferred: bool


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


def _point(text: str) -> str | None:
    """The displayable point of one item (its short lead sentence when it is long), or None."""
    item = _clean(text)
    if content_length(item) == 0:
        return None
    han = _is_han(item)
    cap, short = (_ITEM_CAP_ZH, _SHORT_ZH) if han else (_ITEM_CAP_EN, _SHORT_EN)
    size = content_length(item)
    # A point is one sentence, unless the whole item is short anyway.
    if size <= short or (size <= cap and not _INTERNAL_STOP.search(item)):
        return item
    # A long item is a point only when it opens with a short headline sentence;
    # a paragraph that merely carries a number (wire briefs "① … ② …") is not.
    lead = _clean(_lead(item))
    if 0 < content_length(lead) <= short:
        return lead
    return None


def _intro_flags(intro: str) -> tuple[bool, bool]:
    """(ends with a colon, mentions points/建议/三点…) for the text that introduces a list."""
    t = intro.rstrip()
    return t.endswith((":", "：")), bool(_INTRO_WORDS.search(intro))


def _similar(lengths: Sequence[int]) -> bool:
    lo, hi = min(lengths), max(lengths)
    return hi <= max(3 * lo, lo + 10)


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
    items = [_point(r) for r in raw]
    if any(p is None for p in items):
        return None
    points = [p for p in items if p is not None]
    if family in _LOOSE and not _similar([content_length(p) for p in points]):
        return None
    intro = lines[i - 1] if i > 0 else ""
    if _FURNITURE_INTRO.search(intro) and content_length(intro) <= 12:
        return None
    colon, words = _intro_flags(intro)
    # A headline-like run closing the text is a related-links list, not points.
    if j == len(lines) and not colon and any(_HEADLINE_BREAK.search(r.strip()) for r in raw):
        return None
    return _Candidate(points, i, 0, colon or words)


def _short_line(line: str) -> str | None:
    """Ending class of a short one-clause line that could be a list item, else None.

    Quotes, exclamations, questions and ellipses are speech or rhetoric, not points.
    """
    t = line.strip()
    if not t or t[0] in _OPEN_QUOTES or t.endswith(("！", "!", "？", "?", "…", "...", "——")):
        return None
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
    if colon and not (_FURNITURE_INTRO.search(intro) and content_length(intro) <= 12):
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
    return _Candidate(points, i, 0, preferred)


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
        items = [_point(r) for r in raw]
        if any(p is None for p in items):
            continue
        points = [p for p in items if p is not None]
        if family in _LOOSE and not _similar([content_length(p) for p in points]):
            continue
        prefix = line[max(0, chain[0].start - _INTRO_SPAN) : chain[0].start]
        colon, words = _intro_flags(prefix if prefix.strip() else prev)
        words = words or bool(_INTRO_WORDS.search(prev))
        out.append(_Candidate(points, index, chain[0].start, colon or words))
    return out


def find_key_points(lines: Sequence[str]) -> list[str]:
    """Verbatim key points the article itself lists, in order; [] when it lists none.

    When the article has several lists, the first one introduced by a colon
    or by a mention of points (要点, 建议, 三点, "key points"…) wins, else the
    first.  At most ``MAX_ITEMS`` points.
    """
    lines = [ln for ln in lines if ln.strip()]
    markers: list[_Marker | None] = []
    for ln in lines:
        m = _LINE_MARKER.match(ln)
        markers.append(_marker(m.groupdict(), m.start(), m.end()) if m else None)
    candidates = _marked_runs(lines, markers) + _plain_runs(lines, markers)
    for k, ln in enumerate(lines):
        candidates.extend(_inline(ln, k, lines[k - 1] if k else ""))
    if not candidates:
        return []
    candidates.sort(key=lambda c: (not c.preferred, c.line, c.pos))
    return candidates[0].items[:MAX_ITEMS]
