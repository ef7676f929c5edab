"""HarmonizeService: the one object the Discord and Telegram front ends talk to.

A front end downloads the user's two images at once, calls `submit`, then follows the job through
events (`add_listener` for every job of its platform, which also survives restarts, or
`subscribe` / `events` for one job). Everything else (queue, limits, storage, workers) is
behind this class.
"""

from __future__ import annotations

import asyncio
import json
import logging
import multiprocessing
import secrets
import time
from dataclasses import dataclass
from typing import Any, AsyncIterator, Callable, Literal

from bot.core.engine_job import EngineRequest, WorkerOutcome, init_worker, run_job
from bot.core.errors import (
    InvalidOptions,
    JobNotFound,
    NotAllowed,
    ServiceUnavailable,
)
from bot.core.events import (
    EventCallback,
    EventHub,
    JobCancelled,
    JobDone,
    JobEvent,
    JobFailed,
    JobProgress,
    JobQueued,
    JobStarted,
)
from bot.core.files import FileStore
from bot.core.jobs import JobInfo, JobOptions, JobRef, JobStatus, Requester, Submission
from bot.core.limits import CHAT_SCOPED, DAY_S, Limits, LimitName, check_submission
from bot.core.settings import BotSettings, Preset
from bot.core.store import JobRow, JobStore
from bot.core.validation import validate_image
from bot.core.workers import (
    JobRunner,
    LocalRunner,
    WorkerCrashed,
    WorkerKilled,
    WorkerTimedOut,
)

log = logging.getLogger(__name__)

MAX_TAU = 100.0  # far above the paper's 1..10 range (ALGORITHM.md §4.1); guards typos
MIN_HEIGHT = 0.02  # an object under 2 % of the painting's height has no pixels to harmonize
CONTEXT_MAX_CHARS = 2000


@dataclass(frozen=True)
class QueueStatus:
    """The whole bot's load: jobs waiting, jobs running, and worker slots."""

    queued: int
    running: int
    workers: int


