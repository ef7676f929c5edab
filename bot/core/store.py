"""The job queue, submission history and admin limits in SQLite (aiosqlite, one connection).

Every write happens inside `transaction()`: one asyncio lock plus BEGIN IMMEDIATE, so a limit
check and the insert it allows are atomic even under hundreds of concurrent submissions.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, AsyncIterator

import aiosqlite

from bot.core.jobs import JobRef, JobStatus
from bot.core.limits import Limits, Usage

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    platform TEXT NOT NULL,
    user_id TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    context TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    options TEXT NOT NULL,
    painting_path TEXT NOT NULL,
    object_path TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    cancelled_by TEXT,
    created_at REAL NOT NULL,
    started_at REAL,
    finished_at REAL
);
CREATE INDEX IF NOT EXISTS jobs_by_status ON jobs (status, seq);
CREATE INDEX IF NOT EXISTS jobs_by_user ON jobs (platform, user_id);
CREATE INDEX IF NOT EXISTS jobs_by_chat ON jobs (platform, chat_id, status);
CREATE TABLE IF NOT EXISTS submissions (
    platform TEXT NOT NULL,
    user_id TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS submissions_by_user ON submissions (platform, user_id, at);
CREATE INDEX IF NOT EXISTS submissions_by_chat ON submissions (platform, chat_id, at);
CREATE TABLE IF NOT EXISTS limits (
    scope TEXT NOT NULL,
    name TEXT NOT NULL,
    value INTEGER NOT NULL,
    PRIMARY KEY (scope, name)
);
"""
ACTIVE = (JobStatus.QUEUED.value, JobStatus.RUNNING.value)
GLOBAL_SCOPE = "global"


@dataclass(frozen=True)
class JobRow:
    """One stored job. `options` holds placement, tau, preset name and its size/iters/post."""

    ref: JobRef
    status: JobStatus
    options: dict[str, Any]
    painting_path: str
    object_path: str
    attempts: int
    error: str | None
    cancelled_by: str | None
    created_at: float
    started_at: float | None
    finished_at: float | None


def _row(record: aiosqlite.Row) -> JobRow:
    """A JobRow from a `SELECT *` record."""
    return JobRow(
        ref=JobRef(record["id"], record["platform"], record["user_id"], record["chat_id"],
                   record["context"]),
        status=JobStatus(record["status"]),
        options=json.loads(record["options"]),
        painting_path=record["painting_path"],
        object_path=record["object_path"],
        attempts=record["attempts"],
        error=record["error"],
        cancelled_by=record["cancelled_by"],
        created_at=record["created_at"],
        started_at=record["started_at"],
        finished_at=record["finished_at"],
    )


def _chat_scope(platform: str, chat_id: str) -> str:
    """The limits-table scope of one chat."""
    return f"chat:{platform}:{chat_id}"


