"""/block, /unblock, /audit and /stats: admins stop one member here, read who changed what and
how the bot is doing (bot/core/admin/blocks.py, bot/core/admin/audit_log.py, bot/core/admin/stats.py)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core import chat_stats
from bot.discord.checks import manager_or_owner
from bot.discord.job_context import requester_of
from bot.discord.replies import reply_privately
from bot.discord.texts import mention

if TYPE_CHECKING:
    from bot.discord.client import PainterlyBot

NO_CHANGES = "No admin has changed anything here yet."


class ModerationCog(commands.Cog):
    """The admins' /block, /unblock, /audit and /stats."""

    def __init__(self, bot: PainterlyBot) -> None:
        self.bot = bot

    @app_commands.command(name="block", description="Stop a member from using the bot here (Manage Server).")
    @app_commands.describe(user="Who to stop.")
    @manager_or_owner()
    async def block(self, interaction: discord.Interaction, user: discord.User) -> None:
        """Block `user` in this server."""
        await self.bot.service.blocks.block(requester_of(interaction), str(user.id))
        await reply_privately(interaction, f"{mention(user.id)} can no longer use the bot here (/unblock undoes it).")

    @app_commands.command(name="unblock", description="Let a blocked member use the bot here again (Manage Server).")
    @app_commands.describe(user="Who to let back.")
    @manager_or_owner()
    async def unblock(self, interaction: discord.Interaction, user: discord.User) -> None:
        """Unblock `user` in this server."""
        done = await self.bot.service.blocks.unblock(requester_of(interaction), str(user.id))
        text = "may use the bot here again" if done else "was not blocked here"
        await reply_privately(interaction, f"{mention(user.id)} {text}.")

    @app_commands.command(name="audit", description="The last 20 admin changes here (Manage Server).")
    @manager_or_owner()
    async def audit(self, interaction: discord.Interaction) -> None:
        """Reply with this server's last admin changes, newest first."""
        entries = await self.bot.service.audit_entries(requester_of(interaction))
        text = "\n".join(["Last admin changes here, newest first:", *(e.line() for e in entries)])
        await reply_privately(interaction, text if entries else NO_CHANGES)

    @app_commands.command(name="stats", description="The queue, and this server's last 24 hours (Manage Server).")
    @manager_or_owner()
    async def stats(self, interaction: discord.Interaction) -> None:
        """Reply with the queue and this server's jobs, times, failures and refused pictures."""
        stats = await chat_stats(self.bot.discord_loop.chat_loop, requester_of(interaction), time.time())
        await reply_privately(interaction, stats.text())
