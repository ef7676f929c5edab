"""/reports here and /reports off: where this server's reports go (bot/core/admin/reports.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.checks import manager_or_owner
from bot.discord.job_context import requester_of
from bot.discord.replies import reply_privately

if TYPE_CHECKING:
    from bot.discord.client import PainterlyBot


class ReportsCog(commands.Cog):
    """The /reports group (Manage Server or bot owners)."""

    reports = app_commands.Group(name="reports", description="Where this server's reported results go.")

    def __init__(self, bot: PainterlyBot) -> None:
        self.bot = bot

    @reports.command(name="here", description="Send this server's reports to this channel (Manage Server).")
    @manager_or_owner()
    async def here(self, interaction: discord.Interaction) -> None:
        """Make this channel the server's moderation channel."""
        await self.bot.discord_loop.chat_loop.reports.set_destination(
            requester_of(interaction), str(interaction.channel_id)
        )
        await reply_privately(interaction, "Reports of this server's results now come to this channel.")

    @reports.command(name="off", description="Stop sending this server's reports anywhere (Manage Server).")
    @manager_or_owner()
    async def off(self, interaction: discord.Interaction) -> None:
        """Forget the server's moderation channel (reported results are still hidden)."""
        await self.bot.discord_loop.chat_loop.reports.set_destination(requester_of(interaction), None)
        await reply_privately(interaction, "Reports are no longer sent anywhere; reported results are still hidden.")
