"""The status-message editor: at most one edit per interval, only changes, latest text wins."""

from __future__ import annotations

import asyncio

from bot.discord.throttle import ThrottledEditor

INTERVAL = 0.1


class Recorder:
    def __init__(self) -> None:
        self.edits: list[tuple[object, str]] = []

    async def __call__(self, key: object, text: str) -> None:
        self.edits.append((key, text))


async def test_bursts_are_coalesced_to_the_latest_text_after_the_interval() -> None:
    edits = Recorder()
    editor = ThrottledEditor(edits, INTERVAL)
    await editor.show("m", "queued")
    await editor.show("m", "10 %")
    await editor.show("m", "20 %")
    assert edits.edits == [("m", "queued")]
    await asyncio.sleep(INTERVAL * 2)
    assert edits.edits == [("m", "queued"), ("m", "20 %")]


async def test_an_unchanged_text_is_not_sent_again() -> None:
    edits = Recorder()
    editor = ThrottledEditor(edits, 0.0)
    for text in ("a", "a", "b", "b"):
        await editor.show("m", text)
    assert [text for _, text in edits.edits] == ["a", "b"]


async def test_a_final_text_is_shown_at_once_and_drops_the_waiting_one() -> None:
    edits = Recorder()
    editor = ThrottledEditor(edits, INTERVAL)
    await editor.show("m", "queued")
    await editor.show("m", "50 %")
    await editor.show("m", "done", final=True)
    await asyncio.sleep(INTERVAL * 2)
    assert [text for _, text in edits.edits] == ["queued", "done"]


async def test_messages_are_throttled_separately() -> None:
    edits = Recorder()
    editor = ThrottledEditor(edits, INTERVAL)
    await editor.show("a", "1")
    await editor.show("b", "1")
    assert edits.edits == [("a", "1"), ("b", "1")]
    await editor.close()
