"""Each user's previews have their own limits (issue 25, item 3): how many a user opens per hour
(PAINTERLY_USER_PREVIEWS_PER_HOUR), and how many bytes of pictures their live previews keep on
disk (PAINTERLY_USER_PREVIEW_BYTES). Previews never touch the job queue, so the job limits do not
count them; one user opened 40 previews of two 9 MB pictures in 27 s, 738 MB kept for a day.

Both are checked before the pictures are decoded, and the opening is recorded in the same step
(the preview_openings table of the bot's database, in one transaction), so a burst of uploads is counted as it arrives.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.core.errors import QuotaExceeded, RateLimited
from bot.core.job_queue.database import Database
from bot.core.job_queue.limits import HOUR_S, humane_wait
from bot.core.jobs import Requester


def _megabytes(count: int) -> str:
    """'12.3 MB' for a byte count."""
    return f"{count / 1e6:.1f} MB"


class PreviewLimits:
    """Admits a user's new preview within `per_hour` openings and `max_bytes` kept."""

    def __init__(self, database: Database, per_hour: int, max_bytes: int) -> None:
        self.database = database
        self.per_hour = per_hour
        self.max_bytes = max_bytes

    async def admit(self, requester: Requester, kept: list[Path], new_bytes: int, now: float) -> None:
        """Record one preview opening, or raise RateLimited (too many this hour) or QuotaExceeded
        (`kept`, the files of the user's live previews, and `new_bytes` exceed the cap)."""
        await self.check_bytes(kept, new_bytes)
        who = (requester.platform, requester.user_id)
        async with self.database.transaction() as connection:
            await connection.execute("DELETE FROM preview_openings WHERE opened_at <= ?", (now - HOUR_S,))
            records = await self.database.fetch_all(
                "SELECT opened_at FROM preview_openings WHERE platform = ? AND user_id = ? ORDER BY opened_at", who
            )
            times = [record[0] for record in records]
            if len(times) >= self.per_hour:
                wait = HOUR_S if self.per_hour <= 0 else max(1.0, times[len(times) - self.per_hour] + HOUR_S - now)
                raise RateLimited(
                    f"You opened {len(times)} previews in the last hour (limit {self.per_hour}). "
                    f"Try again in {humane_wait(wait)}.",
                    retry_after_s=wait,
                )
            await connection.execute("INSERT INTO preview_openings VALUES (?, ?, ?)", (*who, now))

    async def check_bytes(self, kept: list[Path], new_bytes: int) -> None:
        """Raise QuotaExceeded when `kept` (the files of the user's live previews) and `new_bytes`
        exceed the cap. Checked before decoding (in `admit`) and again just before a session's
        files are written, under ChatLoop's lock, so uploads decoded side by side cannot pass it together."""
        stored = await asyncio.to_thread(_total_size, kept)
        if stored + new_bytes > self.max_bytes:
            raise QuotaExceeded(
                f"Your previews already keep {_megabytes(stored)} of pictures (limit "
                f"{_megabytes(self.max_bytes)}). Press Cancel under an older preview, or wait until it expires."
            )


def _total_size(paths: list[Path]) -> int:
    """The bytes of the files that still exist among `paths`."""
    return sum(path.stat().st_size for path in paths if path.is_file())
