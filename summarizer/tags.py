"""Platform and company tags (#DingTalk, #WeChat) for a digest.

The names live in ``platforms.toml`` (data, not code) so adding a company is
a one-line change.  All aliases (Simplified, Traditional, English) go into
precompiled character tries, one per first character, so a text is scanned
once whatever the number of platforms and each place tries only the aliases
that can start there; Latin aliases match on word boundaries, and short or
word-like ones (Apple, Meta, QQ) only in their exact case.

Three things keep a tag honest:

* Sense.  An ``ambiguous`` alias is also an ordinary word (苹果 the fruit,
  三星 three stars, Amazon the river).  Its mentions count only when the
  article confirms the company: an unambiguous alias of the same platform
  anywhere, or, within a few characters of one of its mentions, a company
  word (公司, 手机, 芯片, 股价, CEO, Inc. ...), a product model (三星Galaxy) or
  another company's name (苹果及三星).  A named child confirms its parent
  (AWS: Amazon) and a named parent its children (Facebook: Messenger).  One
  confirmed mention confirms the rest: an article keeps to one sense of a name.
* Page furniture.  Embedded tweets and posts ("— Name (@handle) July 3,
  2019", pic.twitter.com links), share and follow prompts and rows of share
  buttons name platforms the story is not about; their lines are skipped.
  A platform named as the channel of a quote ("said on Twitter", "据微博")
  or as one item of a long enumeration (台积电、联发科、中华电信) counts half.
* Salience, what a reader would call "the article is about it": how often
  it is named, how early, whether the title and the chosen digest sentences
  name it.  A platform named once in passing, or far less than the subject,
  is not a tag.

Every check looks at a bounded window around a mention, so tagging stays
linear in the length of the text.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

__all__ = ["Platform", "canonical_tag", "find_tags", "load_platforms"]

#: Score weights: each mention counts 1 (a minor one _MINOR_WEIGHT).
_POSITION_WEIGHT = 1.5  # first mention at the very start; falls linearly to 0 at the end
_TITLE_WEIGHT = 3.0
_KEY_WEIGHT = 1.0  # per digest sentence naming it, at most _KEY_CAP of them
_KEY_CAP = 3
_KEY_CROWD = 2  # a digest sentence naming more platforms than this is a list: no tag by itself
_PARENT_SHARE = 0.25  # a parent's credit: this share of its named children's scores
#: A mention as the channel of a quote, or as one item of a long enumeration, counts this.
_MINOR_WEIGHT = 0.5
_LIST_REACH = 12  # characters either side searched for the enumeration's other commas
#: A tag not in the title needs this share of the best tag's score.
_RELATIVE = 0.12
#: Characters either side of an ambiguous mention searched for a company signal.
_WINDOW = 16

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
_ASCII_ALNUM = "A-Za-z0-9"

# Words that make a neighbouring ambiguous name a company (matched in the
# lower-cased Simplified view), anywhere within _WINDOW characters.
_STRONG_SIGNAL = re.compile(
    r"公司|集团|控股|股份|股价|股票|股东|美股|港股|台股|财报|营收|净利|获利|盈利|市值|市占|"
    r"手机|新机|旗舰|芯片|晶片|半导体|处理器|晶圆|代工|制程|内存|记忆体|服务器|伺服器|笔电|"
    r"执行长|首席执行官|总裁|董事长|创办人|创始人|子公司|厂商|供应链|发布会|发表会|电动车|"
    r"裁员|总部|大模型|"
    r"(?<![a-z0-9])(?:inc|corp|corporation|ltd|plc|llc|ceo|cfo|shares|stock|earnings|revenue|"
    r"quarterly|investors|nasdaq|nyse|smartphones?|chips?|software|company|companies|firm|"
    r"manufacturer|carmaker|automaker|chipmaker|conglomerate|founder)(?![a-z0-9])"
)
# Weaker ones (fruit is sold on 电商平台 too), only right after the name: 小米回应, Apple said.
_WEAK_SIGNAL = re.compile(
    r"[^。；;!?！？\n]{0,10}?(?:出货|销量|订单|营运|门店|旗下|用户|平台|官方|电商|电脑|平板|"
    r"推出|宣布|表示|回应|透露|指出|发布|称)"
    r"|\W{0,3}(?:'s )?(?:said|says|announced|announces|unveiled|launched|launches|reported|"
    r"app|apps|platform|users|customers|subscribers|devices?|rivals?|giant|maker|"
    r"retailer|e-commerce|startup)(?![a-z0-9])"
)
# Words of the ordinary senses (the fruit, the grain, the stars): with one of these
# near a name, only a strong signal confirms the company.
_ORDINARY_SENSE = re.compile(
    r"水果|果农|果园|果树|种植|产区|采摘|亩|斤|食用|营养|粮食|杂粮|农产品|农户|农民|星空|夜空|"
    r"星座|星级|酒店|(?<![a-z0-9])(?:fruit|orchards?|pie|juice|trees?|rainforest|river|basin)"
    r"(?![a-z0-9])"
)
# Between two names in a list of companies: 苹果及三星, 高通、联发科, Apple and Samsung.
_LIST_GAP = re.compile(r"\s*(?:[、，,/&和与及跟或]|and|or|vs\.?)?\s*")
# The platform as the channel of a quote, not the subject: "spotted by Mike on
# Twitter", "On Twitter, Dave explains", 据微信公众号, 在微博上表示.
_QUOTE_ON = re.compile(
    r"\b(?:said|says|wrote|writes|posted|posts|tweeted|shared|spotted|noted|announced|"
    r"reported|explained|explains|according)\b[^.\n]{0,30}\b(?:on|via|to)\s+$"
)
_LINE_ON = re.compile(r"(?m)^\W*(?:on|via)\s+$")  # "On Twitter, ..." (then a comma)
_LINE_ON_REACH = 12
_LINE_BREAK = re.compile("\n")
_QUOTE_AFTER = re.compile(r"\s*上?\s*(?:表示|发文|写道|称|透露|回应|指出|发帖|贴文|宣布)")

# Lines of page furniture that name platforms: embedded posts and share prompts.
_EMBED_LINE = re.compile(
    r"^\s*[—–-]{1,2}\s*[^\n]{1,80}\(@\w{1,30}\)[^\n]{0,40}$"  # — Name (@handle) July 3, 2019
    r"|pic\.twitter\.com/|\bt\.co/\w"
    r"|^\s*(?:a )?post shared by [^\n]{0,80}\(@[\w.]{1,30}\)"
    r"|view this (?:post|profile) on instagram",
)
_SHARE_LINE = re.compile(
    r"^\W*(?:share|follow|like|subscribe|join|find)(?: us| this(?: article| story| post)?)?"
    r"(?: on| to| via| with| at)?\b"
    r"|分享到|分享至|分享给|关注我们|关注公众号|扫码关注|扫描二维码|长按识别|欢迎关注|点击关注|"
    r"订阅我们|一键分享|转发到"
)
_SHARE_WORDS = re.compile(
    r"share|tweet|e-?mail|print|copy|link|comments?|whatsapp|messenger|"
    r"分享|转发|收藏|复制链接|复制|打印|评论|扫一扫|朋友圈",
)
_NOT_WORD = re.compile(r"[\W_\d]+")
_BUTTON_GAPS = re.compile(r"[\s|·•/]*")
_SHARE_LINE_MAX = 80  # characters: a share prompt is short


@dataclass(frozen=True, slots=True)
class Platform:
    """A taggable platform or company.

    ``cased`` aliases match in their exact case only; ``ambiguous`` aliases
    are ordinary words too and need the article to confirm the company.
    """

    name: str
    aliases: tuple[str, ...]
    parent: str | None = None
    cased: frozenset[str] = frozenset()
    ambiguous: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class _Matcher:
    starts: re.Pattern[str]  # where an alias can start: its first character, at a word start
    by_first: dict[str, re.Pattern[str]]  # first character → the aliases starting with it
    exact: dict[str, tuple[str, bool]]  # case-sensitive alias → (canonical name, ambiguous)
    folded: dict[str, tuple[str, bool]]  # lower-cased alias → (canonical name, ambiguous)
    parents: dict[str, str]  # child → parent

    def resolve(self, found: str) -> tuple[str, bool] | None:
        return self.exact.get(found) or self.folded.get(found.lower())

    def spans(self, low: str) -> Iterator[tuple[int, int]]:
        """(start, end) of the longest alias or ignored word at each place, left to right.

        One alternation of all 1,600 aliases would try every branch wherever
        any alias could start (a fifth of Chinese text, every English word);
        a first-character dispatch tries only the aliases that can match.
        """
        pos = 0
        search = self.starts.search
        while (cand := search(low, pos)) is not None:
            start = cand.start()
            found = self.by_first[low[start]].match(low, start)
            if found is None:
                pos = start + 1
            else:
                yield start, found.end()
                pos = found.end()


@dataclass(frozen=True, slots=True)
class _Mention:
    name: str
    start: int
    end: int
    ambiguous: bool
    weight: float
    line_start: int  # the mention's line, for windows that stop at a line break
    line_end: int


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
            ambiguous=frozenset(str(a) for a in row.get("ambiguous", ())),
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
    owner: dict[str, str] = {}
    for p in platforms:
        if not _NAME.match(p.name):
            raise ValueError(f"platforms.toml: {p.name!r} is not hashtag-safe")
        if p.parent is not None and p.parent not in known:
            raise ValueError(f"platforms.toml: unknown parent {p.parent!r} of {p.name}")
        if not p.aliases or not p.cased <= set(p.aliases) or not p.ambiguous <= set(p.aliases):
            raise ValueError(f"platforms.toml: bad aliases for {p.name}")
        for alias in p.aliases:
            if owner.setdefault(alias.lower(), p.name) != p.name:
                raise ValueError(f"platforms.toml: {alias!r} names {owner[alias.lower()]} too")


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
    exact: dict[str, tuple[str, bool]] = {}
    folded: dict[str, tuple[str, bool]] = {}
    parents: dict[str, str] = {}
    trie = _Trie()
    for p in load_platforms():
        if p.parent:
            parents[p.name] = p.parent
        for alias in p.aliases:
            trie.add(" ".join(alias.lower().split()))
            entry = (p.name, alias in p.ambiguous)
            if alias in p.cased:
                exact[alias] = entry
            else:
                folded[alias.lower()] = entry
    for word in _data().get("ignore", ()):
        if str(word).lower() in folded:
            raise ValueError(f"platforms.toml: {word!r} is both an alias and ignored")
        trie.add(" ".join(str(word).lower().split()))  # matched, then resolved to nothing
    # Matched against lower-cased text: re.IGNORECASE makes this alternation
    # about 15 times slower on CJK text.
    by_first: dict[str, re.Pattern[str]] = {}
    for first, node in trie.children.items():
        branch = _Trie()
        branch.children[first] = node
        by_first[first] = re.compile(branch.regex())
    latin = "".join(re.escape(c) for c in sorted(by_first) if _is_latin(c))
    other = "".join(re.escape(c) for c in sorted(by_first) if not _is_latin(c))
    starts = re.compile(f"[{other}]|(?<![{_ASCII_ALNUM}])[{latin}]")
    return _Matcher(starts, by_first, exact, folded, parents)


def _lower(text: str) -> str:
    low = text.lower()
    if len(low) != len(text):  # rare characters whose lower case is longer
        low = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)
    return low


def _squash(found: str) -> str:
    return " ".join(found.split()) if " " in found or "\n" in found else found


def _raw_mentions(text: str, low: str) -> list[_Mention]:
    """Every alias occurrence, left to right; mentions on furniture lines left out."""
    m = _matcher()
    out: list[_Mention] = []
    breaks = [b.start() for b in _LINE_BREAK.finditer(low)]  # found once: bisect, not rfind
    furniture: dict[int, bool] = {}  # line number → is page furniture
    for start, end in m.spans(low):
        hit = m.resolve(_squash(text[start:end]))
        if hit is None:
            continue
        line = bisect_right(breaks, start)
        line_start = breaks[line - 1] + 1 if line else 0
        line_end = breaks[line] if line < len(breaks) else len(low)
        if line not in furniture:
            furniture[line] = _is_furniture(text, low, line_start, line_end)
        if furniture[line]:
            continue
        minor = _is_channel(low, line_start, start, end) or _in_long_list(low, start, end)
        weight = _MINOR_WEIGHT if minor else 1.0
        out.append(_Mention(hit[0], start, end, hit[1], weight, line_start, line_end))
    return out


def _in_long_list(low: str, start: int, end: int) -> bool:
    """Whether the mention is one item of an enumeration of three or more (A、B、C)."""
    if low[start - 1 : start] != "、" and low[end : end + 1] != "、":
        return False
    return low.count("、", max(0, start - _LIST_REACH), end + _LIST_REACH) >= 2


def _is_channel(low: str, line_start: int, start: int, end: int) -> bool:
    """Whether the mention at ``start:end`` names where a quote was posted."""
    before = low[start - 1 : start]
    if before == "据":
        return True
    if before == "在":
        return _QUOTE_AFTER.match(low, end) is not None
    if start - line_start <= _LINE_ON_REACH and _LINE_ON.search(low, line_start, start):
        return low[end : end + 1] == ","
    return _QUOTE_ON.search(low, max(line_start, start - 48), start) is not None


def _is_furniture(text: str, low: str, start: int, end: int) -> bool:
    """An embedded post, a share/follow prompt or a row of share buttons."""
    line = low[start:end]
    if _EMBED_LINE.search(line):
        return True
    if len(line.strip()) > _SHARE_LINE_MAX:
        return False
    if _SHARE_LINE.search(line):
        return True
    # a row of share buttons ("Facebook Twitter WhatsApp Email"): names, share words, no text
    m = _matcher()
    names: set[str] = set()
    kept: list[str] = []
    pos = 0
    for a, b in m.spans(line):
        hit = m.resolve(_squash(text[start + a : start + b]))
        if hit:
            names.add(hit[0])
            kept.append(line[pos:a])
            pos = b
    kept.append(line[pos:])
    rest = "".join(kept)
    words, shares = _SHARE_WORDS.subn("", rest)
    if not names or len(_NOT_WORD.sub("", words)) > 2:
        return False
    # share words around a name, or three names with only spaces and bars between them
    return shares > 0 or (len(names) >= 3 and _BUTTON_GAPS.fullmatch(rest) is not None)


def _confirmed(low: str, mentions: Sequence[_Mention], names: set[str]) -> list[_Mention]:
    """``mentions`` without the ambiguous ones the article does not confirm.

    ``names`` are platforms confirmed already (by an unambiguous alias,
    possibly in the title).  An ambiguous mention with a strong company
    signal next to it confirms its platform; a weak one does too, unless a
    word of the ordinary sense is next to one of its mentions.  Then all of
    the platform's mentions count.
    """
    sure = set(names) | {x.name for x in mentions if not x.ambiguous}
    parents = _matcher().parents
    sure |= {parents[n] for n in sure if n in parents}  # AWS says Amazon is the company
    # and the parent says the child: Meta (or Facebook) makes Messenger the app
    sure |= {x.name for x in mentions if parents.get(x.name) in sure}
    weak: set[str] = set()
    ordinary: set[str] = set()
    for i, x in enumerate(mentions):
        if not x.ambiguous or x.name in sure:
            continue
        level = _signal(low, mentions, i, sure)
        if level == _STRONG:
            sure.add(x.name)
        elif level == _WEAK:
            weak.add(x.name)
        elif level == _ORDINARY:
            ordinary.add(x.name)
    sure |= weak - ordinary
    return [x for x in mentions if x.name in sure]


_ORDINARY, _NONE, _WEAK, _STRONG = range(4)


def _signal(low: str, mentions: Sequence[_Mention], i: int, sure: set[str]) -> int:
    """How strongly the surroundings of ``mentions[i]`` say "company"."""
    x = mentions[i]
    lo, hi = max(x.line_start, x.start - _WINDOW), min(x.line_end, x.end + _WINDOW)
    if _STRONG_SIGNAL.search(low, lo, x.start) or _STRONG_SIGNAL.search(low, x.end, hi):
        return _STRONG
    if not _is_latin(low[x.end - 1]) and re.match(r" ?[a-z]", low[x.end : x.end + 2]):
        return _STRONG  # a product model right after a Chinese name: 三星Galaxy, 小米SU7
    for j in (i - 1, i + 1):  # a known company right next to it, as in a list
        if 0 <= j < len(mentions) and mentions[j].name != x.name and mentions[j].name in sure:
            a, b = (mentions[j], x) if j < i else (x, mentions[j])
            if _LIST_GAP.fullmatch(low, a.end, b.start):
                return _STRONG
    if _ORDINARY_SENSE.search(low, lo, x.start) or _ORDINARY_SENSE.search(low, x.end, hi):
        return _ORDINARY
    if _WEAK_SIGNAL.match(low, x.end, hi):
        return _WEAK
    return _NONE


def find_tags(
    text: str,
    *,
    title: str | None = None,
    key_sentences: Sequence[str] = (),
    limit: int = 5,
) -> list[str]:
    """Canonical tag names (no '#'), most salient first; inputs in the Simplified view.

    A platform becomes a tag when it is named at least twice, or in the
    title, or in a digest sentence that is not a list of names, and scores
    at least an eighth of the best tag (unless the title names it).  A parent
    company (Alibaba for DingTalk) gets a share of its children's scores and
    becomes a tag when two of its children are tags, or one is and the
    parent is named too.
    """
    if limit <= 0:
        return []
    low = _lower(text)
    body = _raw_mentions(text, low)
    title_low = _lower(title) if title else ""
    heads = _raw_mentions(title, title_low) if title else []
    known = {x.name for x in body + heads if not x.ambiguous}
    # the title and the text confirm each other's ambiguous names
    known |= {x.name for x in _confirmed(low, body, known)}
    heads = _confirmed(title_low, heads, known)
    known |= {x.name for x in heads}
    body = _confirmed(low, body, known)

    counts: dict[str, float] = {}
    first: dict[str, int] = {}
    for x in body:
        counts[x.name] = counts.get(x.name, 0.0) + x.weight
        first.setdefault(x.name, x.start)
    in_title = {x.name for x in heads}
    key_hits: dict[str, int] = {}
    for sentence in key_sentences:
        s_low = _lower(sentence)
        found = _confirmed(s_low, _raw_mentions(sentence, s_low), known)
        named = {x.name for x in found}
        full = {x.name for x in found if x.weight == 1.0}  # not "said on Twitter", not A、B、C
        if len(named) > _KEY_CROWD:
            full = {n for n in full if counts.get(n, 0.0) >= 2}  # a list names; it is no subject
        for name in full:
            key_hits[name] = key_hits.get(name, 0) + 1

    size = max(len(text), 1)
    scores: dict[str, float] = {}
    for name in counts.keys() | in_title | key_hits.keys():
        score = counts.get(name, 0.0)
        if name in first:
            score += _POSITION_WEIGHT * (1.0 - first[name] / size)
        if name in in_title:
            score += _TITLE_WEIGHT
        score += _KEY_WEIGHT * min(key_hits.get(name, 0), _KEY_CAP)
        scores[name] = score
    tagged = {
        n for n in scores if counts.get(n, 0.0) >= 2 or n in in_title or key_hits.get(n, 0) > 0
    }
    if tagged:
        best = max(scores[n] for n in tagged)
        tagged = {n for n in tagged if n in in_title or scores[n] >= _RELATIVE * best}

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
