"""kill -9 of the whole bot process mid-job: nothing queued is lost, the running job is retried
once, and a job interrupted twice is reported failed. Uses real subprocesses and a temp DB."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

from bot.core.service import RESTART_REASON

from .conftest import ENGINE, TEST_PRESETS, pid_alive

SCRIPT = Path(__file__).with_name("core_process.py")
TIMEOUT_S = 40.0


def launch(tmp_path: Path, name: str, submit: int) -> subprocess.Popen[bytes]:
    presets = {name: preset.model_dump() for name, preset in TEST_PRESETS.items()}
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(p for p in sys.path if p),
        PAINTERLY_DATABASE_PATH=str(tmp_path / "bot.sqlite3"),
        PAINTERLY_STORAGE_DIR=str(tmp_path / "files"),
        PAINTERLY_ENGINE=f"{ENGINE}:sleepy",
        PAINTERLY_PRESETS=json.dumps(presets),
        PAINTERLY_DEFAULT_PRESET="medium",
        PAINTERLY_PROGRESS_INTERVAL_S="0.1",
        CORE_TEST_EVENTS=str(tmp_path / f"{name}.jsonl"),
        CORE_TEST_SUBMIT=str(submit),
    )
    return subprocess.Popen([sys.executable, str(SCRIPT)], env=env, cwd=tmp_path,
                            stderr=open(tmp_path / f"{name}.log", "wb"))


def rows(tmp_path: Path) -> dict[str, tuple[str, int, str | None]]:
    """job id -> (status, attempts, error), read-only; {} until the core made its tables."""
    uri = f"file:{tmp_path / 'bot.sqlite3'}?mode=ro"
    try:
        with closing(sqlite3.connect(uri, uri=True)) as db:
            found = db.execute("SELECT id, status, attempts, error FROM jobs ORDER BY seq")
            return {job_id: (status, tries, error) for job_id, status, tries, error in found}
    except sqlite3.OperationalError:
        return {}


def wait(what: str, test, proc: subprocess.Popen[bytes], tmp_path: Path):
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        result = test()
        if result:
            return result
        assert proc.poll() is None, f"the core exited with {proc.returncode}"
        time.sleep(0.05)
    logs = "\n".join(p.read_text(errors="replace")[-3000:] for p in tmp_path.glob("*.log"))
    raise AssertionError(f"timed out waiting for {what}; logs:\n{logs}")


def running_pid(tmp_path: Path, job_id: str, attempts: int, old_pid: int = 0) -> int | None:
    """The worker pid of `job_id` once it runs its `attempts`-th try (not `old_pid`'s file)."""
    status, tries, _ = rows(tmp_path).get(job_id, ("", 0, None))
    pid_file = tmp_path / "files" / job_id / "output" / "pid.txt"
    if status != "running" or tries != attempts or not pid_file.is_file():
        return None
    text = pid_file.read_text()
    return int(text) if text and int(text) != old_pid else None


def kill_hard(proc: subprocess.Popen[bytes], worker_pid: int) -> None:
    """SIGKILL the core and check its orphaned worker exits on its own."""
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    deadline = time.monotonic() + 10
    while pid_alive(worker_pid):
        assert time.monotonic() < deadline, "the orphaned worker kept running"
        time.sleep(0.05)


def test_kill_9_mid_job_then_restart(tmp_path: Path) -> None:
    first = launch(tmp_path, "first", submit=3)
    try:
        ids = wait("3 submissions", lambda: len(rows(tmp_path)) == 3 and list(rows(tmp_path)),
                   first, tmp_path)
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
        retry_pid = wait("job 1 retried", lambda: running_pid(tmp_path, job, 2, pid), second,
                         tmp_path)
        kill_hard(second, retry_pid)
    finally:
        second.kill()

    third = launch(tmp_path, "third", submit=0)
    try:
        wait("all jobs ended", lambda: all(s in ("done", "failed") for s, _, _ in
                                           rows(tmp_path).values()), third, tmp_path)
        third.send_signal(signal.SIGTERM)
        assert third.wait(20) == 0
    finally:
        third.kill()
    state = rows(tmp_path)
    assert state[job] == ("failed", 2, RESTART_REASON)
    assert [state[i][:2] for i in others] == [("done", 1), ("done", 1)]
    events = [json.loads(line) for line in (tmp_path / "third.jsonl").read_text().splitlines()]
    assert {"event": "JobFailed", "job_id": job} in events
    assert [e["event"] for e in events if e["job_id"] == others[1]][-1] == "JobDone"
