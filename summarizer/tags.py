"""Platform and company tags (placeholder; being implemented)."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["find_tags"]


def find_tags(
    text: str,
    *,
    title: str | None = None,
    key_sentences: Sequence[str] = (),
    limit: int = 5,
) -> list[str]:
    """Canonical tag names (no '#'), most salient first; inputs in the Simplified view."""
    return []
