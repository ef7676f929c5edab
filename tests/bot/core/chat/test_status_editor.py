"""The one status-message editor of both front ends, on a fake timer (no real waiting)."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from bot.core.chat.status_editor import (
    MAX_EDIT_FAILURES,
    CannotEdit,
    RetryLater,
    StatusBoard,
    StatusEditor,
)
from tests.support.fake_timer import FakeTimer

INTERVAL = 3.0


class Screen:
    """An edit function that records what it showed, and can fail on demand."""

    def __init__(self, timer: FakeTimer) -> None:
        self.timer = timer
        self.edits: list[tuple[float, str]] = []
        self.failures: list[Exception] = []

    async def __call__(self, text: str) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.edits.append((self.timer.now(), text))

    @property
    def texts(self) -> list[str]:
        return [text for _, text in self.edits]


@pytest.fixture
def timer() -> FakeTimer:
    return FakeTimer()


async def test_a_burst_is_shown_first_then_its_latest_text_after_the_interval(
    timer,
) -> None:
    screen = Screen(timer)
    editor = StatusEditor(screen, INTERVAL, timer)
    for percent in range(0, 101, 10):
        editor.show(f"{percent} %")
        await timer.advance(0.1)
    assert screen.texts == ["0 %"]
    await timer.advance(INTERVAL)
    assert screen.edits == [(0.0, "0 %"), (INTERVAL, "100 %")]


async def test_edits_never_come_closer_than_the_interval(timer) -> None:
    screen = Screen(timer)
    editor = StatusEditor(screen, INTERVAL, timer)
    for step in range(100):
        editor.show(f"step {step}")
        await timer.advance(0.7)
    await timer.advance(INTERVAL)
    times = [at for at, _ in screen.edits]
    assert all(later - earlier >= INTERVAL for earlier, later in itertools.pairwise(times))
    assert screen.texts[-1] == "step 99" and len(times) >= 70 * 0.7 / INTERVAL


async def test_an_unchanged_text_is_not_sent_again(timer) -> None:
    screen = Screen(timer)
    editor = StatusEditor(screen, INTERVAL, timer)
    for text in ("a", "a", "b", "b", "b"):
        editor.show(text)
        await timer.advance(INTERVAL)
    assert screen.texts == ["a", "b"]


async def test_a_final_text_is_shown_at_once_and_later_ones_are_ignored(timer) -> None:
    screen = Screen(timer)
    editor = StatusEditor(screen, INTERVAL, timer)
    editor.show("queued")
    await timer.settle()
    editor.show("50 %")
    await editor.finish("done")
    assert screen.edits == [(0.0, "queued"), (0.0, "done")]
    editor.show("too late")
    await timer.advance(INTERVAL * 2)
    assert screen.texts == ["queued", "done"] and editor.finished


async def test_flood_control_is_waited_out_on_the_timer(timer) -> None:
    screen = Screen(timer)
    screen.failures = [RetryLater(30.0)]
    editor = StatusEditor(screen, INTERVAL, timer)
    finishing = editor.finish("queued")
    await timer.advance(29.0)
    assert screen.edits == [] and not finishing.done()
    await timer.advance(1.0)
    assert screen.edits == [(30.0, "queued")] and finishing.done()


async def test_a_message_that_cannot_be_edited_is_given_up(timer) -> None:
    screen = Screen(timer)
    screen.failures = [CannotEdit("message deleted")]
    editor = StatusEditor(screen, INTERVAL, timer)
    editor.show("queued")
    await timer.advance(INTERVAL)
    editor.show("started")
    await timer.advance(INTERVAL)
    assert screen.texts == ["started"]  # a new text starts a new attempt
    screen.failures = [CannotEdit("gone")]
    await editor.finish("done")
    assert screen.texts == ["started"]


async def test_transient_failures_are_retried_then_given_up(timer) -> None:
    screen = Screen(timer)
    screen.failures = [OSError("network down")] * 2
    editor = StatusEditor(screen, INTERVAL, timer)
    editor.show("queued")
    await timer.advance(INTERVAL * 2)
    assert screen.edits == [(INTERVAL * 2, "queued")]
    screen.failures = [OSError("network down")] * MAX_EDIT_FAILURES
    editor.show("started")
    await timer.advance(INTERVAL * (MAX_EDIT_FAILURES + 2))
    assert screen.texts == ["queued"]


async def test_the_board_keeps_messages_apart_and_forgets_a_deleted_one(timer) -> None:
    shown: list[tuple[str, str]] = []
    board: StatusBoard[str, str] | None = None

    async def edit(key: str, text: str) -> None:
        if text == "deleted":
            assert board is not None
            board.forget(key)  # what Discord's NotFound handler does, from inside the edit
            return
        shown.append((key, text))

    board = StatusBoard(edit, INTERVAL, timer)
    await board.show("a", "1")
    await board.show("b", "1")
    await timer.settle()
    assert shown == [("a", "1"), ("b", "1")]
    await board.show("a", "2")
    await board.show("a", "deleted", final=True)
    await board.show("b", "done", final=True)
    await timer.advance(INTERVAL * 2)
    assert shown == [("a", "1"), ("b", "1"), ("b", "done")]
    await board.close()


async def test_close_stops_a_waiting_edit(timer) -> None:
    screen = Screen(timer)
    editor = StatusEditor(screen, INTERVAL, timer)
    editor.show("queued")
    await timer.settle()
    editor.show("started")
    await editor.close()
    await timer.advance(INTERVAL * 2)
    assert screen.texts == ["queued"]
    assert not [task for task in asyncio.all_tasks() if task.get_name().endswith("-editor")]
