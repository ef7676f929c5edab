"""/block, /unblock and /audit: admins stop one member here, and read who changed what
(bot/core/blocks.py, bot/core/audit_log.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.checks import manager_or_owner
from bot.discord.job_context import requester_of
from bot.discord.replies import reply_privately
from bot.discord.texts import mention

if TYPE_CHECKING:
    from bot.discord.client import PainterlyBot

NO_CHANGES = "No admin has changed anything here yet."


class ModerationCog(commands.Cog):
    """The admins' /block, /unblock and /audit."""

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
