"""Every admin change (limits, defaults, the picture check's policy, blocks), kept in SQLite so
that a chat's admins can read who changed what (`/audit`, the last 20 entries)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

from bot.core.jobs import Requester
from bot.core.table_connection import TableConnection

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    platform TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    action TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_log_by_chat ON audit_log (platform, chat_id, seq);
"""
SHOWN = 20  # entries `/audit` shows (issue 26)


@dataclass(frozen=True)
class AuditEntry:
    """One admin change: who (user id on the platform), what, when (Unix seconds)."""

    actor_id: str
    action: str
    at: float

    def line(self) -> str:
        """The entry as one line: "2026-12-04 17:20 UTC, user 123: set user_jobs_per_hour to 3"."""
        when = datetime.datetime.fromtimestamp(self.at, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        return f"{when}, user {self.actor_id}: {self.action}"


class AuditLog:
    """The audit_log table of the database at `path` (its own connection)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._table = TableConnection(self.path, SCHEMA, "AuditLog")

    async def open(self) -> None:
        """Open the database and create the table."""
        await self._table.open()

    async def close(self) -> None:
        """Close the connection (no error if not open)."""
        await self._table.close()

    async def record(self, requester: Requester, action: str, at: float) -> None:
        """Keep one change made by `requester` in their chat."""
        await self._connection().execute(
            "INSERT INTO audit_log (platform, chat_id, actor_id, action, at) VALUES (?, ?, ?, ?, ?)",
            (requester.platform, requester.chat_id, requester.user_id, action, at),
        )

    async def latest(self, platform: str, chat_id: str, count: int = SHOWN) -> list[AuditEntry]:
        """A chat's last `count` changes, newest first."""
        async with self._connection().execute(
            "SELECT actor_id, action, at FROM audit_log WHERE platform = ? AND chat_id = ? ORDER BY seq DESC LIMIT ?",
            (platform, chat_id, count),
        ) as cursor:
            return [AuditEntry(actor, action, at) for actor, action, at in await cursor.fetchall()]

    def _connection(self) -> aiosqlite.Connection:
        return self._table.db
