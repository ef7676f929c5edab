"""LocalRunner: the JobRunner of one machine, a WorkerPool plus a channel carrying progress back."""

from __future__ import annotations

import asyncio
import logging
import queue
from collections.abc import Callable
from multiprocessing.context import BaseContext
from multiprocessing.managers import SyncManager
from typing import Any

from bot.core.running.engine_request import EngineRequest, WorkerOutcome
from bot.core.running.job_runner import ProgressHandler
from bot.core.running.process_pool import WorkerPool, WorkerSlot
from bot.core.running.worker_process import watch_parent

log = logging.getLogger(__name__)


class LocalRunner:
    """The JobRunner of one machine: a WorkerPool, and a Manager queue carrying progress back."""

    def __init__(
        self,
        size: int,
        context: BaseContext,
        initializer: Callable[..., None],
        initargs: tuple[Any, ...],
        job: Callable[..., WorkerOutcome],
        progress_interval_s: float,
        timeout_s: float,
        start_timeout_s: float,
    ) -> None:
        self._pool = WorkerPool(size, context, initializer, initargs, start_timeout_s)
        self._context = context
        self._job = job
        self._interval_s = progress_interval_s
        self._timeout_s = timeout_s
        self._manager: SyncManager | None = None
        self._progress: Any = None
        self._drain: asyncio.Task[None] | None = None

    @property
    def capacity(self) -> int:
        """The pool's size."""
        return self._pool.size

    async def start(self, on_progress: ProgressHandler) -> None:
        """Start the workers and the progress Manager side by side."""
        manager = asyncio.create_task(asyncio.to_thread(start_manager, self._context))
        try:
            await self._pool.start()
        finally:
            self._manager = await manager
        self._progress = self._manager.Queue()
        self._drain = asyncio.create_task(self._drain_progress(on_progress), name="painterly-progress")

    async def stop(self) -> None:
        """Kill the workers and shut the Manager down."""
        if self._drain is not None:
            self._drain.cancel()
            await asyncio.gather(self._drain, return_exceptions=True)
            self._drain = None
        await self._pool.stop()
        if self._manager is not None:
            await asyncio.to_thread(self._manager.shutdown)
            self._manager = None

    async def acquire(self) -> WorkerSlot:
        """A free worker slot."""
        return await self._pool.acquire()

    async def run(self, slot: WorkerSlot, request: EngineRequest) -> WorkerOutcome:
        """Run the job function on `slot`'s process, within the job time limit."""
        return await self._pool.run(
            slot, self._job, request, self._progress, self._interval_s, timeout_s=self._timeout_s
        )

    async def release(self, slot: WorkerSlot) -> None:
        """Give back a slot whose job could not start."""
        self._pool.release(slot)

    def kill(self, job_id: str) -> bool:
        """Kill the process running `job_id`."""
        return self._pool.kill(job_id)

    async def _drain_progress(self, on_progress: ProgressHandler) -> None:
        """Hand workers' progress messages to the core (workers already throttle them)."""
        while True:
            try:
                message = await asyncio.to_thread(self._progress.get, True, 0.5)
            except queue.Empty:
                continue
            except (EOFError, OSError, BrokenPipeError):
                log.error("the progress channel closed; progress updates stop")
                return
            await on_progress(*message)


def start_manager(context: BaseContext) -> SyncManager:
    """Start the multiprocessing Manager that carries progress messages from the workers."""
    manager = SyncManager(ctx=context)
    manager.start(initializer=watch_parent)
    return manager
