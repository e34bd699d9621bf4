"""The application's long-lived objects, kept in ``bot_data`` behind one typed accessor.

Handlers get what they need with ``services(context)`` instead of reaching
into ``bot_data`` by string keys; a later feature adds a field here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram.ext import Application, CallbackContext

from bot.autoreply import AutoReplyGate
from bot.config import Settings
from bot.daily import DailyJobs
from bot.feeds.following import FeedFollowing
from bot.feeds.jobs import FeedJobs
from bot.links import LinkReader
from bot.storage import Storage
from bot.summaries import Summaries
from bot.typing_indicator import TypingIndicator

__all__ = ["SERVICES_KEY", "Services", "services"]

SERVICES_KEY = "zhaiyao.services"


@dataclass(frozen=True, slots=True)
class Services:
    settings: Settings
    storage: Storage
    #: Article text → digest, remembered per chat (bot/summaries.py).
    summaries: Summaries
    #: "typing…" while slow work runs (bot/typing_indicator.py).
    typing: TypingIndicator
    #: Daily digests: the JobQueue jobs (``.digests`` is the domain: compose, deliver, purge).
    daily: DailyJobs
    #: The ``/auto`` rate limit per group.
    auto_gate: AutoReplyGate
    #: Links → articles through one shared, address-checked HTTP client (bot/links.py).
    links: LinkReader
    #: The chat's news feeds: what ``/feed`` does (bot/feeds/following.py).
    feeds: FeedFollowing
    #: Feed polling rounds on the JobQueue (bot/feeds/jobs.py; the round: bot/feeds/poller.py).
    feed_jobs: FeedJobs

    def install(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        application.bot_data[SERVICES_KEY] = self

    @classmethod
    def of(cls, application: Application[Any, Any, Any, Any, Any, Any]) -> Services:
        found = application.bot_data[SERVICES_KEY]
        assert isinstance(found, Services)
        return found


def services(context: CallbackContext[Any, Any, Any, Any]) -> Services:
    """The :class:`Services` of the application handling ``context``."""
    return Services.of(context.application)
