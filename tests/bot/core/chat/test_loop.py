"""The core's chat loop against a running service (fake engine): previews never queue, Paint it
and result buttons queue jobs the limits count, sessions expire, refuse strangers and survive
restarts."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core import (
    InvalidOptions,
    JobDone,
    JobOptions,
    NotAllowed,
    RateLimited,
    Requester,
)
from bot.core.chat.actions import Action, Press
from bot.core.chat.loop import (
    EXPIRED,
    ChatLoop,
    Discarded,
    Painting,
    PreviewShown,
    SessionExpired,
)
from bot.core.chat.loop_state import DEFAULT_LIKENESS, STRENGTHS
from bot.core.job_queue.files import FileStore
from tests.support.fake_timer import ManualClock
from tests.support.loop_images import cutout_bytes, decode, painting_bytes
from tests.support.services import EventLog, started_services

ALICE = Requester("discord", "1", "guild")
BOB = Requester("discord", "2", "guild")
ADMIN = Requester("discord", "3", "guild", is_platform_admin=True)
QUALITIES = ["instant", "polished"]  # tests/support/services.py TEST_QUALITIES, in settings order


@contextlib.asynccontextmanager
async def running_loop(start, clock: ManualClock, **settings) -> AsyncIterator[tuple[ChatLoop, EventLog]]:
    """A started service (fake engine) and a ChatLoop over it; both stopped at the end."""
    service, events = await start(**settings)
    chat_loop = ChatLoop(service, clock=clock)
    await chat_loop.start()
    try:
        yield chat_loop, events
    finally:
        await chat_loop.stop()
        await service.stop()


@pytest.fixture
async def start(tmp_path: Path):
    async with started_services(
        tmp_path, qualities={"instant": _quality("instant"), "polished": _quality("polished")}, session_hours=1.0
    ) as start:
        yield start


def _engine_options(database: Path, job_id: str) -> dict:
    """The HarmonizeOptions a job's row carries to its worker (read-only)."""
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        (text,) = db.execute("SELECT options FROM jobs WHERE id = ?", (job_id,)).fetchone()
    return json.loads(text)["options"]


def _quality(name: str):
    from tests.support.services import TEST_QUALITIES

    return TEST_QUALITIES[name]


async def _open(chat_loop: ChatLoop, who: Requester = ALICE) -> PreviewShown:
    return await chat_loop.open(who, painting_bytes(), cutout_bytes(), choice=JobOptions(x=0.3, y=0.5, height=0.4))


async def test_previews_move_without_queueing_then_paint_it_queues_one_job(start) -> None:
    clock = ManualClock()
    async with running_loop(start, clock) as (chat_loop, events):
        shown = await _open(chat_loop)
        session_id = shown.session.session_id
        assert shown.session.state.method == "alpha" and shown.session.state.quality == "instant"
        moved = await chat_loop.press(ALICE, Press(Action.RIGHT, session_id))
        assert isinstance(moved, PreviewShown) and moved.session.state.x == pytest.approx(0.35)
        assert decode(moved.preview.image).shape == decode(shown.preview.image).shape
        assert moved.preview.image != shown.preview.image
        bigger = await chat_loop.press(ALICE, Press(Action.BIGGER, session_id))
        assert bigger.session.state.height == pytest.approx(0.48)
        assert (await chat_loop.service.queue_status()).queued == 0
        assert await chat_loop.service.list_jobs(ALICE) == []
        other = await chat_loop.press(ALICE, Press(Action.METHOD, session_id))
        methods = other.preview.methods  # alpha, then u2netp where it is installed, then grabcut
        assert methods[0] == "alpha" and methods[-1] == "grabcut" and other.session.state.method == methods[1]
        for _ in methods[2:]:
            other = await chat_loop.press(ALICE, Press(Action.METHOD, session_id))
        back = await chat_loop.press(ALICE, Press(Action.METHOD, session_id))
        assert back.session.state == bigger.session.state

        painting = await chat_loop.press(ALICE, Press(Action.PAINT, session_id), "ctx")
        assert isinstance(painting, Painting) and painting.parent_job_id is None
        job_id = painting.submission.job_id
        assert isinstance(await events.final(job_id), JobDone)
        record = await chat_loop.job(job_id)
        assert record is not None and record.state == bigger.session.state