class HarmonizeService:
    """Queue, limits, storage and workers for harmonization jobs, behind one async API."""

    def __init__(self, settings: BotSettings | None = None) -> None:
        self.settings = settings if settings is not None else BotSettings()
        self._store = JobStore(self.settings.database_path)
        self._files = FileStore(self.settings.storage_dir)
        self._hub = EventHub()
        self._runner: JobRunner[Any] | None = None
        self._work = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._runners: dict[str, asyncio.Task[None]] = {}
        self._positions: dict[str, int] = {}
        self._running = False

    # ----------------------------------------------------------------- lifecycle

    @property
    def preset_names(self) -> list[str]:
        """The quality presets users may pick, e.g. ["draft", "standard", "best"]."""
        return list(self.settings.presets)

    @property
    def default_preset(self) -> str:
        """The preset used when a job names none."""
        return self.settings.default_preset

    async def start(self) -> None:
        """Open the database, start the workers, resume queued jobs and retry interrupted ones."""
        if self._running:
            return
        await asyncio.to_thread(self._files.prepare)
        await self._store.open()
        self._runner = _make_runner(self.settings)
        try:
            await self._runner.start(self._on_progress)
        except BaseException:
            await self._close_resources()
            raise
        self._running = True
        await self._recover()
        self._tasks = [
            asyncio.create_task(self._dispatch(), name="painterly-dispatch"),
            asyncio.create_task(self._janitor(), name="painterly-janitor"),
        ]
        await self._publish_positions()
        log.info("painterly core started: %s queue, %d worker slot(s), engine %s",
                 self.settings.queue_backend, self._runner.capacity, self.settings.engine)

    async def stop(self) -> None:
        """Stop the workers; running jobs go back to the queue (no attempt used) for next start."""
        if not self._running:
            return
        self._running = False
        for task in self._tasks:
            task.cancel()
        for task in list(self._runners.values()):
            task.cancel()
        await asyncio.gather(*self._tasks, *self._runners.values(), return_exceptions=True)
        self._tasks, self._runners = [], {}
        async with self._store.transaction():
            await self._store.requeue_running()
        await self._close_resources()
        await self._hub.close()
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
        painting: bytes,
        object_image: bytes,
        options: JobOptions | None = None,
        context: str = "",
    ) -> Submission:
        """Validate and queue one job; return its id and 1-based queue position.

        `painting`, `object_image`: the raw uploaded files (PNG, JPEG or WebP).
        `context`: the front end's own string (e.g. channel and message ids), given back in
        every event's `JobRef.context`, so results can be posted after a restart.
        Raises InvalidImage, InvalidOptions, QueueFull, QuotaExceeded, RateLimited,
        ServiceUnavailable; each message is fit to show the user.
        """
        self._require_running()
        options = options if options is not None else JobOptions()
        preset_name, preset = self._check_options(options)
        if len(context) > CONTEXT_MAX_CHARS:
            raise ValueError(f"context must be at most {CONTEXT_MAX_CHARS} characters")
        limits_bytes, limits_pixels = self.settings.max_image_bytes, self.settings.max_image_pixels
        painting_format = await asyncio.to_thread(
            validate_image, painting, "painting", limits_bytes, limits_pixels
        )
        object_format = await asyncio.to_thread(
            validate_image, object_image, "object image", limits_bytes, limits_pixels
        )
        job_id = secrets.token_hex(5)
        paths = await asyncio.to_thread(
            self._files.write_inputs, job_id, painting, painting_format, object_image, object_format
        )
        job_options = {
            "x": options.x, "y": options.y, "height": options.height, "tau": options.tau,
            "preset": preset_name, **preset.model_dump(),
        }
        try:
            async with self._store.transaction():
                now = time.time()
                limits = await self._store.effective_limits(
                    self.settings.default_limits(), requester.platform, requester.chat_id
                )
                usage = await self._store.usage(
                    requester.platform, requester.user_id, requester.chat_id, now - DAY_S
                )
                check_submission(limits, usage, now)
                await self._store.insert_job(
                    job_id=job_id,
                    ref=JobRef(job_id, requester.platform, requester.user_id, requester.chat_id,
                               context),
                    options=json.dumps(job_options),
                    painting_path=str(paths[0]),
                    object_path=str(paths[1]),
                    now=now,
                )
        except BaseException:
            await asyncio.to_thread(self._files.delete_job, job_id)
            raise
        position = await self._store.position(job_id)
        self._work.set()
        await self._publish_positions()
        log.info("job %s queued by %s:%s at position %d", job_id, requester.platform,
                 requester.user_id, position)
        return Submission(job_id=job_id, position=position)

    def add_listener(
        self, callback: EventCallback, platform: str | None = None
    ) -> Callable[[], None]:
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
            current = self._event_for(info)
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
        row = await self._store.get(job_id)
        if row is None:
            raise JobNotFound(f"There is no job {job_id} (it may have expired or been deleted).")
        return await self._info(row)

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
        row = await self._store.get(job_id)
        if row is None:
            raise JobNotFound(f"There is no job {job_id} (it may have expired or been deleted).")
        owner = row.ref.platform == requester.platform and row.ref.user_id == requester.user_id
        if not owner and not self.is_admin_of(requester, row.ref.platform, row.ref.chat_id):
            raise NotAllowed("Only the person who started this job or an admin can cancel it.")
        return await self._cancel_row(row, requester.user_id)

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
                await self._cancel_row(row, requester.user_id)
        async with self._store.transaction():
            ids = await self._store.delete_user(requester.platform, requester.user_id)
        for job_id in ids:
            self._positions.pop(job_id, None)
            await asyncio.to_thread(self._files.delete_job, job_id)
        log.info("deleted data of %s:%s (%d job(s))", requester.platform, requester.user_id,
                 len(ids))
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
        value None removes the change (back to settings, or to the global value for a chat).
        Raises NotAllowed or InvalidOptions.
        """
        self._require_running()
        if name not in Limits.names():
            names = ", ".join(Limits.names())
            raise InvalidOptions(f"Unknown limit {name!r}; limits are: {names}.")
        if value is not None and value < 0:
            raise InvalidOptions("A limit must be 0 or more.")
        owner = self.is_owner(requester)
        if scope == "global":
            if not owner:
                raise NotAllowed("Only the bot's owners can change global limits.")
            chat_key = None
        elif scope == "chat":
            if not self.is_admin_of(requester, requester.platform, requester.chat_id):
                raise NotAllowed("Only admins of this chat can change its limits.")
            if name not in CHAT_SCOPED:
                raise InvalidOptions(f"{name} is a global limit; it cannot be set per chat.")
            if not owner and value is not None:
                ceiling = getattr(await self.get_limits(), name)
                if value > ceiling:
                    raise NotAllowed(
                        f"Chat admins can only lower limits; {name} is at most {ceiling} here."
                    )
            chat_key = (requester.platform, requester.chat_id)
        else:
            raise InvalidOptions(f"Unknown scope {scope!r}; use 'global' or 'chat'.")
        async with self._store.transaction():
            await self._store.set_limit(chat_key, name, value)
        log.info("limit %s set to %s (%s) by %s:%s", name, value, scope, requester.platform,
                 requester.user_id)
        if chat_key is None:
            return await self.get_limits()
        return await self.get_limits(*chat_key)

    async def queue_status(self) -> QueueStatus:
        """How many jobs wait and run, and how many worker slots there are."""
        self._require_running()
        queued, running = await self._store.counts()
        workers = self._runner.capacity if self._runner is not None else 0
        return QueueStatus(queued=queued, running=running, workers=workers)

    async def purge_expired(self, now: float | None = None) -> int:
        """Delete ended jobs (rows and files) older than the retention time; return how many.

        Runs on its own every `cleanup_interval_s`; `now` (Unix seconds) is for tests.
        """
        self._require_running()
        now = time.time() if now is None else now
        cutoff = now - self.settings.result_retention_hours * 3600.0
        async with self._store.transaction():
            ids = await self._store.delete_ended_before(cutoff)
            await self._store.prune_submissions(now - DAY_S)
        for job_id in ids:
            await asyncio.to_thread(self._files.delete_job, job_id)
        if ids:
            log.info("expired %d job(s)", len(ids))
        return len(ids)

    def is_owner(self, requester: Requester) -> bool:
        """True for bot owners listed in settings (PLATFORM:USER_ID)."""
        return f"{requester.platform}:{requester.user_id}" in self.settings.owners

    def is_admin_of(self, requester: Requester, platform: str, chat_id: str) -> bool:
        """True for bot owners, and for platform admins of that very chat."""
        if self.is_owner(requester):
            return True
        same_chat = requester.platform == platform and requester.chat_id == chat_id
        return requester.is_platform_admin and same_chat

    # ------------------------------------------------------------------ internals

    def _require_running(self) -> None:
        """Raise ServiceUnavailable unless started."""
        if not self._running:
            raise ServiceUnavailable("The bot is starting up or shutting down; try again soon.")

    def _check_options(self, options: JobOptions) -> tuple[str, Preset]:
        """Raise InvalidOptions for out-of-range placement, tau or an unknown preset."""
        if not (0.0 <= options.x <= 1.0 and 0.0 <= options.y <= 1.0):
            raise InvalidOptions("x and y are fractions of the painting: use values from 0 to 1.")
        if not (MIN_HEIGHT <= options.height <= 1.0):
            raise InvalidOptions(
                f"height is a fraction of the painting's height: use {MIN_HEIGHT} to 1."
            )
        tau = options.tau
        number = isinstance(tau, (int, float)) and not isinstance(tau, bool)
        if tau is not None and tau != "auto" and not (number and 0 < tau <= MAX_TAU):
            raise InvalidOptions(f"tau (style strength) must be 'auto' or from 0 to {MAX_TAU:g}.")
        name = options.preset if options.preset is not None else self.settings.default_preset
        if name not in self.settings.presets:
            raise InvalidOptions(
                f"Unknown quality {name!r}; choose one of: {', '.join(self.settings.presets)}."
            )
        return name, self.settings.presets[name]

    async def _info(self, row: JobRow) -> JobInfo:
        """JobInfo for a row, with its queue position and result files."""
        queued = row.status == JobStatus.QUEUED
        position = await self._store.position(row.ref.job_id) if queued else None
        files = self._files.result_files(row.ref.job_id) if row.status == JobStatus.DONE else None
        return JobInfo(
            ref=row.ref, status=row.status, position=position, preset=row.options["preset"],
            created_at=row.created_at, started_at=row.started_at, finished_at=row.finished_at,
            attempts=row.attempts, files=files, error=row.error, cancelled_by=row.cancelled_by,
        )

    def _event_for(self, info: JobInfo) -> JobEvent | None:
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

    async def _cancel_row(self, row: JobRow, by_user_id: str) -> bool:
        """Mark a job cancelled, kill its worker if it runs, delete its files."""
        async with self._store.transaction():
            was = await self._store.finish(row.ref.job_id, JobStatus.CANCELLED, time.time(),
                                           cancelled_by=by_user_id)
        if was is None:
            return False
        if was == JobStatus.RUNNING and self._runner is not None:
            self._runner.kill(row.ref.job_id)
        await asyncio.to_thread(self._files.delete_job, row.ref.job_id)
        log.info("job %s cancelled by %s (was %s)", row.ref.job_id, by_user_id, was.value)
        self._hub.publish(JobCancelled(row.ref, by_user_id))
        await self._publish_positions()
        return True

    async def _publish_positions(self) -> None:
        """Send JobQueued to every queued job whose position changed since last sent."""
        queued = await self._store.queued_refs()
        current: dict[str, int] = {}
        for position, ref in enumerate(queued, start=1):
            current[ref.job_id] = position
            if self._positions.get(ref.job_id) != position:
                self._hub.publish(JobQueued(ref, position))
        self._positions = current

    async def _recover(self) -> None:
        """Requeue jobs a dead process left running (once), fail those already retried."""
        async with self._store.transaction():
            failed = await self._store.recover_running(self.settings.max_attempts, time.time(),
                                                       RESTART_REASON)
        for row in failed:
            await asyncio.to_thread(self._files.delete_job, row.ref.job_id)
            self._hub.publish(JobFailed(row.ref, RESTART_REASON))
        if failed:
            log.warning("%d interrupted job(s) failed after retry", len(failed))

    async def _dispatch(self) -> None:
        """Give queued jobs to free worker slots, oldest first."""
        assert self._runner is not None
        while True:
            slot = await self._runner.acquire()
            row: JobRow | None = None
            while row is None:
                self._work.clear()
                async with self._store.transaction():
                    row = await self._store.claim_next(time.time())
                if row is None:
                    await self._work.wait()
            slot.job_id = row.ref.job_id
            self._runners[row.ref.job_id] = asyncio.create_task(
                self._run(slot, row), name=f"painterly-job-{row.ref.job_id}"
            )
            await self._publish_positions()

    async def _run(self, slot: Any, row: JobRow) -> None:
        """Run one claimed job on `slot` and record how it ended."""
        assert self._runner is not None
        ref, started = row.ref, time.time()
        output_dir = await asyncio.to_thread(self._files.fresh_output_dir, ref.job_id)
        self._hub.publish(JobStarted(ref, row.attempts))
        request = _engine_request(row, str(output_dir), self.settings.device)
        try:
            outcome: WorkerOutcome = await self._runner.run(slot, request)
        except WorkerKilled:
            return
        except WorkerTimedOut:
            minutes = self.settings.job_timeout_s / 60
            await self._fail(ref, f"Your job took longer than {minutes:.0f} min and was stopped. "
                                  "Try a faster quality preset or smaller images.")
        except WorkerCrashed:
            await self._after_crash(row)
        else:
            if outcome.ok:
                await self._succeed(ref, time.time() - started)
            else:
                if outcome.detail:
                    log.error("job %s failed in the engine:\n%s", ref.job_id, outcome.detail)
                await self._fail(ref, outcome.message)
        finally:
            self._runners.pop(ref.job_id, None)

    async def _succeed(self, ref: JobRef, seconds: float) -> None:
        """Record a finished job whose worker wrote its files."""
        files = self._files.result_files(ref.job_id)
        missing = await asyncio.to_thread(self._files.missing_results, ref.job_id)
        if missing:
            log.error("job %s: engine wrote no %s", ref.job_id, ", ".join(missing))
            await self._fail(ref, "The engine finished without writing its pictures; "
                                  "the bot's operator has been told.")
            return
        async with self._store.transaction():
            was = await self._store.finish(ref.job_id, JobStatus.DONE, time.time())
        await asyncio.to_thread(self._files.delete_inputs, ref.job_id)
        if was is not None:
            log.info("job %s done in %.1f s", ref.job_id, seconds)
            self._hub.publish(JobDone(ref, files, seconds))

    async def _fail(self, ref: JobRef, reason: str) -> None:
        """Record a failed job and tell its listeners why."""
        async with self._store.transaction():
            was = await self._store.finish(ref.job_id, JobStatus.FAILED, time.time(), error=reason)
        await asyncio.to_thread(self._files.delete_job, ref.job_id)
        if was is not None:
            log.info("job %s failed: %s", ref.job_id, reason)
            self._hub.publish(JobFailed(ref, reason))

    async def _after_crash(self, row: JobRow) -> None:
        """A worker died under a job: queue it again once, then fail it."""
        if row.attempts < self.settings.max_attempts:
            async with self._store.transaction():
                requeued = await self._store.requeue(row.ref.job_id)
            if requeued:
                log.warning("job %s: worker died, retrying", row.ref.job_id)
                self._work.set()
                await self._publish_positions()
            return
        await self._fail(row.ref, CRASH_REASON)

    async def _on_progress(self, job_id: str, stage: str, fraction: float) -> None:
        """Forward a worker's progress message to listeners (workers already throttle them)."""
        task = self._runners.get(job_id)
        row = await self._store.get(job_id) if task is not None else None
        if row is not None and row.status == JobStatus.RUNNING:
            self._hub.publish(JobProgress(row.ref, stage, round(100.0 * fraction, 1)))

    async def _janitor(self) -> None:
        """Expire old results every `cleanup_interval_s`."""
        while True:
            try:
                await self.purge_expired()
            except Exception:
                log.exception("expiring old jobs failed")
            await asyncio.sleep(self.settings.cleanup_interval_s)

    async def _close_resources(self) -> None:
        """Stop the workers (or the connection to them) and the database."""
        if self._runner is not None:
            await self._runner.stop()
            self._runner = None
        await self._store.close()


