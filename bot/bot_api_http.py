"""The HTTP clients that talk to the Bot API, sharing one TLS context.

python-telegram-bot makes an httpx client per request object (one for
``getUpdates``, one for everything else, and the start-up check makes a
third), and httpx loads the CA bundle into a new TLS context for each: ~30 ms
of CPU apiece at every start.  A verifying context holds no per-connection
state, so one serves them all.  Link fetching has its own (``reader.guard``:
it ignores the proxy and certificate environment variables, which these honour
as httpx does by default).
"""

from __future__ import annotations

import functools
import ssl

import httpx
from telegram.request import HTTPXRequest

__all__ = ["GET_UPDATES_POOL_SIZE", "POOL_SIZE", "bot_api_request", "tls_context"]

#: python-telegram-bot's own pool sizes (ApplicationBuilder's defaults).
POOL_SIZE = 256
GET_UPDATES_POOL_SIZE = 1


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The one verifying context (httpx's defaults: certifi, or ``SSL_CERT_FILE``)."""
    return httpx.create_ssl_context()


def bot_api_request(
    *, pool_size: int = POOL_SIZE, connect_timeout: float = 5.0, read_timeout: float = 5.0
) -> HTTPXRequest:
    """A request object for the Bot API on the shared TLS context (PTB's default timeouts)."""
    return HTTPXRequest(
        connection_pool_size=pool_size,
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        httpx_kwargs={"verify": tls_context()},
    )
