"""An owner frozen past its lease (issue 25, item 10): the job is taken over and run by the live
process, the user sees one start and one delivery, and the frozen owner's late end changes
nothing (it neither records the job nor deletes its pictures)."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from bot.core import JobDone, JobEvent, JobOptions, JobStarted, JobStatus, Requester
from tests.bot.core.job_queue.test_ownership import FakeClock, until
from tests.support.fake_timer import eventually
from tests.support.services import ENGINE, image_bytes, make_service, make_settings, wait_for_file

ALICE = Requester("telegram", "alice", "chat")
PNG = image_bytes("PNG")


async def test_an_owner_frozen_past_its_lease_gives_one_start_and_one_delivery(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = tmp_path / "gate"  # the fake engine's runs wait until it exists
    monkeypatch.setenv("CORE_TEST_GATE", str(gate))
    monkeypatch.setenv("CORE_TEST_RUNS", str(tmp_path / "runs.txt"))
    clock = FakeClock()
    settings = make_settings(tmp_path, job_lease_s=60.0, engine=f"{ENGINE}:counted")
    frozen, live = make_service(settings, clock=clock), make_service(settings, clock=clock)
    seen: list[JobEvent] = []  # what the user sees: both processes' front ends post to the chat

    async def record(event: JobEvent) -> None:
        seen.append(event)

    for service in (frozen, live):
        service.add_listener(record)
        await service.start()
    try:
        job = (await frozen.submit(ALICE, PNG, PNG, JobOptions(quality="instant"))).job_id
        await until(lambda: frozen.get_job(job), JobStatus.RUNNING)
        frozen_worker = int(await wait_for_file(tmp_path / "files" / job / "output" / "pid.txt"))
        os.kill(frozen_worker, signal.SIGSTOP)  # frozen: it renews nothing and runs nothing
        clock.now += 61.0  # ... for a whole lease
        await live._lifecycle.take_over_expired()
        await until(lambda: live.get_job(job), JobStatus.RUNNING, attempts=2)
        gate.touch()
        await eventually(lambda: any(isinstance(e, JobDone) for e in seen))
        os.kill(frozen_worker, signal.SIGCONT)  # it thaws and ends its run late
        runs = tmp_path / "runs.txt"
        await eventually(lambda: len(runs.read_text().splitlines()) == 2)
        await eventually(lambda: job not in frozen._lifecycle._runs)
        info = await live.get_job(job)
        assert info.status == JobStatus.DONE and info.files is not None
        assert [type(e).__name__ for e in seen if isinstance(e, (JobStarted, JobDone))] == ["JobStarted", "JobDone"]
        assert all(path.exists() for path in vars(info.files).values())  # nobody deleted them
    finally:
        for service in (frozen, live):
            await service.stop()
