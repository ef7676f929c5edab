"""One owner per job: bot processes sharing a database never run a job twice, and the jobs of
a dead process are taken over once its lease has expired (bot.core.job_queue.job_lifecycle)."""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.core import JobInfo, JobOptions, JobStarted, JobStatus, Requester
from tests.support.core_processes import TIMEOUT_S, events, kill_hard, launch, rows, running_pid, wait
from tests.support.fake_timer import HANG_GUARD_S, eventually
from tests.support.services import ENGINE, image_bytes, make_service, make_settings, pid_alive, wait_for_file

ALICE = Requester("telegram", "alice", "chat")
PNG = image_bytes("PNG")


class FakeClock:
    """Unix seconds that move only when a test says so."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def runs(tmp_path: Path) -> Counter[str]:
    """Completed engine runs per job id (tests/support/fake_engine.py `counted`)."""
    path = tmp_path / "runs.txt"
    lines = path.read_text().splitlines() if path.exists() else []
    return Counter(line.split()[0] for line in lines)


def counted_env(tmp_path: Path, lease_s: float) -> dict[str, str]:
    return dict(
        PAINTERLY_ENGINE=f"{ENGINE}:counted",
        CORE_TEST_RUNS=str(tmp_path / "runs.txt"),
        PAINTERLY_DEFAULT_QUALITY="short",
        PAINTERLY_JOB_LEASE_S=str(lease_s),
        # two processes submit 4 jobs each into one chat: however slowly the first runs its jobs,
        # the second's must not meet the chat's limit of concurrent jobs (5 by default)
        PAINTERLY_CHAT_CONCURRENT_JOBS="100",
        PAINTERLY_USER_CONCURRENT_JOBS="100",
    )


def test_two_bot_processes_on_one_database_run_each_job_exactly_once(tmp_path: Path) -> None:
    env = counted_env(tmp_path, lease_s=20.0)  # no live process loses it, even when loaded
    first = launch(tmp_path, "first", submit=4, **env)
    second = None
    try:
        wait(
            "a job running in the first core",
            lambda: any(s == "running" for s, _, _ in rows(tmp_path).values()),
            first,
            tmp_path,
        )
        second = launch(tmp_path, "second", submit=4, **env)  # the old bug: it requeued them
        wait(
            "8 jobs done",
            lambda: len(rows(tmp_path)) == 8 and all(s == "done" for s, _, _ in rows(tmp_path).values()),
            second,
            tmp_path,
        )
        for proc in (first, second):
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(TIMEOUT_S) == 0
    finally:
        for proc in (first, second):
            if proc is not None:
                proc.kill()
    assert runs(tmp_path) == Counter({job_id: 1 for job_id in rows(tmp_path)})
    assert all(attempts == 1 for _, attempts, _ in rows(tmp_path).values())
    started = [
        e["job_id"] for name in ("first", "second") for e in events(tmp_path, name) if e["event"] == "JobStarted"
    ]
    assert len(started) == 8  # each start is reported once, by the process that ran it
    for name in ("first", "second"):  # queue positions go to the submitter's users only
        seen = events(tmp_path, name)
        mine = {e["job_id"] for e in seen if e["event"] == "submitted"}
        assert {e["job_id"] for e in seen if e["event"] == "JobQueued"} <= mine


def test_a_killed_process_job_is_taken_over_by_the_live_one_after_its_lease(tmp_path) -> None:
    gate = tmp_path / "gate"  # the engine finishes no run before the test opens it
    # renewed every 2/3 s while it lives: only a stall of 2 s on a loaded machine could lose it early
    doomed = launch(tmp_path, "doomed", submit=1, CORE_TEST_GATE=str(gate), **counted_env(tmp_path, lease_s=2.0))
    survivor = None
    try:
        [job] = wait("the job", lambda: list(rows(tmp_path)), doomed, tmp_path)
        pid = wait("the job running", lambda: running_pid(tmp_path, job, 1), doomed, tmp_path)
        survivor = launch(
            tmp_path, "survivor", submit=0, CORE_TEST_GATE=str(gate), **counted_env(tmp_path, lease_s=6.0)
        )
        wait(
            "the survivor started",
            lambda: any(e["event"] == "started" for e in events(tmp_path, "survivor")),
            survivor,
            tmp_path,
        )
        assert rows(tmp_path)[job][:2] == ("running", 1)  # a live owner's job is not taken
        kill_hard(doomed, pid)
        gate.touch()
        wait("the job done", lambda: rows(tmp_path)[job][0] == "done", survivor, tmp_path)
        survivor.send_signal(signal.SIGTERM)
        assert survivor.wait(TIMEOUT_S) == 0
    finally:
        for proc in (doomed, survivor):
            if proc is not None:
                proc.kill()
    assert rows(tmp_path)[job] == ("done", 2, None)
    assert runs(tmp_path) == Counter({job: 1})
    assert {"event": "JobDone", "job_id": job} in events(tmp_path, "survivor")


async def test_a_live_lease_is_never_taken_and_an_expired_one_is(tmp_path) -> None:
    """Two cores in one process with one clock: the second waits for the first's lease."""
    clock = FakeClock()
    settings = make_settings(tmp_path, job_lease_s=60.0)
    first, second = make_service(settings, clock=clock), make_service(settings, clock=clock)
    for service in (first, second):
        await service.start()
    try:
        job = await first.submit(ALICE, PNG, PNG, JobOptions(quality="long"))
        await until(lambda: first.get_job(job.job_id), JobStatus.RUNNING)
        pid_file = tmp_path / "files" / job.job_id / "output" / "pid.txt"
        first_pid = int(await wait_for_file(pid_file))
        await second._lifecycle.take_over_expired()
        assert (await second.get_job(job.job_id)).attempts == 1  # a live owner's job stays

        clock.now += 61.0  # the first core "died": it renewed nothing for a whole lease
        await second._lifecycle.take_over_expired()
        await until(lambda: second.get_job(job.job_id), JobStatus.RUNNING, attempts=2)
        assert pid_alive(first_pid)
        await first._lifecycle.renew_leases()  # the first learns it lost the job: stops its run
        await eventually(lambda: not pid_alive(first_pid))
        assert await second.cancel(job.job_id, ALICE)
    finally:
        for service in (first, second):
            await service.stop()


