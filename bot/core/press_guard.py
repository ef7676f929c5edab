"""One job per button: a press that queues a job claims its button once (issue 25, item 1).

A button is the session, the result it sits under (none for Paint it), its action and, for
Paint it, the preview's state (Move / resize posts a new preview of the same session, whose
Paint it is a new button). The first press claims the button in the bot's SQLite database, so
presses arriving at once (a double click, 50 presses in a second) and presses to another bot
process on the same database make one job; the later ones get AlreadyPressed, a short line a
front end shows as an alert. A press refused by the limits gives its claim back, so the button
works again later; a claim left by a crash between the claim and the job expires after
STALE_CLAIM_S.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

from bot.core.actions import Action, Press
from bot.core.errors import BotError
from bot.core.loop_state import LoopState
from bot.core.table_connection import FOREIGN_KEYS, WAL, TableConnection

SCHEMA = """
CREATE TABLE IF NOT EXISTS loop_presses (
    button TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES loop_sessions (id) ON DELETE CASCADE,
    job_id TEXT,
    claimed_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS loop_presses_by_session ON loop_presses (session_id);
"""
# A press is applied within seconds (one decode and one INSERT); a claim this old without a job
# was left by a process that died between the claim and its job.
STALE_CLAIM_S = 120.0
IN_FLIGHT = "Already on its way: this button was just pressed."


class AlreadyPressed(BotError):
    """This button already queued a job (or is queuing one); `job_id` names it when known."""

    def __init__(self, message: str, job_id: str | None) -> None:
        super().__init__(message)
        self.job_id = job_id


@dataclass(frozen=True)
class PressClaim:
    """A claimed button: hand it to ChatLoop.press, which settles or releases it."""

    button: str
    session_id: str


def button_of(press: Press, state: LoopState) -> str:
    """The button a press is on: session, result, action and (for Paint it) the preview's state."""
    painted = state.to_json() if press.action is Action.PAINT else ""
    raw = "|".join((press.session_id, press.job_id or "", press.action.value, painted))
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def already_text(job_id: str | None) -> str:
    """The short line a later press of a button gets."""
    return IN_FLIGHT if job_id is None else f"Already done: this button queued job {job_id}."


class PressGuard:
    """The claimed buttons, in the SQLite database at `database` (its own connection)."""

    def __init__(self, database: Path) -> None:
        self.database = Path(database)
        self._table = TableConnection(self.database, SCHEMA, "PressGuard", (WAL, FOREIGN_KEYS))
        self._lock = asyncio.Lock()

    @property
    def db(self) -> aiosqlite.Connection:
        """The open connection; RuntimeError before open()."""
        return self._table.db

    async def open(self) -> None:
        """Open the database (WAL, shared with the session store) and create the table."""
        await self._table.open()

    async def close(self) -> None:
        """Close the connection (no error if not open)."""
        await self._table.close()

    async def claim(self, button: str, session_id: str, now: float) -> PressClaim:
        """Claim `button` for one job; AlreadyPressed when it is claimed (and not stale)."""
        async with self._lock:
            cursor = await self.db.execute(
                "INSERT INTO loop_presses (button, session_id, job_id, claimed_at) VALUES (?, ?, NULL, ?) "
                "ON CONFLICT (button) DO UPDATE SET claimed_at = excluded.claimed_at "
                "WHERE loop_presses.job_id IS NULL AND loop_presses.claimed_at < ?",
                (button, session_id, now, now - STALE_CLAIM_S),
            )
            if cursor.rowcount == 1:
                return PressClaim(button, session_id)
            async with self.db.execute("SELECT job_id FROM loop_presses WHERE button = ?", (button,)) as c:
                record = await c.fetchone()
        job_id = None if record is None else record[0]
        raise AlreadyPressed(already_text(job_id), job_id)

    async def settle(self, claim: PressClaim, job_id: str) -> None:
        """Record the job the claimed press queued."""
        async with self._lock:
            await self.db.execute("UPDATE loop_presses SET job_id = ? WHERE button = ?", (job_id, claim.button))

    async def release(self, claim: PressClaim) -> None:
        """Give a claim back (its press was refused or failed) so that the button works again."""
        async with self._lock:
            await self.db.execute("DELETE FROM loop_presses WHERE button = ? AND job_id IS NULL", (claim.button,))
