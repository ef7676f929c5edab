"""The user's own jobs: /queue, /cancel and /delete-my-data."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import Choice
from discord.ext import commands

from bot.discord.job_context import requester_of
from bot.discord.replies import reply_privately
from bot.discord.texts import queue_text

if TYPE_CHECKING:
    from bot.discord.client import PainterlyBot


class JobsCog(commands.Cog):
    """/queue, /cancel and /delete-my-data; every answer is private."""

    def __init__(self, bot: PainterlyBot) -> None:
        self.bot = bot

    @app_commands.command(name="queue", description="Your jobs, and your places in the queue.")
    async def queue(self, interaction: discord.Interaction) -> None:
        """List the user's jobs and the bot's load."""
        service = self.bot.service
        jobs = await service.list_jobs(requester_of(interaction))
        load = await service.queue_status()
        await reply_privately(interaction, queue_text(jobs, load, time.time()))

    @app_commands.command(name="cancel", description="Stop a waiting or running job (admins: any in this server).")
    @app_commands.describe(job="The job's id from /queue; leave it out for your only active job.")
    async def cancel(self, interaction: discord.Interaction, job: str | None = None) -> None:
        """Cancel one job; without an id, the user's only waiting or running job."""
        service, requester = self.bot.service, requester_of(interaction)
        if job is None:
            active = [info.job_id for info in await service.list_jobs(requester) if not info.status.is_final]
            if not active:
                await reply_privately(interaction, "You have no waiting or running job.")
                return
            if len(active) > 1:
                ids = ", ".join(f"`{job_id}`" for job_id in active)
                await reply_privately(
                    interaction, f"You have {len(active)} active jobs ({ids}); say which: `/cancel job:<id>`."
                )
                return
            job = active[0]
        job = job.strip()
        if await service.cancel(job, requester):
            await reply_privately(interaction, f"Job `{job}` is cancelled.")
        else:
            await reply_privately(interaction, f"Job `{job}` had already ended.")

    @cancel.autocomplete("job")
    async def _active_jobs(self, interaction: discord.Interaction, current: str) -> list[Choice[str]]:
        """The user's waiting and running jobs whose id starts with what was typed."""
        jobs = await self.bot.service.list_jobs(requester_of(interaction))
        return [
            Choice(name=f"{info.job_id} ({info.status.value}, {info.quality})", value=info.job_id)
            for info in jobs
            if not info.status.is_final and info.job_id.startswith(current.strip())
        ][:25]

    @app_commands.command(
        name="delete-my-data", description="Cancel your jobs and delete your pictures and results now."
    )
    async def delete_my_data(self, interaction: discord.Interaction) -> None:
        """Delete everything the bot keeps about the user's jobs and previews."""
        requester = requester_of(interaction)
        count = await self.bot.service.delete_user_data(requester)
        previews = await self.bot.discord_loop.chat_loop.delete_user_data(requester)
        await reply_privately(
            interaction,
            f"Done: {count} job(s), {previews} preview(s) and all their pictures are deleted. "
            "Only the times of your submissions stay, for at most a day, so that the rate limits "
            "still apply.",
        )
