"""No orphan uploads: a job's row is written before its files, and whatever a crash leaves
(an interrupted upload, a folder with no row) is swept at the next start."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import pytest

from bot.core import JobNotFound, JobOptions, Requester
from bot.core.job_queue.database import Database
from bot.core.job_queue.files import FileStore
from bot.core.job_queue.job_spec import resolve
from bot.core.job_queue.limits import Limits
from bot.core.job_queue.store import JobStore
from bot.core.jobs import JobRef
from tests.support.core_processes import events, launch, rows, wait
from tests.support.fake_timer import HANG_GUARD_S, eventually
from tests.support.services import image_bytes, make_settings

PNG = image_bytes("PNG")
ALICE = Requester("telegram", "alice", "chat")


def folders(tmp_path: Path) -> set[str]:
    root = tmp_path / "files"
    return {p.name for p in root.iterdir() if p.is_dir()} if root.is_dir() else set()


def uploading(tmp_path: Path) -> int:
    with closing(sqlite3.connect(tmp_path / "bot.sqlite3")) as db:
        return db.execute("SELECT COUNT(*) FROM jobs WHERE status = 'uploading'").fetchone()[0]


async def test_what_a_crash_left_is_swept_at_the_next_start(start_service, tmp_path) -> None:
    service, _ = await start_service()
    kept = await service.submit(ALICE, PNG, PNG, JobOptions(quality="long"))
    await service.stop()
    # what a kill -9 leaves: an upload half written under a dead owner, a folder with no row
    settings = make_settings(tmp_path)
    database, files = Database(settings.database_path), FileStore(settings.storage_dir)
    store = JobStore(database)
    await database.open()
    spec = resolve(JobOptions(), settings.qualities, settings.default_quality)
    paths = files.input_paths("deadbeef01", "png", "png")
    async with store.transaction():
        await store.insert_uploading(
            JobRef("deadbeef01", "telegram", "bob", "chat"),
            spec,
            str(paths[0]),
            str(paths[1]),
            now=1.0,
            owner="dead",
            lease_until=2.0,
        )
    await database.close()
    paths[0].parent.mkdir(parents=True)
    paths[0].write_bytes(PNG[:10])
    (tmp_path / "files" / "0123456789" / "input").mkdir(parents=True)  # an older version's
    (tmp_path / "files" / "loop-sessions" / "s1").mkdir(parents=True)  # not a job's folder
    assert folders(tmp_path) == {kept.job_id, "deadbeef01", "0123456789", "loop-sessions"}

    again, _ = await start_service()
    assert folders(tmp_path) == {kept.job_id, "loop-sessions"}
    assert uploading(tmp_path) == 0
    assert (await again.get_job(kept.job_id)).status.value in ("queued", "running")


async def test_the_janitor_sweeps_orphans_while_the_bot_runs(start_service, tmp_path) -> None:
    service, _ = await start_service(cleanup_interval_s=0.05)
    orphan = tmp_path / "files" / "abcdef1234" / "output"
    orphan.mkdir(parents=True)
    await eventually(lambda: not orphan.parent.exists())


async def test_deleting_ones_data_during_an_upload_leaves_nothing(start_service, tmp_path, monkeypatch) -> None:
    service, _ = await start_service()
    writing, release = threading.Event(), threading.Event()
    real_write = FileStore.write_inputs

    def slow_write(self: FileStore, *args: object) -> None:
        writing.set()
        release.wait(HANG_GUARD_S)
        real_write(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(FileStore, "write_inputs", slow_write)
    submitting = asyncio.create_task(service.submit(ALICE, PNG, PNG))
    assert await asyncio.to_thread(writing.wait, HANG_GUARD_S)
    assert await service.delete_user_data(ALICE) == 1  # the upload in flight is reached...
    release.set()
    with pytest.raises(JobNotFound, match="deleted while"):
        await submitting  # ...and never becomes a job
    assert folders(tmp_path) == set() and uploading(tmp_path) == 0
    assert await service.list_jobs(ALICE) == []


def test_kill_9_mid_burst_leaves_no_orphan_file(tmp_path: Path) -> None:
    roomy = {f"PAINTERLY_{name.upper()}": "1000" for name in Limits.names()}
    burst = launch(tmp_path, "burst", submit=60, CORE_TEST_BURST="1", PAINTERLY_DEFAULT_QUALITY="long", **roomy)
    try:
        wait(
            "a dozen submissions",
            lambda: sum(e["event"] == "submitted" for e in events(tmp_path, "burst")) >= 12,
            burst,
            tmp_path,
        )
        burst.kill()
        burst.wait(10)
    finally:
        burst.kill()
    submitted = {e["job_id"] for e in events(tmp_path, "burst") if e["event"] == "submitted"}
    after = launch(tmp_path, "after", submit=0, PAINTERLY_DEFAULT_QUALITY="long")
    try:
        wait("the next start", lambda: any(e["event"] == "started" for e in events(tmp_path, "after")), after, tmp_path)
        jobs = rows(tmp_path)
        assert submitted <= set(jobs)  # every acknowledged job survived
        assert uploading(tmp_path) == 0
        assert folders(tmp_path) <= set(jobs)  # no folder without its job
        for job_id, (status, _, _) in jobs.items():
            if status == "queued":  # and every queued job has both its images
                assert len(list((tmp_path / "files" / job_id / "input").iterdir())) == 2
        after.send_signal(signal.SIGTERM)
        assert after.wait(20) == 0
    finally:
        after.kill()
