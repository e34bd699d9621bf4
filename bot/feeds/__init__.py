"""News feeds a chat follows: the ``/feed`` domain (:mod:`.following`) and polling.

Polling: :mod:`.poller` is one round (claim due feeds, fetch each once, digest
new items, one article per following chat), :mod:`.backoff` says when each
feed is polled next, :mod:`.ports` is what the poller is given, and
:mod:`.jobs` runs rounds from the JobQueue and tells chats of failing feeds.

Only :mod:`.jobs` knows Telegram; the handlers are in :mod:`bot.handlers.feeds`.
"""
