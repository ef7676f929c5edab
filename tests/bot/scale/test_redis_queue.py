"""The core with PAINTERLY_QUEUE_BACKEND=redis against a real redis-server and real worker
processes: two workers share one queue, a worker killed with SIGKILL mid-job loses no job and
runs none twice, cancels and timeouts reach the remote engine, and jobs wait while no worker
is alive."""

from __future__ import annotations

import re
import signal
from pathlib import Path

import pytest
import redis

from bot.core import (
    HarmonizeService,
    JobCancelled,
    JobDone,
    JobFailed,
    JobOptions,
    JobProgress,
    JobStatus,
    Quality,
    Requester,
)
from bot.core.job_queue.job_lifecycle import FILES_FAILED
from bot.scale.redis_runner import RedisUnavailable
from bot.scale.run_folders import RUNS_FOLDER
from tests.support.marker_engine import POISON_TAU, REFUSAL
from tests.support.redis_server import LEASE_S, eventually, free_port
from tests.support.services import TEST_QUALITIES, disk_full_once, image_bytes, make_service, make_settings, pid_alive

WITH_SLOW = {**TEST_QUALITIES, "slow": Quality(size=32, iters1=200, iters2=200, post=False)}  # long enough to interrupt
PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")
TIMEOUT_S = 2 * LEASE_S  # a job's time limit in the cancel test: longer than a cancel takes


def user(number: int) -> Requester:
    return Requester("telegram", f"user{number}", "chat")


def started(markers: Path, job_id: str) -> list[tuple[int, int]]:
    """(worker pid, engine pid) of every run of `job_id` that began."""
    return [tuple(int(n) for n in p.name.split(".")[1:3]) for p in markers.glob(f"{job_id}.*.started")]


async def _capacity(service: HarmonizeService, expected: int) -> bool:
    return (await service.queue_status()).workers == expected


def completions(markers: Path, job_id: str) -> list[str]:
    """One "<worker pid>.<engine pid>" line per completed run of `job_id`."""
    done = markers / f"{job_id}.done"
    return done.read_text().splitlines() if done.is_file() else []


async def test_two_workers_and_a_worker_killed_mid_job(start_worker, start_core, markers, redis_url, tmp_path) -> None:
    first, second = start_worker(), start_worker()
    service, log = await start_core()
    await eventually(lambda: _capacity(service, 2), "both workers to announce themselves", tmp_path)
    ids = [(await service.submit(user(n), PNG, JPEG, JobOptions(quality="medium"))).job_id for n in range(4)]

    def both_busy() -> dict[int, str] | None:
        running = {pid: job for job in ids for pid, _ in started(markers, job) if not completions(markers, job)}
        return running if set(running) == {first.pid, second.pid} else None

    running = await eventually(both_busy, "both workers to run a job at once", tmp_path)
    victim = running[first.pid]
    [(_, engine_pid)] = started(markers, victim)
    first.send_signal(signal.SIGKILL)
    first.wait(10)

    for job_id in ids:
        assert isinstance(await log.final(job_id, timeout=60), JobDone), log.of(job_id)
    for job_id in ids:  # exactly one completed run per job, whatever was killed
        assert len(completions(markers, job_id)) == 1, (job_id, completions(markers, job_id))
    assert [pid for pid, _ in started(markers, victim)].count(first.pid) == 1
    assert completions(markers, victim)[0].startswith(f"{second.pid}.")
    assert not pid_alive(engine_pid), "the killed worker's engine process outlived it"
    attempts = {j: (await service.get_job(j)).attempts for j in ids}
    assert attempts == {j: 2 if j == victim else 1 for j in ids}
    assert log.of(victim, JobProgress), "no progress came back from the remote workers"
    for path in vars((await service.get_job(victim)).files).values():
        assert path.stat().st_size > 0

    await eventually(lambda: _capacity(service, 1), "the dead worker to be forgotten", tmp_path)
    runs = tmp_path / RUNS_FOLDER
    assert [p.name for p in runs.iterdir() if p.name.endswith(f"-{first.pid}")], "the killed worker left nothing?"
    start_worker()  # a worker starting on this host deletes the dead one's run folder (users' uploads)
    await eventually(
        lambda: not [p for p in runs.iterdir() if p.name.endswith(f"-{first.pid}")],
        "the killed worker's run folder to be swept",
        tmp_path,
    )
    client = redis.Redis.from_url(redis_url)
    leftovers = [k for k in client.scan_iter("painterly:run:*") if not k.endswith(b":cancel")]
    assert client.zcard("painterly:queue") == 0 and leftovers == []
    client.close()


