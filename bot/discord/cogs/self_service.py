"""/quota: the jobs a member may still start here this hour and today, and their place in the queue."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.job_context import requester_of
from bot.discord.replies import reply_privately

if TYPE_CHECKING:
    from bot.discord.client import PainterlyBot


class SelfServiceCog(commands.Cog):
    """The /quota command."""

    def __init__(self, bot: PainterlyBot) -> None:
        self.bot = bot

    @app_commands.command(name="quota", description="Jobs you can still start here, and your place in the queue.")
    async def quota(self, interaction: discord.Interaction) -> None:
        """Reply privately with the member's quota here."""
        quota = await self.bot.service.quota(requester_of(interaction))
        await reply_privately(interaction, quota.text())
