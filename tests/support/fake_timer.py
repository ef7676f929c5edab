"""Test time: a Timer (bot.core.chat.status_editor) whose time moves only when a test says so, and the
one hang guard for waits on real I/O.

The suite must pass on a machine whose cores are all busy (issue 17 §9): no test measures
wall-clock time. Time-driven code takes an injected clock or Timer; a test that must wait for real
work (a worker process, an HTTP round trip) waits for the event itself, with HANG_GUARD_S only as
the point where it gives up.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Callable

SETTLE_ROUNDS = 20  # event-loop turns that let woken tasks run to their next wait
HANG_GUARD_S = 60.0  # how long a test waits for something before it fails: only a guard against
# hangs (loose enough for a machine whose cores are all busy), never what a test measures


class FakeTimer:
    """`now()` starts at 0; `sleep` waits until `advance` moves the time past its deadline."""

    def __init__(self) -> None:
        self.time = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    @property
    def sleeping(self) -> int:
        """How many sleeps wait for the time to move."""
        return sum(not future.done() for _, _, future in self._sleepers)

    def now(self) -> float:
        """The fake time in seconds."""
        return self.time

    async def sleep(self, seconds: float) -> None:
        """Wait until the fake time reaches now + seconds."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.time + max(0.0, seconds), next(self._order), future))
        await future

    async def settle(self) -> None:
        """Let every task that can run without the time moving run."""
        for _ in range(SETTLE_ROUNDS):
            await asyncio.sleep(0)

    async def advance(self, seconds: float) -> None:
        """Move the time forward, waking sleepers in deadline order, and let them run."""
        end = self.time + seconds
        await self.settle()
        while self._sleepers and self._sleepers[0][0] <= end:
            deadline, _, future = heapq.heappop(self._sleepers)
            self.time = max(self.time, deadline)
            if not future.done():
                future.set_result(None)
            await self.settle()
        self.time = end
        await self.settle()


async def eventually(probe: Callable[[], object], timeout_s: float = HANG_GUARD_S) -> None:
    """Wait until `probe()` is true (for real I/O a fake timer cannot drive); fail after timeout_s."""

    async def poll() -> None:
        while not probe():
            await asyncio.sleep(0.005)

    await asyncio.wait_for(poll(), timeout_s)  # asyncio.timeout is Python 3.11+; the project supports 3.10


class ManualClock:
    """An injected wall clock (Unix seconds) that moves only when a test sets `now`."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now
