"""Text bytes in any common encoding → str: BOMs, declared charsets, GBK/Big5/UTF-16/32 guesses.

A declared charset is a hint from the sender (an HTTP header, ``<meta charset>``): an
unknown or non-text one (``undefined``, ``base64``, ``utf-7``...) is ignored and the bytes
are detected instead.  No decoding ever returns lone surrogates (``utf-7`` and
``unicode_escape`` can make them; they cannot be encoded back, e.g. to reply).
"""

from __future__ import annotations

import codecs
import contextlib
import re
import unicodedata
from functools import lru_cache

from summarizer.errors import UnsupportedInputError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
# Declared names that mean a narrower charset than the one actually used.
_CODEC_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "big5": "big5hkscs",
    "big5-hkscs": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "utf-8",
    "ascii": "utf-8",
}
# Strict candidates for Chinese text that is not UTF-8, scored by plausibility.
_CJK_CANDIDATES: tuple[tuple[str, str], ...] = (
    ("gb18030", "gb18030"),
    ("cp950", "big5"),
    ("big5hkscs", "big5"),
)
#: A CJK decoding is accepted when at least this share of its non-ASCII
#: characters are common hanzi or CJK punctuation.  Measured on 30 news
#: sentences (Simplified in GB18030; Traditional in GB18030 and Big5) and their
#: 2/3/4/6-character prefixes: right decodings score 1.0, wrong ones at most
#: 0.8, Shift-JIS read as GB18030 0.38; this picks 225/225, charset-normalizer
#: alone 102/225 (it answers cp949 or UTF-16-BE for short GBK/Big5 text).
CJK_MIN_SCORE = 0.7


@lru_cache(maxsize=1)
def _common_hanzi() -> frozenset[str]:
    """GB2312 level 1 (3,755 chars) ∪ Big5 frequent (5,401): derived from the codecs."""
    chars: set[str] = set()
    trails_gb = range(0xA1, 0xFF)
    for lead in range(0xB0, 0xD8):
        for trail in trails_gb:
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes((lead, trail)).decode("gb2312"))
    trails_big5 = [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
    for lead in range(0xA4, 0xC7):
        for trail in trails_big5:
            if (lead << 8 | trail) > 0xC67E:
                break
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes((lead, trail)).decode("big5"))
    return frozenset(chars)


def _cjk_score(text: str) -> float:
    """Share of non-ASCII characters that are common hanzi or CJK punctuation."""
    common = _common_hanzi()
    good = 0.0
    n = 0
    for ch in text:
        o = ord(ch)
        if o < 0x80:
            continue
        n += 1
        if (
            ch in common
            or 0x3000 <= o <= 0x303F  # CJK punctuation
            or 0xFF01 <= o <= 0xFF5E  # fullwidth forms
            or 0x2010 <= o <= 0x2027  # dashes, quotes, ellipsis
        ):
            good += 1
        elif 0x4E00 <= o <= 0x9FFF:
            good += 0.3  # a real but rare hanzi: names, places
    return good / n if n else 0.0


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 with no BOM: NULs in every other byte (ASCII-heavy text)."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0) / len(sample[0::2])
    odd = sample[1::2].count(0) / len(sample[1::2])
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


#: Python codecs that are no text charset a sender may declare (or that can decode to
#: lone surrogates): a declaration naming one is ignored.
_NOT_CHARSETS = frozenset(
    {
        "undefined",
        "unicode_escape",
        "raw_unicode_escape",
        "utf_7",
        "idna",
        "punycode",
        "mbcs",
        "oem",
        "palmos",
        "charmap",
    }
)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _codec(name: str) -> str | None:
    """The Python codec for a declared charset, or None if it names no text charset."""
    name = name.strip().strip("\"'").lower()
    name = _CODEC_ALIASES.get(name, name)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name.replace("-", "_") in _NOT_CHARSETS:
        return None
    return name


def _no_surrogates(text: str) -> str:
    """Lone surrogates → U+FFFD (a decoded str must be encodable as UTF-8)."""
    if _LONE_SURROGATE.search(text) is None:
        return text
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


#: UTF-32/16 without a BOM, tried in this order when the bytes have NULs or are not UTF-8.
_WIDE_CODECS = ("utf-32-le", "utf-32-be", "utf-16-le", "utf-16-be")


def _wide_score(text: str) -> float:
    """How much ``text`` reads as text: 0 with control or unassigned characters, else
    the CJK score of its non-ASCII part (1.0 for plain ASCII)."""
    bad = 0
    for ch in text[:4096]:
        if ch in "\t\n\r\f":
            continue
        if unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs"):
            bad += 1
    if bad > len(text[:4096]) // 100:
        return 0.0
    if text.isascii():
        return 1.0
    return _cjk_score(text[:4096])


def _wide_without_bom(data: bytes) -> str | None:
    """UTF-32 or UTF-16 text (Chinese or not) that has no BOM: the codec that decodes
    strictly to the most plausible text, if plausible enough."""
    best: tuple[float, str] | None = None
    for codec in _WIDE_CODECS:
        unit = 4 if "32" in codec else 2
        if len(data) % unit:
            continue
        try:
            text = codecs.getincrementaldecoder(codec)().decode(data[:8192], final=False)
        except UnicodeDecodeError:
            continue
        score = _wide_score(text)
        if score >= CJK_MIN_SCORE and (best is None or score > best[0]):
            best = (score, codec)
    return best[1] if best else None


def decode_text(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode text bytes; return ``(text, encoding)``.

    Order: a BOM; the ``declared`` charset (HTTP header, ``<meta>``) if the
    bytes decode strictly with it; strict UTF-8; GB18030 and Big5 scored by
    how many characters are common hanzi (charset-normalizer alone mistakes
    short GBK/Big5 samples for cp949 or UTF-16); then charset-normalizer for
    everything else (cp1252, Shift-JIS, ...).  Raises
    :class:`UnsupportedInputError` (``binary``, ``undecodable``).
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), codec.replace("-sig", "")
            except UnicodeDecodeError:
                break
    text, codec = _decode(data, declared)
    return _no_surrogates(text), codec


def _decode(data: bytes, declared: str | None) -> tuple[str, str]:
    codec = _codec(declared) if declared else None
    if codec is not None:
        try:
            return data.decode(codec), codec
        except (UnicodeError, LookupError):  # "undefined" raises UnicodeError itself
            pass
    wide = _utf16_without_bom(data)
    if wide is None and (b"\x00" in data[:8192] or not _is_utf8(data[:8192])):
        wide = _wide_without_bom(data)
    if wide is not None:
        try:
            return data.decode(wide), wide
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:8192]:
        raise UnsupportedInputError("binary", "the file is binary data, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best: tuple[float, str, str] | None = None
    for codec, label in _CJK_CANDIDATES:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        score = _cjk_score(text)
        if best is None or score > best[0]:
            best = (score, text, label)
    if best is not None and best[0] >= CJK_MIN_SCORE:
        return best[1], best[2]
    from charset_normalizer import from_bytes

    match = from_bytes(data).best()
    if match is not None:
        return str(match), match.encoding
    if best is not None:
        return best[1], best[2]
    raise UnsupportedInputError("undecodable", "the text is in an encoding I cannot recognise")


def _is_utf8(sample: bytes) -> bool:
    """Whether ``sample`` is UTF-8 (a multi-byte character cut at its end allowed)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return True


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def _html_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii") if m else None
