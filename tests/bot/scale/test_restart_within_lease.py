"""A bot killed and restarted within its Redis key's lifetime (issue 25, item 5): every job ends
once, done, run to completion by one worker run only, and no run key of a job stays in Redis
after the jobs end."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import redis

from bot.core.job_queue.job_lifecycle import RESTART_REASON
from tests.bot.scale.test_redis_queue import WITH_SLOW, completions, started
from tests.support.core_processes import TIMEOUT_S, events, launch, rows, wait
from tests.support.redis_server import ENGINE, LEASE_S

JOBS = 5
FINAL_EVENTS = ("JobDone", "JobFailed")


def final_events(tmp_path: Path, ids: list[str]) -> dict[str, list[str]] | None:
    """Each job's final events over both bots' logs, once every job has one; None before."""
    found: dict[str, list[str]] = {job: [] for job in ids}
    for name in ("first", "second"):
        for event in events(tmp_path, name):
            if event["event"] in FINAL_EVENTS:
                found[event["job_id"]].append(event["event"])
    return found if all(found.values()) else None


def test_a_bot_restarted_within_its_redis_key_lifetime_runs_each_job_once(
    start_worker, redis_url: str, markers: Path, tmp_path: Path
) -> None:
    start_worker()
    env = dict(
        PAINTERLY_QUEUE_BACKEND="redis",
        PAINTERLY_REDIS_URL=redis_url,
        PAINTERLY_REDIS_LEASE_S=str(LEASE_S),  # the killed bot looks alive this long
        PAINTERLY_ENGINE=ENGINE,
        PAINTERLY_QUALITIES=json.dumps({name: quality.model_dump() for name, quality in WITH_SLOW.items()}),
        PAINTERLY_DEFAULT_QUALITY="slow",
        PAINTERLY_TEST_MARKERS=str(markers),
    )
    first = launch(tmp_path, "first", submit=JOBS, **env)
    try:
        ids = wait("the submissions", lambda: len(rows(tmp_path)) == JOBS and list(rows(tmp_path)), first, tmp_path)
        wait("a remote run", lambda: any(started(markers, job) for job in ids), first, tmp_path)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(TIMEOUT_S)
    second = launch(tmp_path, "second", submit=0, **env)  # at once: the first's key still lives
    try:
        wait(
            "every job to end",
            lambda: all(s in ("done", "failed") for s, _, _ in rows(tmp_path).values()),
            second,
            tmp_path,
        )
        state = rows(tmp_path)
        assert all(status == "done" for status, _, _ in state.values()), state
        assert not any(error == RESTART_REASON for _, _, error in state.values())
        assert all(len(completions(markers, job)) == 1 for job in ids), {j: completions(markers, j) for j in ids}
        # A job's event follows its row's commit, so its line may still be on its way: wait for it. A job
        # the first bot saw end before it was killed has its line there: one final per job over both.
        finals = wait("every job's final event", lambda: final_events(tmp_path, ids), second, tmp_path)
        assert all(finals[job] == ["JobDone"] for job in ids), finals
        client = redis.Redis.from_url(redis_url)
        deadline = time.monotonic() + TIMEOUT_S
        while (left := [k for k in client.scan_iter(match="painterly:run:*")]) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert left == [], left
        client.close()
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(TIMEOUT_S)
