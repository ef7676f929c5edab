"""A job's life after it is queued: claimed by a worker slot, run, recorded as done, failed,
retried or cancelled; and the upkeep around it (leases, recovery, orphan files, expiry).

Each bot process has an owner id. It holds a lease on every job it uploads, queued or runs, and
renews it every third of `job_lease_s`; a job whose lease expired belongs to a dead process, and
the next process to look (at start, or at its next renewal) takes it over. The owner of a job
is the one process that runs it and sends its events. Time comes from the injected `clock`, so
tests can move it.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from bot.core.events import (
    EventHub,
    JobCancelled,
    JobDone,
    JobFailed,
    JobProgress,
    JobQueued,
    JobStarted,
)
from bot.core.job_queue.files import FileStore
from bot.core.job_queue.limits import DAY_S
from bot.core.job_queue.store import JobRow, JobStore
from bot.core.jobs import JobRef, JobStatus
from bot.core.running.engine_request import EngineRequest, WorkerOutcome
from bot.core.running.job_runner import JobRunner, SlotT, WorkerCrashed, WorkerKilled, WorkerTimedOut
from bot.core.settings import BotSettings

log = logging.getLogger(__name__)

Clock = Callable[[], float]  # Unix seconds
T = TypeVar("T")

RESTART_REASON = "The bot restarted twice while your job was running, so it was stopped. Please submit it again."
STORE_RETRY_S = 1.0  # after a database error (e.g. locked past its busy timeout), try again this soon,
# doubling up to STORE_RETRY_MAX_S: the dispatcher must not die and a finished job must not stay
# "running" because one write failed, and a broken database must not fill the log every second
STORE_RETRY_MAX_S = 60.0
CRASH_REASON = (
    "The worker crashed twice while running your job (perhaps it ran out of memory). "
    "Try a faster quality or smaller images."
)
FILES_FAILED = "The bot could not store your job's pictures; the bot's operator has been told. Please try again later."


def store_retry_s(attempt: int) -> float:
    """Seconds to wait before retry number `attempt` (0-based) of a failed database write."""
    return min(STORE_RETRY_S * 2.0 ** min(attempt, 16), STORE_RETRY_MAX_S)


def log_if_failed(task: asyncio.Task[None]) -> None:
    """Done callback: log a background task that ended with an error (asyncio says so only at exit)."""
    if not task.cancelled() and (error := task.exception()) is not None:
        log.error("%s stopped on an error", task.get_name(), exc_info=error)


class JobLifecycle(Generic[SlotT]):
    """Runs queued jobs on `runner`'s slots and records how each ended, in `store` and events."""

    def __init__(
        self,
        settings: BotSettings,
        store: JobStore,
        files: FileStore,
        hub: EventHub,
        runner: JobRunner[SlotT],
        clock: Clock,
    ) -> None:
        self.settings = settings
        self.owner = secrets.token_hex(8)  # this process's id in job leases
        self._store = store
        self._files = files
        self._hub = hub
        self._runner = runner
        self._clock = clock
        self._work = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._runs: dict[str, asyncio.Task[None]] = {}
        self._positions: dict[str, int] = {}
        self._started_here: set[str] = set()  # jobs whose start this process told (a crash retry tells its own)

    def lease_until(self) -> float:
        """When a lease taken or renewed now expires (Unix seconds)."""
        return self._clock() + self.settings.job_lease_s

    async def start(self) -> None:
        """Take over dead processes' jobs, sweep orphan files, then dispatch and keep up."""
        await self.take_over_expired()
        await self.sweep_orphans()
        self._tasks = [
            asyncio.create_task(self._dispatch(), name="painterly-dispatch"),
            asyncio.create_task(self._keep_leases(), name="painterly-leases"),
            asyncio.create_task(self._janitor(), name="painterly-janitor"),
        ]
        for task in self._tasks:
            task.add_done_callback(log_if_failed)
        await self.publish_positions()

    async def stop(self) -> None:
        """Stop dispatching and running; this process's running jobs go back to the queue."""
        for task in [*self._tasks, *self._runs.values()]:
            task.cancel()
        await asyncio.gather(*self._tasks, *self._runs.values(), return_exceptions=True)
        self._tasks, self._runs = [], {}
        async with self._store.transaction():
            await self._store.release(self.owner)

    async def job_added(self) -> None:
        """A job was queued: wake the dispatcher and tell queued jobs their positions."""
        self._work.set()
        await self.publish_positions()

    async def cancel(self, row: JobRow, by_user_id: str) -> bool:
        """Mark a job cancelled, kill its worker if it runs here, delete its files."""
        async with self._store.transaction():
            was = await self._store.finish(row.ref.job_id, JobStatus.CANCELLED, self._clock(), cancelled_by=by_user_id)
        if was is None:
            return False
        self._started_here.discard(row.ref.job_id)
        if was == JobStatus.RUNNING:
            self._runner.kill(row.ref.job_id)  # another process's run stops at its next renewal
        await asyncio.to_thread(self._files.delete_job, row.ref.job_id)
        log.info("job %s cancelled by %s (was %s)", row.ref.job_id, by_user_id, was.value)
        self._hub.publish(JobCancelled(row.ref, by_user_id))
        await self.publish_positions()
        return True

    async def publish_positions(self) -> None:
        """Send JobQueued to each queued job of ours whose position changed since last sent."""
        queued = await self._store.queued_refs()
        current: dict[str, int] = {}
        for position, (ref, owner) in enumerate(queued, start=1):
            if owner != self.owner:  # another live process tells its users
                continue
            current[ref.job_id] = position
            if self._positions.get(ref.job_id) != position:
                self._hub.publish(JobQueued(ref, position))
        self._positions = current

    def forget(self, job_id: str) -> None:
        """Drop a deleted job's last sent position."""
        self._positions.pop(job_id, None)

    async def purge_expired(self, now: float | None = None) -> int:
        """Delete ended jobs (rows and files) older than the retention time; return how many.

        `now`: Unix seconds, the clock's by default.
        """
        now = self._clock() if now is None else now
        cutoff = now - self.settings.result_retention_hours * 3600.0
        async with self._store.transaction():
            ids = await self._store.delete_ended_before(cutoff)
            await self._store.prune_submissions(now - DAY_S)
        for job_id in ids:
            await asyncio.to_thread(self._files.delete_job, job_id)
        if ids:
            log.info("expired %d job(s)", len(ids))
        return len(ids)

    async def renew_leases(self) -> None:
        """Extend this process's leases; stop local runs of jobs another process ended."""
        async with self._store.transaction():
            held = await self._store.renew_leases(self.owner, self.lease_until())
        for job_id in set(self._runs) - held:
            if self._runner.kill(job_id):
                log.info("job %s was ended elsewhere; its worker was stopped", job_id)

    async def take_over_expired(self) -> None:
        """Recover the jobs of processes whose lease expired, and look for queued jobs."""
        async with self._store.transaction():
            failed, dropped = await self._store.recover_expired(
                self.settings.max_attempts, self._clock(), RESTART_REASON, self.owner, self.lease_until()
            )
        for job_id in dropped:
            await asyncio.to_thread(self._files.delete_job, job_id)
        for row in failed:
            await asyncio.to_thread(self._files.delete_job, row.ref.job_id)
            self._hub.publish(JobFailed(row.ref, RESTART_REASON))
        if failed:
            log.warning("%d interrupted job(s) failed after retry", len(failed))
        if dropped:
            log.warning("dropped %d submission(s) interrupted while uploading", len(dropped))
        self._work.set()  # also picks up jobs that other processes queued

    async def sweep_orphans(self) -> None:
        """Delete job folders that belong to no job in the database."""
        # Folders first, then rows: a job's row is written before its folder, so a folder
        # listed here whose row is missing afterwards is an orphan, never a new job's.
        on_disk = await asyncio.to_thread(self._files.job_ids_on_disk)
        orphans = on_disk - await self._store.all_ids()
        for job_id in orphans:
            await asyncio.to_thread(self._files.delete_job, job_id)
        if orphans:
            log.warning("deleted the files of %d job(s) that were not in the database", len(orphans))

    # ------------------------------------------------------------------ internals

    async def _dispatch(self) -> None:
        """Give queued jobs to free worker slots, oldest first."""
        while True:
            slot = await self._runner.acquire()
            row = await self._next_job()
            slot.job_id = row.ref.job_id
            run = asyncio.create_task(self._run(slot, row), name=f"painterly-job-{row.ref.job_id}")
            run.add_done_callback(log_if_failed)
            self._runs[row.ref.job_id] = run
            try:
                await self.publish_positions()
            except Exception:
                log.exception("could not tell queued jobs their positions")

    async def _next_job(self) -> JobRow:
        """Claim the oldest queued job, waiting until there is one; database errors are retried."""
        while True:
            self._work.clear()
            row = await self._write_retrying(
                "claim the next job", lambda: self._store.claim_next(self._clock(), self.owner, self.lease_until())
            )
            if row is not None:
                return row
            await self._work.wait()

    async def _write_retrying(self, what: str, write: Callable[[], Awaitable[T]]) -> T:
        """`write()` in a transaction; on a database error, log it and try again with back-off."""
        failures = 0
        while True:
            try:
                async with self._store.transaction():
                    return await write()
            except Exception:
                log.exception("could not %s; trying again soon", what)
                await asyncio.sleep(store_retry_s(failures))
                failures += 1

    async def _run(self, slot: SlotT, row: JobRow) -> None:
        """Run one claimed job on `slot` and record how it ended."""
        ref, started = row.ref, self._clock()
        try:
            output_dir = await asyncio.to_thread(self._files.fresh_output_dir, ref.job_id)
        except OSError:
            log.exception("job %s: could not make its output folder", ref.job_id)
            self._runs.pop(ref.job_id, None)
            await self._runner.release(slot)
            await self._fail(ref, FILES_FAILED)
            return
        if row.attempts == 1 or ref.job_id in self._started_here:
            self._hub.publish(JobStarted(ref, row.attempts))
        # A job taken over from another process (dead, or frozen past its lease) was already
        # told as started by it: it runs on under that status, so the user sees one start.
        self._started_here.add(ref.job_id)
        request = EngineRequest(
            ref.job_id,
            row.painting_path,
            row.object_path,
            str(output_dir),
            row.spec.placement,
            row.spec.options,
            row.spec.object_is_cutout,
        )
        try:
            try:
                outcome: WorkerOutcome = await self._runner.run(slot, request)
            finally:  # before the end is recorded, so no progress event can follow it
                self._runs.pop(ref.job_id, None)
        except WorkerKilled:
            return
        except WorkerTimedOut:
            minutes = self.settings.job_timeout_s / 60
            await self._fail(
                ref,
                f"Your job took longer than {minutes:.0f} min and was stopped. Try a faster quality or smaller images.",
            )
        except WorkerCrashed:
            await self._after_crash(row)
        else:
            if outcome.ok:
                await self._succeed(ref, self._clock() - started)
            else:
                if outcome.detail:
                    log.error("job %s failed in the engine:\n%s", ref.job_id, outcome.detail)
                await self._fail(ref, outcome.message)

    async def _succeed(self, ref: JobRef, seconds: float) -> None:
        """Record a finished job whose worker wrote its files."""
        files = self._files.result_files(ref.job_id)
        missing = await asyncio.to_thread(self._files.missing_results, ref.job_id)
        if missing:
            log.error("job %s: engine wrote no %s", ref.job_id, ", ".join(missing))
            await self._fail(ref, "The engine finished without writing its pictures; the bot's operator has been told.")
            return
        was = await self._finish(ref.job_id, JobStatus.DONE)
        if was is None:  # cancelled or deleted meanwhile: its files must not stay
            await self._delete_files_unless_taken_over(ref.job_id)
            return
        await asyncio.to_thread(self._files.delete_inputs, ref.job_id)
        log.info("job %s done in %.1f s", ref.job_id, seconds)
        self._hub.publish(JobDone(ref, files, seconds))

    async def _fail(self, ref: JobRef, reason: str) -> None:
        """Record a failed job and tell its listeners why."""
        was = await self._finish(ref.job_id, JobStatus.FAILED, reason)
        await self._delete_files_unless_taken_over(ref.job_id)
        if was is not None:
            log.info("job %s failed: %s", ref.job_id, reason)
            self._hub.publish(JobFailed(ref, reason))

    async def _finish(self, job_id: str, status: JobStatus, error: str | None = None) -> JobStatus | None:
        """Record a run's end (`store.finish`) if this process still holds the job, retrying
        while the database fails; None when it had ended or another process took it over."""
        self._started_here.discard(job_id)  # its run ended: no retry will follow
        return await self._write_retrying(
            f"record job {job_id} as {status.value}",
            lambda: self._store.finish(job_id, status, self._clock(), error=error, owner=self.owner),
        )

    async def _delete_files_unless_taken_over(self, job_id: str) -> None:
        """Delete a job's files, unless another process took the job over (it runs from them:
        this process was frozen past its lease, and its late run must change nothing)."""
        owner = await self._store.owner_of(job_id)
        if owner is not None and owner != self.owner:
            log.info("job %s was taken over by another process; its run here is ignored", job_id)
            return
        await asyncio.to_thread(self._files.delete_job, job_id)

    async def _after_crash(self, row: JobRow) -> None:
        """A worker died under a job: queue it again once, then fail it."""
        if row.attempts < self.settings.max_attempts:
            async with self._store.transaction():
                requeued = await self._store.requeue(row.ref.job_id, owner=self.owner)
            if requeued:
                log.warning("job %s: worker died, retrying", row.ref.job_id)
                await self.job_added()
            return
        await self._fail(row.ref, CRASH_REASON)

    async def on_progress(self, job_id: str, stage: str, fraction: float) -> None:
        """Forward a worker's progress message to listeners (workers already throttle them)."""
        if job_id not in self._runs:
            return
        row = await self._store.get(job_id)
        if row is not None and row.status == JobStatus.RUNNING and job_id in self._runs:
            self._hub.publish(JobProgress(row.ref, stage, round(100.0 * fraction, 1)))

    async def _keep_leases(self) -> None:
        """Every third of a lease: renew ours, take over expired ones, look for new jobs."""
        while True:
            await asyncio.sleep(self.settings.job_lease_s / 3)
            try:
                await self.renew_leases()
                await self.take_over_expired()
                await self.publish_positions()
            except Exception:
                log.exception("renewing job leases failed")

    async def _janitor(self) -> None:
        """Expire old results and sweep orphan files every `cleanup_interval_s`."""
        while True:
            try:
                await self.purge_expired()
                await self.sweep_orphans()
            except Exception:
                log.exception("expiring old jobs failed")
            await asyncio.sleep(self.settings.cleanup_interval_s)
