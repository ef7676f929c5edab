"""/help: what the bot does, its commands and options, and what it keeps."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.replies import reply_privately

if TYPE_CHECKING:
    from bot.discord.client import PainterlyBot


def help_text(qualities: list[str], default_quality: str, retention_hours: float, session_hours: float) -> str:
    """The /help answer for this bot's qualities, retention time and preview window."""
    listed = ", ".join(f"**{name}**" + (" (default)" if name == default_quality else "") for name in qualities)
    return "\n".join(
        [
            "I paste an object from a photo into a painting and repaint it in the painting's style "
            "(Deep Painterly Harmonization, Luan et al. 2018).",
            "",
            "`/harmonize painting:<image> object:<image>`: queue a job. Options: `x`, `y` (where the "
            "object's centre goes, 0 to 1 from the left and from the top), `height` (its height as a "
            "part of the painting's), `strength` (how much style), `quality` "
            f"({listed}; better is slower).",
            "First I post a preview: the object cut out and placed. Move it, resize it or try "
            "another cut-out with its buttons, then press **Paint it** (only that counts as a job).",
            "When it is done I post the result, both passes, the naive paste, a side-by-side and an "
            "animated before and after here, with a mention, and buttons to go on: move, lighter or "
            "stronger style, more or less like the photo, a better quality, another seed.",
            "`/queue`: your jobs and places in the queue. `/cancel`: stop a job.",
            "`/limits show`: how many jobs you may run. `/limits set`: for admins.",
            "`/defaults show`: what new previews start with here. `/defaults set`: for admins.",
            "`/delete-my-data`: cancel your jobs and delete your pictures now.",
            "`/quota`: the jobs you can still start here. Under every result: **Info** (its settings), "
            "**Delete** (yours) and **Report** (hides it until an admin decides).",
            "Admins: `/block`, `/unblock`, `/audit`, `/stats`, `/reports here`.",
            "",
            f"Privacy: a preview's pictures are kept {session_hours:g} h after its buttons were last "
            f"used; results {retention_hours:g} h. `/delete-my-data` deletes them at once.",
        ]
    )


class HelpCog(commands.Cog):
    """The /help command."""

    def __init__(self, bot: PainterlyBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="How to use the bot.")
    async def help(self, interaction: discord.Interaction) -> None:
        """Reply privately with the help text."""
        service = self.bot.service
        await reply_privately(
            interaction,
            help_text(
                service.quality_names,
                service.default_quality,
                self.bot.settings.result_retention_hours,
                self.bot.settings.session_hours,
            ),
        )
