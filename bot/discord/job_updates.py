"""Follows the core's Discord jobs: edits each status message, posts results and failures."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import io
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import discord

from bot.core import (
    JobCancelled,
    JobDone,
    JobEvent,
    JobFailed,
    PictureRefused,
    Showing,
    StatusBoard,
    before_after_gif,
)
from bot.discord.job_context import JobContext
from bot.discord.loop_views import cancel_view
from bot.discord.result_pictures import DoesNotFit, Upload, fit_uploads, per_file_budget
from bot.discord.texts import (
    RESULT_LABELS,
    failed_notice,
    mention,
    results_text,
    status_text,
    too_large_text,
)

log = logging.getLogger(__name__)

TOKEN_MARGIN = datetime.timedelta(seconds=60)  # stop using an interaction this long before expiry
ANSWER_WAIT_S = 10.0  # how long a failure notice waits for the command's own answer
TOO_LARGE_RETRIES = 3  # Discord's real limit can be below the one it reports (docs/bot-conventions.md §1)
HTTP_TOO_LARGE = 413
NO_PINGS = discord.AllowedMentions.none()
StatusKey = tuple[int, int, str]  # channel id, status message id, job id
ResultButtons = Callable[[str], Awaitable["discord.ui.View | None"]]  # job id -> buttons, if any
ResultCheck = Callable[[JobDone, JobContext, bytes], Awaitable[Showing]]  # the picture check, final's bytes given


@dataclass
class _LiveInteraction:
    """The interaction that submitted a job, and whether the command has answered it yet."""

    interaction: discord.Interaction
    answered: asyncio.Event = field(default_factory=asyncio.Event)


class JobUpdates:
    """The core's listener for Discord jobs; everything it needs is in each job's JobContext."""

    def __init__(
        self,
        client: discord.Client,
        edit_interval_s: float,
        result_buttons: ResultButtons | None = None,
        result_check: ResultCheck | None = None,
    ) -> None:
        self._client = client
        self._editor: StatusBoard[StatusKey, str] = StatusBoard(self._edit_status, edit_interval_s)
        self._interactions: dict[int, _LiveInteraction] = {}  # by status message id
        self._active: set[str] = set()  # jobs whose status message shows a Cancel button
        self._result_buttons = result_buttons
        self._result_check = result_check
        self.logged_in = asyncio.Event()  # set by the client once its HTTP session works

    def track(self, context: JobContext, interaction: discord.Interaction) -> None:
        """Remember the interaction behind a job (before it is submitted: jobs can fail fast),
        to tell a failure to its user alone."""
        self._interactions[context.message_id] = _LiveInteraction(interaction)

    def answered(self, context: JobContext) -> None:
        """The command has answered its interaction: follow-ups may come now."""
        live = self._interactions.get(context.message_id)
        if live is not None:
            live.answered.set()

    def untrack(self, context: JobContext) -> None:
        """Forget the interaction of a job that was not queued after all."""
        self._interactions.pop(context.message_id, None)

    async def on_event(self, event: JobEvent) -> None:
        """Show the event in the job's status message; post results or failures when final."""
        context = JobContext.from_json(event.job.context)
        if context is None:
            log.warning("job %s has no Discord context (%r); event dropped", event.job.job_id, event.job.context)
            return
        await self.logged_in.wait()
        final = isinstance(event, (JobDone, JobFailed, JobCancelled))
        key = (context.channel_id, context.message_id, event.job.job_id)
        if final:
            self._active.discard(event.job.job_id)
        else:
            self._active.add(event.job.job_id)
        await self._editor.show(key, status_text(event, context.user_id), final=final)
        if isinstance(event, JobDone):
            await self._post_results(event, context)
        elif isinstance(event, JobFailed):
            await self._tell_failure(event, context)
        if final:
            self.untrack(context)

    async def close(self) -> None:
        """Drop waiting status edits."""
        await self._editor.close()

    def _channel(self, context: JobContext) -> discord.PartialMessageable:
        """The job's channel, without needing the gateway's cache."""
        return self._client.get_partial_messageable(context.channel_id)

    async def _edit_status(self, key: StatusKey, text: str) -> None:
        """Edit a status message (channel id, message id, job id) through its channel, which
        works after the interaction expired; a Cancel button while the job is active."""
        channel_id, message_id, job_id = key
        message = self._client.get_partial_messageable(channel_id).get_partial_message(message_id)
        view = cancel_view(job_id) if job_id in self._active else None
        try:
            await message.edit(content=text, allowed_mentions=NO_PINGS, view=view)
        except discord.NotFound:
            log.info("status message %s was deleted; its job goes on", message_id)
            self._editor.forget(key)

    async def _post_results(self, event: JobDone, context: JobContext) -> None:
        """Post the pictures in one message that mentions the user, fitted to the upload limit."""
        job_id = event.job.job_id
        channel = self._channel(context)
        try:
            named = await asyncio.to_thread(read_results, event)
        except FileNotFoundError:
            log.warning("job %s: its pictures were deleted before they could be posted", job_id)
            return
        pings = discord.AllowedMentions(everyone=False, roles=False, users=[discord.Object(context.user_id)])
        spoiler = False
        if self._result_check is not None:
            try:
                final = (named.get("final") or named["pass2"]).data
                spoiler = (await self._result_check(event, context, final)).spoiler
            except PictureRefused as refusal:
                await channel.send(f"{mention(context.user_id)} {refusal.message}", allowed_mentions=pings)
                return
        buttons = await self._result_buttons(job_id) if self._result_buttons else None
        names, images = list(named), list(named.values())
        budget = per_file_budget(context.upload_limit, len(images))
        reference = discord.MessageReference(
            message_id=context.message_id, channel_id=context.channel_id, fail_if_not_exists=False
        )
        for attempt in range(TOO_LARGE_RETRIES + 1):
            try:
                fitted = await asyncio.to_thread(fit_uploads, images, budget)
            except DoesNotFit:
                await channel.send(too_large_text(job_id, context.user_id, budget), allowed_mentions=pings)
                return
            shrunk = any(a.filename != b.filename for a, b in zip(fitted, images, strict=True))
            files = [
                discord.File(io.BytesIO(upload.data), filename=upload.filename, spoiler=spoiler) for upload in fitted
            ]
            try:
                text = results_text(job_id, context.user_id, names, shrunk)
                if buttons is not None:
                    await channel.send(text, files=files, allowed_mentions=pings, reference=reference, view=buttons)
                else:
                    await channel.send(text, files=files, allowed_mentions=pings, reference=reference)
                return
            except discord.HTTPException as error:
                if error.status != HTTP_TOO_LARGE or attempt == TOO_LARGE_RETRIES:
                    raise
                budget = max(len(upload.data) for upload in fitted) // 2
                log.warning(
                    "job %s: Discord refused the pictures as too large; retrying with %d bytes per file", job_id, budget
                )

    async def _tell_failure(self, event: JobFailed, context: JobContext) -> None:
        """Tell the user privately while their interaction lasts, else with a mention."""
        notice = failed_notice(event.job.job_id, event.reason)
        live = self._interactions.get(context.message_id)
        if live is not None and discord.utils.utcnow() < live.interaction.expires_at - TOKEN_MARGIN:
            with contextlib.suppress(asyncio.TimeoutError):  # else the answer would replace it
                await asyncio.wait_for(live.answered.wait(), ANSWER_WAIT_S)
            await live.interaction.followup.send(notice, ephemeral=True)
            return
        await self._channel(context).send(
            f"{mention(context.user_id)} {notice}",
            allowed_mentions=discord.AllowedMentions(users=[discord.Object(context.user_id)]),
        )


def read_results(event: JobDone) -> dict[str, Upload]:
    """The job's result PNGs by name, as '<job>-<name>.png' (no final when it equals pass 2),
    and the animated naive paste -> final as '<job>-before-after.gif'."""
    files, job_id = event.files, event.job.job_id
    images = {
        name: Upload(f"{job_id}-{name}.png", getattr(files, name).read_bytes())
        for name in RESULT_LABELS
        if name != "animation"
    }
    if images["final"].data == images["pass2"].data:  # no post-processing: the result is pass 2
        del images["final"]
    images["animation"] = Upload(f"{job_id}-before-after.gif", before_after_gif(files.original, files.final))
    return images
