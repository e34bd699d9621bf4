"""The message table: complete in three languages, valid Telegram HTML, errors translated."""

from __future__ import annotations

import string
from typing import get_args

import pytest
from opencc import OpenCC

from bot.errors import FetchError
from bot.messages import LANGUAGES, MESSAGES, error_text, language_for, text
from reader.errors import FetchReason
from summarizer import Reason, UnsupportedInputError
from summarizer.errors import NotArticleError, PageReason
from tests.fakes.telegram_html import parse_html

FETCH_REASONS = list(get_args(FetchReason))  # every reason the reader can give
PAGE_REASONS = list(get_args(PageReason))


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_exists_in_every_language_with_the_same_fields(key: str) -> None:
    entry = MESSAGES[key]
    assert set(entry) == set(LANGUAGES)
    assert all(entry[lang].strip() for lang in LANGUAGES)
    assert len({frozenset(fields(entry[lang])) for lang in LANGUAGES}) == 1


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_is_valid_telegram_html_even_with_hostile_values(key: str) -> None:
    for lang in LANGUAGES:
        values = {name: "<b>&amp;</b>" for name in fields(MESSAGES[key][lang])}
        rendered = text(key, lang, **values)
        plain = parse_html(rendered)
        if values:
            assert "<b>&amp;</b>" in plain  # filled in verbatim, never as markup


def test_scripts_are_what_they_claim() -> None:
    to_traditional, to_simplified = OpenCC("s2tw"), OpenCC("t2s")
    for key, entry in MESSAGES.items():
        assert to_traditional.convert(entry["zh-Hant"]) == entry["zh-Hant"], key
        assert to_simplified.convert(entry["zh-Hans"]) == entry["zh-Hans"], key


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("zh-TW", "zh-Hant"),
        ("zh-hk", "zh-Hant"),
        ("zh-MO", "zh-Hant"),
        ("zh-Hant", "zh-Hant"),
        ("zh-hant-tw", "zh-Hant"),
        ("zh_TW", "zh-Hant"),
        ("zh", "zh-Hans"),
        ("zh-CN", "zh-Hans"),
        ("zh-hans", "zh-Hans"),
        ("zh-SG", "zh-Hans"),
        ("en", "en"),
        ("en-GB", "en"),
        ("ja", "en"),
        ("zhx", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_language_for(code: str | None, expected: str) -> None:
    assert language_for(code) == expected


@pytest.mark.parametrize("reason", get_args(Reason))
def test_every_summarizer_reason_has_its_own_message(reason: str) -> None:
    for lang in LANGUAGES:
        message = error_text(UnsupportedInputError(reason, "x"), lang)  # type: ignore[arg-type]
        assert message == MESSAGES[f"reason_{reason}"][lang]


@pytest.mark.parametrize("reason", FETCH_REASONS)
def test_every_fetch_reason_has_its_own_message(reason: str) -> None:
    for lang in LANGUAGES:
        assert error_text(FetchError(reason, "x"), lang) == MESSAGES[f"fetch_{reason}"][lang]


def test_fetch_details_refine_the_message() -> None:
    for page in PAGE_REASONS:
        got = error_text(FetchError("not_article", "x", detail=page), "en")
        assert got == MESSAGES[f"page_{page}"]["en"]
    pdf = error_text(FetchError("unreadable", "x", detail="encrypted"), "zh-Hant")
    assert pdf == MESSAGES["reason_encrypted"]["zh-Hant"]
    assert "HTTP 404" in error_text(FetchError("http_status", "x", detail="404"), "zh-Hans")
    # an unknown detail falls back to the reason's own message
    odd = error_text(FetchError("not_article", "x", detail="brand_new"), "en")
    assert odd == MESSAGES["fetch_not_article"]["en"]


def test_unknown_errors_get_the_apology_and_never_their_details() -> None:
    assert error_text(FetchError("brand_new_reason", "secret detail"), "en") == text(
        "apology", "en"
    )
    assert "boom" not in error_text(RuntimeError("boom"), "zh-Hans")


def test_pages_that_are_not_articles_are_explained_from_any_source() -> None:
    for page in PAGE_REASONS:
        got = error_text(NotArticleError(page, "x"), "zh-Hant")  # type: ignore[arg-type]
        assert got == MESSAGES[f"page_{page}"]["zh-Hant"]
