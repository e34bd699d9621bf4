r"""Markdown → plain lines the summarizer reads structure from (headings, items, paragraphs).

Every pattern here runs in time linear in the line: a delimited span's inner class
excludes its own opening delimiter (``[^\[\]]``, ``[^<>]``, ``[^*]``...), so a scan that
fails stops at the next possible start instead of re-reading the rest of the line from
each one (a line of 100,000 ``[`` took 65 s with ``[^\]]+``).  Heading, quote and
table-rule syntax is taken apart with string methods, not backtracking patterns.
"""

from __future__ import annotations

import re

_MD_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*\n", re.S)
_MD_FM_TITLE = re.compile(r"^title:[ \t]*(.*)$", re.M)
_MD_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*))?$")
_MD_SETEXT = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_MD_FENCE = re.compile(r"^ {0,3}(?:```|~~~)")
_MD_TABLE_CELL = re.compile(r":?-{2,}:?")
_MD_IMAGE = re.compile(r"!\[([^\[\]]*)\]\([^()]*\)")
_MD_LINK = re.compile(r"\[([^\[\]]+)\]\([^()]*\)")
_MD_REF_LINK = re.compile(r"\[([^\[\]]+)\]\[[^\[\]]*\]")
_MD_LINK_DEF = re.compile(r"^ {0,3}\[[^\[\]]+\]:[ \t]+\S")
_MD_AUTOLINK = re.compile(r"<(https?://[^<>\s]+)>")
_MD_CODE = re.compile(r"`([^`]+)`")
_MD_STRONG_STAR = re.compile(r"\*\*(?=\S)([^*]+?)(?<=\S)\*\*")
_MD_STRONG_UNDER = re.compile(r"__(?=\S)([^_]+?)(?<=\S)__")
_MD_EM_STAR = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_MD_EM_UNDER = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
_MD_STRIKE = re.compile(r"~~([^~]+)~~")
_MD_HTML_TAG = re.compile(r"</?[A-Za-z][^<>\n]*>")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")


def _is_rule(line: str) -> bool:
    """``---``, ``* * *``, ``___``: three or more of one of ``-*_``, spaces allowed."""
    s = line.strip()
    if len(line) - len(line.lstrip(" ")) > 3 or len(s) < 3 or s[0] not in "-*_":
        return False
    marks = s.replace(" ", "").replace("\t", "")
    return len(marks) >= 3 and marks == s[0] * len(marks)


def _is_table_rule(line: str) -> bool:
    """``|---|:--:|`` (the row under a table's header)."""
    cells = line.strip().strip("|").split("|")
    return all(_MD_TABLE_CELL.fullmatch(c.strip()) for c in cells)


def _unquote(line: str) -> str:
    """The line without its ``>`` quote markers (one pass, however many)."""
    i = 0
    while True:
        j = i
        while j < len(line) and j - i < 3 and line[j] == " ":
            j += 1
        if j < len(line) and line[j] == ">":
            i = j + 1
            if i < len(line) and line[i] == " ":
                i += 1
        else:
            return line[i:]


def _heading(line: str) -> tuple[int, str] | None:
    """(level, text) of an ATX heading (``## Text ##``), else None."""
    m = _MD_HEADING.match(line)
    if not m:
        return None
    text = (m.group(2) or "").rstrip()
    closed = text.rstrip("#")
    if closed != text and (not closed or closed[-1] in " \t"):
        text = closed.rstrip()
    return len(m.group(1)), text


def _md_inline(line: str) -> str:
    line = _MD_IMAGE.sub("", line)
    line = _MD_LINK.sub(r"\1", line)
    line = _MD_REF_LINK.sub(r"\1", line)
    line = _MD_AUTOLINK.sub(r"\1", line)
    line = _MD_CODE.sub(r"\1", line)
    line = _MD_STRONG_STAR.sub(r"\1", line)
    line = _MD_STRONG_UNDER.sub(r"\1", line)
    line = _MD_EM_STAR.sub(r"\1", line)
    line = _MD_EM_UNDER.sub(r"\1", line)
    line = _MD_STRIKE.sub(r"\1", line)
    line = _MD_HTML_TAG.sub("", line)
    return _MD_ESCAPE.sub(r"\1", line)


def _markdown_to_text(source: str) -> tuple[str | None, str]:
    """Light Markdown stripping: markup goes, lines (and list markers) stay."""
    title: str | None = None
    source = source.replace("\r\n", "\n").replace("\r", "\n")
    fm = _MD_FRONT_MATTER.match(source)
    if fm:
        source = source[fm.end() :]
        m = _MD_FM_TITLE.search(fm.group(1))
        fm_title = m.group(1).strip().strip("\"'").strip() if m else ""
        if fm_title:
            title = fm_title
    out: list[str] = []
    in_fence = False
    for raw in source.split("\n"):
        if _MD_FENCE.match(raw):
            in_fence = not in_fence
            continue
        if in_fence:
            out.append(raw)
            continue
        if _MD_LINK_DEF.match(raw) or ("|" in raw and _is_table_rule(raw)):
            continue
        if _is_rule(raw):
            continue
        if _MD_SETEXT.match(raw) and out and out[-1].strip():
            if title is None and raw.strip().startswith("=") and len(out) == 1:
                title = out[-1].strip()
            continue  # the underline of a heading: the line above is the heading
        line = _unquote(raw)
        h = _heading(line)
        if h:
            level, line = h
            if title is None and level == 1 and not any(x.strip() for x in out):
                title = _md_inline(line).strip() or None
        if line.strip().startswith("|") and line.strip().endswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            line = "  ".join(c for c in cells if c)
        out.append(_md_inline(line).rstrip())
    return title, "\n".join(out).strip("\n")
