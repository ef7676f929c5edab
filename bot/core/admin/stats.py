"""/stats for admins: the queue now, and their chat's last 24 hours (jobs, median seconds,
failures, refused pictures), read from the bot's database."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from bot.core.chat.loop import ChatLoop
from bot.core.errors import NotAllowed
from bot.core.job_queue.database import Database
from bot.core.job_queue.limits import DAY_S
from bot.core.jobs import JobStatus, Requester

ADMINS_ONLY = "Only admins of this chat can see its statistics."


@dataclass(frozen=True)
class Stats:
    """The whole bot's queue, and one chat's last day."""

    queued: int
    running: int
    jobs: int  # submitted in the chat in the last 24 h (still stored)
    done: int
    failed: int
    median_s: float | None  # of the jobs that ended well
    refused_pictures: int

    def text(self) -> str:
        """The answer to /stats."""
        median = f"{self.median_s:.0f} s" if self.median_s is not None else "none finished yet"
        return "\n".join(
            [
                f"Queue now (whole bot): {self.queued} waiting, {self.running} running.",
                f"Here, last 24 hours: {self.jobs} job(s), {self.done} done, {self.failed} failed; "
                f"median time {median}; {self.refused_pictures} picture(s) refused by the picture check.",
            ]
        )


async def chat_jobs(database: Database, platform: str, chat_id: str, since: float) -> list[tuple[str, float | None]]:
    """(status, seconds it ran) of the chat's stored jobs created since `since`."""
    records = await database.fetch_all(
        "SELECT status, finished_at - started_at FROM jobs WHERE platform = ? AND chat_id = ? AND created_at >= ?"
        " AND status != 'uploading'",
        (platform, chat_id, since),
    )
    return [(status, seconds) for status, seconds in records]


async def chat_stats(chat_loop: ChatLoop, requester: Requester, now: float) -> Stats:
    """The requester's chat's statistics (its admins and the bot's owners); raises NotAllowed."""
    service = chat_loop.service
    if not service.is_admin_of(requester, requester.platform, requester.chat_id):
        raise NotAllowed(ADMINS_ONLY)
    queue = await service.queue_status()
    since = now - DAY_S
    jobs = await chat_jobs(service.database, requester.platform, requester.chat_id, since)
    seconds = [s for status, s in jobs if status == JobStatus.DONE.value and s is not None]
    refused = await chat_loop.moderation.refused_since(since, requester.platform, requester.chat_id)
    return Stats(
        queued=queue.queued,
        running=queue.running,
        jobs=len(jobs),
        done=sum(1 for status, _ in jobs if status == JobStatus.DONE.value),
        failed=sum(1 for status, _ in jobs if status == JobStatus.FAILED.value),
        median_s=statistics.median(seconds) if seconds else None,
        refused_pictures=refused,
    )
