"""`python -m bot.scale.worker`: a worker that runs the bot's jobs from Redis (arq).

Start any number, on any machine that reaches PAINTERLY_REDIS_URL, with the bot's PAINTERLY_*
settings (engine, device, redis_queue; workers = engine processes on this machine). Each engine
process builds the engine once (which loads the network) and then serves job after job; the arq
worker around them fetches orders and images, renews a lease per run, honours cancels, and
announces its engine processes under its own key so the core knows how much room there is.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from arq.worker import func, run_worker
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.core import log_redaction
from bot.core.job_queue.files import RESULT_NAMES
from bot.core.running.job_runner import WorkerCrashed, WorkerKilled, WorkerTimedOut
from bot.core.running.process_pool import WorkerPool
from bot.core.running.worker_process import init_worker, run_job
from bot.core.settings import BotSettings
from bot.scale.blobs import download, upload
from bot.scale.progress import RedisProgressChannel
from bot.scale.protocol import (
    JOB_FUNCTION,
    RESULT_TTL_S,
    QueueKeys,
    RunKeys,
    RunOrder,
    RunReport,
    RunStatus,
    dumps,
    loads,
    redis_address,
    redis_settings,
)
from bot.scale.run_folders import RunFolders

log = logging.getLogger(__name__)

# arq's own limit sits this far above the job limit, so that the engine pool's timeout (which
# reports) always fires first, even after waiting for a replaced engine process to load.
ARQ_TIMEOUT_MARGIN_S = 600.0
OUTDATED_WORKER = (
    "The worker that took this job is older than the bot and cannot run it; the bot's operator has been told."
)
LOST_INPUTS = "The job's images were lost before a worker could start it; please submit it again."


@dataclass
class WorkerState:
    """This worker's settings, name, keys and engine processes."""

    settings: BotSettings
    name: str
    keys: QueueKeys
    pool: WorkerPool
    folders: RunFolders
    heartbeat: asyncio.Task[None] | None = None

    @property
    def lease_ms(self) -> int:
        """How long the worker's and its runs' keys live unless renewed."""
        return int(self.settings.redis_lease_s * 1000)


async def startup(ctx: dict[str, Any]) -> None:
    """arq on_startup: start the engine processes (each loads the model), then announce them."""
    settings: BotSettings = ctx["settings"]
    pool = WorkerPool(
        size=settings.workers,
        context=multiprocessing.get_context("spawn"),
        initializer=init_worker,
        initargs=(settings.engine, settings.device, settings.cutout_settings()),
        start_timeout_s=settings.worker_start_timeout_s,
    )
    folders = RunFolders()
    await asyncio.to_thread(folders.sweep_dead)
    await pool.start()
    state = WorkerState(
        settings, f"{socket.gethostname()}:{os.getpid()}", QueueKeys(settings.redis_queue), pool, folders
    )
    ctx["painterly"] = state
    await _announce(ctx["redis"], state)
    state.heartbeat = asyncio.create_task(_heartbeat(ctx["redis"], state))
    log.info(
        "worker %s ready: %d engine process(es), queue %s at %s",
        state.name,
        pool.size,
        state.keys.queue,
        redis_address(settings),
    )


async def shutdown(ctx: dict[str, Any]) -> None:
    """arq on_shutdown: withdraw the announcement, stop the engine processes."""
    state: WorkerState | None = ctx.get("painterly")
    if state is None:
        return
    if state.heartbeat is not None:
        state.heartbeat.cancel()
        await asyncio.gather(state.heartbeat, return_exceptions=True)
    try:
        await ctx["redis"].delete(state.keys.worker(state.name))
    except RedisError as error:
        log.warning("could not withdraw worker %s: %s", state.name, error)
    await state.pool.stop()


async def harmonize(ctx: dict[str, Any], wire: dict[str, Any]) -> dict[str, Any]:
    """The arq job: one run of one bot job; returns a RunReport as a dict."""
    state: WorkerState = ctx["painterly"]
    redis: Redis = ctx["redis"]
    order = RunOrder.from_wire(wire)
    keys = state.keys.run(order.run_id)
    await redis.set(keys.lease, state.name, px=state.lease_ms)
    keeper = asyncio.create_task(_keep_lease(redis, state, order.run_id, keys))
    try:
        report = await _run(redis, state, order, keys)
    finally:
        keeper.cancel()
        await asyncio.gather(keeper, return_exceptions=True)
    log.info("run %s: %s", order.run_id, report.status.value)
    return report.to_wire()


