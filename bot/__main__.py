"""``python -m bot`` / ``zhaiyao-bot``: load settings, set up logging, run polling or webhook.

A bad setting stops start-up with exit status 2 and a message naming it.
"""

from __future__ import annotations

import sys

from bot.app import build_application, polling_options, webhook_options
from bot.config import load_settings
from bot.errors import ConfigError
from bot.logs import setup_logging

__all__ = ["main"]


def main() -> int:
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"zhaiyao-bot: {exc}", file=sys.stderr)
        return 2
    setup_logging(settings.log_level, settings.secrets)
    application = build_application(settings)
    if settings.use_webhook:
        application.run_webhook(**webhook_options(settings))
    else:
        application.run_polling(**polling_options())
    return 0


if __name__ == "__main__":
    sys.exit(main())
