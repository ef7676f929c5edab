"""Scale-out fixtures: a real redis-server, worker processes and a core on the Redis queue; all stopped at teardown."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
import redis

from tests.support.fake_timer import HANG_GUARD_S
from tests.support.redis_server import (
    ENGINE,
    LEASE_S,
    REDIS_SERVER,
    free_port,
    logs,
    stop_process,
)
from tests.support.services import TEST_QUALITIES, StartService, started_services


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
            TMPDIR=str(tmp_path),  # the workers' run folders (bot.scale.run_folders) stay in the test's folder
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
        tmp_path,
        queue_backend="redis",
        redis_url=redis_url,
        redis_lease_s=LEASE_S,
        engine=ENGINE,
        qualities=TEST_QUALITIES,
    ) as start:
        yield start
