"""The job queue, submission history and admin limits: a repository over the bot's Database.

Every write happens inside `transaction()`: the database's lock plus BEGIN IMMEDIATE, so a limit
check and the insert it allows are atomic even under hundreds of concurrent submissions, and
across bot processes sharing the database.

Job ownership: every active job (uploading, queued, running) has an `owner`, the bot process
that answers for it (runs it, or tells its users about it), and a `lease_until` (Unix seconds)
that the owner keeps renewing. Another process takes a job over only once its lease has
expired, so two live processes never run the same job nor report on it both.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiosqlite

from bot.core.job_queue.database import Database
from bot.core.job_queue.job_spec import JobSpec
from bot.core.job_queue.limits import Limits, Usage
from bot.core.jobs import JobRef, JobStatus

UPLOADING = "uploading"  # a job whose images are being written; no front end ever sees it
ACTIVE = (JobStatus.QUEUED.value, JobStatus.RUNNING.value)
COUNTED = (*ACTIVE, UPLOADING)  # what the concurrency limits count
GLOBAL_SCOPE = "global"


@dataclass(frozen=True)
class JobRow:
    """One stored job and what it runs with (`spec`)."""

    ref: JobRef
    status: JobStatus
    spec: JobSpec
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
        ref=JobRef(record["id"], record["platform"], record["user_id"], record["chat_id"], record["context"]),
        status=JobStatus(record["status"]),
        spec=JobSpec.from_json(record["options"]),
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
    """The jobs, submissions and limits tables of the bot's database (bot/core/job_queue/migrations.py)."""

    def __init__(self, database: Database) -> None:
        self.database = database

    @property
    def db(self) -> aiosqlite.Connection:
        """The database's connection; RuntimeError before it is open."""
        return self.database.connection

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """One write transaction at a time, shared with every store: commit on success, roll back on error."""
        async with self.database.transaction():
            yield

    async def _one(self, sql: str, *args: object) -> aiosqlite.Row | None:
        """The first record of a query, or None."""
        return await self.database.fetch_one(sql, args)

    async def _all(self, sql: str, *args: object) -> list[aiosqlite.Row]:
        """Every record of a query."""
        return await self.database.fetch_all(sql, args)

    # ------------------------------------------------------------------ jobs

    async def insert_uploading(
        self,
        ref: JobRef,
        spec: JobSpec,
        painting_path: str,
        object_path: str,
        now: float,
        owner: str,
        lease_until: float,
    ) -> None:
        """Add a job whose images are about to be written, and count it as a submission.

        Call inside a transaction; `mark_queued` queues it once its files are in place.
        """
        await self.db.execute(
            "INSERT INTO jobs (id, platform, user_id, chat_id, context, status, options,"
            " painting_path, object_path, created_at, owner, lease_until)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                ref.job_id,
                ref.platform,
                ref.user_id,
                ref.chat_id,
                ref.context,
                UPLOADING,
                spec.to_json(),
                painting_path,
                object_path,
                now,
                owner,
                lease_until,
            ),
        )
        await self.db.execute(
            "INSERT INTO submissions (platform, user_id, chat_id, at) VALUES (?,?,?,?)",
            (ref.platform, ref.user_id, ref.chat_id, now),
        )

    async def mark_queued(self, job_id: str) -> bool:
        """Queue an uploaded job; False if it is gone (its owner's data was deleted meanwhile)."""
        cursor = await self.db.execute(
            "UPDATE jobs SET status = 'queued' WHERE id = ? AND status = ?",
            (job_id, UPLOADING),
        )
        return cursor.rowcount > 0

    async def delete_job(self, job_id: str) -> None:
        """Forget one job (a submission that failed before it was queued)."""
        await self.db.execute("DELETE FROM jobs WHERE id = ?", (job_id,))

    async def get(self, job_id: str) -> JobRow | None:
        """One job, or None (also while its images are being written)."""
        record = await self._one("SELECT * FROM jobs WHERE id = ? AND status != ?", job_id, UPLOADING)
        return None if record is None else _row(record)

    async def list_user(self, platform: str, user_id: str) -> list[JobRow]:
        """A user's jobs, oldest first (not those whose images are being written)."""
        records = await self._all(
            "SELECT * FROM jobs WHERE platform = ? AND user_id = ? AND status != ? ORDER BY seq",
            platform,
            user_id,
            UPLOADING,
        )
        return [_row(r) for r in records]

    async def all_ids(self) -> set[str]:
        """The id of every job in the database, whatever its state."""
        return {r["id"] for r in await self._all("SELECT id FROM jobs")}

    async def position(self, job_id: str) -> int:
        """1-based position of a queued job among queued jobs (0 if it is not queued)."""
        record = await self._one(
            "SELECT COUNT(*) FROM jobs WHERE status = 'queued' AND seq <= "
            "(SELECT seq FROM jobs WHERE id = ? AND status = 'queued')",
            job_id,
        )
        return int(record[0]) if record is not None else 0

    async def queued_refs(self) -> list[tuple[JobRef, str | None]]:
        """Every queued job and its owner, in queue order."""
        records = await self._all("SELECT * FROM jobs WHERE status = 'queued' ORDER BY seq")
        return [(_row(r).ref, r["owner"]) for r in records]

    async def counts(self) -> tuple[int, int]:
        """(queued, running) job counts."""
        record = await self._one("SELECT SUM(status = 'queued'), SUM(status = 'running') FROM jobs")
        return (int(record[0] or 0), int(record[1] or 0)) if record is not None else (0, 0)

    async def claim_next(self, now: float, owner: str, lease_until: float) -> JobRow | None:
        """Mark the oldest queued job running (one more attempt) under `owner`'s lease and
        return it, or None."""
        record = await self._one("SELECT id FROM jobs WHERE status = 'queued' ORDER BY seq LIMIT 1")
        if record is None:
            return None
        await self.db.execute(
            "UPDATE jobs SET status = 'running', attempts = attempts + 1, started_at = ?, "
            "owner = ?, lease_until = ? WHERE id = ?",
            (now, owner, lease_until, record["id"]),
        )
        return await self.get(record["id"])

    async def renew_leases(self, owner: str, lease_until: float) -> set[str]:
        """Extend every lease `owner` holds; return the ids of the jobs it still holds.

        A running job missing from the answer was ended (cancelled) by another process.
        """
        await self.db.execute(
            "UPDATE jobs SET lease_until = ? WHERE owner = ? AND status IN (?, ?, ?)",
            (lease_until, owner, *COUNTED),
        )
        records = await self._all("SELECT id FROM jobs WHERE owner = ? AND status IN (?, ?, ?)", owner, *COUNTED)
        return {r["id"] for r in records}

    async def finish(
        self,
        job_id: str,
        status: JobStatus,
        now: float,
        error: str | None = None,
        cancelled_by: str | None = None,
        owner: str | None = None,
    ) -> JobStatus | None:
        """End a queued or running job; return its previous status, or None if it had ended
        (or, with `owner`, if another process took it over: a run's end is its owner's to record)."""
        record = await self._one("SELECT status, owner FROM jobs WHERE id = ?", job_id)
        if record is None or record["status"] not in ACTIVE:
            return None
        if owner is not None and record["owner"] != owner:
            return None
        await self.db.execute(
            "UPDATE jobs SET status = ?, error = ?, cancelled_by = ?, finished_at = ? WHERE id = ?",
            (status.value, error, cancelled_by, now, job_id),
        )
        return JobStatus(record["status"])

    async def owner_of(self, job_id: str) -> str | None:
        """The process holding a job (None: nobody, or no such job)."""
        record = await self._one("SELECT owner FROM jobs WHERE id = ?", job_id)
        return None if record is None else record["owner"]

    async def requeue(self, job_id: str, owner: str | None = None) -> bool:
        """Put a running job back in the queue at its old place; False if it is not running
        (or, with `owner`, not held by it)."""
        cursor = await self.db.execute(
            "UPDATE jobs SET status = 'queued', started_at = NULL WHERE id = ? AND status = 'running' "
            "AND (? IS NULL OR owner = ?)",
            (job_id, owner, owner),
        )
        return cursor.rowcount > 0

    async def recover_expired(
        self, max_attempts: int, now: float, reason: str, me: str, lease_until: float
    ) -> tuple[list[JobRow], list[str]]:
        """Take over the jobs of dead processes: lease expired, or none (an older version's).

        Never `me`'s own jobs, which run here whatever their lease says. Running jobs with
        attempts left are queued again, the others failed; uploads that never finished are
        deleted; the queued ones (those included) become `me`'s, leased until `lease_until`.
        Returns (failed rows, deleted upload ids).
        """
        expired = "(lease_until IS NULL OR lease_until < ?) AND owner IS NOT ?"
        records = await self._all(f"SELECT * FROM jobs WHERE status = 'running' AND {expired}", now, me)
        failed = [_row(r) for r in records if r["attempts"] >= max_attempts]
        await self.db.execute(
            "UPDATE jobs SET status = 'failed', error = ?, finished_at = ?, owner = NULL, "
            f"lease_until = NULL WHERE status = 'running' AND attempts >= ? AND {expired}",
            (reason, now, max_attempts, now, me),
        )
        await self.db.execute(
            f"UPDATE jobs SET status = 'queued', started_at = NULL WHERE status = 'running' AND {expired}",
            (now, me),
        )
        await self.db.execute(
            f"UPDATE jobs SET owner = ?, lease_until = ? WHERE status = 'queued' AND {expired}",
            (me, lease_until, now, me),
        )
        uploads = await self._all(f"SELECT id FROM jobs WHERE status = ? AND {expired}", UPLOADING, now, me)
        await self.db.execute(f"DELETE FROM jobs WHERE status = ? AND {expired}", (UPLOADING, now, me))
        return failed, [r["id"] for r in uploads]

    async def release(self, owner: str) -> None:
        """On a clean stop: `owner`'s running jobs go back to the queue with their attempt back,
        and its queued jobs are free for the next process to look (start or lease renewal)."""
        await self.db.execute(
            "UPDATE jobs SET status = 'queued', started_at = NULL, attempts = MAX(attempts - 1, 0)"
            " WHERE status = 'running' AND owner = ?",
            (owner,),
        )
        await self.db.execute("UPDATE jobs SET lease_until = NULL WHERE status = 'queued' AND owner = ?", (owner,))

    async def delete_user(self, platform: str, user_id: str) -> list[str]:
        """Delete a user's jobs; return their ids."""
        records = await self._all("SELECT id FROM jobs WHERE platform = ? AND user_id = ?", platform, user_id)
        await self.db.execute("DELETE FROM jobs WHERE platform = ? AND user_id = ?", (platform, user_id))
        return [r["id"] for r in records]

    async def delete_ended_before(self, cutoff: float) -> list[str]:
        """Delete jobs that ended before `cutoff` (Unix seconds); return their ids."""
        records = await self._all("SELECT id FROM jobs WHERE status NOT IN (?, ?) AND finished_at < ?", *ACTIVE, cutoff)
        await self.db.execute("DELETE FROM jobs WHERE status NOT IN (?, ?) AND finished_at < ?", (*ACTIVE, cutoff))
        return [r["id"] for r in records]

    # ------------------------------------------------------------ limits and usage

    async def usage(self, platform: str, user_id: str, chat_id: str, since: float) -> Usage:
        """Active jobs of the user, the chat and everyone; their submissions after `since`."""
        record = await self._one(
            "SELECT SUM(platform = ? AND user_id = ?), SUM(platform = ? AND chat_id = ?), COUNT(*)"
            " FROM jobs WHERE status IN (?, ?, ?)",
            platform,
            user_id,
            platform,
            chat_id,
            *COUNTED,
        )
        user_times = await self._all(
            "SELECT at FROM submissions WHERE platform = ? AND user_id = ? AND at > ?",
            platform,
            user_id,
            since,
        )
        chat_times = await self._all(
            "SELECT at FROM submissions WHERE platform = ? AND chat_id = ? AND at > ?",
            platform,
            chat_id,
            since,
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

    async def effective_limits(self, defaults: Limits, platform: str | None, chat_id: str | None) -> Limits:
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
