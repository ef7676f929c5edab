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

import hashlib
from dataclasses import dataclass

from bot.core.chat.actions import Action, Press
from bot.core.chat.loop_state import LoopState
from bot.core.errors import BotError
from bot.core.job_queue.database import Database

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
    """The claimed buttons: the loop_presses table of the bot's database (bot/core/job_queue/migrations.py)."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def claim(self, button: str, session_id: str, now: float) -> PressClaim:
        """Claim `button` for one job; AlreadyPressed when it is claimed (and not stale)."""
        async with self.database.locked() as connection:
            cursor = await connection.execute(
                "INSERT INTO loop_presses (button, session_id, job_id, claimed_at) VALUES (?, ?, NULL, ?) "
                "ON CONFLICT (button) DO UPDATE SET claimed_at = excluded.claimed_at "
                "WHERE loop_presses.job_id IS NULL AND loop_presses.claimed_at < ?",
                (button, session_id, now, now - STALE_CLAIM_S),
            )
            if cursor.rowcount == 1:
                return PressClaim(button, session_id)
            record = await self.database.fetch_one("SELECT job_id FROM loop_presses WHERE button = ?", (button,))
        job_id = None if record is None else record[0]
        raise AlreadyPressed(already_text(job_id), job_id)

    async def settle(self, claim: PressClaim, job_id: str) -> None:
        """Record the job the claimed press queued."""
        await self.database.write("UPDATE loop_presses SET job_id = ? WHERE button = ?", (job_id, claim.button))

    async def release(self, claim: PressClaim) -> None:
        """Give a claim back (its press was refused or failed) so that the button works again."""
        await self.database.write("DELETE FROM loop_presses WHERE button = ? AND job_id IS NULL", (claim.button,))
