"""Every admin change (limits, defaults, the picture check's policy, blocks), kept in SQLite so
that a chat's admins can read who changed what (`/audit`, the last 20 entries).

Entries are kept for KEPT_DAYS and at most KEPT_PER_CHAT per chat: recording one prunes its chat's
older ones, so a busy server's log does not grow for ever.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from bot.core.job_queue.database import Database
from bot.core.jobs import Requester

SHOWN = 20  # entries `/audit` shows (issue 26)
KEPT_DAYS = 45  # as long as Discord keeps a server's own audit log
KEPT_PER_CHAT = 500  # the newest entries kept per chat, whatever their age


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
    """The audit_log table of the bot's database (bot/core/job_queue/migrations.py)."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def record(self, requester: Requester, action: str, at: float) -> None:
        """Keep one change made by `requester` in their chat, and prune the chat's entries past their keep."""
        chat = (requester.platform, requester.chat_id)
        async with self.database.transaction() as db:
            await db.execute(
                "INSERT INTO audit_log (platform, chat_id, actor_id, action, at) VALUES (?, ?, ?, ?, ?)",
                (*chat, requester.user_id, action, at),
            )
            await db.execute(
                "DELETE FROM audit_log WHERE platform = ? AND chat_id = ? AND (at < ? OR seq <= "
                "(SELECT seq FROM audit_log WHERE platform = ? AND chat_id = ? ORDER BY seq DESC LIMIT 1 OFFSET ?))",
                (*chat, at - KEPT_DAYS * 86400, *chat, KEPT_PER_CHAT),
            )

    async def latest(self, platform: str, chat_id: str, count: int = SHOWN) -> list[AuditEntry]:
        """A chat's last `count` changes, newest first."""
        records = await self.database.fetch_all(
            "SELECT actor_id, action, at FROM audit_log WHERE platform = ? AND chat_id = ? ORDER BY seq DESC LIMIT ?",
            (platform, chat_id, count),
        )
        return [AuditEntry(actor, action, at) for actor, action, at in records]
