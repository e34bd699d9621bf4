"""Document structure: title, blocks (headings, paragraphs, list items) and sentences.

Sentences are verbatim slices of their line, so everything the digest quotes
is a substring of the input.  Chinese splits on 。！？；(and their ASCII
forms); English on . ! ? before a capital, digit or quote, never after a
title (Mr., Dr.), an initial or inside a decimal.  A final sentence without a
terminator is kept (sumy's Chinese splitter drops it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from summarizer.furniture import strip_furniture
from summarizer.text import HAN_RANGES, content_length

__all__ = ["Article", "Block", "Sentence", "parse", "split_sentences"]

BlockKind = Literal["heading", "paragraph", "item"]

_HAN = re.compile(f"[{HAN_RANGES}]")
_ZH_TERM = "。！？!?；"
_CLOSERS = "”’」』）)》〉】〕]｝}\"'"
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
# One regex finds every candidate boundary; the loop decides which are real.
_BOUNDARY = re.compile(r"(?:[。！？!?；]+|[;](?=\s*\S)|\.(?=\s))[" + re.escape(_CLOSERS) + r"]*")
_LONG_SENTENCE = 260  # content units; longer runs are split at clause commas
_CLAUSE = re.compile(r"(?<=[，,、：:])")


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


def _en_boundary_ok(line: str, dot: int) -> bool:
    """Is the '.' at ``dot`` the end of an English sentence?"""
    rest = line[dot + 1 :].lstrip(_CLOSERS).lstrip()
    if not rest:
        return True
    nxt = rest[0]
    if not (nxt.isupper() or nxt.isdigit() or nxt in "\"'“‘(£$€" or _HAN.match(nxt)):
        return False
    m = re.search(r"([A-Za-z.]+)$", line[:dot])
    if m:
        word = m.group(1)
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


def _sentences_with_length(line: str) -> list[tuple[str, int]]:
    pieces: list[str] = []
    start = 0
    han = _has_han(line)
    for m in _BOUNDARY.finditer(line):
        piece = m.group(0)
        if piece[0] == ";" and not han:
            continue
        if piece[0] == "." and not _en_boundary_ok(line, m.start()):
            continue
        end = m.end()
        pieces.append(line[start:end])
        start = end
    if start < len(line):
        pieces.append(line[start:])
    merged: list[tuple[str, int]] = []
    for p in pieces:
        p = p.strip()
        if not p:
            continue
        n = content_length(p)
        if n == 0:
            if merged:  # a stray closing quote or lone punctuation
                merged[-1] = (merged[-1][0] + p, merged[-1][1])
            continue
        if n <= _LONG_SENTENCE:
            merged.append((p, n))
        else:
            merged.extend((q, content_length(q)) for q in _split_long(p))
    return [(t, n) for t, n in merged if n > 0]


def _split_long(sentence: str) -> Iterator[str]:
    """Cut run-on text (no punctuation for pages) at clause commas, then spaces."""
    parts = [p for p in _CLAUSE.split(sentence) if p]
    if len(parts) == 1:
        parts = [p for p in re.split(r"(?<=\s)", sentence) if p]
    if len(parts) == 1:  # one unbroken run: fixed-size verbatim chunks
        parts = [sentence[i : i + 200] for i in range(0, len(sentence), 200)]
    buf, size = "", 0
    for p in parts:
        n = content_length(p)
        if buf and size + n > _LONG_SENTENCE // 2:
            yield buf.strip()
            buf, size = "", 0
        buf += p
        size += n
    if buf.strip():
        yield buf.strip()


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
    return first


def parse(text: str) -> Article:
    """Lines → furniture removed → title, blocks and sentences."""
    lines = strip_furniture(text.split("\n"))
    title = _detect_title(lines)
    body = lines[1:] if title is not None else lines
    blocks: list[Block] = []
    for line in body:
        if _LIST_MARKER.match(line):
            kind: BlockKind = "item"
        elif _is_heading(line):
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
