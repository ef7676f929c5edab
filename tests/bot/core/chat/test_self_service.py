"""/quota's arithmetic and text, and the Info and Delete buttons' ids."""

from __future__ import annotations

from bot.core.chat.self_service import delete_data, info_data, parse_delete, parse_info, quota_of
from bot.core.job_queue.limits import DAY_S, HOUR_S, Limits, Usage

LIMITS = Limits(
    user_jobs_per_hour=5,
    user_jobs_per_day=20,
    user_concurrent_jobs=2,
    chat_jobs_per_hour=30,
    chat_jobs_per_day=100,
    chat_concurrent_jobs=5,
    queue_cap=50,
)
NOW = 10 * DAY_S


def test_jobs_left_count_the_last_hour_and_day_and_the_lower_of_user_and_chat() -> None:
    user_times = (NOW - 10.0, NOW - HOUR_S + 5.0, NOW - 2 * HOUR_S, NOW - DAY_S - 1.0)  # 2 this hour, 3 today
    usage = Usage(user_active=1, chat_active=5, total_active=7, user_times=user_times, chat_times=user_times)
    quota = quota_of(LIMITS, usage, NOW, (("abc", 2),))
    assert (quota.hour_left, quota.day_left, quota.running_left) == (3, 17, 0)  # the chat has 5 of 5 running
    assert quota.text().splitlines()[1] == "In the queue: job abc is number 2."


def test_a_user_at_the_limit_has_nothing_left_and_nothing_negative() -> None:
    times = tuple(NOW - i for i in range(1, 8))
    usage = Usage(user_active=3, chat_active=3, total_active=3, user_times=times, chat_times=times)
    quota = quota_of(LIMITS, usage, NOW, ())
    assert (quota.hour_left, quota.day_left, quota.running_left) == (0, 13, 0)
    assert quota.text().splitlines()[1] == "You have no job waiting in the queue."


def test_the_buttons_ids_parse_back_and_nothing_else_does() -> None:
    assert parse_info(info_data("0a1b")) == "0a1b" and parse_delete(delete_data("0a1b")) == "0a1b"
    assert parse_info(delete_data("0a1b")) is None and parse_delete("d|not-hex") is None
