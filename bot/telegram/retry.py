"""One more try of a Bot API call that failed on Telegram's side (issue 25, item 7).

A 5xx answer or a timeout is usually gone a moment later; a 429 says how long to wait
(`retry_after`), which the front end's AIORateLimiter already waits out up to its retries, and
which is waited out here once more when it reaches us. A second failure is raised to the
caller, which tells the user in one line (never the library's text).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from telegram.error import NetworkError, RetryAfter, TimedOut

T = TypeVar("T")
PAUSE_S = 1.0  # before the second try of a 5xx or a timeout
TELEGRAM_DOWN = "Telegram did not accept my answer just now; please send /harmonize again in a minute."


def _wait_s(error: RetryAfter) -> float:
    """RetryAfter's wait in seconds (a timedelta in recent python-telegram-bot versions)."""
    wait = error.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


async def twice(call: Callable[[], Awaitable[T]], sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> T:
    """`call()`, tried once more after a 429 (its retry_after), a 5xx or a timeout."""
    try:
        return await call()
    except RetryAfter as error:
        await sleep(_wait_s(error))
    except (NetworkError, TimedOut):  # TimedOut is a NetworkError; 5xx answers are NetworkErrors
        await sleep(PAUSE_S)
    return await call()
