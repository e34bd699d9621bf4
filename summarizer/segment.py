"""Document structure: title, blocks (headings, paragraphs, list items) and sentences.

Sentences are verbatim slices of their line, so everything the digest quotes
is a substring of the input.  Chinese splits on 。！？ (and their ASCII forms);
English on . ! ? before a capital, digit or quote, never after a title (Mr.,
Dr.), an initial, inside a decimal or after a list number ("1. Revenue…").
A final sentence without a terminator is kept (sumy's Chinese splitter drops
it).

；splits only between two clauses that stand alone: not inside a list
introduced by a colon or a series of three or more clauses, not where the
clauses are numbered (1）…；2）…), not before a clause that leans on the one
before (但…, 其…), and not around a short fragment; a clause of such a
series is not something to quote alone.

Every step is linear in the line: each candidate boundary looks at a bounded
window or at text no other candidate rescans, so a megabyte on one line or
"a. B" repeated costs the same per character as an ordinary article.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from summarizer.furniture import clean_title, strip_furniture
from summarizer.text import HAN_RANGES, content_length

__all__ = ["Article", "Block", "Sentence", "parse", "split_sentences"]

BlockKind = Literal["heading", "paragraph", "item"]

_HAN = re.compile(f"[{HAN_RANGES}]")
_CLOSERS = "”’」』）)》〉】〕]｝}\"'"
_OPENERS = "“‘「『\"'"
_LIST_MARKER = re.compile(
    r"^\s*(?:[•·●▪◦‣∙・◆◇■□★☆▶►✓✔➢➤\-*–—]\s*|"
    r"\(?[0-9]{1,2}[.)、．]\s*|[（(][0-9一二三四五六七八九十]{1,3}[）)]\s*|"
    r"[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]\s*|[一二三四五六七八九十]{1,2}[、.．]\s*|"
    r"第[一二三四五六七八九十]{1,2}[，,、:：]\s*|[一二三四五六七八九十]是[，,:：]?)",
)
_EN_TITLES = frozenset(
    "Mr Mrs Ms Dr Prof Sr Jr St Mt Gen Col Lt Maj Capt Gov Sen Rep Rev Fr Inc Co Corp Ltd "
    "No vs etc Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec e.g i.e approx".split()
)
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.")
_WORD_WINDOW = 24  # longer than any abbreviation the rules below look for
# One regex finds every candidate boundary; the loop decides which are real.
_BOUNDARY = re.compile(
    r"(?:[。！？!?；]+|[;](?=\s*\S)|\.(?=[" + re.escape(_CLOSERS) + r"]*(?:\s|$)))"
    r"[" + re.escape(_CLOSERS) + r"]*"
)
_NEXT_CHAR = re.compile(r"\s*(\S)")
_CLAUSE_END = re.compile(r"[。！？!?；;]")
# Inline enumerators: "1）", "（2）", "②", "一是", "其二，", "第三，".
_ENUMERATOR = re.compile(
    r"(?<![0-9０-９A-Za-z])[（(]?[0-9０-９]{1,2}[）)]|[（(][一二三四五六七八九十]{1,2}[）)]|[①-⑳]|"
    r"(?:^|(?<=[，,；;：:。\s]))(?:[一二三四五六七八九十]是|其[一二三四五六七八九十][，,、：:]|"
    r"第[一二三四五六七八九十]{1,2}[，,、：:])"
)
_LEAD_IN = re.compile(r"：|:(?!\d)")
# A clause opening with a connective or an anaphor leans on the one before it.
_LEANING = re.compile(
    r"(?:但|而|且|并|並|却|卻|则|則|也|还|還|又|因此|所以|从而|從而|进而|進而|同时|同時|此外|"
    r"另外|其中|然而|不过|不過|以及|这|這|该|該|其|此|它|他们|他們)"
)
_SHORT_CLAUSE = 8  # content units: a clause this short leans on its neighbours
_LONG_SENTENCE = 260  # content units; longer runs are split at clause commas
_CLAUSE = re.compile(r"(?<=[，,、：:；;])")
_QUESTION_END = ("?", "？")
_QUESTION_HEADING = {"zh": 30, "en": 14}  # content units


@dataclass(frozen=True, slots=True)
class Block:
    kind: BlockKind
    text: str
    index: int


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    index: int
    block: int
    pos_in_block: int
    length: int  # content units


@dataclass(slots=True)
class Article:
    title: str | None
    blocks: list[Block]
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        return [b.text for b in self.blocks]


def _has_han(text: str) -> bool:
    return bool(_HAN.search(text))


def _ends_sentence(text: str) -> bool:
    t = text.rstrip(_CLOSERS + " ")
    return bool(t) and t[-1] in "。！？!?.；;…:："


def _is_heading(line: str) -> bool:
    if _LIST_MARKER.match(line) or _ends_sentence(line):
        return False
    n = content_length(line)
    return 0 < n <= (30 if _has_han(line) else 16)


def _is_question_heading(line: str, following: str | None) -> bool:
    """A short one-sentence question the next paragraph answers: a subheading.

    "有哪些亮點？" or "What does it mean?" alone on a line introduces a
    section; quoted as the gist it would say nothing.
    """
    if following is None or not line.rstrip(_CLOSERS + " ").endswith(_QUESTION_END):
        return False
    if _LIST_MARKER.match(line) or line.lstrip()[:1] in _OPENERS:  # a list item, or speech
        return False
    n = content_length(line)
    cap = _QUESTION_HEADING["zh" if _has_han(line) else "en"]
    if not 0 < n <= cap or len(_sentence_spans(line)) != 1:
        return False
    return content_length(following) > max(n, 12) and _ends_sentence(following)


def _word_before(line: str, dot: int) -> tuple[str, int]:
    """The run of letters and dots ending at ``dot`` (bounded) and where it starts."""
    i = dot
    floor = max(0, dot - _WORD_WINDOW)
    while i > floor and line[i - 1] in _WORD_CHARS:
        i -= 1
    return line[i:dot], i


def _is_list_number(line: str, dot: int, start: int) -> bool:
    """Is the '.' at ``dot`` the dot of a list number ("1. Revenue…", ": 2. Costs")?"""
    i = dot
    while i > start and dot - i < 3 and line[i - 1].isdigit():
        i -= 1
    if i == dot or dot - i > 2 or (i > 0 and line[i - 1].isdigit()):
        return False
    j = i
    while j > start and line[j - 1] in " (":
        j -= 1
    return j == start or (j < i and line[j - 1] in ":;：；,，")


def _en_boundary_ok(line: str, dot: int, start: int = 0) -> bool:
    """Is the '.' at ``dot`` the end of an English sentence begun at ``start``?"""
    after = dot + 1
    while after < len(line) and line[after] in _CLOSERS:
        after += 1
    m = _NEXT_CHAR.match(line, after)
    if m is None:
        return True
    nxt = m.group(1)
    if not (nxt.isupper() or nxt.isdigit() or nxt in "\"'“‘(£$€" or _HAN.match(nxt)):
        return False
    if _is_list_number(line, dot, start):
        return False
    word, _ = _word_before(line, dot)
    if word:
        if word in _EN_TITLES or word.rstrip(".") in _EN_TITLES:
            return False
        if len(word) == 1 and word.isupper():  # an initial: "George W. Bush"
            return False
        if "." in word and len(word) <= 5:  # U.S., e.g.
            return False
    return True


def split_sentences(line: str) -> list[str]:
    """Split one line into verbatim sentences (no newline handling here)."""
    return [text for text, _ in _sentences_with_length(line)]


class _SemicolonState:
    """What the sentence in progress holds so far, scanned once (linear)."""

    __slots__ = ("enumerated", "lead_in", "scanned", "series")

    def __init__(self, start: int) -> None:
        self.scanned = start
        self.lead_in = False
        self.enumerated = False
        self.series = False

    def advance(self, line: str, upto: int) -> None:
        if upto > self.scanned:
            chunk = line[self.scanned : upto]
            self.lead_in = self.lead_in or bool(_LEAD_IN.search(chunk))
            self.enumerated = self.enumerated or bool(_ENUMERATOR.search(chunk))
            self.scanned = upto


def _semicolon_ends(line: str, clause_start: int, semi: int, end: int, st: _SemicolonState) -> bool:
    """Does the ；/; at ``semi`` separate two sentences that stand alone?"""
    nxt = _CLAUSE_END.search(line, end)
    after = line[end : nxt.start() if nxt else len(line)]
    if not after.strip():
        return True
    if nxt is not None and line[nxt.start()] in ";；":
        st.series = True  # three or more clauses: a list of parallel clauses, one sentence
    st.advance(line, semi)
    if st.lead_in or st.enumerated or st.series:
        return False
    head = after.lstrip()
    if _ENUMERATOR.match(head) or _LEANING.match(head):
        return False
    before = line[clause_start:semi]
    return content_length(before) >= _SHORT_CLAUSE and content_length(after) >= _SHORT_CLAUSE


def _sentence_spans(line: str) -> list[tuple[int, int]]:
    """(start, end) of each raw sentence piece of ``line``, in order, covering it."""
    spans: list[tuple[int, int]] = []
    start = 0
    clause_start = 0
    han = _has_han(line)
    state = _SemicolonState(0)
    for m in _BOUNDARY.finditer(line):
        first = line[m.start()]
        if first in ";；":
            if first == ";" and not han:
                continue
            ok = _semicolon_ends(line, clause_start, m.start(), m.end(), state)
            clause_start = m.end()
            if not ok:
                continue
        elif first == "." and not _en_boundary_ok(line, m.start(), start):
            continue
        spans.append((start, m.end()))
        start = clause_start = m.end()
        state = _SemicolonState(start)
    if start < len(line):
        spans.append((start, len(line)))
    return spans


def _strip_span(line: str, a: int, b: int) -> tuple[int, int]:
    while a < b and line[a].isspace():
        a += 1
    while b > a and line[b - 1].isspace():
        b -= 1
    return a, b


def _is_bare_marker(text: str) -> bool:
    m = _LIST_MARKER.match(text)
    return m is not None and m.end() == len(text)


def _sentences_with_length(line: str) -> list[tuple[str, int]]:
    spans = [_strip_span(line, a, b) for a, b in _sentence_spans(line)]
    merged: list[tuple[int, int, int]] = []  # start, end, content units
    carry: int | None = None  # start of a bare list marker waiting for its text
    for a, b in spans:
        if a == b:
            continue
        if carry is not None:
            a, carry = carry, None
        text = line[a:b]
        n = content_length(text)
        if n == 0:
            if merged:  # a stray closing quote or lone punctuation
                merged[-1] = (merged[-1][0], b, merged[-1][2])
            continue
        if _is_bare_marker(text):  # "1." or "•" alone: it belongs to what follows
            carry = a
            continue
        merged.append((a, b, n))
    if carry is not None and merged:  # a marker at the very end: a line of only one says nothing
        merged[-1] = (merged[-1][0], len(line.rstrip()), merged[-1][2])
    out: list[tuple[str, int]] = []
    for a, b, n in merged:
        text = line[a:b]
        if n <= _LONG_SENTENCE:
            out.append((text, n))
        else:
            out.extend((q, content_length(q)) for q in _split_long(text))
    return [(t, n) for t, n in out if n > 0]


def _split_long(sentence: str) -> Iterator[str]:
    """Cut run-on text (no punctuation for pages) at clause commas, then spaces."""
    parts = [p for p in _CLAUSE.split(sentence) if p]
    if len(parts) == 1:
        parts = [p for p in re.split(r"(?<=\s)", sentence) if p]
    if len(parts) == 1:  # one unbroken run: fixed-size verbatim chunks
        parts = [sentence[i : i + 200] for i in range(0, len(sentence), 200)]
    buf: list[str] = []
    size = 0
    for p in parts:
        n = content_length(p)
        if buf and size + n > _LONG_SENTENCE // 2:
            yield "".join(buf).strip()
            buf, size = [], 0
        buf.append(p)
        size += n
    rest = "".join(buf).strip()
    if rest:
        yield rest


def _detect_title(lines: list[str]) -> str | None:
    if len(lines) < 2:
        return None
    first = lines[0]
    if _LIST_MARKER.match(first):
        return None
    n = content_length(first)
    limit = 60 if _has_han(first) else 30
    if n == 0 or n > limit:
        return None
    if _ends_sentence(first) and not first.rstrip().endswith(("?", "？", "!", "！")):
        return None
    return clean_title(first)


def parse(text: str) -> Article:
    """Lines → furniture removed → title, blocks and sentences."""
    lines = strip_furniture(text.split("\n"))
    title = _detect_title(lines)
    body = lines[1:] if title is not None else lines
    blocks: list[Block] = []
    for k, line in enumerate(body):
        following = body[k + 1] if k + 1 < len(body) else None
        if _LIST_MARKER.match(line):
            kind: BlockKind = "item"
        elif _is_heading(line) or _is_question_heading(line, following):
            kind = "heading"
        else:
            kind = "paragraph"
        blocks.append(Block(kind, line, len(blocks)))
    sentences: list[Sentence] = []
    for b in blocks:
        if b.kind == "heading":
            continue
        for j, (s, n) in enumerate(_sentences_with_length(b.text)):
            sentences.append(Sentence(s, len(sentences), b.index, j, n))
    return Article(title, blocks, sentences)
