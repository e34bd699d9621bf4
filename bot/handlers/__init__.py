"""One module per way into the bot; :data:`REGISTRARS` is the order they are wired in.

Within a handler group the first matching handler wins, so order matters:
every command first (:mod:`bot.handlers.commands`, the one command table),
then specific inputs, :mod:`bot.handlers.fallback` last.  A later way in
adds its ``register`` before ``fallback.register``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from telegram.ext import Application

from bot.handlers import commands, documents, fallback, group, private
from bot.services import Services

__all__ = ["REGISTRARS", "Registrar"]

Registrar = Callable[[Application[Any, Any, Any, Any, Any, Any], Services], None]

REGISTRARS: Final[tuple[Registrar, ...]] = (
    commands.register,
    group.register,
    documents.register,
    private.register,
    fallback.register,
)
