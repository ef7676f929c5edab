"""Albums: Telegram delivers each picture of an album as its own message with one media_group_id."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from telegram import Message

log = logging.getLogger(__name__)

ALBUM_WAIT_S = 1.0  # the pictures of one album arrive within a second of each other
AlbumKey = tuple[int, str]  # (chat id, media_group_id)


class AlbumCollector:
    """Gathers an album's messages, then hands them over together, in message order."""

    def __init__(self, on_album: Callable[[list[Message]], Awaitable[None]], wait_s: float = ALBUM_WAIT_S) -> None:
        self.on_album = on_album
        self.wait_s = wait_s
        self._albums: dict[AlbumKey, list[Message]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def add(self, message: Message) -> None:
        """Keep one picture of an album; the album is handed over `wait_s` after its first."""
        if message.media_group_id is None:
            raise ValueError("AlbumCollector.add takes album messages only (media_group_id set)")
        key = (message.chat.id, message.media_group_id)
        if key not in self._albums:
            self._albums[key] = []
            task = asyncio.create_task(self._hand_over(key), name=f"album-{key[1]}")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        self._albums[key].append(message)

    async def _hand_over(self, key: AlbumKey) -> None:
        """Wait for the rest of the album, then pass it on."""
        await asyncio.sleep(self.wait_s)
        messages = sorted(self._albums.pop(key), key=lambda m: m.message_id)
        try:
            await self.on_album(messages)
        except Exception:
            log.exception("handling album %s in chat %s failed", key[1], key[0])

    async def close(self) -> None:
        """Drop albums still being gathered (shutdown)."""
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._albums.clear()
