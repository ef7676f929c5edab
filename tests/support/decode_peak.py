"""Peak memory of concurrent uploads: `python -m tests.support.decode_peak PNG FOLDER COUNT MB`.

Starts a core (fake engine, data in FOLDER, PAINTERLY_DECODE_MEMORY_MB=MB), submits COUNT jobs
at once whose painting is the PNG file, and prints one JSON line: the process's peak resident
memory before and after (MiB, from getrusage) and how many submissions were accepted. Run in a
child process so that the peak is the core's alone (tests/bot/core/job_queue/test_decode_gate.py).
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
from pathlib import Path

from bot.core import Requester
from tests.support.loop_images import cutout_bytes
from tests.support.services import make_service, make_settings


def peak_mib() -> float:
    """This process's peak resident memory so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def submit_at_once(png: Path, folder: Path, count: int, budget_mb: int) -> dict[str, float]:
    """COUNT concurrent submissions of the PNG to a started core; the peaks and the accepted count."""
    painting, photo = png.read_bytes(), cutout_bytes()
    service = make_service(make_settings(folder, decode_memory_mb=budget_mb, workers=1))
    await service.start()
    try:
        before = peak_mib()
        who = Requester("discord", "1", "guild")
        outcomes = await asyncio.gather(
            *(service.submit(who, painting, photo) for _ in range(count)), return_exceptions=True
        )
        accepted = sum(not isinstance(outcome, BaseException) for outcome in outcomes)
        return {"before_mib": before, "peak_mib": peak_mib(), "accepted": accepted}
    finally:
        await service.stop()


if __name__ == "__main__":
    png_path, work, how_many, megabytes = sys.argv[1:5]
    print(json.dumps(asyncio.run(submit_at_once(Path(png_path), Path(work), int(how_many), int(megabytes)))))
