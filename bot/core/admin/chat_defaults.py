"""Per-server / per-chat defaults admins set for the chat loop: quality, strength, likeness,
whether everyone in the chat may press the buttons under anyone's preview and results, and what
the picture check does with a flagged picture (bot/core/admin/moderation_policy.py).

Stored in the bot's SQLite database like the limits (bot/core/job_queue/database.py), so restarts keep them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.admin.moderation_policy import parse_policy
from bot.core.chat.loop_state import STRENGTHS, LoopState, strength_tau
from bot.core.errors import InvalidOptions
from bot.core.job_queue.database import Database

NAMES = ("quality", "strength", "likeness", "shared_buttons", "moderation")
YES = ("on", "yes", "true", "1")
NO = ("off", "no", "false", "0")


@dataclass(frozen=True)
class ChatDefaults:
    """One chat's defaults; None means the bot's own (settings' default quality, medium, 0)."""

    quality: str | None = None
    strength: str | None = None
    likeness: float | None = None
    shared_buttons: bool = False
    moderation: str | None = None  # a moderation_policy.Policy value; None: the bot's own

    def apply(self, state: LoopState) -> LoopState:
        """`state` with these defaults in place of the bot's."""
        changes: dict[str, object] = {}
        if self.quality is not None:
            changes["quality"] = self.quality
        if self.strength is not None:
            changes["tau"] = strength_tau(self.strength)
        if self.likeness is not None:
            changes["likeness"] = self.likeness
        return state.replace(**changes)


def parse_value(name: str, text: str, qualities: Sequence[str]) -> object:
    """An admin's typed value for `name`, checked; raises InvalidOptions with what is allowed."""
    text = text.strip().lower()
    if name == "quality":
        if text not in qualities:
            raise InvalidOptions(f"Quality must be one of: {', '.join(qualities)}.")
        return text
    if name == "strength":
        names = ["auto", *(label for label, _ in STRENGTHS)]
        if text not in names:
            raise InvalidOptions(f"Strength must be one of: {', '.join(names)}.")
        return text
    if name == "likeness":
        try:
            value = float(text)
        except ValueError:
            value = -1.0
        if not 0.0 <= value <= 1.0:
            raise InvalidOptions(
                "Likeness is how much of the object's own look to keep: a number "
                "from 0 (the painting's look) to 1 (the object's)."
            )
        return value
    if name == "shared_buttons":
        if text not in YES + NO:
            raise InvalidOptions("Shared buttons is on or off.")
        return text in YES
    if name == "moderation":
        try:
            return parse_policy(text).value
        except ValueError as error:
            raise InvalidOptions(str(error)) from None
    raise InvalidOptions(f"Unknown default {name!r}; the defaults are: {', '.join(NAMES)}.")


class ChatDefaultsStore:
    """The chat_defaults table of the bot's database (bot/core/job_queue/migrations.py)."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def get(self, platform: str, chat_id: str) -> ChatDefaults:
        """The chat's defaults (the bot's own where none is set)."""
        records = await self.database.fetch_all(
            "SELECT name, value FROM chat_defaults WHERE platform = ? AND chat_id = ?", (platform, chat_id)
        )
        stored = {name: value for name, value in records if name in NAMES}
        values: dict[str, object] = {}
        for name, value in stored.items():
            values[name] = float(value) if name == "likeness" else value == "on" if name == "shared_buttons" else value
        return ChatDefaults(**values)  # type: ignore[arg-type]

    async def set(self, platform: str, chat_id: str, name: str, value: object | None) -> None:
        """Store one default (None removes it)."""
        if name not in {f.name for f in dataclasses.fields(ChatDefaults)}:
            raise ValueError(f"unknown chat default {name!r}")
        if value is None:
            await self.database.write(
                "DELETE FROM chat_defaults WHERE platform = ? AND chat_id = ? AND name = ?", (platform, chat_id, name)
            )
            return
        text = ("on" if value else "off") if isinstance(value, bool) else str(value)
        await self.database.write(
            "INSERT INTO chat_defaults VALUES (?,?,?,?) ON CONFLICT (platform, chat_id, name) "
            "DO UPDATE SET value = excluded.value",
            (platform, chat_id, name, text),
        )
