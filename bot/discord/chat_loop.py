"""The chat loop on Discord: the preview message with its buttons, and what each press does.

Every press is deferred at once (Discord wants an answer within 3 s), then the core's ChatLoop
applies it: a move edits the preview in place, Paint it and the buttons under a result post a
status message and queue a job, Move / resize posts a new preview. Refusals (an expired session,
someone else's buttons, a limit reached) reach the presser alone.
"""

from __future__ import annotations

import contextlib
import io
import logging
from typing import TYPE_CHECKING

import discord

from bot.core import (
    Action,
    BotError,
    ChatLoop,
    Discarded,
    JobOptions,
    Painting,
    Press,
    PreviewShown,
    Requester,
    Showing,
)
from bot.discord.job_context import JobContext, requester_of
from bot.discord.loop_views import preview_view, result_view
from bot.discord.replies import DiscordActionFailed, reply_privately
from bot.discord.result_extras import add_result_extras
from bot.discord.texts import (
    discarded_text,
    painting_text,
    preparing_text,
    preview_text,
)

if TYPE_CHECKING:
    from bot.discord.client import PainterlyBot

log = logging.getLogger(__name__)

NO_PINGS = discord.AllowedMentions.none()
CANNOT_POST = (
    "I cannot post in this channel. Ask an admin to let me Send Messages, Attach Files, "
    "Embed Links and Read Message History here, or use another channel."
)


def preview_file(shown: PreviewShown, spoiler: bool) -> discord.File:
    """The preview image as an attachment (hidden behind a spoiler when the picture check says so)."""
    name = f"preview-{shown.session.session_id}.jpg"
    return discord.File(io.BytesIO(shown.preview.image), filename=name, spoiler=spoiler)


class DiscordLoop:
    """Previews and button presses for one bot, over the core's ChatLoop."""

    def __init__(self, bot: PainterlyBot, chat_loop: ChatLoop) -> None:
        self.bot = bot
        self.chat_loop = chat_loop

    async def open_preview(
        self,
        interaction: discord.Interaction,
        painting: bytes,
        object_image: bytes,
        choice: JobOptions,
        showing: Showing,
    ) -> discord.Message:
        """Keep the uploads as a session and post its preview in the channel, with buttons;
        `showing`: what the picture check said of the uploads."""
        shown = await self.chat_loop.open(requester_of(interaction), painting, object_image, choice=choice)
        try:
            if showing.flagged:
                await self.chat_loop.moderation.flag_session(shown.session.session_id, self.chat_loop.clock())
            return await self._post_preview(interaction, shown, showing.spoiler)
        except BaseException:
            with contextlib.suppress(BotError):
                await self.chat_loop.press(requester_of(interaction), Press(Action.DISCARD, shown.session.session_id))
            raise

    async def on_press(self, interaction: discord.Interaction, press: Press) -> None:
        """Apply a press on a preview or a result; refusals are told to the presser alone."""
        await interaction.response.defer()  # a deferred update: the message stays as it is
        requester = requester_of(interaction)
        try:
            if press.action.queues_job:
                await self._queue(interaction, requester, press)
                return
            outcome = await self.chat_loop.press(requester, press)
            if isinstance(outcome, PreviewShown):
                showing = await self.bot.picture_check.preview_again(
                    requester.chat_id, interaction.channel_id, outcome.session.session_id
                )
            if isinstance(outcome, PreviewShown) and press.action is Action.PLACE:
                await self._post_preview(interaction, outcome, showing.spoiler)
            elif isinstance(outcome, PreviewShown):
                await interaction.edit_original_response(
                    content=preview_text(outcome.session.user_id, outcome.session.state, outcome.estimate_s),
                    attachments=[preview_file(outcome, showing.spoiler)],
                    view=preview_view(outcome.session.session_id),
                    allowed_mentions=NO_PINGS,
                )
            elif isinstance(outcome, Discarded):
                await interaction.edit_original_response(
                    content=discarded_text(interaction.user.id), attachments=[], view=None, allowed_mentions=NO_PINGS
                )
        except BotError as error:
            await interaction.followup.send(error.message, ephemeral=True)

    async def result_buttons(self, job_id: str) -> discord.ui.View:
        """The buttons under a finished job's pictures: the loop's (for jobs from a preview),
        then Info and Delete."""
        job = await self.chat_loop.job(job_id)
        if job is None:
            return add_result_extras(discord.ui.View(timeout=None), job_id)
        return add_result_extras(result_view(job.session_id, job_id, job.state, self.bot.service.quality_names), job_id)

    async def on_cancel(self, interaction: discord.Interaction, job_id: str) -> None:
        """The Cancel button under a job's status message."""
        try:
            cancelled = await self.bot.service.cancel(job_id, requester_of(interaction))
        except BotError as error:
            await reply_privately(interaction, error.message)
            return
        await reply_privately(
            interaction, f"Job `{job_id}` is cancelled." if cancelled else f"Job `{job_id}` had already ended."
        )

    async def _post_preview(
        self, interaction: discord.Interaction, shown: PreviewShown, spoiler: bool
    ) -> discord.Message:
        """Post a preview in the interaction's channel."""
        channel = self._channel(interaction)
        try:
            return await channel.send(
                preview_text(shown.session.user_id, shown.session.state, shown.estimate_s),
                file=preview_file(shown, spoiler),
                view=preview_view(shown.session.session_id),
                allowed_mentions=NO_PINGS,
            )
        except discord.Forbidden as error:
            raise DiscordActionFailed(CANNOT_POST) from error

    async def _queue(self, interaction: discord.Interaction, requester: Requester, press: Press) -> None:
        """Paint it, or a new job from a result: a status message first, then the job."""
        channel = self._channel(interaction)
        claim = await self.chat_loop.claim(requester, press)  # a later press of this button: an alert only
        try:
            status = await channel.send(preparing_text(interaction.user.id), allowed_mentions=NO_PINGS)
        except BaseException as error:
            await self.chat_loop.release(claim)
            if isinstance(error, discord.Forbidden):
                raise DiscordActionFailed(CANNOT_POST) from error
            raise
        flagged = await self.chat_loop.moderation.session_flagged(press.session_id)
        context = JobContext(channel.id, status.id, interaction.user.id, interaction.filesize_limit, int(flagged))
        self.bot.updates.track(context, interaction)
        try:
            outcome = await self.chat_loop.press(requester, press, context.to_json(), claim)
        except BaseException:
            self.bot.updates.untrack(context)
            with contextlib.suppress(discord.HTTPException):
                await status.delete()
            raise
        finally:
            self.bot.updates.answered(context)
        assert isinstance(outcome, Painting)
        if press.action is Action.PAINT:
            await interaction.edit_original_response(
                content=painting_text(
                    interaction.user.id, outcome.submission.job_id, outcome.state, outcome.estimate_s
                ),
                view=None,
                allowed_mentions=NO_PINGS,
            )

    def _channel(self, interaction: discord.Interaction) -> discord.PartialMessageable:
        """The interaction's channel, without the gateway's cache."""
        assert interaction.channel_id is not None  # commands and buttons come from a channel
        return self.bot.get_partial_messageable(interaction.channel_id, guild_id=interaction.guild_id)
