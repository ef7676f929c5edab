"""Events the core sends to front ends about a job, from queued to done, failed or cancelled."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from bot.core.jobs import JobFiles, JobRef

log = logging.getLogger(__name__)
CLOSE_GRACE_S = 5.0  # how long stop() waits for listeners to take their last events


@dataclass(frozen=True)
class JobQueued:
    """The job waits in the queue at 1-based `position` (sent again whenever it changes)."""

    job: JobRef
    position: int


@dataclass(frozen=True)
class JobStarted:
    """A worker picked the job up; `attempt` is 1, or 2 when retried after a crash or restart."""

    job: JobRef
    attempt: int


@dataclass(frozen=True)
class JobProgress:
    """Progress inside one engine stage ("cutout" | "pass1" | "pass2" | "post"), in [0, 100] %.

    Sent at most once per progress interval (settings) per job.
    """

    job: JobRef
    stage: str
    percent: float


@dataclass(frozen=True)
class JobDone:
    """The job finished; `files` are its PNGs, kept for the retention time from settings."""

    job: JobRef
    files: JobFiles
    seconds: float


@dataclass(frozen=True)
class JobFailed:
    """The job failed; `reason` is fit to show the user."""

    job: JobRef
    reason: str


@dataclass(frozen=True)
class JobCancelled:
    """The job was cancelled by its owner or an admin (`by_user_id`)."""

    job: JobRef
    by_user_id: str


JobEvent = JobQueued | JobStarted | JobProgress | JobDone | JobFailed | JobCancelled
FINAL_EVENTS = (JobDone, JobFailed, JobCancelled)
EventCallback = Callable[[JobEvent], Awaitable[None]]


class _CallbackChannel:
    """Feeds one callback its events in order, one at a time, from a lazily started task."""

    def __init__(self, callback: EventCallback, accepts: Callable[[JobEvent], bool]) -> None:
        self.callback = callback
        self.accepts = accepts
        self.pending: deque[JobEvent] = deque()
        self.task: asyncio.Task[None] | None = None

    def push(self, event: JobEvent) -> None:
        """Queue an event and make sure the pump runs."""
        self.pending.append(event)
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self._pump())

    async def _pump(self) -> None:
        """Deliver queued events until none are left."""
        while self.pending:
            event = self.pending.popleft()
            try:
                await self.callback(event)
            except Exception:
                log.exception("event listener %r failed on %r", self.callback, event)


class EventStream:
    """One job's events as an async iterator that ends after the final event."""

    def __init__(self, hub: EventHub, job_id: str) -> None:
        self._hub = hub
        self.job_id = job_id
        self.queue: asyncio.Queue[JobEvent] = asyncio.Queue()

    def accepts(self, event: JobEvent) -> bool:
        """True for this stream's job."""
        return event.job.job_id == self.job_id

    def push(self, event: JobEvent) -> None:
        """Queue an event for the reader."""
        self.queue.put_nowait(event)

    def close(self) -> None:
        """Stop receiving events."""
        self._hub.detach(self)

    def __aiter__(self) -> AsyncIterator[JobEvent]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[JobEvent]:
        while True:
            event = await self.queue.get()
            yield event
            if isinstance(event, FINAL_EVENTS):
                return


class EventHub:
    """Fans job events out to platform-wide listeners and per-job subscribers."""

    def __init__(self) -> None:
        self._listeners: list[_CallbackChannel] = []
        self._subscribers: list[_CallbackChannel | EventStream] = []

    def add_listener(self, callback: EventCallback, platform: str | None) -> Callable[[], None]:
        """Every event (of one platform when given) goes to `callback`; returns a remover."""
        channel = _CallbackChannel(callback, lambda event: platform is None or event.job.platform == platform)
        self._listeners.append(channel)
        return lambda: self.detach(channel)

    def subscribe(self, job_id: str, callback: EventCallback) -> Callable[[], None]:
        """One job's events go to `callback` until its final event; returns a remover."""
        channel = _CallbackChannel(callback, lambda event: event.job.job_id == job_id)
        self._subscribers.append(channel)
        return lambda: self.detach(channel)

    def stream(self, job_id: str) -> EventStream:
        """A new EventStream for one job; close() it when done."""
        stream = EventStream(self, job_id)
        self._subscribers.append(stream)
        return stream

    def detach(self, channel: _CallbackChannel | EventStream) -> None:
        """Stop sending events to a listener, subscriber or stream (no error if gone)."""
        if isinstance(channel, _CallbackChannel) and channel in self._listeners:
            self._listeners.remove(channel)
        if channel in self._subscribers:
            self._subscribers.remove(channel)

    def publish(self, event: JobEvent) -> None:
        """Send an event to everyone who wants it; per-job subscribers end at a final event."""
        for channel in self._listeners:
            if channel.accepts(event):
                channel.push(event)
        final = isinstance(event, FINAL_EVENTS)
        for subscriber in list(self._subscribers):
            if subscriber.accepts(event):
                subscriber.push(event)
                if final and isinstance(subscriber, _CallbackChannel):
                    self._subscribers.remove(subscriber)

    async def close(self) -> None:
        """Wait (briefly) for callbacks to take the events already published."""
        tasks = [
            c.task
            for c in self._listeners + self._subscribers
            if isinstance(c, _CallbackChannel) and c.task is not None and not c.task.done()
        ]
        if tasks:
            await asyncio.wait(tasks, timeout=CLOSE_GRACE_S)
