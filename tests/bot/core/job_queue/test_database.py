"""One Database per process (issue 27): one connection for every store, numbered migrations, and a
write from one coroutine never swept into another's transaction."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from pathlib import Path

import aiosqlite
import pytest

from bot.core.chat.loop import ChatLoop
from bot.core.job_queue.database import Database
from bot.core.job_queue.migrations import MIGRATIONS, Migration, migrate
from tests.support.services import started_services

# The jobs table as the first released bot made it: no lease columns, no other table.
FIRST_RELEASE = """
CREATE TABLE jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, platform TEXT NOT NULL,
    user_id TEXT NOT NULL, chat_id TEXT NOT NULL, context TEXT NOT NULL DEFAULT '', status TEXT NOT NULL,
    options TEXT NOT NULL, painting_path TEXT NOT NULL, object_path TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, error TEXT, cancelled_by TEXT, created_at REAL NOT NULL,
    started_at REAL, finished_at REAL
);
INSERT INTO jobs (id, platform, user_id, chat_id, status, options, painting_path, object_path, created_at)
VALUES ('old1', 'telegram', 'u', 'c', 'done', '{}', 'p', 'o', 1.0);
"""
AUDIT_ROW = "INSERT INTO audit_log (platform, chat_id, actor_id, action, at) VALUES ('t', 'c', ?, ?, ?)"


def columns(path: Path, table: str) -> set[str]:
    with closing(sqlite3.connect(path)) as db:
        return {record[1] for record in db.execute(f"PRAGMA table_info({table})")}


def user_version(path: Path) -> int:
    with closing(sqlite3.connect(path)) as db:
        return int(db.execute("PRAGMA user_version").fetchone()[0])


async def test_a_service_and_its_chat_loop_open_one_connection(tmp_path, monkeypatch) -> None:
    opened: list[object] = []
    real_connect = aiosqlite.connect

    def counting_connect(*args, **kwargs):
        opened.append(args[0] if args else kwargs.get("database"))
        return real_connect(*args, **kwargs)

    monkeypatch.setattr(aiosqlite, "connect", counting_connect)
    async with started_services(tmp_path) as start:
        service, _ = await start()
        chat_loop = ChatLoop(service)
        await chat_loop.start()
        try:
            await chat_loop.defaults.set("telegram", "c", "quality", "draft")
            await service.audit.latest("telegram", "c")
        finally:
            await chat_loop.stop()
    assert len(opened) == 1, opened


async def test_a_new_database_takes_every_migration_once(tmp_path) -> None:
    path = tmp_path / "bot.sqlite3"
    for _ in range(2):  # the second open finds nothing to do
        database = Database(path)
        await database.open()
        await database.close()
    assert user_version(path) == MIGRATIONS[-1].number
    assert {"owner", "lease_until"} <= columns(path, "jobs")
    assert columns(path, "loop_presses") and columns(path, "chat_defaults") and columns(path, "reports")


async def test_a_first_release_database_is_brought_up_to_date_with_its_rows(tmp_path) -> None:
    path = tmp_path / "bot.sqlite3"
    with closing(sqlite3.connect(path)) as db:
        db.executescript(FIRST_RELEASE)
    database = Database(path)
    await database.open()
    record = await database.fetch_one("SELECT id, owner, lease_until FROM jobs")
    await database.close()
    assert record is not None and tuple(record) == ("old1", None, None)
    assert user_version(path) == MIGRATIONS[-1].number
    assert columns(path, "loop_sessions")


async def test_a_database_newer_than_the_bot_is_refused_untouched(tmp_path) -> None:
    path = tmp_path / "bot.sqlite3"
    newer = MIGRATIONS[-1].number + 1
    with closing(sqlite3.connect(path)) as db:
        db.execute(f"PRAGMA user_version = {newer}")
    database = Database(path)
    with pytest.raises(RuntimeError, match="newer than this bot"):
        await database.open()
    with pytest.raises(RuntimeError, match=r"Database.open\(\) was not called"):
        await database.fetch_one("SELECT 1")  # closed again, not left open
    assert user_version(path) == newer
    assert not columns(path, "jobs")


async def test_a_failing_migration_leaves_the_previous_version_whole(tmp_path) -> None:
    async def broken(connection: aiosqlite.Connection) -> None:
        await connection.execute("CREATE TABLE half_made (x)")
        raise sqlite3.OperationalError("disk I/O error")

    path = tmp_path / "bot.sqlite3"
    database = Database(path)
    await database.open()
    with pytest.raises(sqlite3.OperationalError):
        async with database.transaction() as connection:
            await migrate(connection, (*MIGRATIONS, Migration(MIGRATIONS[-1].number + 1, "broken", broken)))
    await database.close()
    assert user_version(path) == MIGRATIONS[-1].number
    assert not columns(path, "half_made")


async def test_a_write_waits_for_another_coroutines_transaction_and_survives_its_rollback(tmp_path) -> None:
    database = Database(tmp_path / "bot.sqlite3")
    await database.open()
    other_write: asyncio.Task[int] | None = None
    try:
        with pytest.raises(ValueError):
            async with database.transaction() as connection:
                await connection.execute(AUDIT_ROW, ("a", "rolled back", 1.0))
                other_write = asyncio.create_task(database.write(AUDIT_ROW, ("b", "kept", 2.0)))
                await asyncio.sleep(0.05)  # the other coroutine runs now, and must wait for the lock
                raise ValueError("the transaction fails")
        assert other_write is not None
        assert await other_write == 1
        actions = [record["action"] for record in await database.fetch_all("SELECT action FROM audit_log")]
    finally:
        await database.close()
    assert actions == ["kept"]


async def test_a_store_used_before_the_database_opens_says_so(tmp_path) -> None:
    with pytest.raises(RuntimeError, match=r"Database.open\(\) was not called"):
        await Database(tmp_path / "bot.sqlite3").fetch_one("SELECT 1")


async def test_posted_messages_follow_their_job_from_migration_2(tmp_path) -> None:
    """A version-1 database keeps the posted messages of its jobs and drops those of jobs gone;
    from then on a job's deletion takes its messages, and none are recorded for a job gone."""
    from bot.core.chat.posted_results import PostedMessage, PostedResults
    from bot.core.job_queue.migrations import baseline

    path = tmp_path / "bot.sqlite3"
    async with aiosqlite.connect(path) as db:  # as the bot left it at version 1, with the job 'old1'
        await db.executescript(FIRST_RELEASE)
        await baseline(db)
        await db.execute("INSERT INTO result_messages VALUES ('old1', '[]'), ('gone', '[]')")
        await db.execute("PRAGMA user_version = 1")
        await db.commit()
    database = Database(path)
    await database.open()
    try:
        posted = PostedResults(database)
        kept = await database.fetch_all("SELECT job_id FROM result_messages")
        assert [row[0] for row in kept] == ["old1"]
        message = PostedMessage(7, "photo", "file-id", "caption")
        await posted.record("old1", [message])
        await posted.record("never-queued", [message])
        assert await posted.get("old1") == [message] and await posted.get("never-queued") == []
        await database.write("DELETE FROM jobs WHERE id = 'old1'")
        assert await posted.get("old1") == []
    finally:
        await database.close()
    assert user_version(path) == 2
