"""Where the core's jobs run: the JobRunner interface and the ways a run can end abnormally.

Two runners implement it: bot.core.running.local_runner.LocalRunner (worker processes on this machine)
and bot.scale.redis_runner.RedisRunner (workers on other machines). `bot.job_runners` picks one
from the settings and the caller hands it to HarmonizeService.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from bot.core.running.engine_request import EngineRequest, WorkerOutcome

ProgressHandler = Callable[[str, str, float], Awaitable[None]]  # (job id, stage, fraction 0..1)


class JobSlot(Protocol):
    """One unit of a runner's capacity; the core writes the id of the job it claimed for it."""

    job_id: str | None


SlotT = TypeVar("SlotT", bound=JobSlot)  # each runner's own slot type


class WorkerCrashed(Exception):
    """The worker process died under a job (crash, out-of-memory kill, external signal)."""


class WorkerKilled(Exception):
    """The core killed the worker on purpose (its job was cancelled)."""


class WorkerTimedOut(Exception):
    """The job ran past its time limit and its worker was killed."""


class JobRunner(Protocol[SlotT]):
    """Slots of capacity, each running one job at a time.

    The core takes a slot with `acquire`, sets `slot.job_id` when it has claimed a job for it,
    then calls `run`, which frees the slot and raises WorkerKilled, WorkerTimedOut or
    WorkerCrashed when the run did not end in the engine; a slot whose job cannot start goes
    back with `release` instead.
    """

    @property
    def capacity(self) -> int:
        """Jobs that can run at once right now."""

    async def start(self, on_progress: ProgressHandler) -> None:
        """Start the workers; progress messages are passed to `on_progress` from then on."""

    async def stop(self) -> None:
        """Stop every running job and the workers (or their connection)."""

    async def acquire(self) -> SlotT:
        """Wait for free capacity; the caller must pass the slot to `run` next."""

    async def run(self, slot: SlotT, request: EngineRequest) -> WorkerOutcome:
        """Run one job on `slot` and return how the engine ended."""

    async def release(self, slot: SlotT) -> None:
        """Give back a slot from `acquire` that will not be passed to `run`."""

    def kill(self, job_id: str) -> bool:
        """Stop the job `job_id` (its `run` raises WorkerKilled); False if it is not running."""
