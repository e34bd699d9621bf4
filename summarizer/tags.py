"""Platform and company tags (#DingTalk, #WeChat) for a digest.

The names live in ``platforms.toml`` (data, not code) so adding a company is
a one-line change.  All aliases (Simplified, Traditional, English) go into
one precompiled case-insensitive alternation, longest first, so a text is
scanned once whatever the number of platforms; Latin aliases match on word
boundaries, and the ambiguous ones (Apple, Meta, QQ) only in their exact
case.  Salience is what a reader would call "the article is about it": how
often it is named, how early, and whether the title and the chosen digest
sentences name it.  A platform named once in passing is not a tag.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

__all__ = ["Platform", "canonical_tag", "find_tags", "load_platforms"]

#: Score weights: each mention counts 1.
_POSITION_WEIGHT = 1.5  # first mention at the very start; falls linearly to 0 at the end
_TITLE_WEIGHT = 3.0
_KEY_WEIGHT = 1.0  # per digest sentence naming it, at most _KEY_CAP of them
_KEY_CAP = 3
_PARENT_SHARE = 0.25  # a parent's credit: this share of its named children's scores

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
_ASCII_ALNUM = "A-Za-z0-9"


@dataclass(frozen=True, slots=True)
class Platform:
    """A taggable platform or company; ``cased`` aliases match in their exact case only."""

    name: str
    aliases: tuple[str, ...]
    parent: str | None = None
    cased: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class _Matcher:
    pattern: re.Pattern[str]
    exact: dict[str, str]  # case-sensitive alias → canonical name
    folded: dict[str, str]  # lower-cased alias → canonical name
    parents: dict[str, str]  # child → parent

    def resolve(self, found: str) -> str | None:
        return self.exact.get(found) or self.folded.get(found.lower())


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    raw = resources.files("summarizer").joinpath("platforms.toml").read_text("utf-8")
    return tomllib.loads(raw)


@lru_cache(maxsize=1)
def load_platforms() -> tuple[Platform, ...]:
    """The platform table shipped with the package (read and validated once)."""
    table = _data().get("platform", [])
    platforms = tuple(
        Platform(
            name=str(row["name"]),
            aliases=tuple(str(a) for a in row.get("aliases", ())),
            parent=str(row["parent"]) if row.get("parent") else None,
            cased=frozenset(str(a) for a in row.get("cased", ())),
        )
        for row in table
    )
    _validate(platforms)
    return platforms


def _validate(platforms: Sequence[Platform]) -> None:
    """Fail loudly on a bad data file rather than tag wrongly."""
    names = [p.name for p in platforms]
    if len({n.lower() for n in names}) != len(names):
        raise ValueError("platforms.toml: duplicate platform names")
    known = set(names)
    for p in platforms:
        if not _NAME.match(p.name):
            raise ValueError(f"platforms.toml: {p.name!r} is not hashtag-safe")
        if p.parent is not None and p.parent not in known:
            raise ValueError(f"platforms.toml: unknown parent {p.parent!r} of {p.name}")
        if not p.aliases or not p.cased <= set(p.aliases):
            raise ValueError(f"platforms.toml: bad aliases for {p.name}")


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


class _Trie:
    """Aliases as a character trie, so the regex tests one branch per first character."""

    __slots__ = ("children", "terminal")

    def __init__(self) -> None:
        self.children: dict[str, _Trie] = {}
        self.terminal = False

    def add(self, word: str) -> None:
        node = self
        for ch in word:
            node = node.children.setdefault(ch, _Trie())
        node.terminal = True

    def regex(self, last: str = "") -> str:
        branches = []
        for ch in sorted(self.children):
            head = r"\s+" if ch == " " else re.escape(ch)
            if not last and _is_latin(ch):  # a Latin alias starts a word
                head += f"(?<![{_ASCII_ALNUM}].)"
            branches.append(head + self.children[ch].regex(ch))
        if self.terminal:  # longer aliases were tried first
            branches.append(f"(?![{_ASCII_ALNUM}])" if _is_latin(last) else "")
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"


@lru_cache(maxsize=1)
def _matcher() -> _Matcher:
    exact: dict[str, str] = {}
    folded: dict[str, str] = {}
    parents: dict[str, str] = {}
    trie = _Trie()
    for p in load_platforms():
        if p.parent:
            parents[p.name] = p.parent
        for alias in p.aliases:
            trie.add(" ".join(alias.lower().split()))
            if alias in p.cased:
                exact[alias] = p.name
            else:
                folded[alias.lower()] = p.name
    for word in _data().get("ignore", ()):
        if str(word).lower() in folded:
            raise ValueError(f"platforms.toml: {word!r} is both an alias and ignored")
        trie.add(str(word).lower())  # matched, then resolved to nothing
    # Matched against lower-cased text: re.IGNORECASE makes this alternation
    # about 15 times slower on CJK text.
    pattern = re.compile(trie.regex())
    return _Matcher(pattern, exact, folded, parents)


def _mentions(text: str) -> list[tuple[str, int]]:
    """(canonical name, offset) for every alias occurrence, left to right."""
    m = _matcher()
    low = text.lower()
    if len(low) != len(text):  # rare characters whose lower case is longer
        low = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)
    out: list[tuple[str, int]] = []
    for found in m.pattern.finditer(low):
        name = m.resolve(_squash(text[found.start() : found.end()]))
        if name is not None:
            out.append((name, found.start()))
    return out


def _squash(found: str) -> str:
    return " ".join(found.split()) if " " in found or "\n" in found else found


def find_tags(
    text: str,
    *,
    title: str | None = None,
    key_sentences: Sequence[str] = (),
    limit: int = 5,
) -> list[str]:
    """Canonical tag names (no '#'), most salient first; inputs in the Simplified view.

    A platform becomes a tag when it is named at least twice, or in the
    title, or in a digest sentence.  A parent company (Alibaba for
    DingTalk) gets a share of its children's scores and becomes a tag when
    two of its children are tags, or one is and the parent is named too.
    """
    if limit <= 0:
        return []
    counts: dict[str, int] = {}
    first: dict[str, int] = {}
    for name, offset in _mentions(text):
        counts[name] = counts.get(name, 0) + 1
        first.setdefault(name, offset)
    in_title = {name for name, _ in _mentions(title)} if title else set()
    key_hits: dict[str, int] = {}
    for sentence in key_sentences:
        for name in {name for name, _ in _mentions(sentence)}:
            key_hits[name] = key_hits.get(name, 0) + 1

    size = max(len(text), 1)
    scores: dict[str, float] = {}
    for name in counts.keys() | in_title | key_hits.keys():
        score = float(counts.get(name, 0))
        if name in first:
            score += _POSITION_WEIGHT * (1.0 - first[name] / size)
        if name in in_title:
            score += _TITLE_WEIGHT
        score += _KEY_WEIGHT * min(key_hits.get(name, 0), _KEY_CAP)
        scores[name] = score
    tagged = {n for n in scores if counts.get(n, 0) >= 2 or n in in_title or key_hits.get(n, 0) > 0}

    parents = _matcher().parents
    credit: dict[str, float] = {}
    tagged_children: dict[str, int] = {}
    for child, own in scores.items():
        parent = parents.get(child)
        if parent is None:
            continue
        credit[parent] = credit.get(parent, 0.0) + _PARENT_SHARE * own
        if child in tagged:
            tagged_children[parent] = tagged_children.get(parent, 0) + 1
    for parent, extra in credit.items():
        children = tagged_children.get(parent, 0)
        if children >= 2 or (children >= 1 and parent in scores):
            tagged.add(parent)
        scores[parent] = scores.get(parent, 0.0) + extra

    ranked = sorted(tagged, key=lambda n: (-scores[n], first.get(n, size), n))
    return ranked[:limit]


def canonical_tag(name: str) -> str | None:
    """The canonical tag for a name or alias in any case, with or without '#'; else None.

    Case is ignored even for cased aliases: a user typing "/filter qq" means QQ.
    """
    query = " ".join(name.strip().lstrip("#＃").split())
    return _lookup().get(query.lower()) if query else None


@lru_cache(maxsize=1)
def _lookup() -> dict[str, str]:
    table = {a.lower(): p.name for p in load_platforms() for a in p.aliases}
    table.update({p.name.lower(): p.name for p in load_platforms()})
    return table
