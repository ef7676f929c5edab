"""Files through Redis: each file's bytes under a key of its own, with a time to live."""

from __future__ import annotations

import asyncio
from pathlib import Path

from redis.asyncio import Redis

from bot.scale.protocol import BLOB_TTL_S


async def upload(redis: Redis, files: dict[str, Path]) -> None:
    """Store every file (key -> path) for BLOB_TTL_S seconds."""
    contents = await asyncio.to_thread(lambda: {k: p.read_bytes() for k, p in files.items()})
    async with redis.pipeline(transaction=False) as pipe:
        for key, data in contents.items():
            pipe.set(key, data, ex=BLOB_TTL_S)
        await pipe.execute()


async def download(redis: Redis, files: dict[str, Path]) -> list[str]:
    """Write every key's bytes to its path (key -> path); return the keys that were missing."""
    keys = list(files)
    values = await redis.mget(keys)
    found = {files[k]: v for k, v in zip(keys, values, strict=True) if v is not None}

    def write() -> None:
        for path, data in found.items():
            path.write_bytes(data)

    await asyncio.to_thread(write)
    return [k for k, v in zip(keys, values, strict=True) if v is None]
