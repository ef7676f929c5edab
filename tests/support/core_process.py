"""The core alone in its own process, for the kill -9 tests (run as a script, not collected).

Settings come from PAINTERLY_* variables. Once started it appends {"event": "started"} to
CORE_TEST_EVENTS, then submits CORE_TEST_SUBMIT jobs (all at once when CORE_TEST_BURST is set,
else one after another), appends every event there as a JSON line, and stops cleanly on SIGTERM.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
from pathlib import Path

from PIL import Image

from bot.core import BotSettings, HarmonizeService, JobEvent, Requester
from bot.job_runners import make_runner


def tiny_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (48, 36), (10, 20, 30)).save(buffer, "PNG")
    return buffer.getvalue()


async def main() -> None:
    events = Path(os.environ["CORE_TEST_EVENTS"])

    def write(line: dict[str, object]) -> None:
        with events.open("a") as handle:
            handle.write(json.dumps(line) + "\n")

    async def record(event: JobEvent) -> None:
        write({"event": type(event).__name__, "job_id": event.job.job_id})

    settings = BotSettings(_env_file=None)
    service = HarmonizeService(settings, make_runner(settings))
    service.add_listener(record)
    await service.start()
    write({"event": "started", "job_id": ""})

    async def submit(number: int) -> None:
        submitted = await service.submit(Requester("telegram", f"user{number}", "chat"), tiny_png(), tiny_png())
        write({"event": "submitted", "job_id": submitted.job_id})

    numbers = range(int(os.environ.get("CORE_TEST_SUBMIT", "0")))
    if os.environ.get("CORE_TEST_BURST"):
        await asyncio.gather(*(submit(number) for number in numbers))
    else:
        for number in numbers:
            await submit(number)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await service.stop()


if __name__ == "__main__":
    asyncio.run(main())
