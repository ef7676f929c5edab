"""Inline keyboards of the chat loop: under a preview, under a result's before/after, a job's Cancel.

Each button's callback_data is a whole press (bot/core/chat/actions.py, at most 64 bytes), parsed
without any state, so keyboards on old messages keep working after a restart.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core import STRENGTHS, Action, LoopState, Press, cancel_data, parse_cancel, strength_name, upgraded

PREVIEW_ROWS: tuple[tuple[tuple[Action, str], ...], ...] = (
    ((Action.LEFT, "◀"), (Action.RIGHT, "▶"), (Action.UP, "▲"), (Action.DOWN, "▼")),
    ((Action.BIGGER, "Bigger"), (Action.SMALLER, "Smaller"), (Action.METHOD, "Other cut-out")),
    ((Action.PAINT, "🎨 Paint it"), (Action.DISCARD, "Cancel")),
)


def _button(label: str, press: Press) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=press.encode())


def preview_keyboard(session_id: str) -> InlineKeyboardMarkup:
    """Move ◀ ▶ ▲ ▼, Bigger, Smaller, Other cut-out, Paint it, Cancel."""
    return InlineKeyboardMarkup(
        [[_button(label, Press(action, session_id)) for action, label in row] for row in PREVIEW_ROWS]
    )


def result_keyboard(session_id: str, job_id: str, state: LoopState, qualities: Sequence[str]) -> InlineKeyboardMarkup:
    """Move / resize; lighter / stronger; less / more like the photo; better quality, new seed.

    Buttons that would change nothing (the lightest style, no likeness left, the best quality)
    are left out: Telegram has no disabled buttons.
    """
    names = [name for name, _ in STRENGTHS]
    strength = strength_name(state.tau)

    def button(action: Action, label: str) -> InlineKeyboardButton:
        return _button(label, Press(action, session_id, job_id))

    style = [button(Action.LIGHTER, "Lighter style")] if strength != names[0] else []
    if state.tau == "auto" or strength != names[-1]:
        style.append(button(Action.STRONGER, "Stronger style"))
    likeness = [button(Action.LESS_LIKE, "Less like the photo")] if state.likeness > 0 else []
    if state.likeness < 1:
        likeness.append(button(Action.MORE_LIKE, "More like the photo"))
    better = upgraded(state, qualities)
    last = [button(Action.UPGRADE, f"Re-paint: {better.quality}")] if better else []
    last.append(button(Action.RESEED, "Another seed"))
    rows = [[button(Action.PLACE, "Move / resize")], style, likeness, last]
    return InlineKeyboardMarkup([row for row in rows if row])


def cancel_job_keyboard(job_id: str) -> InlineKeyboardMarkup:
    """A single "Cancel job" button for a job's status message."""
    return InlineKeyboardMarkup([[InlineKeyboardButton("Cancel job", callback_data=cancel_data(job_id))]])


def parse_cancel_job(data: str) -> str | None:
    """The job id in a Cancel-button's callback_data; None if malformed."""
    return parse_cancel(data)
