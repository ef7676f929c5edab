"""kill -9 of the whole bot process mid-job: nothing queued is lost, the running job is retried
once, and a job interrupted twice is reported failed. Uses real subprocesses and a temp DB."""

from __future__ import annotations

import signal
from pathlib import Path

from bot.core.job_queue.job_lifecycle import RESTART_REASON
from tests.support.core_processes import TIMEOUT_S, events, kill_hard, launch, rows, running_pid, wait


def test_kill_9_mid_job_then_restart(tmp_path: Path) -> None:
    first = launch(tmp_path, "first", submit=3)
    try:
        # all three past their upload (a row is written before its files): a busy machine can
        # otherwise start job 1 while job 3 is still uploading, and the kill drops job 3
        ids = wait("3 submissions queued", lambda: _all_uploaded(rows(tmp_path), 3), first, tmp_path)
        job, *others = ids
        pid = wait("job 1 running", lambda: running_pid(tmp_path, job, 1), first, tmp_path)
        kill_hard(first, pid)
    finally:
        first.kill()
    state = rows(tmp_path)
    assert state[job][:2] == ("running", 1)
    assert [state[i][0] for i in others] == ["queued", "queued"]

    second = launch(tmp_path, "second", submit=0)
    try:
        retry_pid = wait("job 1 retried", lambda: running_pid(tmp_path, job, 2, pid), second, tmp_path)
        kill_hard(second, retry_pid)
    finally:
        second.kill()

    third = launch(tmp_path, "third", submit=0)
    try:
        wait(
            "all jobs ended",
            lambda: all(s in ("done", "failed") for s, _, _ in rows(tmp_path).values()),
            third,
            tmp_path,
        )
        third.send_signal(signal.SIGTERM)
        assert third.wait(TIMEOUT_S) == 0
    finally:
        third.kill()
    state = rows(tmp_path)
    assert state[job] == ("failed", 2, RESTART_REASON)
    assert [state[i][:2] for i in others] == [("done", 1), ("done", 1)]
    seen = events(tmp_path, "third")
    assert {"event": "JobFailed", "job_id": job} in seen
    assert [e["event"] for e in seen if e["job_id"] == others[1]][-1] == "JobDone"


def _all_uploaded(state: dict[str, tuple[str, int, str | None]], count: int) -> list[str]:
    """The job ids once there are `count` jobs and none is still uploading; else []."""
    done = len(state) == count and all(status != "uploading" for status, _, _ in state.values())
    return list(state) if done else []