async def test_paint_it_links_the_sessions_painting_into_the_job_without_checking_it_again(
    start, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    stored: list[tuple[bytes, int]] = []  # the job's painting as written: its bytes and its inode
    real_write = FileStore.write_inputs

    def recording_write(files: FileStore, paths: tuple[Path, Path], painting: bytes | Path, cutout: bytes) -> None:
        real_write(files, paths, painting, cutout)
        stored.append((paths[0].read_bytes(), paths[0].stat().st_ino))

    monkeypatch.setattr(FileStore, "write_inputs", recording_write)
    async with running_loop(start, ManualClock()) as (chat_loop, events):
        shown = await _open(chat_loop)
        gate = chat_loop.service.decode_gate
        real_validate = gate.validate

        async def counting_validate(data: bytes, what: str, *limits: int) -> str:
            checked.append(what)
            return await real_validate(data, what, *limits)

        monkeypatch.setattr(gate, "validate", counting_validate)
        painting = await chat_loop.press(ALICE, Press(Action.PAINT, shown.session.session_id))
        assert isinstance(painting, Painting)
        assert isinstance(await events.final(painting.submission.job_id), JobDone)
        session_inode = shown.session.painting_path.stat().st_ino
    assert checked == ["object image"]  # the preview's cut-out; the painting was checked at upload
    assert stored == [(painting_bytes(), session_inode)]  # the session's file, linked: one copy on disk


async def test_result_buttons_queue_linked_jobs_and_stop_at_the_ends(start) -> None:
    async with running_loop(start, ManualClock()) as (chat_loop, events):
        session_id = (await _open(chat_loop)).session.session_id
        first = await chat_loop.press(ALICE, Press(Action.PAINT, session_id))
        job = first.submission.job_id
        await events.final(job)
        stronger = await chat_loop.press(ALICE, Press(Action.STRONGER, session_id, job))
        assert isinstance(stronger, Painting) and stronger.parent_job_id == job
        taus = [tau for _, tau in STRENGTHS]
        assert stronger.state.tau == taus[taus.index(first.state.tau) + 1]
        best = await chat_loop.press(ALICE, Press(Action.UPGRADE, session_id, job))
        assert best.state.quality == QUALITIES[-1] and best.state.tau == first.state.tau
        with pytest.raises(InvalidOptions, match="best quality"):
            await chat_loop.press(ALICE, Press(Action.UPGRADE, session_id, best.submission.job_id))
        assert first.state.likeness == DEFAULT_LIKENESS == 0.5
        less = await chat_loop.press(ALICE, Press(Action.LESS_LIKE, session_id, job))
        least = await chat_loop.press(ALICE, Press(Action.LESS_LIKE, session_id, less.submission.job_id))
        assert (less.state.likeness, least.state.likeness) == (0.25, 0.0)
        with pytest.raises(InvalidOptions, match="none of its own look"):
            await chat_loop.press(ALICE, Press(Action.LESS_LIKE, session_id, least.submission.job_id))
        more = await chat_loop.press(ALICE, Press(Action.MORE_LIKE, session_id, job))
        assert more.state.likeness == 0.75
        seed = await chat_loop.press(ALICE, Press(Action.RESEED, session_id, job))
        assert seed.state.seed != first.state.seed
        database = chat_loop.service.settings.database_path
        assert _engine_options(database, more.submission.job_id)["likeness"] == 0.75
        assert _engine_options(database, seed.submission.job_id)["seed"] == seed.state.seed
        assert _engine_options(database, stronger.submission.job_id)["tau"] == stronger.state.tau
        back = await chat_loop.press(ALICE, Press(Action.PLACE, session_id, stronger.submission.job_id))
        assert isinstance(back, PreviewShown) and back.session.state == stronger.state
        for queued in (stronger, best, more, seed):
            assert isinstance(await events.final(queued.submission.job_id), JobDone)


async def test_strangers_are_refused_unless_the_chat_shares_its_buttons(start) -> None:
    async with running_loop(start, ManualClock()) as (chat_loop, _):
        session_id = (await _open(chat_loop)).session.session_id
        with pytest.raises(NotAllowed, match="belong to"):
            await chat_loop.press(BOB, Press(Action.LEFT, session_id))
        assert isinstance(await chat_loop.press(ADMIN, Press(Action.LEFT, session_id)), PreviewShown)
        with pytest.raises(NotAllowed):
            await chat_loop.set_chat_default(BOB, "shared_buttons", "on")
        defaults = await chat_loop.set_chat_default(ADMIN, "shared_buttons", "on")
        assert defaults.shared_buttons
        assert isinstance(await chat_loop.press(BOB, Press(Action.LEFT, session_id)), PreviewShown)
        elsewhere = Requester("discord", "2", "another guild")
        with pytest.raises(NotAllowed):
            await chat_loop.press(elsewhere, Press(Action.LEFT, session_id))


async def test_chat_defaults_start_new_previews(start) -> None:
    async with running_loop(start, ManualClock()) as (chat_loop, _):
        await chat_loop.set_chat_default(ADMIN, "quality", "polished")
        await chat_loop.set_chat_default(ADMIN, "strength", "very light")
        await chat_loop.set_chat_default(ADMIN, "likeness", "0.5")
        with pytest.raises(InvalidOptions):
            await chat_loop.set_chat_default(ADMIN, "likeness", "2")
        with pytest.raises(InvalidOptions):
            await chat_loop.set_chat_default(ADMIN, "colour", "red")
        state = (await chat_loop.open(ALICE, painting_bytes(), cutout_bytes())).session.state
        assert (state.quality, state.tau, state.likeness) == ("polished", STRENGTHS[0][1], 0.5)
        typed = await chat_loop.open(ALICE, painting_bytes(), cutout_bytes(), choice=JobOptions(quality="instant"))
        assert typed.session.state.quality == "instant" and typed.session.state.likeness == 0.5
        await chat_loop.set_chat_default(ADMIN, "quality", None)
        assert (await chat_loop.chat_defaults("discord", "guild")).quality is None


async def test_a_press_after_the_window_or_after_deletion_says_it_expired(start, tmp_path: Path) -> None:
    clock = ManualClock()
    async with running_loop(start, clock) as (chat_loop, _):
        old = (await _open(chat_loop)).session
        clock.now += 1800
        await chat_loop.press(ALICE, Press(Action.UP, old.session_id))  # use extends the window
        clock.now += 3000
        assert isinstance(await chat_loop.press(ALICE, Press(Action.UP, old.session_id)), PreviewShown)
        clock.now += 3601
        with pytest.raises(SessionExpired, match=EXPIRED):
            await chat_loop.press(ALICE, Press(Action.UP, old.session_id))
        await chat_loop.moderation.flag_session(old.session_id, clock.now)
        assert await chat_loop.purge_expired() == 1
        assert not old.painting_path.exists() and not old.object_path.exists()
        assert not await chat_loop.moderation.session_flagged(old.session_id)  # its flag went with it

        mine = (await _open(chat_loop)).session
        theirs = (await _open(chat_loop, BOB)).session
        assert await chat_loop.delete_user_data(ALICE) == 1
        assert not mine.painting_path.parent.exists() and theirs.painting_path.exists()
        with pytest.raises(SessionExpired):
            await chat_loop.press(ALICE, Press(Action.PAINT, mine.session_id))
        dropped = await chat_loop.press(BOB, Press(Action.DISCARD, theirs.session_id))
        assert isinstance(dropped, Discarded) and not theirs.painting_path.exists()


async def test_a_press_at_the_limit_is_refused_but_previews_go_on(start) -> None:
    async with running_loop(start, ManualClock(), user_jobs_per_hour=1) as (chat_loop, events):
        session_id = (await _open(chat_loop)).session.session_id
        job = (await chat_loop.press(ALICE, Press(Action.PAINT, session_id))).submission.job_id
        await events.final(job)
        with pytest.raises(RateLimited):
            await chat_loop.press(ALICE, Press(Action.STRONGER, session_id, job))
        assert isinstance(await chat_loop.press(ALICE, Press(Action.DOWN, session_id)), PreviewShown)
        with pytest.raises(RateLimited):
            await chat_loop.press(ALICE, Press(Action.PAINT, session_id))
        assert len(await chat_loop.service.list_jobs(ALICE)) == 1


async def test_sessions_and_result_buttons_survive_a_restart(start) -> None:
    clock = ManualClock()
    async with running_loop(start, clock) as (chat_loop, events):
        session_id = (await _open(chat_loop)).session.session_id
        await chat_loop.press(ALICE, Press(Action.LEFT, session_id))
        job = (await chat_loop.press(ALICE, Press(Action.PAINT, session_id))).submission.job_id
        await events.final(job)
    async with running_loop(start, clock) as (chat_loop, events):
        moved = await chat_loop.press(ALICE, Press(Action.LEFT, session_id))
        assert moved.session.state.x == pytest.approx(0.2)
        again = await chat_loop.press(ALICE, Press(Action.LIGHTER, session_id, job))
        assert again.parent_job_id == job
        assert isinstance(await events.final(again.submission.job_id), JobDone)


async def test_the_janitor_drops_the_reports_of_results_that_are_gone(start) -> None:
    async with running_loop(start, ManualClock()) as (chat_loop, events):
        painting = await chat_loop.press(ALICE, Press(Action.PAINT, (await _open(chat_loop)).session.session_id))
        assert isinstance(painting, Painting)
        job_id = painting.submission.job_id
        assert isinstance(await events.final(job_id), JobDone)
        await chat_loop.reports.file(BOB, job_id, "message 1")

        await chat_loop.purge_expired()
        assert (await chat_loop.reports.get(job_id)) is not None  # its result is still there
        assert await chat_loop.service.purge_expired(now=time.time() + 10 * 86400) == 1
        await chat_loop.purge_expired()
        row = await chat_loop.reports.database.fetch_one("SELECT COUNT(*) FROM reports")
        assert row is not None and row[0] == 0
