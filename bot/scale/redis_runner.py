"""RedisRunner: the core's JobRunner when jobs run on `python -m bot.scale.worker` processes.

The core stays the one owner of jobs (SQLite: queue order, limits, attempts, retries). It hands a
job to Redis only when a live worker has room, so queue positions stay true. Each try is a new
arq job, a "run" (id: job id, the bot process's id, a random suffix), that arq never retries by
itself (max_tries=1, retry_jobs=False). A worker renews a lease on each run it holds; when a lease
lapses the core removes the run from arq and treats it like a local worker that crashed (retry
once, then fail). Images go through Redis keys of their own (bot.scale.blobs), never in the
queue message. Several bot processes may share one database and one Redis: each announces itself
under a key it renews, and at start a process drops only the runs of processes that are gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from arq.connections import ArqRedis, create_pool
from arq.constants import job_key_prefix, result_key_prefix, retry_key_prefix
from arq.jobs import Job, JobResult
from arq.jobs import JobStatus as ArqStatus
from redis.exceptions import RedisError

from bot.core.job_queue.files import RESULT_NAMES
from bot.core.running.engine_request import EngineRequest, WorkerOutcome
from bot.core.running.job_runner import ProgressHandler, WorkerCrashed, WorkerKilled, WorkerTimedOut
from bot.core.settings import BotSettings
from bot.scale.blobs import download, upload
from bot.scale.protocol import (
    JOB_FUNCTION,
    QueueKeys,
    RunKeys,
    RunOrder,
    RunReport,
    RunStatus,
    core_of,
    dumps,
    loads,
    redis_address,
    redis_settings,
    run_id_for,
)

log = logging.getLogger(__name__)

STATE_POLL_S = 0.25  # how often the core looks at each running job's state in Redis
RECONNECT_S = 1.0  # wait before re-subscribing to progress after a lost connection


class RedisUnavailable(RuntimeError):
    """The core cannot reach the Redis server of PAINTERLY_REDIS_URL."""


@dataclass(eq=False)
class RemoteSlot:
    """Room for one job on some worker; `job_id` is set by the core when it claims a job."""

    job_id: str | None = None
    kill_requested: bool = False
    wake: asyncio.Event = field(default_factory=asyncio.Event)


class RedisRunner:
    """Sends jobs to remote workers through arq and follows them until they end."""

    def __init__(self, settings: BotSettings) -> None:
        self._settings = settings
        self._keys = QueueKeys(settings.redis_queue)
        self._core_id = secrets.token_hex(4)  # names this process's runs; see _abandon_...
        self._redis: ArqRedis | None = None
        self._capacity = 0
        self._slots: set[RemoteSlot] = set()
        self._changed = asyncio.Condition()
        self._runs: dict[str, str] = {}  # run id -> job id, for progress
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def capacity(self) -> int:
        """Engine processes of the live workers, as they last announced."""
        return self._capacity

    @property
    def redis(self) -> ArqRedis:
        """The connection; raises RuntimeError before start()."""
        if self._redis is None:
            raise RuntimeError("RedisRunner.start() was not called")
        return self._redis

    async def start(self, on_progress: ProgressHandler) -> None:
        """Connect, drop what a previous run of the core left in Redis, follow the workers."""
        try:
            self._redis = await create_pool(
                redis_settings(self._settings),
                job_serializer=dumps,
                job_deserializer=loads,
                default_queue_name=self._keys.queue,
            )
        except (RedisError, OSError) as error:
            raise RedisUnavailable(
                f"Cannot reach Redis at {redis_address(self._settings)} ({error}); start it, fix "
                "PAINTERLY_REDIS_URL, or set PAINTERLY_QUEUE_BACKEND=local."
            ) from error
        await self._announce()
        await self._abandon_previous_runs()
        await self._count_workers()
        self._tasks = [
            asyncio.create_task(self._follow_workers(), name="painterly-redis-workers"),
            asyncio.create_task(self._listen(on_progress), name="painterly-redis-progress"),
        ]
        log.info(
            "Redis queue %s at %s: %d worker slot(s) alive",
            self._keys.queue,
            redis_address(self._settings),
            self._capacity,
        )

    async def stop(self) -> None:
        """Stop following workers and close the connection (running jobs were cancelled)."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        if self._redis is not None:
            with contextlib.suppress(RedisError):
                await self._redis.delete(self._keys.core(self._core_id))
            await self._redis.aclose()
            self._redis = None

    async def acquire(self) -> RemoteSlot:
        """Wait until the live workers have room for one more job."""
        async with self._changed:
            await self._changed.wait_for(lambda: len(self._slots) < self._capacity)
            slot = RemoteSlot()
            self._slots.add(slot)
            return slot

    async def run(self, slot: RemoteSlot, request: EngineRequest) -> WorkerOutcome:
        """Queue one run of the job, wait for its report, fetch its PNGs into the output folder.

        Raises WorkerKilled (cancelled), WorkerTimedOut, or WorkerCrashed (engine process died,
        worker lost, run lost from Redis).
        """
        run_id = run_id_for(request.job_id, self._core_id)
        keys = self._keys.run(run_id)
        ended = False
        try:
            if slot.kill_requested:
                raise WorkerKilled()
            order = RunOrder.for_request(
                run_id, request, self._settings.job_timeout_s, self._settings.progress_interval_s
            )
            await upload(
                self.redis,
                {keys.input("painting"): Path(request.painting_path), keys.input("object"): Path(request.object_path)},
            )
            await self._stop_other_runs(request.job_id, run_id)
            self._runs[run_id] = request.job_id
            await self.redis.enqueue_job(JOB_FUNCTION, order.to_wire(), _job_id=run_id)
            result = await self._wait_for_result(slot, run_id, keys)
            ended = True
            return await self._outcome(slot, run_id, keys, result, Path(request.output_dir))
        except RedisError as error:
            log.warning("run %s: Redis failed under it: %s", run_id, error)
            raise WorkerCrashed() from error
        finally:
            self._runs.pop(run_id, None)
            try:
                await self._clean_up(run_id, keys, ended)
            except RedisError as error:
                log.warning("run %s: could not clean up its keys: %s", run_id, error)
            await self.release(slot)

    async def release(self, slot: RemoteSlot) -> None:
        """Give back room taken by `acquire` (`run` does so when its run ends)."""
        async with self._changed:
            self._slots.discard(slot)
            self._changed.notify_all()

    def kill(self, job_id: str) -> bool:
        """Stop the run of `job_id` (its worker kills the engine process); False if none."""
        for slot in self._slots:
            if slot.job_id == job_id:
                slot.kill_requested = True
                slot.wake.set()
                return True
        return False

    async def _wait_for_result(self, slot: RemoteSlot, run_id: str, keys: RunKeys) -> JobResult:
        """Poll the run's arq result; raise WorkerCrashed when its worker's lease lapses.

        A run that a worker took (arq's in-progress key) but never leased counts as lost after
        one lease; a run still waiting in arq's queue waits for a worker, however long.
        """
        job = Job(run_id, self.redis, _queue_name=self._keys.queue, _deserializer=loads)
        leased = False
        picked_at: float | None = None
        while True:
            if slot.kill_requested:
                raise WorkerKilled()
            try:
                result = await job.result_info()
                if result is not None:
                    return result
                lease = await self.redis.exists(keys.lease)
                status = None if lease else await job.status()
            except RedisError as error:  # judge the run only on what Redis answers
                log.warning("run %s: Redis did not answer (%s); asking again", run_id, error)
                await asyncio.sleep(RECONNECT_S)
                continue
            if lease:
                leased = True
            elif status == ArqStatus.not_found:
                log.warning("run %s vanished from Redis", run_id)
                raise WorkerCrashed()
            elif status == ArqStatus.in_progress:
                picked_at = picked_at or time.monotonic()
                if leased or time.monotonic() - picked_at > self._settings.redis_lease_s:
                    log.warning("run %s: its worker stopped renewing the lease", run_id)
                    raise WorkerCrashed()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(slot.wake.wait(), STATE_POLL_S)

    async def _outcome(
        self, slot: RemoteSlot, run_id: str, keys: RunKeys, result: JobResult, output_dir: Path
    ) -> WorkerOutcome:
        """Turn the worker's report into the local pool's outcome or exception."""
        try:
            if not result.success:
                raise ValueError(f"arq failed the run: {result.result}")
            report = RunReport.from_wire(result.result)
        except (ValueError, KeyError, TypeError) as error:
            log.warning("run %s: unusable report: %s", run_id, error)
            raise WorkerCrashed() from error
        if report.status == RunStatus.OK:
            files = {keys.output(name): output_dir / f"{name}.png" for name in RESULT_NAMES}
            missing = await download(self.redis, files)
            if missing:
                log.error("run %s: no %s in Redis", run_id, ", ".join(missing))
            return WorkerOutcome(True)
        if report.status == RunStatus.FAILED:
            return WorkerOutcome(False, report.message, report.detail)
        if report.status == RunStatus.TIMED_OUT:
            raise WorkerTimedOut()
        if report.status == RunStatus.KILLED and slot.kill_requested:
            raise WorkerKilled()
        log.warning("run %s ended %s in its worker", run_id, report.status.value)
        raise WorkerCrashed()

    async def _clean_up(self, run_id: str, keys: RunKeys, ended: bool) -> None:
        """Delete the run's lease, images and report; a run that has not ended is stopped first.

        Once the report is in, the worker no longer renews the lease, so deleting it is final.
        """
        async with self.redis.pipeline(transaction=True) as pipe:
            if not ended:  # cancelled, crashed, or the core is stopping
                pipe.set(keys.cancel, b"1", px=self._cancel_ms)
                pipe.zrem(self._keys.queue, run_id)
                pipe.delete(job_key_prefix + run_id, retry_key_prefix + run_id)
            pipe.delete(
                keys.lease,
                keys.input("painting"),
                keys.input("object"),
                result_key_prefix + run_id,
                *(keys.output(name) for name in RESULT_NAMES),
            )
            await pipe.execute()

    async def _announce(self) -> None:
        """Say this bot process lives, for one lease: other processes leave its runs alone."""
        await self.redis.set(self._keys.core(self._core_id), b"1", px=int(self._settings.redis_lease_s * 1000))

    async def _abandon_previous_runs(self) -> None:
        """Stop the runs of bot processes that are gone (SQLite has taken their jobs back);
        runs of live ones, which share this database and Redis, go on."""
        queued = [run.decode() for run in await self.redis.zrange(self._keys.queue, 0, -1)]
        keys = [key.decode() async for key in self.redis.scan_iter(match=self._keys.runs_pattern)]
        cores = {core_of(run) for run in queued} | {core_of(self._keys.run_of(k)) for k in keys}
        live = {core for core in cores if core and await self.redis.exists(self._keys.core(core))}
        dropped = [run for run in queued if core_of(run) not in live]
        async with self.redis.pipeline(transaction=True) as pipe:
            for key in keys:
                if core_of(self._keys.run_of(key)) in live:
                    continue
                if key.endswith(":lease"):  # a worker still runs it
                    pipe.set(key.removesuffix(":lease") + ":cancel", b"1", px=self._cancel_ms)
                elif not key.endswith(":cancel"):
                    pipe.delete(key)
            for run_id in dropped:
                pipe.delete(job_key_prefix + run_id)
                pipe.zrem(self._keys.queue, run_id)
            await pipe.execute()
        if dropped:
            log.warning("dropped %d run(s) a previous start of the bot left in Redis", len(dropped))

    @property
    def _cancel_ms(self) -> int:
        """How long a cancel key lives: a worker looks for it every third of a lease, so two
        leases are plenty, and no key of an ended run stays in Redis for a day."""
        return int(2 * self._settings.redis_lease_s * 1000)

    async def _stop_other_runs(self, job_id: str, run_id: str) -> None:
        """Stop every other run of `job_id` before this one starts, and delete its keys.

        The database has just given the job to this process (its previous holder's lease ran
        out), so any other run of it is stale: a process killed and restarted within its Redis
        key's lifetime still looks alive to `_abandon_previous_runs`, and its run would go on
        beside this one (issue 25, item 5).
        """
        mine = f"{job_id}-"
        queued = [run.decode() for run in await self.redis.zrange(self._keys.queue, 0, -1)]
        keys = [key.decode() async for key in self.redis.scan_iter(match=f"{self._keys.runs_pattern}{mine}*")]
        stale = {run for run in queued if run.startswith(mine)} | {self._keys.run_of(key) for key in keys}
        stale.discard(run_id)
        if not stale:
            return
        async with self.redis.pipeline(transaction=True) as pipe:
            for run in stale:
                run_keys = self._keys.run(run)
                pipe.set(run_keys.cancel, b"1", px=self._cancel_ms)  # its worker stops it
                pipe.zrem(self._keys.queue, run)
                pipe.delete(
                    job_key_prefix + run,
                    retry_key_prefix + run,
                    run_keys.input("painting"),
                    run_keys.input("object"),
                    *(run_keys.output(name) for name in RESULT_NAMES),
                )
            await pipe.execute()
        log.warning("job %s: stopped %d stale run(s) of it before running it here", job_id, len(stale))

    async def _count_workers(self) -> None:
        """Add up the engine processes the live workers announce; wake waiting dispatchers."""
        keys = [key async for key in self.redis.scan_iter(match=self._keys.workers_pattern)]
        values = await self.redis.mget(keys) if keys else []
        capacity = sum(int(v) for v in values if v is not None)
        if capacity != self._capacity:
            log.info("remote worker slots: %d -> %d", self._capacity, capacity)
        async with self._changed:
            self._capacity = capacity
            self._changed.notify_all()

    async def _follow_workers(self) -> None:
        """Recount live workers and drop dead processes' runs three times per lease; no worker
        counts while Redis does not answer."""
        while True:
            await asyncio.sleep(self._settings.redis_lease_s / 3)
            try:
                await self._announce()
                await self._count_workers()
                await self._abandon_previous_runs()  # also those of a process that died since
            except RedisError as error:
                if self._capacity:
                    log.warning("cannot see the workers (%s); no job is sent until Redis answers again", error)
                async with self._changed:
                    self._capacity = 0

    async def _listen(self, on_progress: ProgressHandler) -> None:
        """Forward the workers' progress messages of runs in flight, resubscribing on errors."""
        while True:
            try:
                async with self.redis.pubsub() as pubsub:
                    await pubsub.subscribe(self._keys.progress)
                    async for message in pubsub.listen():
                        if message["type"] == "message":
                            await self._forward(message["data"], on_progress)
            except RedisError as error:
                log.warning("progress subscription lost (%s); reconnecting", error)
                await asyncio.sleep(RECONNECT_S)

    async def _forward(self, data: bytes, on_progress: ProgressHandler) -> None:
        """One progress message {"run", "stage", "fraction"} to the core, if its run is ours."""
        try:
            message = json.loads(data)
            job_id = self._runs.get(message["run"])
            stage, fraction = str(message["stage"]), float(message["fraction"])
        except (ValueError, KeyError, TypeError):
            log.warning("ignored a malformed progress message: %r", data[:200])
            return
        if job_id is not None:
            await on_progress(job_id, stage, fraction)
