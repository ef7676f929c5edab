"""No preview folder outlives its row (issue 25, item 4): a session's row is written before its
pictures, so a process killed in between leaves a row whose folder goes with it; folders that
older versions left without a row are swept at start and by the janitor."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core import JobOptions, Requester
from bot.core.chat.loop import ChatLoop
from bot.core.chat.sessions import SESSIONS_FOLDER
from tests.support.loop_images import cutout_bytes, painting_bytes
from tests.support.services import started_services

ALICE = Requester("telegram", "1", "chat")


class Killed(BaseException):
    """Where the test stops the process, as kill -9 would: nothing after it runs."""


@contextlib.asynccontextmanager
async def running_loop(tmp_path: Path) -> AsyncIterator[ChatLoop]:
    async with started_services(tmp_path) as start:
        service, _ = await start()
        chat_loop = ChatLoop(service)
        await chat_loop.start()
        try:
            yield chat_loop
        finally:
            await chat_loop.stop()


def folders(tmp_path: Path) -> set[str]:
    return {path.name for path in (tmp_path / "files" / SESSIONS_FOLDER).iterdir()}


def rows(tmp_path: Path) -> set[str]:
    with contextlib.closing(sqlite3.connect(tmp_path / "bot.sqlite3")) as db:
        return {session_id for (session_id,) in db.execute("SELECT id FROM loop_sessions")}


@pytest.mark.parametrize("files_written", [0, 1, 2])
async def test_a_kill_while_a_preview_is_stored_leaves_no_folder_without_a_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files_written: int
) -> None:
    written: list[Path] = []
    real_write = Path.write_bytes

    def write_then_die(path: Path, data: bytes) -> int:
        """Killed once `files_written` of the session's two files are on disk."""
        if SESSIONS_FOLDER not in path.parts:
            return real_write(path, data)
        if len(written) == files_written:
            raise Killed
        count = real_write(path, data)
        written.append(path)
        if len(written) == files_written:
            raise Killed
        return count

    async with running_loop(tmp_path) as chat_loop:
        monkeypatch.setattr(Path, "write_bytes", write_then_die)
        monkeypatch.setattr("bot.core.chat.sessions.SessionStore.delete", _no_cleanup)  # a kill runs no cleanup
        with pytest.raises(Killed):
            await chat_loop.open(ALICE, painting_bytes(), cutout_bytes(), choice=JobOptions())
        monkeypatch.undo()
        assert folders(tmp_path) <= rows(tmp_path) and rows(tmp_path)  # the row came first
        assert await chat_loop.delete_user_data(ALICE) == 1
        assert folders(tmp_path) == set() == rows(tmp_path)


async def _no_cleanup(self, session_id: str) -> None:
    raise Killed


async def test_folders_without_a_row_are_swept_at_start(tmp_path: Path) -> None:
    async with running_loop(tmp_path) as chat_loop:
        kept = (await chat_loop.open(ALICE, painting_bytes(), cutout_bytes(), choice=JobOptions())).session
    orphan = tmp_path / "files" / SESSIONS_FOLDER / "0123456789ab"  # what a kill left before this fix
    orphan.mkdir()
    (orphan / "painting.png").write_bytes(painting_bytes())
    async with running_loop(tmp_path) as chat_loop:
        await chat_loop.purge_expired()  # the janitor's sweep (it also runs once at start)
        assert folders(tmp_path) == {kept.session_id}
