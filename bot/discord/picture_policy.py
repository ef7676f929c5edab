"""The picture check on Discord: whether a channel is age-restricted, and the checks' calls.

Discord's developer policy allows adult content only in channels marked age-restricted
(`channel.nsfw`; a thread follows its parent), so that is what the `age-restricted` policy asks.
"""

from __future__ import annotations

import time

import discord

from bot.core import ChatLoop, JobDone, Requester, Showing
from bot.discord.job_context import PLATFORM, JobContext


def age_restricted(client: discord.Client, channel_id: int | None) -> bool:
    """Whether the channel is marked age-restricted (unknown channels and DMs are not)."""
    channel = client.get_channel(channel_id) if channel_id is not None else None
    is_nsfw = getattr(channel, "is_nsfw", None)
    return bool(is_nsfw()) if callable(is_nsfw) else False


class DiscordPictureCheck:
    """The core's PictureModeration, asked with what Discord knows about the channel."""

    def __init__(self, client: discord.Client, chat_loop: ChatLoop) -> None:
        self.client = client
        self.moderation = chat_loop.moderation

    async def uploads(self, requester: Requester, channel_id: int | None, pictures: list[bytes]) -> Showing:
        """How to show what is made from these uploads here; raises PictureRefused."""
        return await self.moderation.judge_uploads(
            requester, pictures, age_restricted(self.client, channel_id), time.time()
        )

    async def preview_again(self, chat_id: str, channel_id: int | None, session_id: str) -> Showing:
        """How to show a preview again; raises PictureRefused."""
        return await self.moderation.judge_again(
            PLATFORM, chat_id, session_id, age_restricted(self.client, channel_id), time.time()
        )

    async def result(self, event: JobDone, context: JobContext, final: bytes) -> Showing:
        """How to post a finished job's pictures; raises PictureRefused."""
        return await self.moderation.judge_result(
            event.job, final, bool(context.flagged), age_restricted(self.client, context.channel_id), time.time()
        )
