"""Where a result's messages are, when a platform posts it as several (Telegram: an album, the
side-by-side and the before -> after), so that its Delete button removes them all; in SQLite,
so restarts keep them."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import aiosqlite

SCHEMA = """
CREATE TABLE IF NOT EXISTS result_messages (
    job_id TEXT PRIMARY KEY,
    message_ids TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class PostedMessage:
    """One message of a posted result: its id, its kind ("photo", "document", "animation"), the
    platform's id of its file (to show it again hidden or not) and its caption."""

    message_id: int
    kind: str
    file_id: str
    caption: str


class PostedResults:
    """The result_messages table of the database at `path` (its own connection)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._db: aiosqlite.Connection | None = None

    async def open(self) -> None:
        """Open the database and create the table."""
        self._db = await aiosqlite.connect(self.path, isolation_level=None)
        await self._db.execute("PRAGMA busy_timeout=10000")
        await self._db.executescript(SCHEMA)

    async def close(self) -> None:
        """Close the connection (no error if not open)."""
        if self._db is not None:
            await self._db.close()
            self._db = None

    async def record(self, job_id: str, messages: list[PostedMessage]) -> None:
        """Remember the messages a job's result was posted as."""
        text = json.dumps([asdict(message) for message in messages])
        await self._connection().execute("INSERT OR REPLACE INTO result_messages VALUES (?, ?)", (job_id, text))

    async def get(self, job_id: str) -> list[PostedMessage]:
        """The messages of a job's result (none if unknown)."""
        db = self._connection()
        async with db.execute("SELECT message_ids FROM result_messages WHERE job_id = ?", (job_id,)) as cursor:
            row = await cursor.fetchone()
        return [PostedMessage(**message) for message in json.loads(row[0])] if row else []

    async def take(self, job_id: str) -> list[PostedMessage]:
        """The messages of a job's result (none if unknown), forgotten from now on."""
        messages = await self.get(job_id)
        await self._connection().execute("DELETE FROM result_messages WHERE job_id = ?", (job_id,))
        return messages

    def _connection(self) -> aiosqlite.Connection:
        assert self._db is not None, "PostedResults.open() was not called"
        return self._db
