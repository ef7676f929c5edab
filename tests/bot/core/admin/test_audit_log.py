"""The audit log keeps a chat's recent admin changes and prunes the rest (bot/core/admin/audit_log.py)."""

from __future__ import annotations

from bot.core.admin import audit_log
from bot.core.admin.audit_log import KEPT_DAYS, AuditLog
from bot.core.job_queue.database import Database
from bot.core.jobs import Requester

DAY = 86400.0
ADMIN = Requester("telegram", "admin", "chat")
OTHER_CHAT = Requester("telegram", "admin", "other")


async def opened(tmp_path) -> Database:
    database = Database(tmp_path / "bot.sqlite3")
    await database.open()
    return database


async def test_entries_older_than_the_keep_go_when_a_change_is_recorded(tmp_path) -> None:
    database = await opened(tmp_path)
    try:
        log = AuditLog(database)
        await log.record(ADMIN, "set quality to draft", at=0.0)
        await log.record(OTHER_CHAT, "blocked user 7", at=0.0)
        await log.record(ADMIN, "set quality to standard", at=(KEPT_DAYS - 1) * DAY)
        assert [e.action for e in await log.latest("telegram", "chat")] == [
            "set quality to standard",
            "set quality to draft",
        ]
        await log.record(ADMIN, "unblocked user 7", at=(KEPT_DAYS + 1) * DAY)
        assert [e.action for e in await log.latest("telegram", "chat")] == [
            "unblocked user 7",
            "set quality to standard",
        ]
        assert [e.action for e in await log.latest("telegram", "other")] == ["blocked user 7"]  # its own chat's turn
    finally:
        await database.close()


async def test_a_chat_keeps_at_most_its_newest_entries(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(audit_log, "KEPT_PER_CHAT", 3)
    database = await opened(tmp_path)
    try:
        log = AuditLog(database)
        for n in range(5):
            await log.record(ADMIN, f"change {n}", at=float(n))
        await log.record(OTHER_CHAT, "change in the other chat", at=5.0)
        assert [e.action for e in await log.latest("telegram", "chat", count=10)] == [
            "change 4",
            "change 3",
            "change 2",
        ]
        rows = await database.fetch_all("SELECT chat_id FROM audit_log")
        assert sorted(r["chat_id"] for r in rows) == ["chat", "chat", "chat", "other"]
    finally:
        await database.close()
