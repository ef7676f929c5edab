"""A job's life through the core: events, progress, cancel, crashes, timeouts, privacy, expiry."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image

from bot.core import (
    JobCancelled,
    JobDone,
    JobFailed,
    JobNotFound,
    JobOptions,
    JobProgress,
    JobQueued,
    JobStarted,
    JobStatus,
    NotAllowed,
    Requester,
    ServiceUnavailable,
)
from bot.core.job_queue import job_lifecycle
from bot.core.job_queue.files import FileStore
from bot.core.job_queue.job_lifecycle import CRASH_REASON
from bot.core.job_queue.store import JobStore
from bot.core.running.worker_process import ProgressSender
from harmonize.types import Progress
from tests.support.fake_timer import HANG_GUARD_S
from tests.support.services import ENGINE, disk_full_once, image_bytes, pid_alive, wait_for_file

PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")
ALICE = Requester("discord", "alice", "guild1")
BOB = Requester("discord", "bob", "guild1")
GUILD1_ADMIN = Requester("discord", "carol", "guild1", is_platform_admin=True)
GUILD2_ADMIN = Requester("discord", "dave", "guild2", is_platform_admin=True)
LONG = JobOptions(quality="long")
START_TIMEOUT_S = 10.0  # for a fake-engine worker, 2 s to start on quiet cores


def pid_file(tmp_path: Path, job_id: str) -> Path:
    return tmp_path / "files" / job_id / "output" / "pid.txt"


async def wait_until_gone(pid: int, timeout: float = HANG_GUARD_S) -> None:
    deadline = time.monotonic() + timeout
    while pid_alive(pid):
        assert time.monotonic() < deadline, f"process {pid} is still alive"
        await asyncio.sleep(0.02)


async def test_submit_before_start_is_refused(tmp_path: Path) -> None:
    from tests.support.services import make_service, make_settings

    with pytest.raises(ServiceUnavailable):
        await make_service(make_settings(tmp_path)).submit(ALICE, PNG, PNG)


def test_progress_is_sent_at_most_once_per_interval() -> None:
    sent: list[tuple[str, str, float]] = []
    clock = iter([0.0, 0.1, 0.25, 0.3, 0.44, 0.46, 0.9])
    sender = ProgressSender("j1", SimpleNamespace(put=sent.append), 0.2, clock=lambda: next(clock))
    for step in range(7):
        sender(Progress("pass1", step + 1, 7))
    assert [round(fraction * 7) for _, _, fraction in sent] == [1, 3, 6, 7]  # 0, .25, .46, .9
    assert {(job, stage) for job, stage, _ in sent} == {("j1", "pass1")}


async def test_job_runs_to_done_with_progress_and_files(start_service, tmp_path) -> None:
    interval = 0.2
    service, log = await start_service(progress_interval_s=interval)
    submitted = await service.submit(ALICE, PNG, JPEG, JobOptions(quality="medium"), context="channel=5")
    assert submitted.position == 1
    done = await log.final(submitted.job_id)
    assert isinstance(done, JobDone), done
    assert done.job.context == "channel=5"

    kinds = [type(e) for e in log.of(submitted.job_id)]
    assert kinds[0] is JobQueued and kinds[1] is JobStarted and kinds[-1] is JobDone
    progress = log.of(submitted.job_id, JobProgress)
    assert {p.stage for p in progress} == {"pass1", "pass2"}
    assert all(0.0 <= p.percent <= 100.0 for p in progress)
    assert len(progress) >= 2  # the throttle itself: test_progress_is_sent_at_most_once_...

    for path in vars(done.files).values():
        assert Image.open(path).size == (4, 4)
    assert not (tmp_path / "files" / submitted.job_id / "input").exists()  # uploads deleted
    info = await service.get_job(submitted.job_id)
    assert info.status == JobStatus.DONE and info.files == done.files and info.attempts == 1


async def test_events_iterator_follows_a_queued_job_to_the_end(start_service) -> None:
    service, _ = await start_service()
    first = await service.submit(ALICE, PNG, PNG, JobOptions(quality="short"))
    second = await service.submit(BOB, PNG, PNG)
    seen = [event async for event in service.events(second.job_id)]
    assert isinstance(seen[0], (JobQueued, JobStarted))
    assert isinstance(seen[-1], JobDone)
    assert any(isinstance(e, JobStarted) for e in seen)
    again = [event async for event in service.events(second.job_id)]
    assert len(again) == 1 and isinstance(again[0], JobDone)  # a finished job: its end only
    assert (await service.get_job(first.job_id)).status == JobStatus.DONE


async def test_cancel_a_queued_job(start_service, tmp_path) -> None:
    service, log = await start_service()
    running = await service.submit(ALICE, PNG, PNG, LONG)
    await wait_for_file(pid_file(tmp_path, running.job_id))
    queued = await service.submit(ALICE, PNG, PNG)
    behind = await service.submit(BOB, PNG, PNG)
    assert [j.position for j in await service.list_jobs(ALICE)] == [None, 1]
    assert (await service.get_job(behind.job_id)).position == 2

    with pytest.raises(NotAllowed):
        await service.cancel(queued.job_id, BOB)
    with pytest.raises(NotAllowed):
        await service.cancel(queued.job_id, GUILD2_ADMIN)
    with pytest.raises(JobNotFound):
        await service.cancel("0000000000", ALICE)

    assert await service.cancel(queued.job_id, ALICE) is True
    cancelled = await log.final(queued.job_id)
    assert isinstance(cancelled, JobCancelled) and cancelled.by_user_id == "alice"
    await log.wait_for(lambda e: e.job.job_id == behind.job_id and isinstance(e, JobQueued) and e.position == 1)
    assert not (tmp_path / "files" / queued.job_id).exists()
    assert (await service.get_job(queued.job_id)).status == JobStatus.CANCELLED
    assert await service.cancel(queued.job_id, ALICE) is False
    assert (await service.get_job(running.job_id)).status == JobStatus.RUNNING


async def test_an_admin_cancels_a_running_job_and_its_worker_is_replaced(start_service, tmp_path) -> None:
    service, log = await start_service()
    running = await service.submit(ALICE, PNG, PNG, LONG)
    pid = int(await wait_for_file(pid_file(tmp_path, running.job_id)))
    with pytest.raises(NotAllowed):
        await service.cancel(running.job_id, GUILD2_ADMIN)
    assert await service.cancel(running.job_id, GUILD1_ADMIN) is True
    cancelled = await log.final(running.job_id)
    assert isinstance(cancelled, JobCancelled) and cancelled.by_user_id == "carol"
    await wait_until_gone(pid)
    after = await service.submit(BOB, PNG, PNG)
    assert isinstance(await log.final(after.job_id), JobDone)
    assert not log.of(running.job_id, JobFailed)


async def test_a_killed_worker_retries_its_job_once_then_fails_it(start_service, tmp_path) -> None:
    service, log = await start_service(workers=2)
    victim = await service.submit(ALICE, PNG, PNG, LONG)
    bystander = await service.submit(BOB, PNG, PNG, JobOptions(quality="medium"))
    bystander_pid = int(await wait_for_file(pid_file(tmp_path, bystander.job_id)))

    killed: list[int] = []
    for attempt in (1, 2):
        await log.wait_for(
            lambda e, attempt=attempt: (
                e.job.job_id == victim.job_id and isinstance(e, JobStarted) and e.attempt == attempt
            )
        )
        pid = int(await wait_for_file(pid_file(tmp_path, victim.job_id)))
        assert pid not in killed  # a fresh output folder for the retry
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)
        await wait_until_gone(pid)

    failed = await log.final(victim.job_id)
    assert isinstance(failed, JobFailed) and failed.reason == CRASH_REASON
    assert (await service.get_job(victim.job_id)).attempts == 2
    assert isinstance(await log.final(bystander.job_id), JobDone)
    assert (await service.get_job(bystander.job_id)).attempts == 1
    assert int(pid_file(tmp_path, bystander.job_id).read_text()) == bystander_pid
    later = await service.submit(ALICE, PNG, PNG)  # the bot keeps serving
    assert isinstance(await log.final(later.job_id), JobDone)


async def test_a_worker_hung_while_starting_is_killed_and_started_again(start_service, tmp_path, monkeypatch) -> None:
    stall = tmp_path / "stall"
    monkeypatch.setenv("CORE_TEST_STALL", str(stall))  # inherited by the workers spawned
    service, log = await start_service(engine=f"{ENGINE}:StallsOnce", worker_start_timeout_s=START_TIMEOUT_S)
    running = await service.submit(ALICE, PNG, PNG, LONG)
    await wait_for_file(pid_file(tmp_path, running.job_id))
    stall.touch()  # the replacement's start hangs, as a stuck model load
    assert await service.cancel(running.job_id, ALICE) is True
    hung = int(await wait_for_file(stall.with_suffix(".pid")))
    after = await service.submit(BOB, PNG, PNG)
    assert isinstance(await log.final(after.job_id), JobDone)
    assert not stall.exists()
    await wait_until_gone(hung)


async def test_the_event_loop_serves_while_a_job_burns_cpu(start_service, tmp_path, monkeypatch) -> None:
    """The engine burns CPU in a worker process; the loop answers meanwhile (no wall-clock gap measured)."""
    gate = tmp_path / "gate"
    monkeypatch.setenv("CORE_TEST_GATE", str(gate))  # inherited by the workers spawned at start
    service, log = await start_service(engine="tests.support.fake_engine:busy")
    job = await service.submit(ALICE, PNG, PNG, JobOptions(quality="short"))
    assert int(await wait_for_file(pid_file(tmp_path, job.job_id))) != os.getpid()
    # The engine now spins until the gate opens: everything below happens while it burns.
    await log.wait_for(lambda e: e.job.job_id == job.job_id and isinstance(e, JobProgress))
    behind = await service.submit(BOB, PNG, PNG)
    await log.wait_for(lambda e: e.job.job_id == behind.job_id and isinstance(e, JobQueued))
    assert (await service.get_job(job.job_id)).status == JobStatus.RUNNING
    assert not log.of(job.job_id, JobDone)
    gate.touch()
    assert isinstance(await log.final(job.job_id), JobDone)
    assert isinstance(await log.final(behind.job_id), JobDone)


async def test_a_job_over_its_time_limit_fails_and_the_bot_goes_on(start_service, tmp_path) -> None:
    service, log = await start_service(job_timeout_s=1.0)
    slow = await service.submit(ALICE, PNG, PNG, LONG)
    pid = int(await wait_for_file(pid_file(tmp_path, slow.job_id)))
    failed = await log.final(slow.job_id)
    assert isinstance(failed, JobFailed) and "longer than" in failed.reason
    await wait_until_gone(pid)
    quick = await service.submit(BOB, PNG, PNG)
    assert isinstance(await log.final(quick.job_id), JobDone)


async def test_database_errors_while_claiming_or_recording_a_job_are_retried(start_service, monkeypatch) -> None:
    """A write that fails (e.g. the database locked past its busy timeout) must neither stop the
    dispatcher nor leave a finished job "running" with no final event."""
    monkeypatch.setattr(job_lifecycle, "STORE_RETRY_S", 0.01)  # 0.01, 0.02 s for the two failures
    failures = {"claim_next": 2, "finish": 2}

    def flaky(name: str):
        real = getattr(JobStore, name)

        async def method(self, *args, **kwargs):
            if failures[name] > 0:
                failures[name] -= 1
                raise sqlite3.OperationalError("database is locked")
            return await real(self, *args, **kwargs)

        return method

    service, log = await start_service()
    for name in failures:
        monkeypatch.setattr(JobStore, name, flaky(name))
    first = await service.submit(ALICE, PNG, PNG)
    second = await service.submit(BOB, PNG, PNG)
    for job in (first, second):
        assert isinstance(await log.final(job.job_id), JobDone)
    assert failures == {"claim_next": 0, "finish": 0}
    assert (await service.get_job(first.job_id)).status == JobStatus.DONE


def test_database_retries_back_off_to_a_minute() -> None:
    waits = [job_lifecycle.store_retry_s(attempt) for attempt in range(12)]
    assert waits[:3] == [1.0, 2.0, 4.0] and waits[-1] == job_lifecycle.STORE_RETRY_MAX_S == 60.0
    assert waits == sorted(waits) and job_lifecycle.store_retry_s(10**6) == 60.0


async def test_a_job_whose_files_cannot_be_made_fails_and_gives_its_worker_back(start_service, monkeypatch) -> None:
    """One worker: the first job's output folder cannot be made (disk full); it fails with a
    line for the user, and the worker is free for the next job (it used to be lost for good)."""
    disk_full_once(monkeypatch)
    service, log = await start_service(workers=1)
    first = await service.submit(ALICE, PNG, PNG)
    failed = await log.final(first.job_id)
    assert isinstance(failed, JobFailed) and failed.reason == job_lifecycle.FILES_FAILED
    second = await service.submit(ALICE, PNG, PNG)
    assert isinstance(await log.final(second.job_id), JobDone)
    assert (await service.get_job(first.job_id)).status == JobStatus.FAILED


async def test_a_background_task_that_dies_says_why_in_the_log(start_service, monkeypatch, caplog) -> None:
    def broken(self, job_id: str):
        raise RuntimeError("the store is broken")

    service, log = await start_service(engine=f"{ENGINE}:refuse")
    monkeypatch.setattr(FileStore, "delete_job", broken)  # while recording the engine's refusal
    await service.submit(ALICE, PNG, PNG)
    deadline = time.monotonic() + HANG_GUARD_S
    while not any("stopped on an error" in r.getMessage() for r in caplog.records):
        assert time.monotonic() < deadline, "the job's task died without a word in the log"
        await asyncio.sleep(0.02)
    record = next(r for r in caplog.records if "stopped on an error" in r.getMessage())
    assert record.getMessage().startswith("painterly-job-") and "store is broken" in str(record.exc_info[1])


@pytest.mark.parametrize(
    "engine, reason",
    [
        ("refuse", "No object found in the photo."),
        ("lazy", "without writing its pictures"),
    ],
)
async def test_engine_failures_reach_the_user(start_service, tmp_path, engine, reason) -> None:
    service, log = await start_service(engine=f"tests.support.fake_engine:{engine}")
    job = await service.submit(ALICE, PNG, PNG)
    failed = await log.final(job.job_id)
    assert isinstance(failed, JobFailed) and reason in failed.reason
    assert not (tmp_path / "files" / job.job_id / "input").exists()
    assert (await service.get_job(job.job_id)).error == failed.reason


async def test_delete_my_data(start_service, tmp_path) -> None:
    service, log = await start_service()
    done = await service.submit(ALICE, PNG, PNG)
    await log.final(done.job_id)
    running = await service.submit(ALICE, PNG, PNG, LONG)
    pid = int(await wait_for_file(pid_file(tmp_path, running.job_id)))
    queued = await service.submit(ALICE, PNG, PNG)
    others = await service.submit(BOB, PNG, PNG)

    assert await service.delete_user_data(ALICE) == 3
    for job_id in (done.job_id, running.job_id, queued.job_id):
        with pytest.raises(JobNotFound):
            await service.get_job(job_id)
        assert not (tmp_path / "files" / job_id).exists()
    assert await service.list_jobs(ALICE) == []
    assert isinstance(await log.final(running.job_id), JobCancelled)
    await wait_until_gone(pid)
    assert isinstance(await log.final(others.job_id), JobDone)
    assert await service.delete_user_data(ALICE) == 0


async def test_deleted_jobs_take_their_posted_messages_with_them(start_service) -> None:
    """Where a result was posted (message ids, file ids, captions) goes with the job, by request or by age."""
    from bot.core.chat.posted_results import PostedMessage, PostedResults

    service, log = await start_service()
    posted = PostedResults(service.database)
    jobs = {who: await service.submit(who, PNG, PNG) for who in (ALICE, BOB)}
    for job in jobs.values():
        await log.final(job.job_id)
        await posted.record(job.job_id, [PostedMessage(7, "photo", "file-id", "caption")])
    await service.delete_user_data(ALICE)
    assert await posted.get(jobs[ALICE].job_id) == []
    assert [m.message_id for m in await posted.get(jobs[BOB].job_id)] == [7]
    await service.purge_expired(now=time.time() + 10 * 86400)
    assert await posted.get(jobs[BOB].job_id) == []


async def test_results_expire_after_the_retention_time(start_service, tmp_path) -> None:
    service, log = await start_service(result_retention_hours=1.0 / 3600, cleanup_interval_s=0.1)
    old = await service.submit(ALICE, PNG, PNG)
    assert isinstance(await log.final(old.job_id), JobDone)
    running = await service.submit(BOB, PNG, PNG, LONG)
    queued = await service.submit(BOB, PNG, PNG)
    deadline = time.monotonic() + HANG_GUARD_S
    while (tmp_path / "files" / old.job_id).exists():
        assert time.monotonic() < deadline, "the finished job was not expired"
        await asyncio.sleep(0.05)
    with pytest.raises(JobNotFound):
        await service.get_job(old.job_id)
    assert await service.purge_expired(now=time.time() + 10 * 86400) == 0  # active jobs stay
    assert (await service.get_job(running.job_id)).status == JobStatus.RUNNING
    assert (await service.get_job(queued.job_id)).status == JobStatus.QUEUED


async def test_a_service_stopped_and_started_again_runs_jobs(tmp_path) -> None:
    """The runner is the caller's: it must serve a second start as well as the first."""
    from tests.support.services import EventLog, make_service, make_settings

    service = make_service(make_settings(tmp_path, workers=2))  # one slot idle at the stop
    log = EventLog()
    service.add_listener(log)
    await service.start()
    await service.stop()
    await service.start()
    try:
        job = await service.submit(ALICE, PNG, PNG)
        assert isinstance(await log.final(job.job_id), JobDone)
    finally:
        await service.stop()
