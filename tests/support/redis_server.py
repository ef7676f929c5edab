"""Scale-out test helpers: a free port, stopping a process, its logs, and polling until something holds.

The fixtures that start redis-server, workers and a core are in tests/bot/scale/conftest.py."""

from __future__ import annotations

import asyncio
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.support import marker_engine
from tests.support.fake_timer import HANG_GUARD_S

ENGINE = f"{marker_engine.__name__}:run"  # importable the same way in the worker processes
LEASE_S = 3.0  # short, so a killed worker is noticed within seconds
REDIS_SERVER = shutil.which("redis-server")


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop_process(proc: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """SIGTERM, then SIGKILL if it has not exited within `timeout` seconds."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout)


def logs(folder: Path) -> str:
    """The tail of every log file in `folder`, for failure messages."""
    return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in sorted(folder.glob("*.log")))


async def eventually(test: Callable[[], Any], what: str, folder: Path, timeout: float = HANG_GUARD_S) -> Any:
    """Poll `test` (sync or async) until it returns something truthy; fail with the logs."""
    deadline = time.monotonic() + timeout
    while True:  # test once more after the deadline: a stalled loop may have slept past it
        result = test()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out waiting for {what}\n{logs(folder)}")
        await asyncio.sleep(0.05)
