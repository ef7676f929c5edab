"""The option picker under the `/harmonize` prompt: an inline keyboard of quality, strength, height.

callback_data is at most 64 bytes (docs/bot-conventions.md §1): "o|<user id>|<key>|<value>"
for an option, "o|<user id>|x|" to drop the draft; a job's Cancel button is in loop_keyboards.py.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import InlineKeyboardButtonLimit

from bot.core import STRENGTHS as STRENGTH_TABLE
from bot.core import JobOptions

MAX_DATA_BYTES = InlineKeyboardButtonLimit.MAX_CALLBACK_DATA  # 64, Bot API
OPTION_PATTERN = r"^o\|"
STRENGTHS = ("auto", *(f"{tau:g}" for _, tau in STRENGTH_TABLE))  # the one table of both bots
HEIGHTS = (("small", "0.2"), ("medium", "0.33"), ("large", "0.5"))  # fraction of painting height
DISCARD = "x"


@dataclass(frozen=True)
class OptionPress:
    """A press on the option picker: whose draft, which key ("q" | "s" | "h" | "x"), what value."""

    user_id: int
    key: str
    value: str


def _data(*parts: str) -> str | None:
    """callback_data from parts, or None when it would exceed the Bot API's 64 bytes."""
    data = "|".join(parts)
    return data if len(data.encode()) <= MAX_DATA_BYTES else None


def _button(label: str, chosen: bool, data: str | None) -> InlineKeyboardButton | None:
    """A button, ticked when `chosen`; None when its data is too long."""
    if data is None:
        return None
    return InlineKeyboardButton(("✓ " if chosen else "") + label, callback_data=data)


def _row(buttons: Sequence[InlineKeyboardButton | None]) -> list[InlineKeyboardButton]:
    """The buttons that fit."""
    return [button for button in buttons if button is not None]


def options_keyboard(
    user_id: int, options: JobOptions, qualities: Sequence[str], default_quality: str
) -> InlineKeyboardMarkup:
    """Rows: qualities, style strength, object height, and "Cancel"."""
    uid = str(user_id)
    chosen = options.quality or default_quality
    tau = options.tau if isinstance(options.tau, str) else (None if options.tau is None else f"{options.tau:g}")
    quality = _row([_button(name, name == chosen, _data("o", uid, "q", name)) for name in qualities])
    strength = _row(
        [
            _button(f"strength {value}" if value == "auto" else value, value == tau, _data("o", uid, "s", value))
            for value in STRENGTHS
        ]
    )
    height = _row(
        [
            _button(label, abs(float(value) - options.height) < 0.01, _data("o", uid, "h", value))
            for label, value in HEIGHTS
        ]
    )
    cancel = _row([_button("Cancel", False, _data("o", uid, DISCARD, ""))])
    return InlineKeyboardMarkup([row for row in (quality, strength, height, cancel) if row])


def parse_option_press(data: str) -> OptionPress | None:
    """The press encoded in option-picker callback_data; None if malformed."""
    parts = data.split("|")
    if len(parts) != 4 or parts[0] != "o" or not parts[1].isdigit():
        return None
    return OptionPress(int(parts[1]), parts[2], parts[3])


def apply_press(options: JobOptions, press: OptionPress, qualities: Sequence[str]) -> JobOptions:
    """`options` changed by one press; unknown keys and values leave them as they are."""
    if press.key == "q" and press.value in qualities:
        return dataclasses.replace(options, quality=press.value)
    if press.key == "s" and press.value in STRENGTHS:
        tau: float | Literal["auto"] = "auto" if press.value == "auto" else float(press.value)
        return dataclasses.replace(options, tau=tau)
    if press.key == "h" and press.value in dict(HEIGHTS).values():
        return dataclasses.replace(options, height=float(press.value))
    return options
