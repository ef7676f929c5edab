"""The Info button's answer for a result, from the job's row and the loop's record of it."""

from __future__ import annotations

from bot.core.chat.loop import ChatLoop
from bot.core.chat.self_service import info_text
from bot.core.jobs import Requester


async def result_info(chat_loop: ChatLoop, requester: Requester, job_id: str) -> str:
    """The result's settings, seed, cut-out, quality and seconds; raises Blocked or JobNotFound."""
    service = chat_loop.service
    await service.blocks.check(requester)
    info = await service.get_job(job_id)
    job = await chat_loop.job(job_id)
    ran = info.started_at is not None and info.finished_at is not None
    seconds = (info.finished_at or 0.0) - (info.started_at or 0.0) if ran else None
    return info_text(job_id, info.quality, seconds, job.state if job is not None else None)
