"""Where a job's messages live in Telegram, kept in the core's job `context` across restarts."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core import StoredContext


@dataclass(frozen=True)
class JobContext(StoredContext):
    """The chat, the status message, the user's message to reply to, the forum topic if any, and
    whether the picture check flagged the uploads (1) or not (0)."""

    chat_id: int
    status_id: int
    reply_to_id: int
    thread_id: int | None = None
    flagged: int = 0
