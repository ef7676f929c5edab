"""Edits of one message at most once per interval, only when the text changes, latest text wins."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from dataclasses import dataclass, field
from typing import Awaitable, Callable, Generic, Hashable, TypeVar

log = logging.getLogger(__name__)

K = TypeVar("K", bound=Hashable)  # what names a message


@dataclass
class _Message:
    """What was last shown in one message, and what waits to be shown."""

    shown: str | None = None
    shown_at: float = -math.inf
    pending: str | None = None
    flush: asyncio.Task[None] | None = field(default=None, repr=False)


class ThrottledEditor(Generic[K]):
    """Shows texts in messages through `edit(key, text)`, coalescing bursts.

    A text equal to the one shown is dropped; a text within `interval_s` of the last edit
    waits, and is replaced by any newer one; a final text is shown at once and ends the key.
    """

    def __init__(self, edit: Callable[[K, str], Awaitable[None]], interval_s: float) -> None:
        self._edit = edit
        self.interval_s = interval_s
        self._messages: dict[K, _Message] = {}

    async def show(self, key: K, text: str, final: bool = False) -> None:
        """Show `text` in message `key` now or after the interval (at once when `final`)."""
        message = self._messages.setdefault(key, _Message())
        if final:
            await self._cancel_flush(message)
            del self._messages[key]
            if text != message.shown:
                await self._send(key, message, text)
            return
        if text == message.shown:
            message.pending = None
            return
        wait = message.shown_at + self.interval_s - time.monotonic()
        if wait <= 0 and message.flush is None:
            await self._send(key, message, text)
            return
        message.pending = text
        if message.flush is None:
            message.flush = asyncio.create_task(self._flush_later(key, message, wait))

    def forget(self, key: K) -> None:
        """Drop a message's state and its waiting edit (e.g. when it was deleted)."""
        message = self._messages.pop(key, None)
        if message is not None and message.flush is not None:
            message.flush.cancel()

    async def close(self) -> None:
        """Cancel every waiting edit."""
        for message in list(self._messages.values()):
            await self._cancel_flush(message)
        self._messages.clear()

    async def _flush_later(self, key: K, message: _Message, wait: float) -> None:
        """Show the pending text once the interval has passed."""
        await asyncio.sleep(max(0.0, wait))
        message.flush = None
        text, message.pending = message.pending, None
        if text is not None and text != message.shown:
            await self._send(key, message, text)

    async def _send(self, key: K, message: _Message, text: str) -> None:
        """Edit now and remember what is shown; failures are logged, not raised."""
        message.shown, message.shown_at = text, time.monotonic()
        try:
            await self._edit(key, text)
        except Exception:
            log.exception("could not edit status message %r", key)

    @staticmethod
    async def _cancel_flush(message: _Message) -> None:
        """Stop a waiting edit and wait until it is gone."""
        if message.flush is not None:
            message.flush.cancel()
            await asyncio.wait([message.flush])
            message.flush = None
