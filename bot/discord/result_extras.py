"""The Info and Delete buttons under every result on Discord (`i|<job>`, `d|<job>`): the result's
settings to the presser alone, and its owner (or an admin) removing the message and its pictures."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

import discord

from bot.core import DELETE_PATTERN, INFO_PATTERN, BotError, delete_data, info_data, result_info
from bot.discord.job_context import requester_of
from bot.discord.replies import reply_privately
from bot.discord.reports import ReportButton

if TYPE_CHECKING:
    from bot.discord.client import PainterlyBot

ROW = 3  # below the loop's three rows of result buttons (bot/discord/loop_views.py)


class InfoButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=INFO_PATTERN):
    """Info: the result's settings, seed, cut-out, quality and seconds, to the presser alone."""

    def __init__(self, job_id: str) -> None:
        super().__init__(discord.ui.Button(label="Info", custom_id=info_data(job_id), row=ROW))
        self.job_id = job_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> InfoButton:
        """Rebuild the button from its custom id."""
        return cls(match["job"])

    async def callback(self, interaction: discord.Interaction) -> None:
        """Answer privately with the result's settings."""
        bot = cast("PainterlyBot", interaction.client)
        try:
            text = await result_info(bot.discord_loop.chat_loop, requester_of(interaction), self.job_id)
        except BotError as error:
            text = error.message
        await reply_privately(interaction, text)


class DeleteButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=DELETE_PATTERN):
    """Delete: removes the result's message and its stored pictures (its owner, admins, owners)."""

    def __init__(self, job_id: str) -> None:
        style = discord.ButtonStyle.danger
        super().__init__(discord.ui.Button(label="Delete", style=style, custom_id=delete_data(job_id), row=ROW))
        self.job_id = job_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> DeleteButton:
        """Rebuild the button from its custom id."""
        return cls(match["job"])

    async def callback(self, interaction: discord.Interaction) -> None:
        """Delete the job's pictures through the core, then the message."""
        bot = cast("PainterlyBot", interaction.client)
        try:
            await bot.service.delete_result(self.job_id, requester_of(interaction))
        except BotError as error:
            await reply_privately(interaction, error.message)
            return
        if interaction.message is not None:
            await interaction.message.delete()
        await reply_privately(interaction, f"Deleted job {self.job_id}'s pictures.")


def add_result_extras(view: discord.ui.View, job_id: str) -> discord.ui.View:
    """`view` with Info, Delete and Report added on their own row."""
    view.add_item(InfoButton(job_id))
    view.add_item(DeleteButton(job_id))
    view.add_item(ReportButton(job_id))
    return view
