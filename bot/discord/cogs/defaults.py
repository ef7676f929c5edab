"""/defaults show and /defaults set: what new previews start with in this server, and whether
everyone may press anyone's buttons (bot/core/admin/chat_defaults.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import Choice
from discord.ext import commands

from bot.core import DEFAULT_LIKENESS, ChatDefaults, Policy
from bot.discord.checks import manager_or_owner
from bot.discord.job_context import PLATFORM, requester_of
from bot.discord.replies import reply_privately

if TYPE_CHECKING:
    from bot.discord.client import PainterlyBot

DEFAULT_LABELS = {  # bot/core/admin/chat_defaults.py NAMES -> what admins read
    "quality": "quality",
    "strength": "style strength",
    "likeness": "likeness (0: the painting's look, 1: the object's own)",
    "shared_buttons": "everyone may press anyone's buttons (on / off)",
    "moderation": "picture check: off, spoiler, age-restricted or refuse",
}


def defaults_text(title: str, defaults: ChatDefaults, default_quality: str, moderation: Policy) -> str:
    """Each default in force here; `moderation`: the picture check's policy in force."""
    likeness = defaults.likeness if defaults.likeness is not None else DEFAULT_LIKENESS
    return "\n".join(
        [
            title,
            f"• quality: {defaults.quality or default_quality}",
            f"• style strength: {defaults.strength or 'medium'}",
            f"• likeness: {likeness:g}",
            f"• shared buttons: {'on' if defaults.shared_buttons else 'off'}",
            f"• picture check: {moderation.value} (what a picture that looks like adult content gets)",
        ]
    )


class DefaultsCog(commands.Cog):
    """The /defaults group."""

    defaults = app_commands.Group(name="defaults", description="What new previews start with in this server.")

    def __init__(self, bot: PainterlyBot) -> None:
        self.bot = bot

    @defaults.command(name="show", description="The defaults in force here.")
    async def show(self, interaction: discord.Interaction) -> None:
        """Reply with this server's defaults."""
        chat_loop = self.bot.discord_loop.chat_loop
        chat_id = requester_of(interaction).chat_id
        here = await chat_loop.chat_defaults(PLATFORM, chat_id)
        policy = await chat_loop.moderation.policy(PLATFORM, chat_id)
        await reply_privately(
            interaction, defaults_text("Defaults here:", here, self.bot.service.default_quality, policy)
        )

    @defaults.command(name="set", description="Change a default (Manage Server or bot owners).")
    @app_commands.describe(
        name="Which default to change.", value="The new value; leave it out to go back to the bot's own."
    )
    @app_commands.choices(name=[Choice(name=label, value=key) for key, label in DEFAULT_LABELS.items()])
    @manager_or_owner()
    async def set_default(self, interaction: discord.Interaction, name: Choice[str], value: str | None = None) -> None:
        """Change one default through the core, which checks the value and who asks."""
        chat_loop, requester = self.bot.discord_loop.chat_loop, requester_of(interaction)
        here = await chat_loop.set_chat_default(requester, name.value, value)
        policy = await chat_loop.moderation.policy(PLATFORM, requester.chat_id)
        await reply_privately(
            interaction, defaults_text("Done. Defaults here now:", here, self.bot.service.default_quality, policy)
        )
