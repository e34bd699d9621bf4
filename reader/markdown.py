"""Markdown → plain lines the summarizer reads structure from (headings, items, paragraphs)."""

from __future__ import annotations

import re

_MD_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n(?:---|\.\.\.)\s*\n", re.S)
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_MD_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_MD_RULE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_MD_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_MD_QUOTE = re.compile(r"^\s{0,3}>\s?")
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_MD_LINK_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+\S+")
_MD_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_MD_CODE = re.compile(r"`([^`]+)`")
_MD_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_EM_STAR = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_MD_EM_UNDER = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
_MD_STRIKE = re.compile(r"~~(.+?)~~")
_MD_HTML_TAG = re.compile(r"</?[A-Za-z][^>\n]*>")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")


def _md_inline(line: str) -> str:
    line = _MD_IMAGE.sub("", line)
    line = _MD_LINK.sub(r"\1", line)
    line = _MD_REF_LINK.sub(r"\1", line)
    line = _MD_AUTOLINK.sub(r"\1", line)
    line = _MD_CODE.sub(r"\1", line)
    line = _MD_STRONG.sub(r"\2", line)
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
        m = re.search(r"^title:\s*[\"']?(.*?)[\"']?\s*$", fm.group(1), re.M)
        if m and m.group(1):
            title = m.group(1)
    out: list[str] = []
    in_fence = False
    for raw in source.split("\n"):
        if _MD_FENCE.match(raw):
            in_fence = not in_fence
            continue
        if in_fence:
            out.append(raw)
            continue
        if _MD_LINK_DEF.match(raw) or ("|" in raw and _MD_TABLE_SEP.match(raw)):
            continue
        if _MD_RULE.match(raw):
            continue
        if _MD_SETEXT.match(raw) and out and out[-1].strip():
            if title is None and raw.strip().startswith("=") and len(out) == 1:
                title = out[-1].strip()
            continue  # the underline of a heading: the line above is the heading
        line = raw
        while _MD_QUOTE.match(line):
            line = _MD_QUOTE.sub("", line, count=1)
        h = _MD_HEADING.match(line)
        if h:
            line = h.group(2)
            if title is None and h.group(1) == "#" and not any(x.strip() for x in out):
                title = _md_inline(line).strip() or None
        if line.strip().startswith("|") and line.strip().endswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            line = "  ".join(c for c in cells if c)
        out.append(_md_inline(line).rstrip())
    return title, "\n".join(out).strip("\n")