RESTART_REASON = ("The bot restarted twice while your job was running, so it was stopped. "
                  "Please submit it again.")
CRASH_REASON = ("The worker crashed twice while running your job (perhaps it ran out of memory). "
                "Try a faster quality preset or smaller images.")


def _engine_request(row: JobRow, output_dir: str, device: str) -> EngineRequest:
    """The worker's instructions for one job row."""
    o = row.options
    return EngineRequest(
        job_id=row.ref.job_id, painting_path=row.painting_path, object_path=row.object_path,
        output_dir=output_dir, x=o["x"], y=o["y"], height=o["height"], tau=o["tau"],
        size=o["size"], iters1=o["iters1"], iters2=o["iters2"], post=o["post"], device=device,
        # jobs queued before these options existed run as the authors' (full size throughout)
        coarse_scale=o.get("coarse_scale", 1.0), coarse_iters2=o.get("coarse_iters2", 0),
    )


def _make_runner(settings: BotSettings) -> JobRunner[Any]:
    """The worker pool of this machine, or Redis-fed workers anywhere (queue_backend "redis")."""
    if settings.queue_backend == "redis":
        try:
            from bot.scale.runner import RedisRunner
        except ImportError as error:
            raise RuntimeError(
                f"PAINTERLY_QUEUE_BACKEND=redis needs the scale extra ({error}); "
                "run pip install -e '.[scale]' or set PAINTERLY_QUEUE_BACKEND=local."
            ) from error
        return RedisRunner(settings)
    key = settings.remove_bg_api_key
    return LocalRunner(
        size=settings.workers,
        context=multiprocessing.get_context("spawn"),
        initializer=init_worker,
        initargs=(settings.engine, settings.device, key.get_secret_value() if key else None),
        job=run_job,
        progress_interval_s=settings.progress_interval_s,
        timeout_s=settings.job_timeout_s,
    )
