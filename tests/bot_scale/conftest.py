"""Scale-out test fixtures: a real redis-server on a free port, `python -m bot.scale.worker`
processes, and a core that sends its jobs to them. Everything started is stopped at teardown."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from bot_core.conftest import TEST_PRESETS, StartService, started_services
from fake_timer import HANG_GUARD_S

from . import marker_engine

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


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """URL of a fresh redis-server (no persistence) on 127.0.0.1, stopped at teardown."""
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server): the scale-out tests need a real one")
    port = free_port()
    folder = tmp_path / "redis"
    folder.mkdir()
    proc = subprocess.Popen(
        [
            REDIS_SERVER,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(folder),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=open(tmp_path / "redis.log", "wb"),
        stderr=subprocess.STDOUT,
    )
    client = redis.Redis(port=port)
    try:
        deadline = time.monotonic() + HANG_GUARD_S
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert proc.poll() is None, f"redis-server exited:\n{logs(tmp_path)}"
                assert time.monotonic() < deadline, f"redis-server did not answer within {HANG_GUARD_S} s"
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        stop_process(proc)


@pytest.fixture
def markers(tmp_path: Path) -> Path:
    """The folder where marker_engine records its side effects."""
    folder = tmp_path / "markers"
    folder.mkdir()
    return folder


@pytest.fixture
def start_worker(tmp_path: Path, redis_url: str, markers: Path) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    """Factory: `start_worker(**PAINTERLY_settings)` -> a worker process, stopped at teardown."""
    started: list[subprocess.Popen[bytes]] = []

    def start(**overrides: str) -> subprocess.Popen[bytes]:
        env = dict(
            os.environ,
            PYTHONPATH=os.pathsep.join(p for p in sys.path if p),
            PAINTERLY_REDIS_URL=redis_url,
            PAINTERLY_ENGINE=ENGINE,
            PAINTERLY_WORKERS="1",
            PAINTERLY_REDIS_LEASE_S=str(LEASE_S),
            PAINTERLY_JOB_TIMEOUT_S="60",
            PAINTERLY_TEST_MARKERS=str(markers),
        )
        env.update({f"PAINTERLY_{k.upper()}": v for k, v in overrides.items()})
        log = open(tmp_path / f"worker{len(started)}.log", "wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.scale.worker"], env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT
        )
        started.append(proc)
        return proc

    yield start
    for proc in started:
        stop_process(proc)


@pytest.fixture
async def start_core(tmp_path: Path, redis_url: str) -> AsyncIterator[StartService]:
    """Factory: `await start_core(**settings)` -> (service, event log) on the Redis queue."""
    async with started_services(
        tmp_path, queue_backend="redis", redis_url=redis_url, redis_lease_s=LEASE_S, engine=ENGINE, presets=TEST_PRESETS
    ) as start:
        yield start


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
