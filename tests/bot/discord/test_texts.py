"""What users read, the stored job context, and the limit labels."""

from __future__ import annotations

from pathlib import Path

from bot.core import (
    JobCancelled,
    JobDone,
    JobFailed,
    JobFiles,
    JobProgress,
    JobQueued,
    JobRef,
    JobStarted,
    Limits,
)
from bot.discord.cogs.limits import LIMIT_LABELS
from bot.discord.job_context import JobContext
from bot.discord.texts import duration, progress_bar, status_text

REF = JobRef("ab12", "discord", "5", "77")


def test_progress_bar_and_durations() -> None:
    assert progress_bar(0) == "▱▱▱▱▱▱▱▱▱▱ 0 %"
    assert progress_bar(42.7) == "▰▰▰▰▱▱▱▱▱▱ 42 %"
    assert progress_bar(100) == "▰▰▰▰▰▰▰▰▰▰ 100 %"
    assert [duration(s) for s in (4.4, 185, 3840)] == ["4 s", "3 min 5 s", "1 h 4 min"]


def test_every_event_has_a_status_line() -> None:
    files = JobFiles(*(Path(f"{name}.png") for name in "abcde"))
    lines = {
        JobQueued(REF, 3): "position 3",
        JobStarted(REF, 2): "attempt 2",
        JobProgress(REF, "pass2", 55.0): "pass 2 of 2",
        JobDone(REF, files, 75.0): "done in 1 min 15 s",
        JobFailed(REF, "No object found."): "failed: No object found.",
        JobCancelled(REF, "9"): "cancelled by <@9>",
    }
    for event, expected in lines.items():
        text = status_text(event, 5)
        assert expected in text and "<@5>" in text and "`ab12`" in text


def test_the_job_context_survives_a_round_trip_and_foreign_ones_are_ignored() -> None:
    context = JobContext(1, 2, 3, 4)
    assert JobContext.from_json(context.to_json()) == context
    assert JobContext.from_json("") is None
    assert JobContext.from_json('{"chat": 1}') is None


def test_every_limit_has_a_label() -> None:
    assert set(LIMIT_LABELS) == set(Limits.names())