async def _run(redis: Redis, state: WorkerState, order: RunOrder, keys: RunKeys) -> RunReport:
    """Fetch the images, run the engine in a free engine process, upload the PNGs."""
    if await redis.exists(keys.cancel):
        return RunReport(RunStatus.KILLED)
    with state.folders.run(order.run_id) as folder:
        try:
            request = order.engine_request(folder)
        except ValueError as error:  # a core newer than this worker sent a setting it lacks
            return RunReport(RunStatus.FAILED, OUTDATED_WORKER, str(error))
        Path(request.output_dir).mkdir()
        missing = await download(
            redis, {keys.input(name): folder / file_name for name, file_name in order.inputs.items()}
        )
        if missing:
            return RunReport(RunStatus.FAILED, LOST_INPUTS, f"missing keys: {missing}")
        slot = await state.pool.acquire()
        slot.job_id = order.run_id  # the lease keeper kills by run id
        channel = RedisProgressChannel(state.settings.redis_url.get_secret_value(), state.keys.progress, order.run_id)
        timeout_s = min(order.timeout_s, state.settings.job_timeout_s)
        try:
            outcome = await state.pool.run(
                slot, run_job, request, channel, order.progress_interval_s, timeout_s=timeout_s
            )
        except WorkerKilled:
            return RunReport(RunStatus.KILLED)
        except WorkerTimedOut:
            return RunReport(RunStatus.TIMED_OUT)
        except WorkerCrashed:
            return RunReport(RunStatus.CRASHED)
        if not outcome.ok:
            return RunReport(RunStatus.FAILED, outcome.message, outcome.detail)
        if await redis.exists(keys.cancel):  # stopped while it ended: its pictures are nobody's
            return RunReport(RunStatus.KILLED)
        output = Path(request.output_dir)
        await upload(
            redis,
            {keys.output(name): output / f"{name}.png" for name in RESULT_NAMES if (output / f"{name}.png").is_file()},
        )
        return RunReport(RunStatus.OK)


async def _keep_lease(redis: Redis, state: WorkerState, run_id: str, keys: RunKeys) -> None:
    """Renew the run's lease three times per lease; kill its engine process once cancelled."""
    while True:
        await asyncio.sleep(state.settings.redis_lease_s / 3)
        try:
            await redis.set(keys.lease, state.name, px=state.lease_ms)
            if await redis.exists(keys.cancel) and state.pool.kill(run_id):
                log.info("run %s cancelled by the core", run_id)
        except RedisError as error:
            log.warning("run %s: cannot renew its lease: %s", run_id, error)


async def _announce(redis: Redis, state: WorkerState) -> None:
    """Set this worker's key to its engine-process count, for one lease."""
    await redis.set(state.keys.worker(state.name), state.pool.size, px=state.lease_ms)


async def _heartbeat(redis: Redis, state: WorkerState) -> None:
    """Renew the announcement three times per lease while the worker lives."""
    while True:
        await asyncio.sleep(state.settings.redis_lease_s / 3)
        try:
            await _announce(redis, state)
        except RedisError as error:
            log.warning("worker %s: cannot renew its announcement: %s", state.name, error)


def worker_options(settings: BotSettings) -> dict[str, Any]:
    """The arq Worker's keyword arguments for these settings."""
    return dict(
        functions=[
            func(harmonize, name=JOB_FUNCTION, max_tries=1, timeout=settings.job_timeout_s + ARQ_TIMEOUT_MARGIN_S)
        ],
        queue_name=QueueKeys(settings.redis_queue).queue,
        redis_settings=redis_settings(settings),
        max_jobs=settings.workers,
        retry_jobs=False,  # retries are the core's decision (it counts attempts in SQLite)
        keep_result=RESULT_TTL_S,
        job_serializer=dumps,
        job_deserializer=loads,
        on_startup=startup,
        on_shutdown=shutdown,
        ctx={"settings": settings},
    )


def main() -> None:
    """Entry point: read settings from the environment / .env and serve until SIGINT/SIGTERM."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = BotSettings()
    log_redaction.install(log_redaction.settings_secrets(settings))  # the Redis password above all
    run_worker(worker_options(settings))


if __name__ == "__main__":
    main()
