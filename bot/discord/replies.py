"""Private (ephemeral) replies, and the command tree that turns every error into one."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.core import BotError
from bot.discord.texts import GENERIC_APOLOGY

log = logging.getLogger(__name__)


class DiscordActionFailed(BotError):
    """Discord refused or failed something a command needs (a download, posting in a channel)."""


async def reply_privately(interaction: discord.Interaction, text: str) -> None:
    """Answer only the user: the first response, or a follow-up once answered or deferred."""
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True)
    else:
        await interaction.response.send_message(text, ephemeral=True)


def error_text(error: app_commands.AppCommandError) -> str | None:
    """What to tell the user about a command's error; None for an unexpected one."""
    cause = error.original if isinstance(error, app_commands.CommandInvokeError) else error
    if isinstance(cause, BotError):
        return cause.message
    if isinstance(cause, app_commands.MissingPermissions):
        return "Only members with the Manage Server permission, or the bot's owners, can do that."
    if isinstance(cause, app_commands.TransformerError):
        return f"{cause.value!r} is not a valid value here; check the command's options."
    return None


class ReplyingTree(app_commands.CommandTree):
    """A command tree whose errors reach the user privately, never as a traceback."""

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        """Tell the user what went wrong and what to do; log the unexpected."""
        text = error_text(error)
        if text is None:
            command = interaction.command.qualified_name if interaction.command else "?"
            log.error("/%s failed", command, exc_info=error)
            text = GENERIC_APOLOGY
        try:
            await reply_privately(interaction, text)
        except discord.HTTPException:
            log.warning("could not tell the user about an error: %s", text)
