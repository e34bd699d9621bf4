"""RETENTION_DAYS and DIGEST_LEASE_SECONDS: defaults, valid values, and clear errors naming them."""

from __future__ import annotations

import pytest

from bot.config import load_settings
from bot.errors import ConfigError
from tests.fakes.telegram_server import TOKEN


def test_retention_days_default_and_value() -> None:
    base = {"TELEGRAM_BOT_TOKEN": TOKEN}
    assert load_settings(base, dotenv_path=None).retention_days == 30
    assert load_settings({**base, "RETENTION_DAYS": "7"}, dotenv_path=None).retention_days == 7


@pytest.mark.parametrize("value", ["0", "-3", "a week", "1.5", "100000"])
def test_retention_days_must_be_a_sensible_whole_number(value: str) -> None:
    with pytest.raises(ConfigError, match="RETENTION_DAYS"):
        load_settings({"TELEGRAM_BOT_TOKEN": TOKEN, "RETENTION_DAYS": value}, dotenv_path=None)


def test_digest_lease_default_and_value() -> None:
    base = {"TELEGRAM_BOT_TOKEN": TOKEN}
    assert load_settings(base, dotenv_path=None).digest_lease_seconds == 90
    lease = load_settings({**base, "DIGEST_LEASE_SECONDS": "15"}, dotenv_path=None)
    assert lease.digest_lease_seconds == 15


@pytest.mark.parametrize("value", ["0", "1", "-5", "90s", "2.5", "100000"])
def test_digest_lease_must_be_a_sensible_whole_number(value: str) -> None:
    with pytest.raises(ConfigError, match="DIGEST_LEASE_SECONDS"):
        load_settings(
            {"TELEGRAM_BOT_TOKEN": TOKEN, "DIGEST_LEASE_SECONDS": value}, dotenv_path=None
        )
