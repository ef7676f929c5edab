"""Per-user, per-chat and global job limits, and the pure check of one submission against them."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Literal, get_args

from bot.core.errors import InvalidOptions, QueueFull, QuotaExceeded, RateLimited

HOUR_S = 3600.0
DAY_S = 86400.0

LimitName = Literal[
    "user_jobs_per_hour",
    "user_jobs_per_day",
    "user_concurrent_jobs",
    "chat_jobs_per_hour",
    "chat_jobs_per_day",
    "chat_concurrent_jobs",
    "queue_cap",
]
GLOBAL_ONLY = ("queue_cap",)  # limits of the whole bot, which a chat cannot set for itself
CHAT_SCOPED = tuple(name for name in get_args(LimitName) if name not in GLOBAL_ONLY)
MAX_LIMIT = 1_000_000  # any larger count is a typo (and SQLite's integers end at 2**63)


@dataclass(frozen=True)
class Limits:
    """Job limits; every value is a count >= 0 (0 refuses all jobs).

    user_*: per user (per platform); chat_*: per chat or guild; *_concurrent_jobs counts queued
    plus running jobs; queue_cap: queued plus running jobs over the whole bot.
    """

    user_jobs_per_hour: int
    user_jobs_per_day: int
    user_concurrent_jobs: int
    chat_jobs_per_hour: int
    chat_jobs_per_day: int
    chat_concurrent_jobs: int
    queue_cap: int

    @staticmethod
    def names() -> tuple[str, ...]:
        """Every limit's name, in declaration order."""
        return tuple(f.name for f in fields(Limits))

    def with_values(self, values: dict[str, int]) -> Limits:
        """A copy with `values` (name -> count) applied."""
        return replace(self, **values)


@dataclass(frozen=True)
class Usage:
    """What one requester and their chat have in flight and submitted recently.

    *_times: Unix times of submissions in the last day, any order.
    """

    user_active: int
    chat_active: int
    total_active: int
    user_times: tuple[float, ...]
    chat_times: tuple[float, ...]


def parse_limit_value(text: str) -> int:
    """A limit typed by an admin ("12"): ASCII digits only, 0 to MAX_LIMIT; else InvalidOptions."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()):
        raise InvalidOptions(f"{text[:20]} is not a whole number of jobs; use the digits 0 to 9.")
    value = int(text) if len(text) <= 8 else MAX_LIMIT + 1  # no huge int() of a long string
    check_limit_value(value)
    return value


def check_limit_value(value: int) -> None:
    """Raise InvalidOptions unless 0 <= value <= MAX_LIMIT."""
    if not 0 <= value <= MAX_LIMIT:
        raise InvalidOptions(f"A limit must be a whole number from 0 to {MAX_LIMIT:,}.")


def _retry_after(times: tuple[float, ...], window_s: float, limit: int, now: float) -> float:
    """Seconds until fewer than `limit` of `times` fall inside the window ending now."""
    recent = sorted(t for t in times if t > now - window_s)
    if limit <= 0 or len(recent) < limit:
        return window_s if limit <= 0 else 0.0
    return max(1.0, recent[len(recent) - limit] + window_s - now)


def _count(times: tuple[float, ...], window_s: float, now: float) -> int:
    """How many of `times` fall inside the window ending now."""
    return sum(1 for t in times if t > now - window_s)


def check_submission(limits: Limits, usage: Usage, now: float) -> None:
    """Raise QueueFull, QuotaExceeded or RateLimited if one more job would break `limits`."""
    if usage.total_active >= limits.queue_cap:
        raise QueueFull("The queue is full right now. Please try again in a few minutes.")
    if usage.user_active >= limits.user_concurrent_jobs:
        raise QuotaExceeded(
            f"You already have {usage.user_active} job(s) waiting or running (limit "
            f"{limits.user_concurrent_jobs}). Wait for one to finish or cancel one."
        )
    if usage.chat_active >= limits.chat_concurrent_jobs:
        raise QuotaExceeded(
            f"This chat already has {usage.chat_active} job(s) waiting or running (limit "
            f"{limits.chat_concurrent_jobs}). Wait for one to finish."
        )
    windows = (
        (usage.user_times, HOUR_S, limits.user_jobs_per_hour, "You have", "hour"),
        (usage.chat_times, HOUR_S, limits.chat_jobs_per_hour, "This chat has", "hour"),
        (usage.user_times, DAY_S, limits.user_jobs_per_day, "You have", "day"),
        (usage.chat_times, DAY_S, limits.chat_jobs_per_day, "This chat has", "day"),
    )
    for times, window_s, limit, who, unit in windows:
        if _count(times, window_s, now) >= limit:
            wait = _retry_after(times, window_s, limit, now)
            message = f"{who} reached the limit of {limit} job(s) per {unit}. Try again in {humane_wait(wait)}."
            if unit == "hour":
                raise RateLimited(message, retry_after_s=wait)
            raise QuotaExceeded(message, retry_after_s=wait)


def humane_wait(seconds: float) -> str:
    """'42 s', '7 min' or '3 h' for a wait."""
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    if seconds < 5400:
        return f"{round(seconds / 60)} min"
    return f"{seconds / 3600:.1f} h"
