"""The article's own list of points (placeholder; being implemented)."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["find_key_points"]


def find_key_points(lines: Sequence[str]) -> list[str]:
    """Verbatim key points the article itself lists, in order; [] when it lists none."""
    return []
