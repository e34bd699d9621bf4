"""The daily digest: a chat's articles filtered, de-duplicated, ranked and grouped.

Pure and deterministic: the same items in any order give the same
:class:`DailyDigest`.  Rendering (headings, dates, splitting at Telegram's
4096 characters) is the bot's job; deciding *what* goes in is this module's.

Near-duplicates.  Each article is reduced to a set of shingles over its
Simplified view (so Traditional and Simplified copies compare equal) with
punctuation and spaces dropped: a shingle is 4 consecutive Han characters
or 3 consecutive Latin words, since a Han character carries less than a word.
Two articles are the same story when their shingle sets overlap enough
(Jaccard, or containment for one outlet's shorter version), or when they
overlap moderately and their digests agree too.  Candidate pairs come from an
inverted index, so only articles sharing a shingle are ever compared, and
shingles found in more than :data:`COMMON_SHINGLE_CAP` articles (boilerplate,
stock phrases) are skipped.  With S the total number of shingles (at most a
few thousand per article, see :data:`SHINGLE_TEXT_CHARS`), counting costs
O(S + sum of df²) <= O(S * cap): linear in the number of articles, never
quadratic.  Exact copies are collapsed by fingerprint before indexing, so a
story forwarded a hundred times costs one article's worth of work (the limit:
more than ``cap`` *edited* copies of one story would no longer be linked).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from summarizer.digest import Digest
from summarizer.text import HAN_RANGES, to_simplified

__all__ = [
    "COMMON_SHINGLE_CAP",
    "DIGEST_CONTAINMENT",
    "GIST_BUDGET",
    "MERGE_CONTAINMENT",
    "MERGE_JACCARD",
    "WEAK_CONTAINMENT",
    "DailyDigest",
    "DailyItem",
    "Entry",
    "Group",
    "compose",
    "gist",
    "item_matches",
    "similarity",
]

# --- tunables (validated on the fixtures in tests/test_compose.py) ----------

#: Only the first this-many characters of an article are shingled: the lead
#: identifies a story, and it keeps the cost per article bounded.
SHINGLE_TEXT_CHARS = 4000
#: A shingle shared by more articles than this says nothing about one story.
COMMON_SHINGLE_CAP = 64
#: Same story outright: this Jaccard (near-identical texts), or this
#: containment (the shorter text's shingles found in the longer: a forward
#: with a caption or footer added, a copy in the other script).
MERGE_JACCARD = 0.40
MERGE_CONTAINMENT = 0.80
#: Another outlet's rewrite shares far less verbatim text, so a weaker text
#: overlap counts when the two digests (title and sentences, shingled finer)
#: agree as well; boilerplate two different stories share (an "About us"
#: paragraph, a channel footer) is not what their digests say.  On the
#: fixtures, rewrites score >= 0.25 text / 0.17 digest containment and
#: different stories on one platform <= 0.09 / 0.06.
WEAK_CONTAINMENT = 0.18
DIGEST_CONTAINMENT = 0.12
#: Fewer shared shingles than this is never evidence; containment (a ratio
#: over the *shorter* text) needs more, or two short posts with the same
#: channel footer would look contained.
MIN_SHARED = 8
MIN_SHARED_CONTAINMENT = 24

GIST_BUDGET = 60  # weight units: a Han character is 1, a Latin word 3

_HAN_CHAR = re.compile(f"[{HAN_RANGES}]")
_UNIT = re.compile(f"[{HAN_RANGES}]|[^\\W{HAN_RANGES}_]+")
_CLAUSE_BREAK = re.compile(r"[，,；;：:—–|]|\s-\s")
_LIST_BREAK = re.compile(r"[、/]")
_TRAILING = re.compile(r"[\s\W_]+$")


# --- value objects ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DailyItem:
    """One article a chat received, as the bot stored it.

    ``key`` must be unique and stable (the article's row id): it is the final
    tie-break, which is what makes the digest independent of input order.
    """

    key: str
    digest: Digest
    text: str
    received_at: datetime
    link: str | None = None
    #: Where it came from when not the chat itself (a feed's title), shown beside the gist.
    origin: str | None = None

    def __post_init__(self) -> None:
        if self.received_at.tzinfo is None or self.received_at.utcoffset() is None:
            raise ValueError("DailyItem.received_at must be timezone-aware")


@dataclass(frozen=True, slots=True)
class Entry:
    """One story: possibly several articles merged.

    ``links`` and ``keys`` cover every merged article, oldest first; ``tags``
    are the union of their tags, most salient first; ``origins`` the distinct
    origins (feed titles) of the merged articles that have one, oldest first.
    """

    gist: str
    count: int
    links: tuple[str, ...]
    keys: tuple[str, ...]
    score: float
    tags: tuple[str, ...] = ()
    origins: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Group:
    """Entries sharing a platform tag; ``tag`` None is the untagged rest."""

    tag: str | None
    entries: tuple[Entry, ...]

    @property
    def articles(self) -> int:
        return sum(e.count for e in self.entries)

    @property
    def hashtag(self) -> str | None:
        return None if self.tag is None else "#" + self.tag


@dataclass(frozen=True, slots=True)
class DailyDigest:
    """What a chat's daily digest says, before rendering.

    ``total`` articles came in, ``matched`` passed the filters, ``merged`` of
    those were folded into another entry as duplicates, and ``omitted``
    entries fell beyond ``max_items``.
    """

    groups: tuple[Group, ...]
    total: int = 0
    matched: int = 0
    merged: int = 0
    omitted: int = 0

    @property
    def entries(self) -> tuple[Entry, ...]:
        return tuple(e for g in self.groups for e in g.entries)

    @property
    def is_empty(self) -> bool:
        return not self.groups


# --- filters --------------------------------------------------------------------


def _canonical(name: str) -> str | None:
    from summarizer.tags import canonical_tag  # lazy: the platform table loads on first use

    return canonical_tag(name)


@dataclass(frozen=True, slots=True)
class _Filter:
    keyword: str  # casefolded Simplified view, "" for none
    tags: frozenset[str]  # casefolded tag names this filter accepts


def _parse_filters(filters: Iterable[str]) -> list[_Filter]:
    parsed = []
    for raw in filters:
        bare = raw.strip().lstrip("#＃").strip()
        if not bare:
            continue
        tags = {bare.casefold()}
        canonical = _canonical(bare)
        if canonical:
            tags.add(canonical.casefold())
        parsed.append(_Filter(to_simplified(bare).casefold(), frozenset(tags)))
    return parsed


def _matches(item: DailyItem, filters: Sequence[_Filter]) -> bool:
    if not filters:
        return True
    item_tags = {t.casefold() for t in item.digest.tags}
    if any(f.tags & item_tags for f in filters):
        return True
    haystack = to_simplified(f"{item.digest.title or ''}\n{item.text}").casefold()
    return any(f.keyword and f.keyword in haystack for f in filters)


def item_matches(item: DailyItem, filters: Sequence[str]) -> bool:
    """Whether ``item`` passes ``filters`` (any one suffices; none passes all).

    A filter matches as a plain keyword (case-insensitive substring of the
    Simplified title and text, so 钉钉 finds 釘釘) or as a tag, alias or
    ``#hashtag`` the item's digest carries.
    """
    return _matches(item, _parse_filters(filters))


# --- near-duplicates ------------------------------------------------------------


def _units(text: str) -> list[str]:
    return [u.casefold() for u in _UNIT.findall(to_simplified(text[:SHINGLE_TEXT_CHARS]))]


def _shingles(units: Sequence[str], han: int = 4, latin: int = 3) -> frozenset[str]:
    """``han`` characters or ``latin`` words from each position; a short text is one."""
    out = set()
    n = len(units)
    for i, u in enumerate(units):
        k = han if _HAN_CHAR.fullmatch(u) else latin
        if i + k > n:
            break
        out.add("\x1f".join(units[i : i + k]))
    if not out and units:
        out.add("\x1f".join(units))
    return frozenset(out)


def _digest_shingles(digest: Digest) -> frozenset[str]:
    parts = [digest.title or "", *digest.sentences]
    return _shingles(_units("\n".join(parts)), han=3, latin=2)


def _containment(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _same_story(
    a: frozenset[str],
    b: frozenset[str],
    shared: int,
    digest_a: frozenset[str],
    digest_b: frozenset[str],
) -> bool:
    if shared < MIN_SHARED:
        return False
    jaccard = shared / (len(a) + len(b) - shared)
    containment = shared / min(len(a), len(b))
    if jaccard >= MERGE_JACCARD:
        return True
    if shared < MIN_SHARED_CONTAINMENT:
        return False
    if containment >= MERGE_CONTAINMENT:
        return True
    digests_agree = _containment(digest_a, digest_b) >= DIGEST_CONTAINMENT
    return containment >= WEAK_CONTAINMENT and digests_agree


def similarity(a: str, b: str) -> tuple[float, float]:
    """(Jaccard, containment) of two texts' shingle sets: for tuning and tests."""
    sa, sb = _shingles(_units(a)), _shingles(_units(b))
    shared = len(sa & sb)
    if not shared:
        return 0.0, 0.0
    return shared / len(sa | sb), shared / min(len(sa), len(sb))


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:  # the smaller index is the root: order-independent clusters
            self.parent[max(ri, rj)] = min(ri, rj)


def _clusters(items: Sequence[DailyItem]) -> list[list[int]]:
    """Indices of ``items`` grouped by story, each cluster and the list sorted."""
    n = len(items)
    uf = _UnionFind(n)
    # Exact copies (after normalisation) first: one representative each.
    reps: list[int] = []
    sets: list[frozenset[str]] = []
    by_fingerprint: dict[str, int] = {}
    for i, item in enumerate(items):
        units = _units(item.text or item.digest.title or "")
        fingerprint = "\x1f".join(units)
        if fingerprint and fingerprint in by_fingerprint:
            uf.union(by_fingerprint[fingerprint], i)
            continue
        by_fingerprint[fingerprint] = i
        reps.append(i)
        sets.append(_shingles(units))

    # Inverted index -> shared-shingle counts for pairs that share anything.
    postings: dict[str, list[int]] = defaultdict(list)
    for r, shingles in enumerate(sets):
        for s in shingles:
            postings[s].append(r)
    m = len(reps)
    shared: dict[int, int] = defaultdict(int)
    for ids in postings.values():
        df = len(ids)
        if df < 2 or df > COMMON_SHINGLE_CAP:
            continue
        for x in range(df):
            base = ids[x] * m
            for y in range(x + 1, df):
                shared[base + ids[y]] += 1

    digest_sets: dict[int, frozenset[str]] = {}

    def digest_set(r: int) -> frozenset[str]:
        if r not in digest_sets:
            digest_sets[r] = _digest_shingles(items[reps[r]].digest)
        return digest_sets[r]

    for pair in sorted(shared):
        count = shared[pair]
        if count < MIN_SHARED:
            continue
        ra, rb = divmod(pair, m)
        if _same_story(sets[ra], sets[rb], count, digest_set(ra), digest_set(rb)):
            uf.union(reps[ra], reps[rb])

    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        groups[uf.find(i)].append(i)
    return sorted(groups.values())


# --- gist -------------------------------------------------------------------------


def gist(digest: Digest, budget: int = GIST_BUDGET) -> str:
    """One line for the item: its title, else its first sentence, trimmed.

    ``budget`` counts a Han character as 1 and a Latin word as 3, so the
    default is about 60 Han characters or 20 English words.  Trimming prefers
    a clause boundary (then a list comma) in the second half of the budget,
    else a word boundary.
    """
    source = digest.title or (digest.sentences[0] if digest.sentences else "")
    line = " ".join(source.split())
    used = 0
    cut = -1
    for m in _UNIT.finditer(line):
        used += 1 if _HAN_CHAR.fullmatch(m.group()) else 3
        if used > budget:
            cut = m.start()
            break
    if cut < 0:
        return line
    head = line[:cut]
    half = _weight(head) // 2
    for pattern in (_CLAUSE_BREAK, _LIST_BREAK):
        breaks = [m.start() for m in pattern.finditer(head) if _weight(head[: m.start()]) >= half]
        if breaks:
            head = head[: breaks[-1]]
            break
    return _TRAILING.sub("", head) + "…"


def _weight(text: str) -> int:
    return sum(1 if _HAN_CHAR.fullmatch(u) else 3 for u in _UNIT.findall(text))


# --- ranking ----------------------------------------------------------------------


def _ordered_tags(members: Sequence[DailyItem]) -> tuple[str, ...]:
    """Tags by summed rank weight across the merged articles."""
    weight: dict[str, float] = defaultdict(float)
    first_seen: dict[str, int] = {}
    for item in members:
        for pos, tag in enumerate(item.digest.tags):
            weight[tag] += 1.0 / (1 + pos)
            first_seen.setdefault(tag, len(first_seen))
    return tuple(sorted(weight, key=lambda t: (-weight[t], first_seen[t])))


def _item_information(item: DailyItem) -> float:
    """0..1: how much the article says, saturating so length can't dominate."""
    length = item.digest.stats.input_length or len(_UNIT.findall(item.text[:20000]))
    size = min(1.0, math.log1p(length) / math.log1p(1500))
    points = min(len(item.digest.key_points), 3) / 3
    return 0.8 * size + 0.2 * points


def _entry(members: list[DailyItem], t_min: float, t_span: float) -> Entry:
    members = sorted(members, key=lambda it: (it.received_at, it.key))
    info = [_item_information(it) for it in members]
    rep = members[max(range(len(members)), key=lambda i: (info[i], -i))]
    tags = _ordered_tags(members)
    latest = max(it.received_at.timestamp() for it in members)
    recency = (latest - t_min) / t_span if t_span > 0 else 0.0
    score = (
        math.log2(1 + len(members))  # shared by many: 1.0, 1.58, 2.0, 2.32 ...
        + 0.6 * max(info)
        + (0.15 if tags else 0.0)
        + 0.25 * recency
    )
    links = tuple(dict.fromkeys(it.link for it in members if it.link))
    origins = tuple(dict.fromkeys(it.origin for it in members if it.origin))
    return Entry(
        gist=gist(rep.digest),
        count=len(members),
        links=links,
        keys=tuple(it.key for it in members),
        score=round(score, 6),
        tags=tags,
        origins=origins,
    )


def compose(
    items: Sequence[DailyItem],
    *,
    filters: Sequence[str] = (),
    max_items: int | None = None,
) -> DailyDigest:
    """Filter, merge near-duplicates, rank and group a chat's articles.

    Entries are ranked by score (merged count, information, tags, recency),
    then by their first key; ``max_items`` keeps the best entries.  Each entry
    joins the group of its most salient tag; groups are ordered by their best
    entry, the untagged group last.
    """
    ordered = sorted(items, key=lambda it: (it.key, it.received_at, it.text))
    parsed = _parse_filters(filters)
    matched = [it for it in ordered if _matches(it, parsed)]
    if not matched:
        return DailyDigest(groups=(), total=len(items))

    times = [it.received_at.timestamp() for it in matched]
    t_min, t_span = min(times), max(times) - min(times)
    entries = [
        _entry([matched[i] for i in cluster], t_min, t_span) for cluster in _clusters(matched)
    ]
    entries.sort(key=lambda e: (-e.score, e.keys[0]))
    omitted = 0
    if max_items is not None and len(entries) > max(max_items, 0):
        omitted = len(entries) - max(max_items, 0)
        entries = entries[: max(max_items, 0)]

    by_tag: dict[str | None, list[Entry]] = {}
    for e in entries:  # already in rank order, so each group is too
        by_tag.setdefault(e.tags[0] if e.tags else None, []).append(e)
    groups = [Group(tag, tuple(es)) for tag, es in by_tag.items()]
    # by_tag's insertion order is by each group's best entry; untagged goes last.
    groups.sort(key=lambda g: g.tag is None)
    return DailyDigest(
        groups=tuple(groups),
        total=len(items),
        matched=len(matched),
        merged=len(matched) - len(entries) - omitted,
        omitted=omitted,
    )
