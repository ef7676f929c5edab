"""The picture check on Telegram: the core's PictureModeration, asked for a chat.

Telegram has no age-restricted chats, so no chat counts as one: there the `age-restricted`
policy refuses flagged pictures, and `spoiler` sends them with `has_spoiler`.
"""

from __future__ import annotations

import time

from bot.core import ChatLoop, JobDone, Requester, Showing
from bot.telegram.job_context import JobContext
from bot.telegram.requesters import PLATFORM

AGE_RESTRICTED = False  # Telegram has no such mark on a chat


class TelegramPictureCheck:
    """Uploads, re-shown previews and results judged by the core's picture check."""

    def __init__(self, chat_loop: ChatLoop) -> None:
        self.moderation = chat_loop.moderation

    async def uploads(self, requester: Requester, pictures: list[bytes]) -> Showing:
        """How to show what is made from these uploads in the requester's chat; raises PictureRefused."""
        return await self.moderation.judge_uploads(requester, pictures, AGE_RESTRICTED, time.time())

    async def preview_again(self, chat_id: int, session_id: str) -> Showing:
        """How to show a preview again; raises PictureRefused."""
        return await self.moderation.judge_again(PLATFORM, str(chat_id), session_id, AGE_RESTRICTED, time.time())

    async def result(self, event: JobDone, where: JobContext, final: bytes) -> Showing:
        """How to post a finished job's pictures; raises PictureRefused."""
        return await self.moderation.judge_result(event.job, final, bool(where.flagged), AGE_RESTRICTED, time.time())
