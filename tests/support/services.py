"""Shared helpers for the bot-core tests: settings in a temp folder, tiny images, a service."""

from __future__ import annotations

import asyncio
import contextlib
import io
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from bot.core import BotSettings, HarmonizeService, JobEvent, Quality
from bot.core.job_queue.files import FileStore
from bot.job_runners import make_runner
from tests.support import fake_engine
from tests.support.fake_timer import HANG_GUARD_S

ENGINE = fake_engine.__name__  # importable the same way in spawned worker processes

# Fake-engine qualities: a job lasts (iters1 + iters2) * fake_engine.STEP_S seconds.
TEST_QUALITIES = {
    "instant": Quality(size=32, iters1=1, iters2=1, post=False),
    "polished": Quality(size=32, iters1=1, iters2=1, post=True),  # its final differs from pass 2
    "short": Quality(size=32, iters1=30, iters2=30, post=False),
    "medium": Quality(size=32, iters1=100, iters2=100, post=False),
    "long": Quality(size=32, iters1=3000, iters2=3000, post=False),
}
# The chat loop's quality names over fake-engine qualities, for the front ends' loop tests.
LOOP_QUALITIES = {
    "draft": TEST_QUALITIES["instant"],
    "standard": TEST_QUALITIES["polished"],
    "best": TEST_QUALITIES["long"],  # runs for a minute: long enough to cancel
}
LOOP_SETTINGS: dict[str, Any] = dict(preview_first=True, qualities=LOOP_QUALITIES, default_quality="draft")


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (48, 36), mode: str = "RGB") -> bytes:
    """A tiny image file in `fmt`."""
    buffer = io.BytesIO()
    Image.new(mode, size, (200, 120, 40) if mode == "RGB" else None).save(buffer, fmt)
    return buffer.getvalue()


def benign(data: bytes) -> float:
    """A picture check that flags nothing (tests of the flagged path pass their own score)."""
    return 0.0


def make_service(settings: BotSettings, **keywords: Any) -> HarmonizeService:
    """A service with the runner its settings ask for, as the bot's entry point builds it; the
    picture check is `benign` unless `scorer` is given (the real model: tests/bot/core/admin/test_picture_check.py)."""
    return HarmonizeService(settings, make_runner(settings), **{"scorer": benign, **keywords})


def make_settings(tmp_path: Path, **overrides: Any) -> BotSettings:
    """Settings for a test: temp database and storage, fake engine, fast progress."""
    values: dict[str, Any] = dict(
        database_path=tmp_path / "bot.sqlite3",
        storage_dir=tmp_path / "files",
        engine=f"{ENGINE}:sleepy",
        qualities=TEST_QUALITIES,
        default_quality="instant",
        progress_interval_s=0.05,
        worker_start_timeout_s=30.0,  # a hung start is retried within a test's hang guard
        cleanup_interval_s=3600,
        user_jobs_per_hour=1000,
        user_jobs_per_day=1000,
        user_concurrent_jobs=1000,
        chat_jobs_per_hour=1000,
        chat_jobs_per_day=1000,
        chat_concurrent_jobs=1000,
        queue_cap=1000,
        user_previews_per_hour=1000,
    )
    values.update(overrides)
    return BotSettings(_env_file=None, **values)


class EventLog:
    """Collects every event from a listener and waits for the one a test expects."""

    def __init__(self) -> None:
        self.events: list[JobEvent] = []
        self._changed = asyncio.Event()

    async def __call__(self, event: JobEvent) -> None:
        self.events.append(event)
        self._changed.set()

    def of(self, job_id: str, kind: type | None = None) -> list[JobEvent]:
        """Events of one job (of one type when given), in order."""
        return [e for e in self.events if e.job.job_id == job_id and (kind is None or isinstance(e, kind))]

    async def wait_for(self, test: Callable[[JobEvent], bool], timeout: float = HANG_GUARD_S) -> JobEvent:
        """The first event passing `test`, waiting up to `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            for event in self.events:
                if test(event):
                    return event
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no matching event in {timeout} s; got {self.events}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)

    async def final(self, job_id: str, timeout: float = HANG_GUARD_S) -> JobEvent:
        """The job's done, failed or cancelled event."""
        from bot.core.events import FINAL_EVENTS

        try:
            return await self.wait_for(lambda e: e.job.job_id == job_id and isinstance(e, FINAL_EVENTS), timeout)
        except AssertionError:
            events = self.of(job_id)
            raise AssertionError(f"job {job_id} did not end within {timeout} s; its events: {events}") from None


StartService = Callable[..., Awaitable[tuple[HarmonizeService, "EventLog"]]]


@contextlib.asynccontextmanager
async def started_services(tmp_path: Path, **defaults: Any) -> AsyncIterator[StartService]:
    """Factory: `await start(**settings)` -> (service, event log), settings over `defaults`;
    every service started is stopped on exit."""
    started: list[HarmonizeService] = []

    async def start(**overrides: Any) -> tuple[HarmonizeService, EventLog]:
        service = make_service(make_settings(tmp_path, **{**defaults, **overrides}))
        log = EventLog()
        service.add_listener(log)
        await service.start()
        started.append(service)
        return service, log

    try:
        yield start
    finally:
        for service in started:
            await service.stop()


def pid_alive(pid: int) -> bool:
    """True while a process with this id exists (and is not a zombie we can detect)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(")")[-1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        # The process can be reaped between open() and read(): read() then fails with ESRCH
        # (ProcessLookupError), which CI hit once. Either way it is gone.
        return False


def text_if_present(path: Path) -> str:
    """The text of `path`, or "" while it does not exist: the core may replace a job's output
    folder (a retry's fresh start) between a test's look and its read."""
    try:
        return path.read_text()
    except FileNotFoundError:
        return ""


async def wait_for_file(path: Path, timeout: float = HANG_GUARD_S) -> str:
    """The text of `path` once it exists and is not empty."""
    deadline = time.monotonic() + timeout
    while not (text := text_if_present(path)):
        assert time.monotonic() < deadline, f"{path} did not appear within {timeout} s"
        await asyncio.sleep(0.02)
    return text


def disk_full_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first job output folder the core makes fails as on a full disk; later ones work."""
    make_folder = FileStore.fresh_output_dir
    calls: list[str] = []

    def flaky(self: FileStore, job_id: str) -> Path:
        calls.append(job_id)
        if len(calls) == 1:
            raise OSError(28, "No space left on device")
        return make_folder(self, job_id)

    monkeypatch.setattr(FileStore, "fresh_output_dir", flaky)
