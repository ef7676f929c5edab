"""The core in its own process (tests/support/core_process.py), started, watched and killed."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any, TypeVar

from tests.support.services import ENGINE, TEST_QUALITIES, pid_alive, text_if_present

T = TypeVar("T")

SCRIPT = Path(__file__).with_name("core_process.py")
TIMEOUT_S = 90.0  # a ceiling for slow, shared machines; the waits end as soon as they can
LEASE_S = 0.5  # a killed core's jobs are free again this soon (the next one takes seconds to start)


def launch(tmp_path: Path, name: str, submit: int, **env_overrides: str) -> subprocess.Popen[bytes]:
    """Start a core on tmp_path's database and files; it submits `submit` jobs."""
    qualities = {name: quality.model_dump() for name, quality in TEST_QUALITIES.items()}
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(p for p in sys.path if p),
        PAINTERLY_DATABASE_PATH=str(tmp_path / "bot.sqlite3"),
        PAINTERLY_STORAGE_DIR=str(tmp_path / "files"),
        PAINTERLY_ENGINE=f"{ENGINE}:sleepy",
        PAINTERLY_QUALITIES=json.dumps(qualities),
        PAINTERLY_DEFAULT_QUALITY="medium",
        PAINTERLY_PROGRESS_INTERVAL_S="0.1",
        PAINTERLY_JOB_LEASE_S=str(LEASE_S),
        CORE_TEST_EVENTS=str(tmp_path / f"{name}.jsonl"),
        CORE_TEST_SUBMIT=str(submit),
    )
    env.update(env_overrides)
    return subprocess.Popen(
        [sys.executable, str(SCRIPT)], env=env, cwd=tmp_path, stderr=open(tmp_path / f"{name}.log", "wb")
    )


def rows(tmp_path: Path) -> dict[str, tuple[str, int, str | None]]:
    """job id -> (status, attempts, error), read-only; {} until the core made its tables."""
    uri = f"file:{tmp_path / 'bot.sqlite3'}?mode=ro"
    try:
        with closing(sqlite3.connect(uri, uri=True)) as db:
            found = db.execute("SELECT id, status, attempts, error FROM jobs ORDER BY seq")
            return {job_id: (status, tries, error) for job_id, status, tries, error in found}
    except sqlite3.OperationalError:
        return {}


def events(tmp_path: Path, name: str) -> list[dict[str, Any]]:
    """The events core `name` wrote so far (whole lines only: a line may be half written)."""
    lines = text_if_present(tmp_path / f"{name}.jsonl").split("\n")[:-1]
    return [json.loads(line) for line in lines]


def wait(what: str, test: Callable[[], T], proc: subprocess.Popen[bytes], tmp_path: Path) -> T:
    """test()'s first true answer, while `proc` lives; fails after TIMEOUT_S with the logs."""
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
    if status != "running" or tries != attempts:
        return None
    text = text_if_present(pid_file)
    return int(text) if text and int(text) != old_pid else None


def kill_hard(proc: subprocess.Popen[bytes], worker_pid: int) -> None:
    """SIGKILL the core and check its orphaned worker exits on its own."""
    proc.send_signal(signal.SIGKILL)
    proc.wait(TIMEOUT_S)
    deadline = time.monotonic() + TIMEOUT_S
    while pid_alive(worker_pid):
        assert time.monotonic() < deadline, "the orphaned worker kept running"
        time.sleep(0.05)