class JobStore:
    """Async access to the bot's SQLite database at `path`."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._db: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()

    @property
    def db(self) -> aiosqlite.Connection:
        """The open connection; raises RuntimeError before open()."""
        if self._db is None:
            raise RuntimeError("JobStore.open() was not called")
        return self._db

    async def open(self) -> None:
        """Open (creating if needed) the database in WAL mode."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = await aiosqlite.connect(self.path, isolation_level=None)
        self._db.row_factory = aiosqlite.Row
        await self._db.execute("PRAGMA journal_mode=WAL")
        await self._db.execute("PRAGMA synchronous=NORMAL")
        await self._db.execute("PRAGMA busy_timeout=10000")
        await self._db.executescript(SCHEMA)

    async def close(self) -> None:
        """Close the connection (no error if not open)."""
        if self._db is not None:
            await self._db.close()
            self._db = None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """One write transaction at a time: commit on success, roll back on any error."""
        async with self._lock:
            try:
                await self.db.execute("BEGIN IMMEDIATE")
                yield
            except BaseException:
                # Also when cancelled while BEGIN was under way: it still ran on the db thread.
                with contextlib.suppress(sqlite3.OperationalError):
                    await self.db.execute("ROLLBACK")
                raise
            await self.db.execute("COMMIT")

    async def _one(self, sql: str, *args: object) -> aiosqlite.Row | None:
        """The first record of a query, or None."""
        async with self.db.execute(sql, args) as cursor:
            return await cursor.fetchone()

    async def _all(self, sql: str, *args: object) -> list[aiosqlite.Row]:
        """Every record of a query."""
        async with self.db.execute(sql, args) as cursor:
            return list(await cursor.fetchall())

    # ------------------------------------------------------------------ jobs

    async def insert_job(self, job_id: str, ref: JobRef, options: str, painting_path: str,
                         object_path: str, now: float) -> None:
        """Add a queued job and count it as a submission (call inside a transaction)."""
        await self.db.execute(
            "INSERT INTO jobs (id, platform, user_id, chat_id, context, status, options,"
            " painting_path, object_path, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (job_id, ref.platform, ref.user_id, ref.chat_id, ref.context, JobStatus.QUEUED.value,
             options, painting_path, object_path, now),
        )
        await self.db.execute(
            "INSERT INTO submissions (platform, user_id, chat_id, at) VALUES (?,?,?,?)",
            (ref.platform, ref.user_id, ref.chat_id, now),
        )

    async def get(self, job_id: str) -> JobRow | None:
        """One job, or None."""
        record = await self._one("SELECT * FROM jobs WHERE id = ?", job_id)
        return None if record is None else _row(record)

    async def list_user(self, platform: str, user_id: str) -> list[JobRow]:
        """A user's jobs, oldest first."""
        records = await self._all(
            "SELECT * FROM jobs WHERE platform = ? AND user_id = ? ORDER BY seq", platform, user_id
        )
        return [_row(r) for r in records]

    async def position(self, job_id: str) -> int:
        """1-based position of a queued job among queued jobs (0 if it is not queued)."""
        record = await self._one(
            "SELECT COUNT(*) FROM jobs WHERE status = 'queued' AND seq <= "
            "(SELECT seq FROM jobs WHERE id = ? AND status = 'queued')", job_id
        )
        return int(record[0]) if record is not None else 0

    async def queued_refs(self) -> list[JobRef]:
        """Every queued job, in queue order."""
        records = await self._all("SELECT * FROM jobs WHERE status = 'queued' ORDER BY seq")
        return [_row(r).ref for r in records]

    async def counts(self) -> tuple[int, int]:
        """(queued, running) job counts."""
        record = await self._one(
            "SELECT SUM(status = 'queued'), SUM(status = 'running') FROM jobs"
        )
        return (int(record[0] or 0), int(record[1] or 0)) if record is not None else (0, 0)

    async def claim_next(self, now: float) -> JobRow | None:
        """Mark the oldest queued job running (one more attempt) and return it, or None."""
        record = await self._one("SELECT id FROM jobs WHERE status = 'queued' ORDER BY seq LIMIT 1")
        if record is None:
            return None
        await self.db.execute(
            "UPDATE jobs SET status = 'running', attempts = attempts + 1, started_at = ? "
            "WHERE id = ?", (now, record["id"]),
        )
        return await self.get(record["id"])

    async def finish(self, job_id: str, status: JobStatus, now: float, error: str | None = None,
                     cancelled_by: str | None = None) -> JobStatus | None:
        """End a queued or running job; return its previous status, or None if it had ended."""
        record = await self._one("SELECT status FROM jobs WHERE id = ?", job_id)
        if record is None or record["status"] not in ACTIVE:
            return None
        await self.db.execute(
            "UPDATE jobs SET status = ?, error = ?, cancelled_by = ?, finished_at = ? WHERE id = ?",
            (status.value, error, cancelled_by, now, job_id),
        )
        return JobStatus(record["status"])

    async def requeue(self, job_id: str) -> bool:
        """Put a running job back in the queue at its old place; False if it is not running."""
        cursor = await self.db.execute(
            "UPDATE jobs SET status = 'queued', started_at = NULL "
            "WHERE id = ? AND status = 'running'",
            (job_id,),
        )
        return cursor.rowcount > 0

    async def recover_running(self, max_attempts: int, now: float, reason: str) -> list[JobRow]:
        """After a crash: requeue running jobs with attempts left, fail the rest (returned)."""
        records = await self._all("SELECT * FROM jobs WHERE status = 'running'")
        failed = [_row(r) for r in records if r["attempts"] >= max_attempts]
        await self.db.execute(
            "UPDATE jobs SET status = 'failed', error = ?, finished_at = ? "
            "WHERE status = 'running' AND attempts >= ?", (reason, now, max_attempts),
        )
        await self.db.execute(
            "UPDATE jobs SET status = 'queued', started_at = NULL WHERE status = 'running'"
        )
        return failed

    async def requeue_running(self) -> None:
        """On a clean stop: running jobs go back to the queue and get their attempt back."""
        await self.db.execute(
            "UPDATE jobs SET status = 'queued', started_at = NULL, attempts = MAX(attempts - 1, 0)"
            " WHERE status = 'running'"
        )

    async def delete_user(self, platform: str, user_id: str) -> list[str]:
        """Delete a user's jobs; return their ids."""
        records = await self._all(
            "SELECT id FROM jobs WHERE platform = ? AND user_id = ?", platform, user_id
        )
        await self.db.execute(
            "DELETE FROM jobs WHERE platform = ? AND user_id = ?", (platform, user_id)
        )
        return [r["id"] for r in records]

    async def delete_ended_before(self, cutoff: float) -> list[str]:
        """Delete jobs that ended before `cutoff` (Unix seconds); return their ids."""
        records = await self._all(
            "SELECT id FROM jobs WHERE status NOT IN (?, ?) AND finished_at < ?", *ACTIVE, cutoff
        )
        await self.db.execute(
            "DELETE FROM jobs WHERE status NOT IN (?, ?) AND finished_at < ?", (*ACTIVE, cutoff)
        )
        return [r["id"] for r in records]

    # ------------------------------------------------------------ limits and usage

    async def usage(self, platform: str, user_id: str, chat_id: str, since: float) -> Usage:
        """Active jobs of the user, the chat and everyone; their submissions after `since`."""
        record = await self._one(
            "SELECT SUM(platform = ? AND user_id = ?), SUM(platform = ? AND chat_id = ?), COUNT(*)"
            " FROM jobs WHERE status IN (?, ?)",
            platform, user_id, platform, chat_id, *ACTIVE,
        )
        user_times = await self._all(
            "SELECT at FROM submissions WHERE platform = ? AND user_id = ? AND at > ?",
            platform, user_id, since,
        )
        chat_times = await self._all(
            "SELECT at FROM submissions WHERE platform = ? AND chat_id = ? AND at > ?",
            platform, chat_id, since,
        )
        assert record is not None
        return Usage(
            user_active=int(record[0] or 0),
            chat_active=int(record[1] or 0),
            total_active=int(record[2] or 0),
            user_times=tuple(r[0] for r in user_times),
            chat_times=tuple(r[0] for r in chat_times),
        )

    async def prune_submissions(self, before: float) -> None:
        """Forget submissions older than `before` (Unix seconds)."""
        await self.db.execute("DELETE FROM submissions WHERE at < ?", (before,))

    async def effective_limits(self, defaults: Limits, platform: str | None,
                               chat_id: str | None) -> Limits:
        """`defaults` with stored global changes, then the chat's own changes when given."""
        scopes = [GLOBAL_SCOPE]
        if platform is not None and chat_id is not None:
            scopes.append(_chat_scope(platform, chat_id))
        limits = defaults
        for scope in scopes:
            records = await self._all("SELECT name, value FROM limits WHERE scope = ?", scope)
            known = {r["name"]: int(r["value"]) for r in records if r["name"] in Limits.names()}
            limits = limits.with_values(known)
        return limits

    async def set_limit(self, chat: tuple[str, str] | None, name: str, value: int | None) -> None:
        """Store a limit for everyone (`chat` None) or one (platform, chat id); None removes it."""
        scope = GLOBAL_SCOPE if chat is None else _chat_scope(*chat)
        if value is None:
            await self.db.execute("DELETE FROM limits WHERE scope = ? AND name = ?", (scope, name))
        else:
            await self.db.execute(
                "INSERT INTO limits (scope, name, value) VALUES (?,?,?) "
                "ON CONFLICT (scope, name) DO UPDATE SET value = excluded.value",
                (scope, name, value),
            )
