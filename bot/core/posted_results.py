"""Where a result's messages are, when a platform posts it as several (Telegram: an album, the
side-by-side and the before -> after), so that its Delete button removes them all; in SQLite,
so restarts keep them."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import aiosqlite

from bot.core.table_connection import TableConnection

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
        self._table = TableConnection(self.path, SCHEMA, "PostedResults")

    async def open(self) -> None:
        """Open the database and create the table."""
        await self._table.open()

    async def close(self) -> None:
        """Close the connection (no error if not open)."""
        await self._table.close()

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
        return self._table.db
