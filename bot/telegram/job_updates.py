"""The core's events for Telegram jobs, turned into status-message edits and posted results."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.error import TelegramError

from bot.core import (
    JobCancelled,
    JobDone,
    JobEvent,
    JobFailed,
    JobProgress,
    JobQueued,
    JobStarted,
    PictureRefused,
    PostedMessage,
    Showing,
)
from bot.telegram import texts
from bot.telegram.job_context import JobContext
from bot.telegram.loop_keyboards import cancel_job_keyboard
from bot.telegram.result_pictures import send_results
from bot.telegram.status import STATUS_EDIT_INTERVAL_S, StatusMessage

log = logging.getLogger(__name__)

SHUTDOWN_GRACE_S = 10.0  # how long stopping waits for results being posted
ResultButtons = Callable[[str], Awaitable["InlineKeyboardMarkup | None"]]  # job id -> keyboard
ResultCheck = Callable[[JobDone, JobContext, bytes], Awaitable[Showing]]  # the picture check, final's bytes given
Posted = Callable[[str, list[PostedMessage]], Awaitable[None]]  # job id, its result's messages (Delete, Report)


def posted_message(message: Message) -> PostedMessage:
    """What Delete and Report need of one posted message: its id, kind, file and caption."""
    if message.photo:
        kind, file_id = "photo", message.photo[-1].file_id
    elif message.animation is not None:
        kind, file_id = "animation", message.animation.file_id
    else:
        kind, file_id = "document", message.document.file_id if message.document is not None else ""
    return PostedMessage(message.message_id, kind, file_id, message.caption or "")


class JobUpdates:
    """An event listener (`service.add_listener(updates, "telegram")`) that keeps users informed.

    Events that arrive before `attach` (jobs resumed at start-up) wait for the bot; each job has
    one StatusMessage, found again after a restart from the job's JobContext.
    """

    def __init__(
        self,
        status_interval_s: float = STATUS_EDIT_INTERVAL_S,
        result_buttons: ResultButtons | None = None,
        result_check: ResultCheck | None = None,
        posted: Posted | None = None,
    ) -> None:
        self.status_interval_s = status_interval_s
        self.result_buttons = result_buttons
        self.result_check = result_check
        self.posted = posted
        self._bot: Bot | None = None
        self._ready = asyncio.Event()
        self._closed = False
        self._statuses: dict[str, StatusMessage] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def attach(self, bot: Bot) -> None:
        """Start handling events with this (initialized) bot."""
        self._bot = bot
        self._ready.set()

    async def detach(self) -> None:
        """Stop: let posting results and last edits finish (briefly), drop the rest; idempotent."""
        self._closed = True
        self._ready.set()
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=SHUTDOWN_GRACE_S)
        for status in list(self._statuses.values()):
            await status.close()
        self._statuses.clear()
        self._bot = None

    async def __call__(self, event: JobEvent) -> None:
        """Handle one event (the core calls this in order, one event at a time)."""
        await self._ready.wait()
        if self._closed or self._bot is None:
            log.info("telegram front end stopped; event %s of job %s dropped", type(event).__name__, event.job.job_id)
            return
        where = JobContext.from_json(event.job.context)
        if where is None:
            log.warning("job %s has no Telegram context (%r); event dropped", event.job.job_id, event.job.context)
            return
        job_id = event.job.job_id
        status = self._statuses.get(job_id)
        if status is None:
            status = StatusMessage(self._bot, where.chat_id, where.status_id, self.status_interval_s)
            self._statuses[job_id] = status
        if isinstance(event, JobQueued):
            status.show(texts.queued_text(job_id, event.position), cancel_job_keyboard(job_id))
        elif isinstance(event, JobStarted):
            status.show(texts.started_text(job_id, event.attempt), cancel_job_keyboard(job_id))
        elif isinstance(event, JobProgress):
            status.show(texts.progress_text(job_id, event.stage, event.percent), cancel_job_keyboard(job_id))
        else:
            del self._statuses[job_id]
            if isinstance(event, JobDone):
                self._track(self._deliver(self._bot, status, where, event))
            elif isinstance(event, JobFailed):
                self._track(status.finish(texts.failed_text(job_id, event.reason)))
            elif isinstance(event, JobCancelled):
                by_owner = event.by_user_id == event.job.user_id
                self._track(status.finish(texts.cancelled_text(job_id, by_owner)))

    def _track(self, work: Awaitable[None]) -> None:
        """Run a coroutine, or keep a task, until it ends, so that `detach` can wait for it."""
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, bot: Bot, status: StatusMessage, where: JobContext, event: JobDone) -> None:
        """Post the pictures, then mark the status done (or say why they could not be posted)."""
        job_id = event.job.job_id
        try:
            spoiler = False
            if self.result_check is not None:
                final = await asyncio.to_thread(event.files.final.read_bytes)
                spoiler = (await self.result_check(event, where, final)).spoiler
            buttons = await self.result_buttons(job_id) if self.result_buttons else None
            messages = await send_results(bot, where, job_id, event.files, buttons, spoiler)
            if self.posted is not None:
                await self.posted(job_id, [posted_message(message) for message in messages])
        except PictureRefused as refusal:
            await status.finish(f"Job {job_id}: {refusal.message}")
        except OSError as error:
            log.error("job %s: result files unreadable: %s", job_id, error)
            await status.finish(
                texts.failed_text(job_id, "its pictures were deleted before they could be posted. Run it again.")
            )
        except TelegramError as error:
            log.error("job %s: posting the results failed: %s", job_id, error)
            await status.finish(texts.failed_text(job_id, f"Telegram refused the pictures ({error.message})."))
        else:
            await status.finish(texts.done_text(job_id, event.seconds))
