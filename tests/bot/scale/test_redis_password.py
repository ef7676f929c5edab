"""A Redis password with `@`, `/` or `:`, percent-encoded in PAINTERLY_REDIS_URL, reaches a real
redis-server started with requirepass (issue 25, item 6)."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from arq import create_pool
from pydantic import SecretStr

from bot.scale.protocol import redis_settings
from tests.support.fake_timer import HANG_GUARD_S
from tests.support.redis_server import REDIS_SERVER, free_port, stop_process
from tests.support.services import make_settings

PASSWORD = "p@ss/w:rd%"


@pytest.fixture
def guarded_redis(tmp_path: Path) -> Iterator[int]:
    """A redis-server on 127.0.0.1 that wants PASSWORD; its port."""
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    proc = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--requirepass", PASSWORD],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        cwd=tmp_path,
    )
    client = redis.Redis(port=port, password=PASSWORD)
    try:
        deadline = time.monotonic() + HANG_GUARD_S
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert proc.poll() is None and time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)
        yield port
    finally:
        client.close()
        stop_process(proc)


@pytest.mark.parametrize("user", ["", "default"])
async def test_a_percent_encoded_password_is_decoded_for_arq(guarded_redis: int, tmp_path: Path, user: str) -> None:
    url = f"redis://{user}:{quote(PASSWORD, safe='')}@127.0.0.1:{guarded_redis}/0"
    settings = make_settings(tmp_path, queue_backend="redis", redis_url=SecretStr(url))
    assert redis.Redis.from_url(url).ping()  # redis-py decodes it itself
    pool = await create_pool(redis_settings(settings), retry=0)
    try:
        assert await pool.ping()
    finally:
        await pool.aclose()
