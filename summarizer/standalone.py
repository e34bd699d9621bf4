"""Sentences that stand alone: connectives and words that point back.

A digest shows a few sentences out of their context, so a sentence that opens
with a connective ("此外，", "However,") or a word that points back ("这",
"该公司", "They") reads as if something were missing.  Each sentence gets one
of three verdicts:

- it stands alone;
- it opens with a *connective* whose removal leaves a sentence that stands
  alone: the digest may show it from the word after the connective (still a
  verbatim slice of the input: "此外，联发科…" → "联发科…");
- it *points back* (a pronoun or demonstrative: 这/该/此/其/他, This/It/They):
  it needs the sentence right before it, or must yield to another sentence.

Only the sentence's first word counts; both scripts are recognised (the
Traditional forms are listed beside the Simplified ones, so no conversion is
needed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["Dependence", "dependence"]

# Leading characters a reader skips before the first word (quotes, spaces).
_OPENERS = " \t\r\n\u3000\u00a0\"'“”‘’「」『』«»‹›„‟〝〞＂＇"
_QUOTES = set(_OPENERS) - set(" \t\r\n\u3000\u00a0")

# Connectives: removable when followed by a comma (or, for the one-character
# adversatives, directly by the clause they introduce).
_ZH_CONNECTIVES = (
    "与此同时 與此同時 除此之外 另一方面 报道提到 報導提到 报导提到 報道提到 报道指出 報導指出 "
    "此外 另外 同时 同時 然而 不过 不過 但是 因此 所以 并且 並且 而且 其实 其實 总之 總之 "
    "事实上 事實上 但 而"
).split()
# Words that need what came before: a demonstrative or pronoun, or 其中 ("of these").
_ZH_POINTERS = (
    "其中 此次 此前 这 這 该 該 此 上述 他们 他們 她们 她們 它们 它們 他 她 它 其 前者 后者 後者 "
    "对此 對此 为此 為此"
).split()
_EN_CONNECTIVES = (
    "In other words",
    "In particular",
    "Additionally",
    "Meanwhile",
    "Moreover",
    "However",
    "Still",
    "Also",
    "And",
    "But",
)
_EN_POINTERS = ("These", "Those", "This", "That", "They", "She", "He", "It")
# A remainder must not open with a word that only continues a clause ("但也…" → "也…").
_ZH_BAD_REMAINDER = tuple("也还還又却卻则則就才都仍是亦")
_COMMA = "，,、：:"
_EN_WORD = re.compile(r"[A-Za-z]+")

Kind = Literal["alone", "trim", "needs"]


@dataclass(frozen=True, slots=True)
class Dependence:
    """How a sentence relates to the one before it.

    ``start`` is where the sentence may be shown from when ``kind`` is
    ``"trim"`` (an offset into the sentence's own text); 0 otherwise.  ``tag``
    is the end of a byline or dateline glued to the sentence ("【某某快报／记者】",
    "LONDON (Reuters) - "): never worth showing, whatever comes before.
    """

    kind: Kind
    start: int = 0
    word: str = ""
    tag: int = 0


_ALONE = Dependence("alone")

# A source/author tag or an agency dateline in front of a lede.
_LEAD_TAG = re.compile(
    r"^\s*(?:【[^】]{0,20}(?:[／/|｜]|记者|記者|报道|報導|快讯|快訊|快报|快報|电讯|電訊)[^】]{0,12}】"
    r"|(?:新华社|新華社|中新社|本报讯|本報訊)[^，,。]{0,16}?(?:电|電|讯|訊)(?=\s|[（(])"
    r"(?:\s*[（(](?:记者|記者)[^）)]{1,20}[）)])?"
    r"|[A-Z][A-Za-z .,'-]{1,40}\((?:Reuters|AP|AFP|Bloomberg|Xinhua|CNN|BBC|dpa)\)\s*[-–—])\s*"
)


def _lead(text: str) -> int:
    i = 0
    while i < len(text) and text[i] in _OPENERS:
        i += 1
    return i


def _by_length(words: list[str]) -> tuple[tuple[str, ...], frozenset[str]]:
    """Longest first (so 与此同时 wins over 与), and the set of first characters."""
    ordered = tuple(sorted(set(words), key=len, reverse=True))
    return ordered, frozenset(w[0] for w in ordered)


_ZH_CONNECTIVE_INDEX = _by_length(_ZH_CONNECTIVES)
_ZH_POINTER_INDEX = _by_length(_ZH_POINTERS)


def _prefix(text: str, index: tuple[tuple[str, ...], frozenset[str]]) -> str | None:
    words, firsts = index
    if not text or text[0] not in firsts:
        return None
    for w in words:
        if text.startswith(w):
            return w
    return None


def _en_prefix(text: str, words: tuple[str, ...]) -> str | None:
    for w in words:
        if text.startswith(w):
            rest = text[len(w) : len(w) + 1]
            if not rest or not (rest.isalnum() or rest == "_"):
                return w
    return None


def dependence(text: str) -> Dependence:
    """The verdict for one sentence (see the module docstring)."""
    m = _LEAD_TAG.match(text)
    if m is not None and len(text) - m.end() >= 8:
        rest = _dependence(text[m.end() :])
        start = rest.start + m.end() if rest.kind == "trim" else 0
        return Dependence(rest.kind, start, rest.word, m.end())
    return _dependence(text)


def _dependence(text: str) -> Dependence:
    lead = _lead(text)
    quoted = any(ch in _QUOTES for ch in text[:lead])
    body = text[lead:]
    word = _en_prefix(body, _EN_CONNECTIVES)
    if word is not None:
        return _trim_en(text, lead + len(word), word, quoted)
    word = _en_prefix(body, _EN_POINTERS)
    if word is not None:
        return Dependence("needs", 0, word)
    word = _prefix(body, _ZH_CONNECTIVE_INDEX)
    pointer = _prefix(body, _ZH_POINTER_INDEX)
    if word is not None and (pointer is None or len(word) >= len(pointer)):
        return _trim_zh(text, lead + len(word), word, quoted)
    if pointer is not None:
        return Dependence("needs", 0, pointer)
    return _ALONE


def _trim_zh(text: str, end: int, word: str, quoted: bool) -> Dependence:
    rest = end
    had_comma = rest < len(text) and text[rest] in _COMMA
    if had_comma:
        rest += 1
    while rest < len(text) and text[rest] in " \u3000":
        rest += 1
    remainder = text[rest:]
    ok = (
        not quoted
        and (
            had_comma or len(word) == 1 or word in ("但是", "不过", "不過", "然而", "因此", "所以")
        )
        and len(remainder) >= 8
        and not remainder.startswith(_ZH_BAD_REMAINDER)
        and dependence(remainder).kind == "alone"
    )
    return Dependence("trim", rest, word) if ok else Dependence("needs", 0, word)


def _trim_en(text: str, end: int, word: str, quoted: bool) -> Dependence:
    rest = end
    had_comma = rest < len(text) and text[rest] == ","
    if had_comma:
        rest += 1
    while rest < len(text) and text[rest] == " ":
        rest += 1
    remainder = text[rest:]
    needs_comma = word not in ("And", "But", "Also")
    ok = (
        not quoted
        and (had_comma or not needs_comma)
        and len(_EN_WORD.findall(remainder)) >= 5
        and dependence(remainder[:1].upper() + remainder[1:]).kind == "alone"
    )
    return Dependence("trim", rest, word) if ok else Dependence("needs", 0, word)
