"""Telegram's HTML parse mode, strictly: the fake server rejects what Telegram rejects.

Only Telegram's tags are allowed; every ``<`` and ``&`` must start a tag or
an entity; tags must nest and close.  :func:`parse_html` returns the visible
text (what Telegram's length limit counts) or raises :class:`EntityParseError`
with Telegram's wording.
"""

from __future__ import annotations

import html
import re

__all__ = ["ALLOWED_TAGS", "EntityParseError", "parse_html", "utf16_length"]

ALLOWED_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-spoiler",
        "span",
        "tg-emoji",
    }
)
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]+);")
_START = re.compile(r"^([a-zA-Z][a-zA-Z0-9-]*)(.*)$", re.S)
_ATTR = re.compile(r"""\s*([a-zA-Z][a-zA-Z0-9_-]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")


class EntityParseError(ValueError):
    """What Telegram answers with 400 "Bad Request: can't parse entities: …"."""


def utf16_length(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def _offset(text: str, i: int) -> int:
    return len(text[:i].encode("utf-8"))


def _attributes(rest: str, text: str, i: int) -> dict[str, str]:
    attrs: dict[str, str] = {}
    pos = 0
    rest = rest.rstrip()
    while pos < len(rest):
        m = _ATTR.match(rest, pos)
        if not m or m.end() == pos:
            raise EntityParseError(
                f"Expected equal sign in declaration of an attribute of a tag "
                f"at byte offset {_offset(text, i)}"
            )
        value = m.group(2) or ""
        if value[:1] in {'"', "'"}:
            value = value[1:-1]
        attrs[m.group(1).lower()] = html.unescape(value)
        pos = m.end()
    return attrs


def parse_html(text: str) -> str:
    """The plain text of Telegram-HTML ``text``; raises :class:`EntityParseError` if invalid."""
    out: list[str] = []
    stack: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "&":
            m = _ENTITY.match(text, i)
            if m is None:
                raise EntityParseError(
                    f"Unsupported start of an entity at byte offset {_offset(text, i)}"
                )
            body = m.group(1)
            if body.startswith("#"):
                code = int(body[2:], 16) if body[1:2] in ("x", "X") else int(body[1:])
                if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                    raise EntityParseError(
                        f"Invalid numeric entity at byte offset {_offset(text, i)}"
                    )
                out.append(chr(code))
            elif body in _NAMED_ENTITIES:
                out.append(_NAMED_ENTITIES[body])
            else:
                raise EntityParseError(
                    f'Unsupported entity "{body}" at byte offset {_offset(text, i)}'
                )
            i = m.end()
        elif ch == "<":
            end = text.find(">", i)
            if end < 0:
                raise EntityParseError(f"Unclosed start tag at byte offset {_offset(text, i)}")
            inner = text[i + 1 : end]
            if inner.startswith("/"):
                name = inner[1:].strip().lower()
                if not stack:
                    raise EntityParseError(f"Unexpected end tag at byte offset {_offset(text, i)}")
                if name != stack[-1]:
                    raise EntityParseError(
                        f"Unmatched end tag at byte offset {_offset(text, i)}, "
                        f'expected "</{stack[-1]}>", found "</{name}>"'
                    )
                stack.pop()
            else:
                m2 = _START.match(inner)
                name = m2.group(1).lower() if m2 else inner
                if m2 is None or name not in ALLOWED_TAGS:
                    raise EntityParseError(
                        f'Unsupported start tag "{name}" at byte offset {_offset(text, i)}'
                    )
                attrs = _attributes(m2.group(2), text, i)
                if name == "span" and attrs.get("class") != "tg-spoiler":
                    raise EntityParseError(
                        f'Tag "span" must have class "tg-spoiler" at byte offset {_offset(text, i)}'
                    )
                if name == "a" and "href" in attrs and not attrs["href"].strip():
                    raise EntityParseError(f"Empty href at byte offset {_offset(text, i)}")
                stack.append(name)
            i = end + 1
        else:
            out.append(ch)
            i += 1
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)
