"""The bot database's tables, as numbered migrations applied in order (SQLite's user_version).

A database records the number of the last migration it took (`PRAGMA user_version`);
`migrate` applies the later ones, each inside the opening transaction, so a crash leaves the
previous version whole. **A change to a table is a new migration appended below, never an edit of
an earlier one**: databases in use have already taken those.

Migration 1 is the baseline: every table as of its writing, created only where missing, plus the
columns an earlier layout lacked (the job leases), because databases made before numbered
migrations (user_version 0) may hold any earlier layout.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiosqlite

JOBS = """
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
    finished_at REAL,
    owner TEXT,
    lease_until REAL
)"""
SUBMISSIONS = """
CREATE TABLE IF NOT EXISTS submissions (
    platform TEXT NOT NULL,
    user_id TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    at REAL NOT NULL
)"""
LIMITS = """
CREATE TABLE IF NOT EXISTS limits (
    scope TEXT NOT NULL,
    name TEXT NOT NULL,
    value INTEGER NOT NULL,
    PRIMARY KEY (scope, name)
)"""
CHAT_SESSIONS = """
CREATE TABLE IF NOT EXISTS loop_sessions (
    id TEXT PRIMARY KEY,
    platform TEXT NOT NULL,
    user_id TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    context TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    painting_path TEXT NOT NULL,
    object_path TEXT NOT NULL,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL
)"""
CHAT_SESSION_JOBS = """
CREATE TABLE IF NOT EXISTS loop_jobs (
    job_id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES loop_sessions (id) ON DELETE CASCADE,
    parent_job_id TEXT,
    state TEXT NOT NULL
)"""
PRESSES = """
CREATE TABLE IF NOT EXISTS loop_presses (
    button TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES loop_sessions (id) ON DELETE CASCADE,
    job_id TEXT,
    claimed_at REAL NOT NULL
)"""
PREVIEW_OPENINGS = """
CREATE TABLE IF NOT EXISTS preview_openings (
    platform TEXT NOT NULL,
    user_id TEXT NOT NULL,
    opened_at REAL NOT NULL
)"""
CHAT_DEFAULTS = """
CREATE TABLE IF NOT EXISTS chat_defaults (
    platform TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (platform, chat_id, name)
)"""
AUDIT_LOG = """
CREATE TABLE IF NOT EXISTS audit_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    platform TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    action TEXT NOT NULL,
    at REAL NOT NULL
)"""
BLOCKED_USERS = """
CREATE TABLE IF NOT EXISTS blocked_users (
    platform TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    blocked_by TEXT NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (platform, chat_id, user_id)
)"""
RESULT_MESSAGES = """
CREATE TABLE IF NOT EXISTS result_messages (
    job_id TEXT PRIMARY KEY,
    message_ids TEXT NOT NULL
)"""
REPORT_DESTINATIONS = """
CREATE TABLE IF NOT EXISTS report_destinations (
    platform TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    destination TEXT NOT NULL,
    PRIMARY KEY (platform, chat_id)
)"""
REPORTS = """
CREATE TABLE IF NOT EXISTS reports (
    job_id TEXT PRIMARY KEY,
    platform TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    reporter_id TEXT NOT NULL,
    destination TEXT,
    result_place TEXT NOT NULL,
    status TEXT NOT NULL,
    at REAL NOT NULL
)"""
FLAGGED_SESSIONS = """
CREATE TABLE IF NOT EXISTS flagged_sessions (
    session_id TEXT PRIMARY KEY,
    at REAL NOT NULL
)"""
REFUSED_PICTURES = """
CREATE TABLE IF NOT EXISTS refused_pictures (
    platform TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    at REAL NOT NULL
)"""
BASELINE_TABLES = (
    # The job queue and its leases, the submissions the limits count, the admins' limits (store.py).
    JOBS,
    "CREATE INDEX IF NOT EXISTS jobs_by_status ON jobs (status, seq)",
    "CREATE INDEX IF NOT EXISTS jobs_by_user ON jobs (platform, user_id)",
    "CREATE INDEX IF NOT EXISTS jobs_by_chat ON jobs (platform, chat_id, status)",
    SUBMISSIONS,
    "CREATE INDEX IF NOT EXISTS submissions_by_user ON submissions (platform, user_id, at)",
    "CREATE INDEX IF NOT EXISTS submissions_by_chat ON submissions (platform, chat_id, at)",
    LIMITS,
    # Chat sessions and the jobs they queued (sessions.py); their buttons' claims (press_guard.py).
    CHAT_SESSIONS,
    "CREATE INDEX IF NOT EXISTS loop_sessions_by_user ON loop_sessions (platform, user_id)",
    "CREATE INDEX IF NOT EXISTS loop_sessions_by_expiry ON loop_sessions (expires_at)",
    CHAT_SESSION_JOBS,
    "CREATE INDEX IF NOT EXISTS loop_jobs_by_session ON loop_jobs (session_id)",
    PRESSES,
    "CREATE INDEX IF NOT EXISTS loop_presses_by_session ON loop_presses (session_id)",
    # Previews opened, for their hourly limit (preview_limits.py); each chat's defaults (chat_defaults.py).
    PREVIEW_OPENINGS,
    "CREATE INDEX IF NOT EXISTS preview_openings_by_user ON preview_openings (platform, user_id, opened_at)",
    CHAT_DEFAULTS,
    # Admin changes (audit_log.py), blocked members (blocks.py), posted results (posted_results.py).
    AUDIT_LOG,
    "CREATE INDEX IF NOT EXISTS audit_log_by_chat ON audit_log (platform, chat_id, seq)",
    BLOCKED_USERS,
    RESULT_MESSAGES,
    # Reports and where they go (reports.py); the picture check's flags and refusals (picture_moderation.py).
    REPORT_DESTINATIONS,
    REPORTS,
    FLAGGED_SESSIONS,
    REFUSED_PICTURES,
)
LEASE_COLUMNS = {"owner": "TEXT", "lease_until": "REAL"}  # jobs tables made before leases lack them


async def baseline(connection: aiosqlite.Connection) -> None:
    """Migration 1: every table where missing, and the lease columns of older jobs tables."""
    for statement in BASELINE_TABLES:
        await connection.execute(statement)
    async with connection.execute("PRAGMA table_info(jobs)") as cursor:
        present = {record[1] for record in await cursor.fetchall()}  # (cid, name, type, ...)
    for column, kind in LEASE_COLUMNS.items():
        if column not in present:
            await connection.execute(f"ALTER TABLE jobs ADD COLUMN {column} {kind}")


@dataclass(frozen=True)
class Migration:
    """One numbered change of the schema."""

    number: int
    description: str
    apply: Callable[[aiosqlite.Connection], Awaitable[None]]


# Migration 2: a posted result's messages go with their job, by the schema rather than by a
# sweep the job store made over the chat's table (bot/core/chat/posted_results.py).
RESULT_MESSAGES_OF_JOBS = """
CREATE TABLE result_messages (
    job_id TEXT PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
    message_ids TEXT NOT NULL
)"""


async def posted_results_follow_their_jobs(connection: aiosqlite.Connection) -> None:
    """Migration 2: result_messages rebuilt with a cascade from jobs; rows of jobs already gone are dropped."""
    await connection.execute("ALTER TABLE result_messages RENAME TO result_messages_before")
    await connection.execute(RESULT_MESSAGES_OF_JOBS)
    await connection.execute(
        "INSERT INTO result_messages SELECT job_id, message_ids FROM result_messages_before"
        " WHERE job_id IN (SELECT id FROM jobs)"
    )
    await connection.execute("DROP TABLE result_messages_before")


MIGRATIONS = (
    Migration(1, "baseline: every table of the bot as of 2026-12", baseline),
    Migration(2, "a posted result's messages are deleted with their job", posted_results_follow_their_jobs),
)


async def version(connection: aiosqlite.Connection) -> int:
    """The number of the last migration the database took (0: none)."""
    async with connection.execute("PRAGMA user_version") as cursor:
        record = await cursor.fetchone()
    return int(record[0]) if record is not None else 0


async def migrate(connection: aiosqlite.Connection, migrations: tuple[Migration, ...] = MIGRATIONS) -> int:
    """Apply the migrations after the database's version, in order (call inside a transaction); the new version."""
    current = await version(connection)
    if current > migrations[-1].number:
        raise RuntimeError(
            f"The bot's database is at version {current}, newer than this bot (version "
            f"{migrations[-1].number}); run the newer bot, or point it at another database file."
        )
    for migration in migrations:
        if migration.number > current:
            await migration.apply(connection)
            await connection.execute(f"PRAGMA user_version = {migration.number}")
            current = migration.number
    return current
