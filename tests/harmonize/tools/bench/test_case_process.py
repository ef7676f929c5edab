"""A case's process ends with the bench that started it (harmonize/tools/bench/runner.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

PARENT = textwrap.dedent(
    """
    import os, signal, sys, time
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context
    from harmonize.tools.bench.runner import end_with_parent

    if __name__ == "__main__":
        initializer = end_with_parent if sys.argv[1] == "with" else None
        pool = ProcessPoolExecutor(1, get_context("spawn"), initializer, (os.getpid(),) if initializer else ())
        print(pool.submit(os.getpid).result(), flush=True)
        pool.submit(time.sleep, 60)  # the case, still running when the bench is killed
        time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGKILL)
    """
)


def gone(pid: int, within: float) -> bool:
    """True once process `pid` has ended (or is a zombie no one reaped), looking for up to `within` s."""
    deadline = time.monotonic() + within
    while True:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
        except FileNotFoundError:
            return True
        if state == "Z":
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)


def orphaned_child(tmp_path: Path, mode: str) -> int:
    """Run a bench-like parent that starts a case's process and is killed; the child's pid."""
    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    parent = subprocess.Popen([sys.executable, str(script), mode], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())  # not read to its end: a surviving child holds the pipe open
    parent.wait(timeout=60)
    parent.stdout.close()
    return child


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl(PR_SET_PDEATHSIG) is Linux's")
def test_a_killed_bench_takes_its_running_case_with_it(tmp_path):
    child = orphaned_child(tmp_path, "with")
    try:
        assert gone(child, within=10.0)
    finally:
        if not gone(child, within=0.0):
            os.kill(child, 9)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl(PR_SET_PDEATHSIG) is Linux's")
def test_without_it_the_case_runs_on(tmp_path):
    child = orphaned_child(tmp_path, "without")
    try:
        assert not gone(child, within=1.0)  # what the bench did before: the case outlives it
    finally:
        os.kill(child, 9)