async def test_jobs_wait_for_a_worker_then_cancel_fail_and_time_out(
    start_worker, start_core, markers, tmp_path
) -> None:
    service, log = await start_core(job_timeout_s=TIMEOUT_S)
    owner = user(1)
    long_job = (await service.submit(owner, PNG, PNG, JobOptions(quality="long"))).job_id
    poisoned = (await service.submit(owner, PNG, PNG, JobOptions(tau=POISON_TAU))).job_id
    timed = (await service.submit(user(2), PNG, PNG, JobOptions(quality="long"))).job_id
    assert (await service.queue_status()).workers == 0
    assert (await service.get_job(long_job)).status == JobStatus.QUEUED  # no worker: no dispatch

    start_worker()
    [(_, engine_pid)] = await eventually(
        lambda: started(markers, long_job), "the first job to start remotely", tmp_path
    )
    assert await service.cancel(long_job, owner) is True
    assert isinstance(await log.final(long_job), JobCancelled)
    # The cancel, not the time limit, stops the engine: the worker reports the run "killed", not "timed_out".
    await eventually(lambda: not pid_alive(engine_pid), "the cancelled engine to be killed", tmp_path)
    worker_log = tmp_path / "worker0.log"
    await eventually(
        lambda: re.search(rf"run {long_job}-\S+: (\w+)", worker_log.read_text()), "the cancelled run's end", tmp_path
    )
    assert re.findall(rf"run {long_job}-\S+: (\w+)", worker_log.read_text()) == ["killed"]

    refused = await log.final(poisoned)
    assert isinstance(refused, JobFailed) and refused.reason == REFUSAL
    stopped = await log.final(timed)
    assert isinstance(stopped, JobFailed) and "took longer than" in stopped.reason, stopped
    [(_, timed_engine)] = started(markers, timed)
    assert timed_engine != engine_pid  # the worker replaced its killed engine process
    assert completions(markers, long_job) == [] and completions(markers, timed) == []


async def test_a_job_that_cannot_start_gives_its_room_on_the_worker_back(
    start_worker, start_core, monkeypatch, tmp_path
) -> None:
    """One worker with room for one job: the first job's output folder cannot be made, so it
    fails before it is sent; the room it took is freed and the next job runs."""
    disk_full_once(monkeypatch)
    start_worker()
    service, log = await start_core()
    await eventually(lambda: _capacity(service, 1), "the worker to announce itself", tmp_path)
    first = (await service.submit(user(1), PNG, PNG)).job_id
    failed = await log.final(first)
    assert isinstance(failed, JobFailed) and failed.reason == FILES_FAILED
    second = (await service.submit(user(1), PNG, PNG)).job_id
    assert isinstance(await log.final(second, timeout=60), JobDone)


async def test_an_unreachable_redis_is_reported_without_its_password(tmp_path) -> None:
    url = f"redis://:s3cret@127.0.0.1:{free_port()}/0"
    service = make_service(make_settings(tmp_path, queue_backend="redis", redis_url=url))
    with pytest.raises(RedisUnavailable) as raised:
        await service.start()
    assert "PAINTERLY_QUEUE_BACKEND=local" in str(raised.value)
    assert "s3cret" not in str(raised.value)


async def test_a_core_restart_stops_its_remote_run_and_runs_the_job_again_once(
    start_worker, start_core, markers, tmp_path
) -> None:
    start_worker()
    service, _ = await start_core(qualities=WITH_SLOW)
    job_id = (await service.submit(user(1), PNG, PNG, JobOptions(quality="slow"))).job_id
    [(_, engine_pid)] = await eventually(lambda: started(markers, job_id), "the job to start remotely", tmp_path)
    await service.stop()
    # The engine process outlives a finished run: its end means the worker killed the orphaned run.
    await eventually(lambda: not pid_alive(engine_pid), "the orphaned run to be stopped", tmp_path)
    assert completions(markers, job_id) == []

    again, log = await start_core(qualities=WITH_SLOW)
    assert isinstance(await log.final(job_id), JobDone)
    assert len(started(markers, job_id)) == 2 and len(completions(markers, job_id)) == 1
    assert (await again.get_job(job_id)).attempts == 1  # a clean stop gives the attempt back


async def test_a_starting_core_drops_what_a_crashed_core_left_in_redis(start_core, redis_url) -> None:
    client = redis.Redis.from_url(redis_url)
    client.zadd("painterly:queue", {"oldjob-1": 1})
    client.set("arq:job:oldjob-1", b"{}")
    client.set("painterly:run:oldjob-1:in:painting", b"png")
    client.set("painterly:run:oldjob-2:lease", b"host:1")
    client.set("painterly:run:oldjob-2:out:final", b"png")
    await start_core()
    assert client.exists("painterly:queue", "arq:job:oldjob-1") == 0
    assert client.exists("painterly:run:oldjob-1:in:painting", "painterly:run:oldjob-2:out:final") == 0
    assert client.get("painterly:run:oldjob-2:cancel") == b"1"  # its worker will stop it
    client.close()


async def test_a_second_bot_process_leaves_the_first_ones_runs_alone(
    start_worker, start_core, markers, tmp_path
) -> None:
    """Two bot processes on one database and one Redis: starting the second cancels nothing."""
    start_worker()
    first, log = await start_core(qualities=WITH_SLOW)
    await eventually(lambda: _capacity(first, 1), "the worker to announce itself", tmp_path)
    job = (await first.submit(user(1), PNG, PNG, JobOptions(quality="slow"))).job_id
    await eventually(lambda: started(markers, job), "the run to start", tmp_path)
    await start_core(qualities=WITH_SLOW)  # same database, same Redis queue
    assert not completions(markers, job), "the run ended before the second process started"
    assert isinstance(await log.final(job, timeout=60), JobDone), log.of(job)
    assert len(started(markers, job)) == 1 and len(completions(markers, job)) == 1
    assert (await first.get_job(job)).attempts == 1
