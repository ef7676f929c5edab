"""HarmonizeService: the one object the Discord and Telegram front ends talk to.

A front end downloads the user's two images at once, calls `submit`, then follows the job through
events (`add_listener` for every job of its platform, which also survives restarts, or
`subscribe` / `events` for one job). Behind it: the job store (bot.core.job_queue.store), the job
lifecycle (bot.core.job_queue.job_lifecycle), the permission rules (bot.core.admin.rules), the option checks
(bot.core.job_queue.job_spec) and a JobRunner that the caller builds (bot.job_runners.make_runner).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import secrets
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, Literal

from bot.core.admin.audit_log import AuditEntry, AuditLog
from bot.core.admin.blocks import BlockList
from bot.core.admin.picture_check import PictureCheck, PictureScorer
from bot.core.admin.rules import AdminRules
from bot.core.chat.self_service import Quota, quota_of
from bot.core.errors import InvalidOptions, JobNotFound, NotAllowed, ServiceUnavailable
from bot.core.events import (
    EventCallback,
    EventHub,
    JobCancelled,
    JobDone,
    JobEvent,
    JobFailed,
    JobQueued,
    JobStarted,
)
from bot.core.job_queue.database import Database
from bot.core.job_queue.decode_gate import DecodeGate
from bot.core.job_queue.files import FileStore
from bot.core.job_queue.job_lifecycle import Clock, JobLifecycle
from bot.core.job_queue.job_spec import JobSpec, resolve
from bot.core.job_queue.limits import DAY_S, LimitName, Limits, Usage, check_submission
from bot.core.job_queue.store import JobRow, JobStore
from bot.core.jobs import CheckedPicture, JobInfo, JobOptions, JobRef, JobStatus, Requester, Submission
from bot.core.running.job_runner import JobRunner, SlotT
from bot.core.settings import BotSettings

log = logging.getLogger(__name__)

CONTEXT_MAX_CHARS = 2000
DELETED_WHILE_UPLOADING = (
    "Your data was deleted while this job was being submitted, so it was dropped. Send it again if you still want it."
)


@dataclass(frozen=True)
class QueueStatus:
    """The whole bot's load: jobs waiting, jobs running, and worker slots."""

    queued: int
    running: int
    workers: int


