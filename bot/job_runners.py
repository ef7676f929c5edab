"""Which JobRunner the core gets: worker processes on this machine, or Redis-fed workers anywhere.

The bot's entry point builds the runner here and hands it to HarmonizeService, so the core
never imports the scale-out layer (bot.scale) that is built on top of it.
"""

from __future__ import annotations

import multiprocessing
from typing import Any

from bot.core.running.job_runner import JobRunner
from bot.core.running.local_runner import LocalRunner
from bot.core.running.worker_process import init_worker, run_job
from bot.core.settings import BotSettings


def make_runner(settings: BotSettings) -> JobRunner[Any]:
    """LocalRunner for queue_backend "local", RedisRunner for "redis" (needs the scale extra)."""
    if settings.queue_backend == "redis":
        try:
            from bot.scale.redis_runner import RedisRunner
        except ImportError as error:
            raise RuntimeError(
                f"PAINTERLY_QUEUE_BACKEND=redis needs the scale extra ({error}); "
                "run pip install -e '.[scale]' or set PAINTERLY_QUEUE_BACKEND=local."
            ) from error
        return RedisRunner(settings)
    return LocalRunner(
        size=settings.workers,
        context=multiprocessing.get_context("spawn"),
        initializer=init_worker,
        initargs=(settings.engine, settings.device, settings.cutout_settings()),
        job=run_job,
        progress_interval_s=settings.progress_interval_s,
        timeout_s=settings.job_timeout_s,
        start_timeout_s=settings.worker_start_timeout_s,
    )
