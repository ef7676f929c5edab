"""The chat loop's buttons as platform-neutral data, and their compact, restart-proof encoding.

A button's whole state is in its id: `L|<action>|<session id>` or `L|<action>|<session id>|<job
id>`. Discord's custom_id holds at most 100 characters (discord.py `ui.Button`) and Telegram's
callback_data at most 64 bytes (docs/bot-conventions.md §1); ids are short hex strings, so a press
is parsed with no memory of the message and still works after a restart (docs/buttons.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

PREFIX = "L"
MAX_DATA_BYTES = 64  # Telegram callback_data (docs/bot-conventions.md §1); Discord allows 100
PATTERN = r"^L\|(?P<action>[a-z<>+-])\|(?P<session>[0-9a-f]{1,20})(?:\|(?P<job>[0-9a-f]{1,20}))?$"
_COMPILED = re.compile(PATTERN)
CANCEL_PATTERN = r"^c\|(?P<job>[0-9a-f]{1,20})$"  # a job's Cancel button, any job (loop or not)
_CANCEL = re.compile(CANCEL_PATTERN)


class Action(str, Enum):
    """One button. Preview buttons act on a session; result buttons on one finished job."""

    LEFT = "l"
    RIGHT = "r"
    UP = "u"
    DOWN = "d"
    BIGGER = "b"
    SMALLER = "s"
    METHOD = "m"  # another cut-out method
    PAINT = "p"  # queue the harmonization of the preview
    DISCARD = "x"  # end the preview
    PLACE = "v"  # from a result: back to the preview at that result's placement
    LIGHTER = "-"
    STRONGER = "+"
    LESS_LIKE = "<"  # less of the object's own look (likeness)
    MORE_LIKE = ">"
    UPGRADE = "q"  # re-paint at the next quality (draft -> standard -> best)
    RESEED = "n"  # redo with another random seed

    @property
    def needs_job(self) -> bool:
        """True for buttons under a result (they name the job they start from)."""
        return self in RESULT_ACTIONS

    @property
    def queues_job(self) -> bool:
        """True when a press queues a harmonization (counted by the limits)."""
        return self is Action.PAINT or self in NEW_JOB_ACTIONS


PREVIEW_ACTIONS = (
    Action.LEFT,
    Action.RIGHT,
    Action.UP,
    Action.DOWN,
    Action.BIGGER,
    Action.SMALLER,
    Action.METHOD,
    Action.PAINT,
    Action.DISCARD,
)
NEW_JOB_ACTIONS = (Action.LIGHTER, Action.STRONGER, Action.LESS_LIKE, Action.MORE_LIKE, Action.UPGRADE, Action.RESEED)
RESULT_ACTIONS = (Action.PLACE, *NEW_JOB_ACTIONS)


@dataclass(frozen=True)
class Press:
    """A button press: what, on which session, and (for result and cancel buttons) which job."""

    action: Action
    session_id: str
    job_id: str | None = None

    def encode(self) -> str:
        """The custom_id / callback_data of this button."""
        parts = [PREFIX, self.action.value, self.session_id]
        if self.job_id is not None:
            parts.append(self.job_id)
        data = "|".join(parts)
        if len(data.encode()) > MAX_DATA_BYTES or _COMPILED.match(data) is None:
            raise ValueError(f"button data {data!r} is malformed or longer than {MAX_DATA_BYTES} bytes")
        return data


def parse_press(data: str) -> Press | None:
    """The press encoded in a button id; None when it is not one of the loop's buttons."""
    match = _COMPILED.match(data)
    if match is None:
        return None
    action = Action(match["action"])
    job_id = match["job"]
    if action.needs_job != (job_id is not None):
        return None
    return Press(action, match["session"], job_id)


def cancel_data(job_id: str) -> str:
    """The custom_id / callback_data of a job's Cancel button."""
    data = f"c|{job_id}"
    if _CANCEL.match(data) is None:
        raise ValueError(f"job id {job_id!r} is not a short hex id")
    return data


def parse_cancel(data: str) -> str | None:
    """The job id of a Cancel button's data; None for anything else."""
    match = _CANCEL.match(data)
    return None if match is None else match["job"]
