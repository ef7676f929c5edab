"""/harmonize: take the two pictures, queue the job, answer with its place in the queue."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import Choice, Range
from discord.ext import commands

from bot.core import DEFAULT_STRENGTH, MIN_HEIGHT, STRENGTHS, InvalidOptions, JobOptions, strength_tau
from bot.discord.incoming_pictures import check_attachment, download
from bot.discord.job_context import JobContext, requester_of
from bot.discord.replies import DiscordActionFailed
from bot.discord.texts import message_link, preparing_text, preview_reply, queued_reply

if TYPE_CHECKING:
    from bot.discord.client import PainterlyBot

DEFAULTS = JobOptions()
STRENGTH_CHOICES = [  # the one strength table of both front ends (bot/core/chat/loop_state.py)
    Choice(name="auto: guessed from the painting", value="auto"),
    *(Choice(name=f"{name} (default)" if name == DEFAULT_STRENGTH else name, value=name) for name, _ in STRENGTHS),
]
CANNOT_POST = (
    "I cannot post in this channel. Ask an admin to let me Send Messages, Attach Files, "
    "Embed Links and Read Message History here, or use another channel."
)


class HarmonizeCog(commands.Cog):
    """The /harmonize command."""

    def __init__(self, bot: PainterlyBot) -> None:
        self.bot = bot

    @app_commands.command(name="harmonize", description="Paint an object from a photo into a painting.")
    @app_commands.rename(object_image="object")
    @app_commands.describe(
        painting="The painting (PNG, JPEG or WebP).",
        object_image="A photo of the object; a PNG with transparency skips the automatic cut-out.",
        x=f"Where the object's centre goes: 0 is the left edge, 1 the right (default {DEFAULTS.x:g}).",
        y=f"Where the object's centre goes: 0 is the top, 1 the bottom (default {DEFAULTS.y:g}).",
        height=f"The object's height as a part of the painting's height (default {DEFAULTS.height:.2f}).",
        strength="How strongly the painting's style is applied (default medium).",
        quality="Faster or better; see /help (default: the bot's standard).",
    )
    @app_commands.choices(strength=STRENGTH_CHOICES)
    async def harmonize(
        self,
        interaction: discord.Interaction,
        painting: discord.Attachment,
        object_image: discord.Attachment,
        x: Range[float, 0.0, 1.0] = DEFAULTS.x,
        y: Range[float, 0.0, 1.0] = DEFAULTS.y,
        height: Range[float, MIN_HEIGHT, 1.0] = DEFAULTS.height,
        strength: Choice[str] | None = None,
        quality: str | None = None,
    ) -> None:
        """Check, download, post the preview (or, with previews off, the status message and
        queue the job); errors reach the user privately."""
        service, settings = self.bot.service, self.bot.settings
        await service.blocks.check(requester_of(interaction))
        check_attachment(painting, "painting", settings.max_image_bytes)
        check_attachment(object_image, "object image", settings.max_image_bytes)
        if quality is not None and quality not in service.quality_names:
            raise InvalidOptions(f"Unknown quality {quality!r}; choose one of: {', '.join(service.quality_names)}.")
        options = JobOptions(
            x=x, y=y, height=height, quality=quality, tau=strength_tau(strength.value) if strength is not None else None
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        painting_bytes, object_bytes = await asyncio.gather(
            download(painting, "painting", settings.max_image_bytes),
            download(object_image, "object image", settings.max_image_bytes),
        )
        showing = await self.bot.picture_check.uploads(
            requester_of(interaction), interaction.channel_id, [painting_bytes, object_bytes]
        )
        if settings.preview_first:
            preview = await self.bot.discord_loop.open_preview(
                interaction, painting_bytes, object_bytes, options, showing
            )
            await interaction.edit_original_response(
                content=preview_reply(message_link(interaction.guild_id, preview.channel.id, preview.id))
            )
            return
        assert interaction.channel_id is not None  # application commands come from a channel
        channel = self.bot.get_partial_messageable(interaction.channel_id, guild_id=interaction.guild_id)
        try:
            status = await channel.send(
                preparing_text(interaction.user.id), allowed_mentions=discord.AllowedMentions.none()
            )
        except discord.Forbidden as error:
            raise DiscordActionFailed(CANNOT_POST) from error
        context = JobContext(
            channel.id, status.id, interaction.user.id, interaction.filesize_limit, int(showing.flagged)
        )
        self.bot.updates.track(context, interaction)
        try:
            submission = await service.submit(
                requester_of(interaction), painting_bytes, object_bytes, options, context.to_json()
            )
        except BaseException:
            self.bot.updates.untrack(context)
            with contextlib.suppress(discord.HTTPException):
                await status.delete()
            raise
        link = message_link(interaction.guild_id, channel.id, status.id)
        try:
            await interaction.edit_original_response(content=queued_reply(submission.job_id, submission.position, link))
        finally:
            self.bot.updates.answered(context)

    @harmonize.autocomplete("quality")
    async def _quality_choices(self, interaction: discord.Interaction, current: str) -> list[Choice[str]]:
        """The qualities whose name contains what was typed."""
        names = [name for name in self.bot.service.quality_names if current.lower() in name.lower()]
        return [Choice(name=name, value=name) for name in names[:25]]
