"""One status message per job, edited in place: only when its text changes, at most every few s.

Telegram allows about one message per second per chat and 20 per minute per group (Bot FAQ), so
progress is coalesced: `show` only records the wanted text, a background task edits the message
with the latest one when the interval allows, and waits out RetryAfter instead of spamming.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import logging
import math
import time

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError

log = logging.getLogger(__name__)

STATUS_EDIT_INTERVAL_S = 3.0  # seconds between two edits of one status message (BOTS.md §1)
MAX_EDIT_FAILURES = 5  # network errors in a row before an edit is given up


def retry_after_seconds(error: RetryAfter) -> float:
    """The wait a RetryAfter asks for, in seconds (PTB gives an int or a timedelta)."""
    value = error._retry_after  # the timedelta behind the deprecated int `retry_after`
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


class StatusMessage:
    """A bot message in `chat_id` that shows one job's state; edited by a background task."""

    def __init__(self, bot: Bot, chat_id: int, message_id: int,
                 interval_s: float = STATUS_EDIT_INTERVAL_S) -> None:
        self.bot = bot
        self.chat_id = chat_id
        self.message_id = message_id
        self.interval_s = interval_s
        self._wanted: tuple[str, InlineKeyboardMarkup | None] | None = None
        self._shown: tuple[str, InlineKeyboardMarkup | None] | None = None
        self._next_edit_at = -math.inf
        self._final = False
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def text(self) -> str | None:
        """The text last shown (None before the first edit)."""
        return None if self._shown is None else self._shown[0]

    def show(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        """Show `text` (and buttons) at the next allowed edit; ignored after `finish`."""
        if self._final:
            return
        self._wanted = (text, markup)
        self._kick()

    def finish(self, text: str) -> asyncio.Task[None]:
        """Show a last text (no buttons) at once, then stop; returns the task to await if needed."""
        self._wanted = (text, None)
        self._final = True
        return self._kick()

    def _kick(self) -> asyncio.Task[None]:
        """Make sure the editing task runs and notices the new text."""
        self._wake.set()
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._edit_loop(), name=f"status-{self.message_id}")
        return self._task

    async def close(self) -> None:
        """Stop the editing task without a last edit (shutdown)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _edit_loop(self) -> None:
        """Edit the message until it shows the wanted text."""
        failures = 0
        while self._wanted is not None and self._wanted != self._shown:
            wait = self._next_edit_at - time.monotonic()
            if wait > 0 and not self._final:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), wait)
                continue
            wanted = self._wanted
            try:
                await self.bot.edit_message_text(
                    wanted[0], chat_id=self.chat_id, message_id=self.message_id,
                    reply_markup=wanted[1],
                )
            except RetryAfter as error:
                delay = retry_after_seconds(error)
                log.warning("status %s: flood control, next edit in %.0f s", self.message_id, delay)
                await asyncio.sleep(delay)
                continue
            except BadRequest as error:
                if "not modified" not in error.message.lower():
                    log.warning("status %s in chat %s cannot be edited (%s); giving up",
                                self.message_id, self.chat_id, error.message)
                    return
            except NetworkError as error:
                failures += 1
                if failures >= MAX_EDIT_FAILURES:
                    log.warning("status %s: giving up after %d errors (%s)", self.message_id,
                                failures, error)
                    return
                await asyncio.sleep(self.interval_s)
                continue
            except TelegramError as error:
                log.warning("status %s cannot be edited (%s); giving up", self.message_id, error)
                return
            failures = 0
            self._shown = wanted
            self._next_edit_at = time.monotonic() + self.interval_s
