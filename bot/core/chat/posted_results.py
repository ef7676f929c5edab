"""Where a result's messages are, when a platform posts it as several (Telegram: an album, the
side-by-side and the before -> after), so that its Delete button removes them all; in SQLite,
so restarts keep them."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from bot.core.job_queue.database import Database


@dataclass(frozen=True)
class PostedMessage:
    """One message of a posted result: its id, its kind ("photo", "document", "animation"), the
    platform's id of its file (to show it again hidden or not) and its caption."""

    message_id: int
    kind: str
    file_id: str
    caption: str


class PostedResults:
    """The result_messages table of the bot's database (bot/core/job_queue/migrations.py)."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def record(self, job_id: str, messages: list[PostedMessage]) -> None:
        """Remember the messages a job's result was posted as; nothing where the job is gone already
        (its user deleted their data while it was being posted). The rows go with their job
        (migration 2, bot/core/job_queue/migrations.py)."""
        text = json.dumps([asdict(message) for message in messages])
        await self.database.write(
            "INSERT OR REPLACE INTO result_messages SELECT ?, ? WHERE EXISTS (SELECT 1 FROM jobs WHERE id = ?)",
            (job_id, text, job_id),
        )

    async def get(self, job_id: str) -> list[PostedMessage]:
        """The messages of a job's result (none if unknown)."""
        row = await self.database.fetch_one("SELECT message_ids FROM result_messages WHERE job_id = ?", (job_id,))
        return [PostedMessage(**message) for message in json.loads(row[0])] if row else []
