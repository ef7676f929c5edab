"""Previews have their own per-user limits (issue 25, item 3): openings per hour and bytes kept."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core import JobOptions, QuotaExceeded, RateLimited, Requester
from bot.core.chat.actions import Action, Press
from bot.core.chat.loop import ChatLoop, PreviewShown
from tests.support.fake_timer import ManualClock
from tests.support.loop_images import cutout_bytes, painting_bytes
from tests.support.services import started_services

ALICE = Requester("telegram", "1", "chat")
BOB = Requester("telegram", "2", "chat")


@contextlib.asynccontextmanager
async def running_loop(tmp_path: Path, clock: ManualClock, **settings) -> AsyncIterator[ChatLoop]:
    async with started_services(tmp_path) as start:
        service, _ = await start(**settings)
        chat_loop = ChatLoop(service, clock=clock)
        await chat_loop.start()
        try:
            yield chat_loop
        finally:
            await chat_loop.stop()


async def _open(chat_loop: ChatLoop, who: Requester = ALICE) -> PreviewShown:
    return await chat_loop.open(who, painting_bytes(), cutout_bytes(), choice=JobOptions())


async def test_previews_per_hour_are_limited_per_user(tmp_path: Path) -> None:
    clock = ManualClock()
    async with running_loop(tmp_path, clock, user_previews_per_hour=3) as chat_loop:
        for _ in range(3):
            await _open(chat_loop)
            clock.now += 60
        with pytest.raises(RateLimited, match="limit 3") as refused:
            await _open(chat_loop)
        assert refused.value.retry_after_s == pytest.approx(3600 - 180)
        await _open(chat_loop, BOB)  # others are not counted with her
        clock.now += 3600 - 180
        await _open(chat_loop)


async def test_the_bytes_a_users_previews_keep_are_capped(tmp_path: Path) -> None:
    pair = len(painting_bytes()) + len(cutout_bytes())
    async with running_loop(tmp_path, ManualClock(), user_preview_bytes=2 * pair) as chat_loop:
        first = await _open(chat_loop)
        await _open(chat_loop)
        with pytest.raises(QuotaExceeded, match="Press Cancel under an older preview"):
            await _open(chat_loop)
        await chat_loop.press(ALICE, Press(Action.DISCARD, first.session.session_id))
        await _open(chat_loop)  # room again


async def test_openings_decoded_side_by_side_cannot_pass_the_byte_cap_together(tmp_path: Path) -> None:
    pair = len(painting_bytes()) + len(cutout_bytes())
    async with running_loop(tmp_path, ManualClock(), user_preview_bytes=pair) as chat_loop:
        # both pass the first check (nothing kept yet) and wait for decoding side by side
        outcomes = await asyncio.gather(_open(chat_loop), _open(chat_loop), return_exceptions=True)
        assert sorted(type(outcome).__name__ for outcome in outcomes) == ["PreviewShown", "QuotaExceeded"]
