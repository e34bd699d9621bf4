"""The digest value object: what ``summarize`` returns and what the bot stores."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

__all__ = ["Digest", "Language", "Stats"]

Language = Literal["zh-Hans", "zh-Hant", "en", "mixed"]


@dataclass(frozen=True, slots=True)
class Stats:
    """Lengths in the unit readers count: CJK characters plus Latin words.

    ``input_length``/``digest_length`` count content units (a Han character or
    a run of Latin letters/digits is one unit; spaces and punctuation are not
    counted), so "3081 字 → 142 字" means the same for every script.
    """

    input_chars: int
    digest_chars: int
    input_length: int
    digest_length: int
    reading_minutes: float


@dataclass(frozen=True, slots=True)
class Digest:
    """An extractive digest of one article.

    Every sentence and key point is a verbatim substring of the input
    (whitespace aside), in the input's own script.  ``tags`` are canonical
    names without the leading ``#`` (``"DingTalk"``), most salient first.
    """

    title: str | None
    sentences: tuple[str, ...]
    key_points: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    language: Language = "zh-Hans"
    stats: Stats = field(default_factory=lambda: Stats(0, 0, 0, 0, 0.0))

    @property
    def hashtags(self) -> tuple[str, ...]:
        return tuple("#" + t for t in self.tags)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["sentences"] = list(self.sentences)
        d["key_points"] = list(self.key_points)
        d["tags"] = list(self.tags)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Digest:
        return cls(
            title=d.get("title"),
            sentences=tuple(d.get("sentences", ())),
            key_points=tuple(d.get("key_points", ())),
            tags=tuple(d.get("tags", ())),
            language=d.get("language", "zh-Hans"),
            stats=Stats(**d["stats"]) if d.get("stats") else Stats(0, 0, 0, 0, 0.0),
        )
