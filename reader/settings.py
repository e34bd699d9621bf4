"""The reader's one setting, read the same way by the bot and the CLI."""

from __future__ import annotations

from collections.abc import Mapping

from reader.errors import SettingError

__all__ = ["ALLOW_PRIVATE_NETWORKS", "allow_private_networks", "parse_flag"]

ALLOW_PRIVATE_NETWORKS = "FETCH_ALLOW_PRIVATE_NETWORKS"
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def parse_flag(name: str, value: str) -> bool:
    """``true``/``false`` (and 1/0, yes/no, on/off), or a :class:`SettingError` naming it."""
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise SettingError(f"{name} {value!r} must be true or false")


def allow_private_networks(environ: Mapping[str, str]) -> bool:
    """``FETCH_ALLOW_PRIVATE_NETWORKS`` in ``environ``: lift the address guard (intranets, tests).

    The caller passes the environment (the CLI: ``os.environ``), so no module
    of the reader reads it by itself.
    """
    value = environ.get(ALLOW_PRIVATE_NETWORKS, "").strip() or "false"
    return parse_flag(ALLOW_PRIVATE_NETWORKS, value)
