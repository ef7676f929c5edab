"""Worker slots: one single-process spawn pool per slot, so one job's worker can be killed.

Killing a worker (cancel, timeout) or losing it (crash, OOM kill) breaks only its own
ProcessPoolExecutor; the slot gets a fresh one in the background and other slots run on.
Used by LocalRunner on the bot's machine and by `python -m bot.scale.worker` on a remote one.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import signal
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing.context import BaseContext
from typing import Any

from bot.core.running.job_runner import WorkerCrashed, WorkerKilled, WorkerTimedOut

log = logging.getLogger(__name__)

RESTART_BACKOFF_S = (1.0, 5.0, 30.0)  # waits between failed attempts to replace a worker
KILL_SIGNAL = getattr(signal, "SIGKILL", signal.SIGTERM)


class WorkerStartError(RuntimeError):
    """A worker process could not start (its initializer failed); see the log."""


@dataclass
class WorkerSlot:
    """One worker process (inside its own executor) and the job it runs, if any."""

    index: int
    executor: ProcessPoolExecutor
    pid: int
    job_id: str | None = None
    kill_requested: bool = field(default=False)


class WorkerPool:
    """`size` worker slots; each runs one job at a time in a long-lived spawned process.

    A worker that has not run its initializer within `start_timeout_s` is taken as hung: it is
    killed, and a replacement is tried again with back-off.
    """

    def __init__(
        self,
        size: int,
        context: BaseContext,
        initializer: Callable[..., None],
        initargs: tuple[Any, ...],
        start_timeout_s: float,
    ) -> None:
        self.size = size
        self._start_timeout_s = start_timeout_s
        self._context = context
        self._initializer = initializer
        self._initargs = initargs
        self._slots: dict[int, WorkerSlot] = {}
        self._free: asyncio.Queue[WorkerSlot] = asyncio.Queue()
        self._replacing: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Start every worker and wait until each has run its initializer (model loaded)."""
        slots = await asyncio.gather(*(self._new_slot(i) for i in range(self.size)), return_exceptions=True)
        errors = [s for s in slots if isinstance(s, BaseException)]
        for slot in slots:
            if isinstance(slot, WorkerSlot):
                self._slots[slot.index] = slot
        if errors:
            await self.stop()
            raise errors[0]
        for slot in self._slots.values():
            self._free.put_nowait(slot)

    def pids(self) -> list[int]:
        """Process ids of the current workers."""
        return [slot.pid for slot in self._slots.values()]

    async def acquire(self) -> WorkerSlot:
        """Wait for a free slot; the caller must pass it to `run` next."""
        return await self._free.get()

    def release(self, slot: WorkerSlot) -> None:
        """Put a slot back among the free ones (unless `stop` or a replacement retired it)."""
        slot.job_id = None
        if self._slots.get(slot.index) is slot:
            self._free.put_nowait(slot)

    async def run(self, slot: WorkerSlot, fn: Callable[..., Any], *args: Any, timeout_s: float) -> Any:
        """Run `fn(*args)` in the slot's process; the slot is freed (or replaced) afterwards.

        Raises WorkerKilled (cancelled through `kill`), WorkerTimedOut or WorkerCrashed.
        """
        broken, stopping = True, False
        try:
            if slot.kill_requested:
                raise WorkerKilled()
            future = slot.executor.submit(fn, *args)
            result = await asyncio.wait_for(asyncio.wrap_future(future), timeout_s)
            broken = False
            return result
        except TimeoutError as error:
            self._terminate(slot)
            raise WorkerTimedOut() from error
        except BrokenProcessPool as error:
            if slot.kill_requested:
                raise WorkerKilled() from error
            log.warning("worker %d (pid %d) died under job %s", slot.index, slot.pid, slot.job_id)
            raise WorkerCrashed() from error
        except asyncio.CancelledError:  # the core is stopping: no replacement
            stopping = True
            self._terminate(slot)
            raise
        finally:
            slot.job_id = None
            if stopping:
                slot.executor.shutdown(wait=False, cancel_futures=True)
            elif broken:
                self._replace(slot)
            else:
                self.release(slot)

    def kill(self, job_id: str) -> bool:
        """Kill the worker running `job_id` (its `run` raises WorkerKilled); False if none."""
        for slot in self._slots.values():
            if slot.job_id == job_id:
                slot.kill_requested = True
                self._terminate(slot)
                return True
        return False

    async def stop(self) -> None:
        """Kill every worker and stop replacing them."""
        for task in self._replacing:
            task.cancel()
        await asyncio.gather(*self._replacing, return_exceptions=True)
        slots = list(self._slots.values())
        self._slots.clear()
        self._free = asyncio.Queue()  # a later start() fills it afresh
        for slot in slots:
            self._terminate(slot)
        for slot in slots:
            await asyncio.to_thread(slot.executor.shutdown, True, cancel_futures=True)

    async def _new_slot(self, index: int) -> WorkerSlot:
        """Spawn one worker process and wait for its initializer (killed past the start timeout)."""
        executor = ProcessPoolExecutor(
            max_workers=1,
            mp_context=self._context,
            initializer=self._initializer,
            initargs=self._initargs,
        )
        began = time.monotonic()
        try:
            pid = await asyncio.wait_for(asyncio.wrap_future(executor.submit(os.getpid)), self._start_timeout_s)
        except asyncio.CancelledError:
            _discard(executor)
            raise
        except TimeoutError as error:
            _discard(executor)
            raise WorkerStartError(
                f"A worker process did not start within {self._start_timeout_s:.0f} s and was killed; "
                "if the machine is only slow, raise PAINTERLY_WORKER_START_TIMEOUT_S."
            ) from error
        except BrokenProcessPool as error:
            _discard(executor)
            raise WorkerStartError(
                "A worker process failed to start; check PAINTERLY_ENGINE and the log above."
            ) from error
        log.info("worker %d started (pid %d) in %.1f s", index, pid, time.monotonic() - began)
        return WorkerSlot(index=index, executor=executor, pid=pid)

    def _terminate(self, slot: WorkerSlot) -> None:
        """Kill the slot's process (no error if it is already gone)."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(slot.pid, KILL_SIGNAL)

    def _replace(self, old: WorkerSlot) -> None:
        """Start a fresh worker for a broken slot in the background."""
        old.executor.shutdown(wait=False, cancel_futures=True)
        if self._slots.get(old.index) is not old:
            return
        task = asyncio.get_running_loop().create_task(self._replace_slot(old.index))
        self._replacing.add(task)
        task.add_done_callback(self._replacing.discard)

    async def _replace_slot(self, index: int) -> None:
        """Retry starting a worker, with back-off, until it starts."""
        for attempt in itertools.count():
            try:
                slot = await self._new_slot(index)
            except WorkerStartError:
                wait = RESTART_BACKOFF_S[min(attempt, len(RESTART_BACKOFF_S) - 1)]
                log.exception("could not replace worker %d; retrying in %.0f s", index, wait)
                await asyncio.sleep(wait)
                continue
            self._slots[index] = slot
            self._free.put_nowait(slot)
            return


def _discard(executor: ProcessPoolExecutor) -> None:
    """Kill an executor's process (a hung initializer never reads the shutdown sentinel) and shut it down."""
    for process in list(executor._processes.values()):  # no public handle on the executor's process
        with contextlib.suppress(ProcessLookupError):
            process.kill()
    executor.shutdown(wait=False, cancel_futures=True)
