"""The bot's SQLite file behind one connection per process: one lock, one set of PRAGMAs, migrated.

Every store of the core (the job queue and its leases, the limits, the chat sessions, the chat
defaults, the press claims, the audit log, blocks, reports, the picture check's flags) is a
repository over this one `Database`: `HarmonizeService` opens it before anything else and closes
it last. Other bot processes sharing the file (scale-out) open their own `Database`; SQLite's
locks and the busy timeout order them.

The rule that keeps one connection safe for many coroutines: a statement that writes runs under
the lock (`write`, `locked`, `transaction`), so it never lands inside another coroutine's open
transaction; reads (`fetch_one`, `fetch_all`) run at once, and inside a transaction they see its
writes.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from bot.core.job_queue.migrations import migrate

BUSY_TIMEOUT_MS = 10_000  # a writer waits this long for another process's lock (docs/bot-core.md)
PRAGMAS = (
    f"busy_timeout={BUSY_TIMEOUT_MS}",  # first: the others may wait for a lock
    "journal_mode=WAL",  # readers never block the writer; the mode persists in the file
    "synchronous=NORMAL",  # with WAL: durable at every checkpoint, no fsync per commit
    "foreign_keys=ON",  # per connection: enforces the schema's REFERENCES (sessions' presses, jobs)
)
Parameters = Iterable[object]


class Database:
    """The SQLite database at `path`: `open()` connects and migrates it, `close()` ends it."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._connection: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()

    @property
    def connection(self) -> aiosqlite.Connection:
        """The open connection; RuntimeError before open()."""
        if self._connection is None:
            raise RuntimeError("Database.open() was not called")
        return self._connection

    async def open(self) -> None:
        """Connect in autocommit mode with the PRAGMAs above, then apply the migrations it lacks."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._connection = await aiosqlite.connect(self.path, isolation_level=None)
        self._connection.row_factory = aiosqlite.Row
        try:
            for pragma in PRAGMAS:
                await self._connection.execute(f"PRAGMA {pragma}")
            async with self.transaction() as connection:
                await migrate(connection)
        except BaseException:
            await self.close()  # a database this bot cannot use (e.g. a newer one) is not held open
            raise

    async def close(self) -> None:
        """Close the connection (no error if not open)."""
        if self._connection is not None:
            await self._connection.close()
            self._connection = None

    @asynccontextmanager
    async def locked(self) -> AsyncIterator[aiosqlite.Connection]:
        """The connection, with no other coroutine's write until the block ends (each statement commits)."""
        async with self._lock:
            yield self.connection

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction at a time (BEGIN IMMEDIATE): commit on success, roll back on any error."""
        async with self.locked() as connection:
            try:
                await connection.execute("BEGIN IMMEDIATE")
                yield connection
            except BaseException:
                # Also when cancelled while BEGIN was under way: it still ran on the db thread.
                with contextlib.suppress(sqlite3.OperationalError):
                    await connection.execute("ROLLBACK")
                raise
            await connection.execute("COMMIT")

    async def write(self, sql: str, parameters: Parameters = ()) -> int:
        """Run one writing statement under the lock; the number of rows it changed."""
        async with self.locked() as connection:
            cursor = await connection.execute(sql, tuple(parameters))
            return cursor.rowcount

    async def fetch_one(self, sql: str, parameters: Parameters = ()) -> aiosqlite.Row | None:
        """The first record of a query, or None."""
        async with self.connection.execute(sql, tuple(parameters)) as cursor:
            return await cursor.fetchone()

    async def fetch_all(self, sql: str, parameters: Parameters = ()) -> list[aiosqlite.Row]:
        """Every record of a query."""
        async with self.connection.execute(sql, tuple(parameters)) as cursor:
            return list(await cursor.fetchall())