async def test_a_core_never_takes_over_its_own_running_jobs(tmp_path) -> None:
    clock = FakeClock()
    service = make_service(make_settings(tmp_path, job_lease_s=60.0), clock=clock)
    started: list[JobStarted] = []

    async def record(event: object) -> None:
        if isinstance(event, JobStarted):
            started.append(event)

    service.add_listener(record)
    await service.start()
    try:
        job = await service.submit(ALICE, PNG, PNG, JobOptions(quality="long"))
        await until(lambda: service.get_job(job.job_id), JobStatus.RUNNING)
        clock.now += 600.0  # its own lease lapsed (a stalled loop), yet the job runs right here
        await service._lifecycle.take_over_expired()
        assert (await service.get_job(job.job_id)).status == JobStatus.RUNNING
        assert [e.attempt for e in started] == [1]
    finally:
        await service.stop()


async def until(read: Callable[[], Awaitable[JobInfo]], status: JobStatus, attempts: int = 1) -> JobInfo:
    """Poll `read()` every 10 ms until the job has `status` and `attempts` (HANG_GUARD_S at most)."""
    deadline = time.monotonic() + HANG_GUARD_S
    while True:
        info = await read()
        if info.status == status and info.attempts == attempts:
            return info
        assert time.monotonic() < deadline, f"the job stayed {info.status} (attempt {info.attempts})"
        await asyncio.sleep(0.01)


def test_a_process_reaped_while_its_stat_is_read_counts_as_gone(monkeypatch) -> None:
    """/proc/<pid>/stat can open and then fail to read with ESRCH when the process is reaped in
    between (CI saw it once): the helper the tests above wait with must say "gone", not raise."""
    from tests.support import services

    class Reaped:
        def __enter__(self) -> Reaped:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def read(self) -> str:
            raise ProcessLookupError(3, "No such process")

    monkeypatch.setattr(services, "open", lambda *args, **kwargs: Reaped(), raising=False)
    assert services.pid_alive(12345) is False
