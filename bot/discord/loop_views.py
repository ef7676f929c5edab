"""The loop's buttons on Discord: `DynamicItem`s whose custom id holds the whole press
(bot/core/chat/actions.py), so buttons on old messages keep working after a restart."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

import discord

from bot.core import (
    CANCEL_PATTERN,
    PRESS_PATTERN,
    STRENGTHS,
    Action,
    LoopState,
    Press,
    cancel_data,
    parse_press,
    strength_name,
    upgraded,
)

if TYPE_CHECKING:
    from bot.discord.client import PainterlyBot

PREVIEW_ROWS: tuple[tuple[tuple[Action, str, discord.ButtonStyle], ...], ...] = (
    (
        (Action.LEFT, "◀", discord.ButtonStyle.secondary),
        (Action.RIGHT, "▶", discord.ButtonStyle.secondary),
        (Action.UP, "▲", discord.ButtonStyle.secondary),
        (Action.DOWN, "▼", discord.ButtonStyle.secondary),
    ),
    (
        (Action.BIGGER, "Bigger", discord.ButtonStyle.secondary),
        (Action.SMALLER, "Smaller", discord.ButtonStyle.secondary),
        (Action.METHOD, "Other cut-out", discord.ButtonStyle.secondary),
    ),
    ((Action.PAINT, "Paint it", discord.ButtonStyle.success), (Action.DISCARD, "Cancel", discord.ButtonStyle.danger)),
)


class LoopButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=PRESS_PATTERN):
    """Any of the loop's buttons; a press goes to the bot's DiscordLoop."""

    def __init__(
        self,
        press: Press,
        label: str,
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
        disabled: bool = False,
        row: int | None = None,
    ) -> None:
        super().__init__(
            discord.ui.Button(label=label, style=style, custom_id=press.encode(), disabled=disabled, row=row)
        )
        self.press = press

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> LoopButton:
        """Rebuild the button from its custom id (no memory of the message needed)."""
        press = parse_press(match.string)
        if press is None:  # the template matched, the checks did not (e.g. a job on a preview)
            raise ValueError(f"malformed loop button {match.string!r}")
        button = cast(discord.ui.Button[Any], item)
        return cls(press, button.label or "", button.style)

    async def callback(self, interaction: discord.Interaction) -> None:
        """Hand the press to the bot's loop."""
        bot = cast("PainterlyBot", interaction.client)
        await bot.discord_loop.on_press(interaction, self.press)


class CancelJobButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=CANCEL_PATTERN):
    """The Cancel button under a job's status message, queued or running."""

    def __init__(self, job_id: str) -> None:
        super().__init__(
            discord.ui.Button(label="Cancel job", style=discord.ButtonStyle.danger, custom_id=cancel_data(job_id))
        )
        self.job_id = job_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> CancelJobButton:
        """Rebuild the button from its custom id."""
        return cls(match["job"])

    async def callback(self, interaction: discord.Interaction) -> None:
        """Cancel the job through the core (owner, server admins and bot owners only)."""
        bot = cast("PainterlyBot", interaction.client)
        await bot.discord_loop.on_cancel(interaction, self.job_id)


def _view(buttons: Sequence[discord.ui.Item[Any]]) -> discord.ui.View:
    """A view without timeout (its buttons are dynamic items)."""
    view = discord.ui.View(timeout=None)
    for button in buttons:
        view.add_item(button)
    return view


def preview_view(session_id: str) -> discord.ui.View:
    """Move ◀ ▶ ▲ ▼, Bigger, Smaller, Other cut-out, Paint it, Cancel."""
    return _view(
        [
            LoopButton(Press(action, session_id), label, style, row=row)
            for row, buttons in enumerate(PREVIEW_ROWS)
            for action, label, style in buttons
        ]
    )


def result_view(session_id: str, job_id: str, state: LoopState, qualities: Sequence[str]) -> discord.ui.View:
    """Move / resize, Lighter, Stronger, Less / More likeness, Better quality, Another seed."""
    strength = strength_name(state.tau)
    names = [name for name, _ in STRENGTHS]
    lightest = state.tau != "auto" and strength == names[0]
    strongest = state.tau != "auto" and strength == names[-1]
    better = upgraded(state, qualities)

    def button(action: Action, label: str, row: int, disabled: bool = False) -> LoopButton:
        return LoopButton(Press(action, session_id, job_id), label, disabled=disabled, row=row)

    return _view(
        [
            button(Action.PLACE, "Move / resize", 0),
            button(Action.LIGHTER, "Lighter style", 0, lightest),
            button(Action.STRONGER, "Stronger style", 0, strongest),
            button(Action.LESS_LIKE, "Less like the photo", 1, state.likeness <= 0.0),
            button(Action.MORE_LIKE, "More like the photo", 1, state.likeness >= 1.0),
            button(Action.UPGRADE, f"Re-paint: {better.quality}" if better else "Best quality", 2, better is None),
            button(Action.RESEED, "Another seed", 2),
        ]
    )


def cancel_view(job_id: str) -> discord.ui.View:
    """One Cancel job button."""
    return _view([CancelJobButton(job_id)])
