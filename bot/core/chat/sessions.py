"""Sessions of the chat loop: the two uploads kept for a while, so buttons work without re-sending.

A session holds the painting and the object photo (files under <storage>/loop-sessions/<id>/), its
owner and chat, the front end's context string, and the current LoopState; each job a session
queues is recorded with its parent job and its own state, so the buttons under any result can
start from it. Everything is in the bot's SQLite database (bot/core/job_queue/database.py), so a restart
loses nothing. A session expires `window_s` after its last use.
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

from bot.core.chat.loop_state import LoopState
from bot.core.job_queue.database import Database

# Under the bot's storage_dir. Not alphanumeric, so never taken for a job's folder (FileStore's
# job ids are alphanumeric, and its orphan sweep only looks at such folders).
SESSIONS_FOLDER = "loop-sessions"


@dataclass(frozen=True)
class Session:
    """One stored session; `state` is the preview's current placement, method and style."""

    session_id: str
    platform: str
    user_id: str
    chat_id: str
    context: str
    state: LoopState
    painting_path: Path
    object_path: Path
    created_at: float
    expires_at: float


@dataclass(frozen=True)
class LoopJob:
    """A job a session queued: its parent job (None for the first) and the state it paints."""

    job_id: str
    session_id: str
    parent_job_id: str | None
    state: LoopState


def _session(record: aiosqlite.Row) -> Session:
    return Session(
        record["id"],
        record["platform"],
        record["user_id"],
        record["chat_id"],
        record["context"],
        LoopState.from_json(record["state"]),
        Path(record["painting_path"]),
        Path(record["object_path"]),
        record["created_at"],
        record["expires_at"],
    )


class SessionStore:
    """Sessions and their jobs (loop_sessions, loop_jobs in the bot's database), files under `storage`."""

    def __init__(self, database: Database, storage: Path, window_s: float) -> None:
        self.database = database
        self.folder = Path(storage) / SESSIONS_FOLDER
        self.window_s = window_s

    async def prepare(self) -> None:
        """Make the sessions' folder."""
        await asyncio.to_thread(self.folder.mkdir, parents=True, exist_ok=True)

    async def create(
        self,
        platform: str,
        user_id: str,
        chat_id: str,
        context: str,
        state: LoopState,
        painting: bytes,
        painting_ext: str,
        photo: bytes,
        photo_ext: str,
        now: float,
    ) -> Session:
        """Store a new session that expires `window_s` from `now`, then its uploads.

        The row comes first: a crash while the files are written leaves a row whose folder is
        deleted with it (at expiry, or by /delete-my-data), never a folder nothing deletes.
        """
        session_id = secrets.token_hex(6)
        folder = self.folder / session_id
        painting_path, object_path = folder / f"painting.{painting_ext}", folder / f"object.{photo_ext}"

        def write() -> None:
            folder.mkdir(parents=True)
            painting_path.write_bytes(painting)
            object_path.write_bytes(photo)

        session = Session(
            session_id, platform, user_id, chat_id, context, state, painting_path, object_path, now, now + self.window_s
        )
        await self.database.write(
            "INSERT INTO loop_sessions VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                session_id,
                platform,
                user_id,
                chat_id,
                context,
                state.to_json(),
                str(painting_path),
                str(object_path),
                now,
                session.expires_at,
            ),
        )
        try:
            await asyncio.to_thread(write)
        except BaseException:
            await self.delete(session_id)
            raise
        return session

    async def get(self, session_id: str) -> Session | None:
        """A session, expired or not; None if it is gone."""
        record = await self.database.fetch_one("SELECT * FROM loop_sessions WHERE id = ?", (session_id,))
        return None if record is None else _session(record)

    async def update(self, session_id: str, state: LoopState, now: float, context: str | None = None) -> None:
        """Save the session's new state (and context) and extend its window from `now`."""
        await self.database.write(
            "UPDATE loop_sessions SET state = ?, expires_at = ?, context = COALESCE(?, context) WHERE id = ?",
            (state.to_json(), now + self.window_s, context, session_id),
        )

    async def add_job(self, job: LoopJob, now: float) -> None:
        """Record a job the session queued; the session's window is extended."""
        async with self.database.transaction() as db:
            await db.execute(
                "INSERT INTO loop_jobs VALUES (?,?,?,?)",
                (job.job_id, job.session_id, job.parent_job_id, job.state.to_json()),
            )
            await db.execute(
                "UPDATE loop_sessions SET expires_at = ? WHERE id = ?", (now + self.window_s, job.session_id)
            )

    async def job(self, job_id: str) -> LoopJob | None:
        """The loop's record of a job; None for jobs not queued from a session (or deleted)."""
        record = await self.database.fetch_one("SELECT * FROM loop_jobs WHERE job_id = ?", (job_id,))
        if record is None:
            return None
        return LoopJob(
            record["job_id"], record["session_id"], record["parent_job_id"], LoopState.from_json(record["state"])
        )

    async def delete(self, session_id: str) -> None:
        """Delete a session, its job records and its files."""
        await self.database.write("DELETE FROM loop_sessions WHERE id = ?", (session_id,))
        await asyncio.to_thread(shutil.rmtree, self.folder / session_id, True)

    async def user_files(self, platform: str, user_id: str) -> list[Path]:
        """The picture files of every session of a user (all chats)."""
        records = await self.database.fetch_all(
            "SELECT painting_path, object_path FROM loop_sessions WHERE platform = ? AND user_id = ?",
            (platform, user_id),
        )
        return [Path(path) for record in records for path in record]

    async def delete_user(self, platform: str, user_id: str) -> list[str]:
        """Delete every session of a user (all chats); return their ids."""
        return await self._delete_where("platform = ? AND user_id = ?", platform, user_id)

    async def delete_expired(self, now: float) -> list[str]:
        """Delete sessions whose window ended before `now`; return their ids."""
        return await self._delete_where("expires_at < ?", now)

    async def delete_orphan_folders(self) -> int:
        """Delete session folders with no row (left by older versions, which wrote the files
        first); return how many. A folder is made after its row, so none in the making is hit."""
        folders = await asyncio.to_thread(lambda: [path for path in self.folder.iterdir() if path.is_dir()])
        known = {record["id"] for record in await self.database.fetch_all("SELECT id FROM loop_sessions")}
        orphans = [path for path in folders if path.name not in known]
        for path in orphans:
            await asyncio.to_thread(shutil.rmtree, path, True)
        return len(orphans)

    async def _delete_where(self, condition: str, *args: object) -> list[str]:
        async with self.database.transaction() as db:
            ids = [
                record["id"]
                for record in await self.database.fetch_all(f"SELECT id FROM loop_sessions WHERE {condition}", args)
            ]
            await db.execute(f"DELETE FROM loop_sessions WHERE {condition}", args)
        for session_id in ids:
            await asyncio.to_thread(shutil.rmtree, self.folder / session_id, True)
        return ids
