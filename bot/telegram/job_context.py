"""Where a job's messages live in Telegram, kept in the core's job `context` across restarts."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class JobContext:
    """The chat, the status message, the user's message to reply to, and the forum topic if any."""

    chat_id: int
    status_id: int
    reply_to_id: int
    thread_id: int | None = None

    def to_json(self) -> str:
        """A short JSON string for `HarmonizeService.submit(context=...)`."""
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> JobContext | None:
        """Parse what `to_json` wrote; None for anything else (e.g. a job from another version)."""
        try:
            data = json.loads(text)
            return cls(
                int(data["chat_id"]),
                int(data["status_id"]),
                int(data["reply_to_id"]),
                None if data.get("thread_id") is None else int(data["thread_id"]),
            )
        except (ValueError, TypeError, KeyError):
            return None
