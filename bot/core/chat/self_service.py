"""What a user can ask about their own work: `/quota`, and the Info and Delete buttons under a
result (their ids `i|<job>` and `d|<job>`, restart-proof like the loop's, bot/core/chat/actions.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.chat.loop_state import LoopState, describe
from bot.core.job_queue.limits import DAY_S, HOUR_S, Limits, Usage

INFO_PATTERN = r"^i\|(?P<job>[0-9a-f]{1,20})$"  # the Info button under a result
DELETE_PATTERN = r"^d\|(?P<job>[0-9a-f]{1,20})$"  # the Delete button under a result
_INFO, _DELETE = re.compile(INFO_PATTERN), re.compile(DELETE_PATTERN)


def info_data(job_id: str) -> str:
    """The Info button's id for a job."""
    return f"i|{job_id}"


def delete_data(job_id: str) -> str:
    """The Delete button's id for a job."""
    return f"d|{job_id}"


def parse_info(data: str) -> str | None:
    """The job id of an Info button's id; None if it is not one."""
    match = _INFO.match(data)
    return match["job"] if match else None


def parse_delete(data: str) -> str | None:
    """The job id of a Delete button's id; None if it is not one."""
    match = _DELETE.match(data)
    return match["job"] if match else None


@dataclass(frozen=True)
class Quota:
    """What a user may still start in their chat, and where their waiting jobs stand (1 is next)."""

    hour_left: int
    day_left: int
    running_left: int
    positions: tuple[tuple[str, int], ...]  # (job id, place in the queue) of their queued jobs

    def text(self) -> str:
        """The answer to /quota, in the user's words."""
        lines = [
            f"You can start {self.hour_left} more job(s) this hour and {self.day_left} more today here"
            f" (at most {self.running_left} more at once right now)."
        ]
        if self.positions:
            places = ", ".join(f"job {job_id} is number {place}" for job_id, place in self.positions)
            lines.append(f"In the queue: {places}.")
        else:
            lines.append("You have no job waiting in the queue.")
        return "\n".join(lines)


def quota_of(limits: Limits, usage: Usage, now: float, positions: tuple[tuple[str, int], ...]) -> Quota:
    """The jobs left under the user's and the chat's hourly and daily limits, whichever is lower."""

    def left(times: tuple[float, ...], window_s: float, limit: int) -> int:
        return max(0, limit - sum(1 for t in times if t > now - window_s))

    return Quota(
        hour_left=min(
            left(usage.user_times, HOUR_S, limits.user_jobs_per_hour),
            left(usage.chat_times, HOUR_S, limits.chat_jobs_per_hour),
        ),
        day_left=min(
            left(usage.user_times, DAY_S, limits.user_jobs_per_day),
            left(usage.chat_times, DAY_S, limits.chat_jobs_per_day),
        ),
        running_left=max(
            0,
            min(
                limits.user_concurrent_jobs - usage.user_active,
                limits.chat_concurrent_jobs - usage.chat_active,
                limits.queue_cap - usage.total_active,
            ),
        ),
        positions=positions,
    )


def info_text(job_id: str, quality: str, seconds: float | None, state: LoopState | None) -> str:
    """The Info button's answer: the result's settings, seed, cut-out method, quality and time."""
    took = f"painted in {seconds:.0f} s" if seconds is not None else "still being painted"
    if state is None:
        return f"Job {job_id}: quality {quality}, {took}."
    placement = f"centre at ({state.x:.2f}, {state.y:.2f}), height {state.height:.2f}"
    return f"Job {job_id}: {describe(state)} · seed {state.seed} · {placement}; {took}."
