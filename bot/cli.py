"""The command line of ``python -m bot``: the bot itself and the operations around it.

``python -m bot`` (or ``run``) starts the bot, as it always did; the other
subcommands are one-shot operations that start nothing, need no network and,
except ``health``, no token:

- ``backup FILE [--force]``: a consistent copy of the SQLite database (:mod:`bot.backup`);
- ``migrate --to URL``: copy the SQLite data into PostgreSQL (:mod:`bot.migrate`, when
  this build has it; the parser is here so ``--help`` lists it either way);
- ``health``: the Docker ``HEALTHCHECK`` (:mod:`bot.health`).

``--help`` lists the settings from :data:`bot.settings_help.SETTINGS`.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.errors import ConfigError
from bot.settings_help import settings_text

__all__ = ["PROG", "build_parser", "dispatch", "parse_args", "say"]

#: The name in one-line messages (the console script's name).
PROG = "zhaiyao-bot"

_DESCRIPTION = """\
zhaiyao (摘要): a Telegram bot that turns Chinese and English news into short digests.
Without a subcommand, runs the bot (long polling, or webhook mode when WEBHOOK_URL is set)."""


def say(message: str) -> None:
    """One line on stderr, prefixed with the program's name."""
    print(f"{PROG}: {message}", file=sys.stderr, flush=True)


def _prog() -> str:
    return PROG if Path(sys.argv[0]).name == PROG else "python -m bot"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=_prog(),
        usage="%(prog)s [-h] [COMMAND [ARGS ...]]",
        description=_DESCRIPTION,
        epilog=settings_text() + "\n\nSee docs/bot.md (settings, commands) and docs/deploy.md.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="subcommands")
    commands.add_parser("run", help="run the bot (the default)")
    backup = commands.add_parser(
        "backup",
        help="copy the SQLite database consistently, even while the bot runs",
        description="Copy the SQLite database (DATABASE_PATH, relative to ZHAIYAO_HOME) to "
        "FILE with SQLite's online backup API; safe while the bot runs.",
    )
    backup.add_argument("file", metavar="FILE", type=Path, help="the backup to write")
    backup.add_argument("--force", action="store_true", help="replace FILE if it exists")
    _add_migrate(commands)
    commands.add_parser(
        "health",
        help="exit 0 if the database opens and (webhook mode) the local port answers",
        description="For Docker's HEALTHCHECK: checks the database opens and, in webhook "
        "mode, that the local webhook server answers. Never calls the Bot API.",
    )
    return parser


def _add_migrate(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``migrate`` sub-parser; :func:`bot.migrate.main` receives its namespace."""
    migrate = commands.add_parser(
        "migrate",
        help="copy everything from the SQLite database into an empty PostgreSQL database",
        description="Copy subscriptions, filters, settings and history from the SQLite "
        "database into an empty PostgreSQL database, then verify the row counts.",
    )
    migrate.add_argument(
        "--to", required=True, metavar="URL", help="postgresql://user:password@host/dbname"
    )
    migrate.add_argument("--force", action="store_true", help=argparse.SUPPRESS)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse ``argv`` (default ``sys.argv[1:]``); ``--help`` prints and exits 0 here."""
    return build_parser().parse_args(argv)


def _backup(args: argparse.Namespace) -> int:
    from bot.backup import BackupError, backup_database
    from bot.config import database_path, raw_settings

    if "DATABASE_URL" in raw_settings():
        say("DATABASE_URL is set: the data is in PostgreSQL; back it up with pg_dump")
        return 2
    try:
        report = backup_database(database_path(), args.file, force=args.force)
    except BackupError as exc:
        say(str(exc))
        return 1
    print(report.describe(), flush=True)
    return 0


def _health(args: argparse.Namespace) -> int:
    from bot.config import load_settings
    from bot.health import check_health

    health = check_health(load_settings())
    print(health.describe(), flush=True)
    return 0 if health.ok else 1


def _migrate(args: argparse.Namespace) -> int:
    from bot.config import zhaiyao_home

    try:
        module = importlib.import_module("bot.migrate")
    except ModuleNotFoundError as exc:
        if exc.name != "bot.migrate":
            raise
        say("migrate is not available in this build of zhaiyao")
        return 2
    args.home = zhaiyao_home()
    return int(module.main(args))


_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "backup": _backup,
    "health": _health,
    "migrate": _migrate,
}


def dispatch(args: argparse.Namespace) -> int:
    """Run a one-shot subcommand; a bad setting is one line and exit status 2."""
    try:
        return _COMMANDS[args.command](args)
    except ConfigError as exc:
        say(str(exc))
        return 2