class HarmonizeService(Generic[SlotT]):
    """Queue, limits, storage and workers for harmonization jobs, behind one async API.

    `runner`: where jobs run (bot.job_runners.make_runner builds the one the settings ask for);
    `clock`: Unix seconds, for tests; `scorer`: the picture check (None: the open_nsfw model, loaded
    once at start; tests pass a fixed score).
    """

    def __init__(
        self,
        settings: BotSettings,
        runner: JobRunner[SlotT],
        clock: Clock = time.time,
        scorer: PictureScorer | None = None,
    ) -> None:
        self.settings = settings
        self.admin = AdminRules(settings.owners)
        self.database = Database(settings.database_path)  # one connection for every store of the core
        self._store = JobStore(self.database)
        self._files = FileStore(settings.storage_dir)
        self._hub = EventHub()
        self._runner = runner
        self._clock = clock
        self._lifecycle = JobLifecycle(settings, self._store, self._files, self._hub, runner, clock)
        self._running = False
        self.decode_gate = DecodeGate(settings.decode_memory_mb * 2**20)
        self._scorer = scorer
        self.audit = AuditLog(self.database)  # admin changes, read with /audit
        self.blocks = BlockList(self.database, self.admin, self.audit, clock)  # /block, /unblock

    # ----------------------------------------------------------------- lifecycle

    @property
    def quality_names(self) -> list[str]:
        """The qualities users may pick, e.g. ["draft", "standard", "best"]."""
        return list(self.settings.qualities)

    @property
    def default_quality(self) -> str:
        """The quality used when a job names none."""
        return self.settings.default_quality

    async def start(self) -> None:
        """Open the database, start the workers, take over dead processes' jobs, dispatch."""
        if self._running:
            return
        if self._scorer is None:
            self._scorer = (await asyncio.to_thread(PictureCheck)).score
        await asyncio.to_thread(self._files.prepare)
        await self.database.open()
        try:
            await self._runner.start(self._lifecycle.on_progress)
        except BaseException:
            await self._runner.stop()
            await self.database.close()
            raise
        self._running = True
        await self._lifecycle.start()
        log.info(
            "painterly core started: %s queue, %d worker slot(s), engine %s",
            self.settings.queue_backend,
            self._runner.capacity,
            self.settings.engine,
        )

    async def stop(self) -> None:
        """Stop the workers; running jobs go back to the queue (no attempt used) for next start."""
        if not self._running:
            return
        self._running = False
        await self._lifecycle.stop()
        await self._runner.stop()
        await self.database.close()
        await self._hub.close()
        await asyncio.to_thread(self.decode_gate.close)
        log.info("painterly core stopped")

    async def __aenter__(self) -> HarmonizeService:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ---------------------------------------------------------------- front-end API

    async def submit(
        self,
        requester: Requester,
        painting: bytes | CheckedPicture,
        object_image: bytes,
        options: JobOptions | None = None,
        context: str = "",
        object_is_cutout: bool = False,
    ) -> Submission:
        """Check and queue one job; return its id and 1-based queue position.

        `painting`, `object_image`: the raw uploaded files (PNG, JPEG or WebP); a painting the bot
        already checked and keeps (a chat session's) is linked into the job, not checked again.
        `context`: the front end's own string (e.g. channel and message ids), given back in
        every event's `JobRef.context`, so results can be posted after a restart.
        `object_is_cutout`: `object_image` is a finished cut-out (the preview's), pasted as it is.
        The cheap checks (options, limits) come before the images are decoded, and the job's
        row is written before its files, so a refusal costs little and a crash leaves nothing.
        Raises InvalidImage, InvalidOptions, QueueFull, QuotaExceeded, RateLimited,
        ServiceUnavailable; each message is fit to show the user.
        """
        self._require_running()
        await self.blocks.check(requester)
        spec = resolve(
            options if options is not None else JobOptions(), self.settings.qualities, self.settings.default_quality
        )
        spec = dataclasses.replace(spec, object_is_cutout=object_is_cutout)
        if len(context) > CONTEXT_MAX_CHARS:
            raise ValueError(f"context must be at most {CONTEXT_MAX_CHARS} characters")
        check_submission(*await self._limits_and_usage(requester))
        max_bytes, max_pixels = self.settings.max_image_bytes, self.settings.max_image_pixels
        painting_source: bytes | Path
        if isinstance(painting, CheckedPicture):
            painting_format, painting_source = painting.format, painting.path
        else:
            painting_format = await self.decode_gate.validate(painting, "painting", max_bytes, max_pixels)
            painting_source = painting
        object_format = await self.decode_gate.validate(object_image, "object image", max_bytes, max_pixels)
        ref = JobRef(secrets.token_hex(5), requester.platform, requester.user_id, requester.chat_id, context)
        paths = self._files.input_paths(ref.job_id, painting_format, object_format)
        await self._reserve(requester, ref, spec, paths)
        try:
            await asyncio.to_thread(self._files.write_inputs, paths, painting_source, object_image)
            async with self._store.transaction():
                queued = await self._store.mark_queued(ref.job_id)
            if not queued:
                raise JobNotFound(DELETED_WHILE_UPLOADING)
        except BaseException:
            await asyncio.to_thread(self._files.delete_job, ref.job_id)
            async with self._store.transaction():
                await self._store.delete_job(ref.job_id)
            raise
        position = await self._store.position(ref.job_id)
        await self._lifecycle.job_added()
        log.info("job %s queued by %s:%s at position %d", ref.job_id, requester.platform, requester.user_id, position)
        return Submission(job_id=ref.job_id, position=position)

    def add_listener(self, callback: EventCallback, platform: str | None = None) -> Callable[[], None]:
        """Call `callback` for every event of every job (of `platform` only, when given).

        Events reach each callback in order, one at a time; a callback's exceptions are logged.
        Returns a function that removes the listener. Register before `start()` to also get
        the events of jobs resumed or failed at start-up.
        """
        return self._hub.add_listener(callback, platform)

    def subscribe(self, job_id: str, callback: EventCallback) -> Callable[[], None]:
        """Call `callback` for each later event of one job; removed after its final event.

        Returns a function that removes the subscription earlier.
        """
        return self._hub.subscribe(job_id, callback)

    async def events(self, job_id: str) -> AsyncIterator[JobEvent]:
        """Yield the job's current state as an event, then each later event, until a final one.

        Raises JobNotFound if there is no such job.
        """
        stream = self._hub.stream(job_id)
        try:
            info = await self.get_job(job_id)
            current = _event_for(info)
            if current is not None:
                yield current
                if info.status.is_final:
                    return
            async for event in stream:
                yield event
        finally:
            stream.close()

    async def get_job(self, job_id: str) -> JobInfo:
        """A snapshot of one job; raises JobNotFound."""
        self._require_running()
        return await self._info(await self._row(job_id))

    async def list_jobs(self, requester: Requester) -> list[JobInfo]:
        """The requester's jobs on their platform (all chats), oldest first, with positions."""
        self._require_running()
        rows = await self._store.list_user(requester.platform, requester.user_id)
        return [await self._info(row) for row in rows]

    async def cancel(self, job_id: str, requester: Requester) -> bool:
        """Cancel a queued or running job; False if it had already ended.

        Allowed to the job's owner, an admin of the job's chat, and bot owners; raises NotAllowed
        or JobNotFound.
        """
        self._require_running()
        await self.blocks.check(requester)
        row = await self._row(job_id)
        self.admin.check_cancel(requester, row.ref)
        return await self._lifecycle.cancel(row, requester.user_id)

    async def delete_user_data(self, requester: Requester) -> int:
        """Cancel (JobCancelled is sent) and delete all the requester's jobs and files; return
        how many jobs.

        Only submission times (no images, no job data) are kept, for at most a day, so that
        deleting one's data does not reset rate limits.
        """
        self._require_running()
        rows = await self._store.list_user(requester.platform, requester.user_id)
        for row in rows:
            if not row.status.is_final:
                await self._lifecycle.cancel(row, requester.user_id)
        async with self._store.transaction():
            ids = await self._store.delete_user(requester.platform, requester.user_id)
        for job_id in ids:
            self._lifecycle.forget(job_id)
            await asyncio.to_thread(self._files.delete_job, job_id)
        log.info("deleted data of %s:%s (%d job(s))", requester.platform, requester.user_id, len(ids))
        return len(ids)

    async def get_limits(self, platform: str | None = None, chat_id: str | None = None) -> Limits:
        """The limits in force: global, or one chat's when platform and chat_id are given."""
        self._require_running()
        defaults = self.settings.default_limits()
        if platform is None or chat_id is None:
            return await self._store.effective_limits(defaults, None, None)
        return await self._store.effective_limits(defaults, platform, chat_id)

    async def set_limit(
        self,
        requester: Requester,
        name: LimitName,
        value: int | None,
        scope: Literal["global", "chat"] = "global",
    ) -> Limits:
        """Change one limit at run time (stored in the database); return the limits now in force.

        scope "global": bot owners only. scope "chat": the requester's chat; its admins may only
        lower per-user and per-chat limits below the global ones, owners may set any value.
        value: 0 to MAX_LIMIT (bot.core.parse_limit_value reads one typed by an admin); None
        removes the change (back to settings, or to the global value for a chat).
        Raises NotAllowed or InvalidOptions.
        """
        self._require_running()
        chat_key = self.admin.limit_scope(requester, name, value, scope)
        if chat_key is not None:
            self.admin.check_chat_value(requester, name, value, await self.get_limits())
        async with self._store.transaction():
            await self._store.set_limit(chat_key, name, value)
        shown = "the default" if value is None else value
        await self.audit.record(requester, f"set the {scope} limit {name} to {shown}", self._clock())
        log.info("limit %s set to %s (%s) by %s:%s", name, value, scope, requester.platform, requester.user_id)
        if chat_key is None:
            return await self.get_limits()
        return await self.get_limits(*chat_key)

    async def queue_status(self) -> QueueStatus:
        """How many jobs wait and run, and how many worker slots there are."""
        self._require_running()
        queued, running = await self._store.counts()
        return QueueStatus(queued=queued, running=running, workers=self._runner.capacity)

    async def purge_expired(self, now: float | None = None) -> int:
        """Delete ended jobs (rows and files) older than the retention time; return how many.

        Runs on its own every `cleanup_interval_s`; `now` (Unix seconds) is for tests.
        """
        self._require_running()
        return await self._lifecycle.purge_expired(now)

    async def quota(self, requester: Requester) -> Quota:
        """The jobs the requester may still start in their chat, and their places in the queue."""
        self._require_running()
        limits, usage, now = await self._limits_and_usage(requester)
        jobs = await self.list_jobs(requester)
        places = tuple((job.job_id, job.position) for job in jobs if job.position is not None)
        return quota_of(limits, usage, now, places)

    async def delete_result(self, job_id: str, requester: Requester) -> JobRef:
        """Delete a finished job's row and pictures (its owner, the chat's admins and bot owners).

        Returns the job's JobRef (where its messages are). Raises JobNotFound, NotAllowed, or
        InvalidOptions for a job still waiting or running.
        """
        self._require_running()
        await self.blocks.check(requester)
        row = await self._row(job_id)
        ref = row.ref
        owner = (ref.platform, ref.user_id) == (requester.platform, requester.user_id)
        if not owner and not self.is_admin_of(requester, ref.platform, ref.chat_id):
            raise NotAllowed("Only the person who made this picture or an admin can delete it.")
        if not row.status.is_final:
            raise InvalidOptions("This job is not finished yet; cancel it instead.")
        async with self._store.transaction():
            await self._store.delete_job(job_id)
        self._lifecycle.forget(job_id)
        await asyncio.to_thread(self._files.delete_job, job_id)
        log.info("job %s deleted by %s:%s", job_id, requester.platform, requester.user_id)
        return ref

    async def audit_entries(self, requester: Requester) -> list[AuditEntry]:
        """The last admin changes in the requester's chat, newest first (its admins and owners only)."""
        self._require_running()
        if not self.is_admin_of(requester, requester.platform, requester.chat_id):
            raise NotAllowed("Only admins of this chat can read its audit log.")
        return await self.audit.latest(requester.platform, requester.chat_id)

    def score_picture(self, data: bytes) -> float:
        """The picture check's score of one validated picture file, in [0, 1] (blocking: call it in a thread)."""
        if self._scorer is None:
            raise ServiceUnavailable("The bot is starting up or shutting down; try again soon.")
        return self._scorer(data)

    def is_owner(self, requester: Requester) -> bool:
        """True for bot owners listed in settings (PLATFORM:USER_ID)."""
        return self.admin.is_owner(requester)

    def is_admin_of(self, requester: Requester, platform: str, chat_id: str) -> bool:
        """True for bot owners, and for platform admins of that very chat."""
        return self.admin.is_admin_of(requester, platform, chat_id)

    # ------------------------------------------------------------------ internals

    def _require_running(self) -> None:
        """Raise ServiceUnavailable unless started."""
        if not self._running:
            raise ServiceUnavailable("The bot is starting up or shutting down; try again soon.")

    async def _row(self, job_id: str) -> JobRow:
        """One job's row; raises JobNotFound."""
        row = await self._store.get(job_id)
        if row is None:
            raise JobNotFound(f"There is no job {job_id} (it may have expired or been deleted).")
        return row

    async def _limits_and_usage(self, requester: Requester) -> tuple[Limits, Usage, float]:
        """The limits of the requester's chat, their usage, and now: check_submission's input."""
        now = self._clock()
        limits = await self._store.effective_limits(
            self.settings.default_limits(), requester.platform, requester.chat_id
        )
        usage = await self._store.usage(requester.platform, requester.user_id, requester.chat_id, now - DAY_S)
        return limits, usage, now

    async def _reserve(self, requester: Requester, ref: JobRef, spec: JobSpec, paths: tuple[Path, Path]) -> None:
        """Check the limits again and add the job's row, atomically, before its files exist."""
        async with self._store.transaction():
            limits, usage, now = await self._limits_and_usage(requester)
            check_submission(limits, usage, now)
            await self._store.insert_uploading(
                ref, spec, str(paths[0]), str(paths[1]), now, self._lifecycle.owner, self._lifecycle.lease_until()
            )

    async def _info(self, row: JobRow) -> JobInfo:
        """JobInfo for a row, with its queue position and result files."""
        queued = row.status == JobStatus.QUEUED
        position = await self._store.position(row.ref.job_id) if queued else None
        files = self._files.result_files(row.ref.job_id) if row.status == JobStatus.DONE else None
        return JobInfo(
            ref=row.ref,
            status=row.status,
            position=position,
            quality=row.spec.quality,
            created_at=row.created_at,
            started_at=row.started_at,
            finished_at=row.finished_at,
            attempts=row.attempts,
            files=files,
            error=row.error,
            cancelled_by=row.cancelled_by,
        )


def _event_for(info: JobInfo) -> JobEvent | None:
    """The event that describes a job's current state."""
    if info.status == JobStatus.QUEUED and info.position is not None:
        return JobQueued(info.ref, info.position)
    if info.status == JobStatus.RUNNING:
        return JobStarted(info.ref, info.attempts)
    if info.status == JobStatus.DONE and info.files is not None:
        seconds = (info.finished_at or 0.0) - (info.started_at or 0.0)
        return JobDone(info.ref, info.files, seconds)
    if info.status == JobStatus.FAILED:
        return JobFailed(info.ref, info.error or "The job failed.")
    if info.status == JobStatus.CANCELLED:
        return JobCancelled(info.ref, info.cancelled_by or "")
    return None
