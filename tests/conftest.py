"""Shared fixtures: short articles written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def read_fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.fixture
def zh_hans_article() -> str:
    return read_fixture("zh_hans_retail.txt")


@pytest.fixture
def en_article() -> str:
    return read_fixture("en_retail.txt")


@pytest.fixture
def mixed_article() -> str:
    return read_fixture("mixed_ai.txt")


@pytest.fixture
def zh_hant_article(zh_hans_article: str) -> str:
    """The Simplified fixture in Taiwan Traditional (made at run time, not stored)."""
    import opencc

    return str(opencc.OpenCC("s2twp").convert(zh_hans_article))
