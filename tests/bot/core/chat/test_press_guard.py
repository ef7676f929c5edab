"""One job per button (issue 25, item 1): a burst of presses on one button makes one job, the
other presses get AlreadyPressed; a press refused by the limits gives its button back."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core import JobOptions, Requester
from bot.core.chat.actions import Action, Press
from bot.core.chat.loop import ChatLoop, Painting, PreviewShown
from bot.core.chat.press_guard import STALE_CLAIM_S, AlreadyPressed
from tests.support.fake_timer import ManualClock
from tests.support.loop_images import cutout_bytes, painting_bytes
from tests.support.services import TEST_QUALITIES, EventLog, started_services

ALICE = Requester("discord", "1", "guild")
BURST = 50  # presses within a second, as measured in the issue


@contextlib.asynccontextmanager
async def running_loop(tmp_path: Path, clock: ManualClock, **settings) -> AsyncIterator[tuple[ChatLoop, EventLog]]:
    """A started service (fake engine) and a ChatLoop over it."""
    async with started_services(tmp_path, qualities={"instant": TEST_QUALITIES["instant"]}) as start:
        service, events = await start(**settings)
        chat_loop = ChatLoop(service, clock=clock)
        await chat_loop.start()
        try:
            yield chat_loop, events
        finally:
            await chat_loop.stop()
            await service.stop()


async def _open(chat_loop: ChatLoop) -> PreviewShown:
    return await chat_loop.open(ALICE, painting_bytes(), cutout_bytes(), choice=JobOptions(x=0.3, y=0.5, height=0.4))


async def test_a_burst_of_paint_presses_makes_one_job(tmp_path: Path) -> None:
    async with running_loop(tmp_path, ManualClock()) as (chat_loop, events):
        session_id = (await _open(chat_loop)).session.session_id
        press = Press(Action.PAINT, session_id)
        outcomes = await asyncio.gather(
            *(chat_loop.press(ALICE, press, "ctx") for _ in range(BURST)), return_exceptions=True
        )
        painted = [o for o in outcomes if isinstance(o, Painting)]
        refused = [o for o in outcomes if isinstance(o, AlreadyPressed)]
        assert len(painted) == 1 and len(refused) == BURST - 1
        assert len(await chat_loop.service.list_jobs(ALICE)) == 1
        job_id = painted[0].submission.job_id
        await events.final(job_id)
        with pytest.raises(AlreadyPressed, match=f"queued job {job_id}"):
            await chat_loop.press(ALICE, press)


async def test_a_burst_on_a_result_button_makes_one_job_and_other_buttons_still_work(tmp_path: Path) -> None:
    async with running_loop(tmp_path, ManualClock()) as (chat_loop, events):
        session_id = (await _open(chat_loop)).session.session_id
        first = await chat_loop.press(ALICE, Press(Action.PAINT, session_id))
        await events.final(first.submission.job_id)
        stronger = Press(Action.STRONGER, session_id, first.submission.job_id)
        outcomes = await asyncio.gather(
            *(chat_loop.press(ALICE, stronger) for _ in range(BURST)), return_exceptions=True
        )
        assert sum(isinstance(o, Painting) for o in outcomes) == 1
        assert all(isinstance(o, (Painting, AlreadyPressed)) for o in outcomes)
        lighter = await chat_loop.press(ALICE, Press(Action.LIGHTER, session_id, first.submission.job_id))
        assert isinstance(lighter, Painting) and len(await chat_loop.service.list_jobs(ALICE)) == 3


async def test_a_refused_press_gives_its_button_back_and_a_stale_claim_expires(tmp_path: Path) -> None:
    clock = ManualClock()
    async with running_loop(tmp_path, clock, user_jobs_per_hour=0) as (chat_loop, _):
        session_id = (await _open(chat_loop)).session.session_id
        press = Press(Action.PAINT, session_id)
        for _ in range(2):  # the limit's refusal each time, not "already pressed"
            with pytest.raises(Exception) as refused:
                await chat_loop.press(ALICE, press)
            assert not isinstance(refused.value, AlreadyPressed)
        await chat_loop.claim(ALICE, press)  # a front end claimed, then its process died
        with pytest.raises(AlreadyPressed):
            await chat_loop.claim(ALICE, press)
        clock.now += STALE_CLAIM_S + 1
        await chat_loop.claim(ALICE, press)
