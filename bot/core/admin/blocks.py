"""Admins stop one user in their chat: `/block` and `/unblock`, kept in SQLite (restarts keep
them). A blocked user's submissions, previews and button presses there are refused with one
line; every change goes to the audit log."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.admin.audit_log import AuditLog
from bot.core.admin.rules import AdminRules
from bot.core.errors import InvalidOptions, NotAllowed
from bot.core.job_queue.database import Database
from bot.core.jobs import Requester

BLOCKED = "An admin here has stopped you from using this bot in this chat."
ADMINS_ONLY = "Only admins of this chat can block or unblock someone."


class Blocked(NotAllowed):
    """The requester is blocked in this chat."""


class BlockList:
    """The blocked_users table of the bot's database (bot/core/job_queue/migrations.py); `clock`: Unix seconds."""

    def __init__(self, database: Database, admin: AdminRules, audit: AuditLog, clock: Callable[[], float]) -> None:
        self.database = database
        self.admin = admin
        self.audit = audit
        self.clock = clock

    async def check(self, requester: Requester) -> None:
        """Raise Blocked if the requester is blocked in their chat."""
        if await self.database.fetch_one(
            "SELECT 1 FROM blocked_users WHERE platform = ? AND chat_id = ? AND user_id = ?",
            (requester.platform, requester.chat_id, requester.user_id),
        ):
            raise Blocked(BLOCKED)

    async def block(self, requester: Requester, user_id: str) -> None:
        """Block `user_id` in the requester's chat (its admins and the bot's owners only)."""
        self._check_admin(requester)
        target = Requester(requester.platform, user_id, requester.chat_id)
        if user_id == requester.user_id or self.admin.is_owner(target):
            raise InvalidOptions("You cannot block yourself or the bot's owners.")
        await self.database.write(
            "INSERT OR REPLACE INTO blocked_users VALUES (?, ?, ?, ?, ?)",
            (requester.platform, requester.chat_id, user_id, requester.user_id, self.clock()),
        )
        await self.audit.record(requester, f"blocked user {user_id}", self.clock())

    async def unblock(self, requester: Requester, user_id: str) -> bool:
        """Unblock `user_id` in the requester's chat; False if they were not blocked."""
        self._check_admin(requester)
        removed = await self.database.write(
            "DELETE FROM blocked_users WHERE platform = ? AND chat_id = ? AND user_id = ?",
            (requester.platform, requester.chat_id, user_id),
        )
        if removed == 0:
            return False
        await self.audit.record(requester, f"unblocked user {user_id}", self.clock())
        return True

    def _check_admin(self, requester: Requester) -> None:
        if not self.admin.is_admin_of(requester, requester.platform, requester.chat_id):
            raise NotAllowed(ADMINS_ONLY)
