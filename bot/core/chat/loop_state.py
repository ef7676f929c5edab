"""What one preview or result is made of (placement, cut-out method, style), and how each button
changes it. Pure functions: the one strength table and step sizes both front ends use.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from bot.core.job_queue.job_spec import MIN_HEIGHT
from harmonize.options import HarmonizeOptions
from harmonize.types import Placement

MOVE_STEP = 0.05  # one arrow press moves the centre by 5 % of the painting's width or height
SIZE_STEP = 1.2  # bigger / smaller scale the object's height by this factor
DEFAULT_LIKENESS = HarmonizeOptions().likeness  # what a chat without its own default gets
LIKENESS_STEP = 0.25  # more / less likeness (harmonize HarmonizeOptions.likeness, in [0, 1])
DEFAULT_SEED = HarmonizeOptions.seed  # neural_gram.lua's seed (docs/algorithm.md §3.4)

# The style strength tau of pass 2 (docs/algorithm.md §4.1): the authors' examples span 1 to 10.
# One table for Discord and Telegram; "auto" is estimated from the painting by the engine.
STRENGTHS: tuple[tuple[str, float], ...] = (
    ("very light", 1.0),
    ("light", 2.0),
    ("medium", 5.0),  # HarmonizeOptions' default tau
    ("strong", 7.5),
    ("very strong", 10.0),
)
DEFAULT_STRENGTH = "medium"
Tau = float | Literal["auto"]


def strength_tau(name: str) -> Tau:
    """The tau of a strength name ("auto" or one of STRENGTHS); ValueError if unknown."""
    if name == "auto":
        return "auto"
    for label, tau in STRENGTHS:
        if label == name:
            return tau
    raise ValueError(f"unknown strength {name!r}")


def strength_name(tau: Tau) -> str:
    """The name of the strength level nearest to tau ("auto" for auto)."""
    if tau == "auto":
        return "auto"
    return min(STRENGTHS, key=lambda level: abs(level[1] - float(tau)))[0]


@dataclass(frozen=True)
class LoopState:
    """One preview or job: placement (fractions of the painting), cut-out method and style.

    x, y: the object's centre in [0, 1]; height: its height over the painting's, in
    [MIN_HEIGHT, 1]; method: "auto" or a harmonize.cutout back end; tau: strength or "auto";
    likeness in [0, 1]; quality: a quality name of the bot's settings; seed >= 0.
    """

    x: float = Placement.x  # the engine's default placement, the one definition
    y: float = Placement.y
    height: float = Placement.height
    method: str = "auto"
    tau: Tau = 5.0
    likeness: float = DEFAULT_LIKENESS
    quality: str = "standard"
    seed: int = DEFAULT_SEED

    def to_json(self) -> str:
        """Compact JSON for the database."""
        return json.dumps(dataclasses.asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> LoopState:
        """What `to_json` wrote; fields added later take their defaults, "preset" is the quality's old name."""
        data: dict[str, Any] = json.loads(text)
        if "preset" in data:  # sessions stored before the bot said "quality" for it
            data["quality"] = data.pop("preset")
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})

    def replace(self, **changes: Any) -> LoopState:
        """A copy with `changes`."""
        return dataclasses.replace(self, **changes)


def _clamp(value: float, low: float, high: float) -> float:
    return min(high, max(low, value))


def moved(state: LoopState, dx: int, dy: int) -> LoopState:
    """The object moved by whole steps of MOVE_STEP (right and down are positive)."""
    return state.replace(
        x=round(_clamp(state.x + dx * MOVE_STEP, 0.0, 1.0), 4), y=round(_clamp(state.y + dy * MOVE_STEP, 0.0, 1.0), 4)
    )


def resized(state: LoopState, steps: int) -> LoopState:
    """The object's height scaled by SIZE_STEP ** steps, within [MIN_HEIGHT, 1]."""
    return state.replace(height=round(_clamp(state.height * SIZE_STEP**steps, MIN_HEIGHT, 1.0), 4))


def restyled(state: LoopState, steps: int) -> LoopState:
    """Strength moved by `steps` levels of STRENGTHS ("auto" counts as medium)."""
    names = [name for name, _ in STRENGTHS]
    start = names.index(DEFAULT_STRENGTH if state.tau == "auto" else strength_name(state.tau))
    index = int(_clamp(start + steps, 0, len(names) - 1))
    return state.replace(tau=STRENGTHS[index][1])


def reliked(state: LoopState, steps: int) -> LoopState:
    """Likeness moved by LIKENESS_STEP per step, within [0, 1]."""
    return state.replace(likeness=round(_clamp(state.likeness + steps * LIKENESS_STEP, 0.0, 1.0), 4))


def upgraded(state: LoopState, qualities: Sequence[str]) -> LoopState | None:
    """The next quality in the settings' order (draft -> standard -> best); None at the top."""
    names = list(qualities)
    if state.quality not in names or names.index(state.quality) == len(names) - 1:
        return None
    return state.replace(quality=names[names.index(state.quality) + 1])


def reseeded(state: LoopState) -> LoopState:
    """Another random seed."""
    seed = state.seed
    while seed == state.seed:
        seed = secrets.randbelow(2**31)
    return state.replace(seed=seed)


def next_method(current: str, available: Sequence[str]) -> str:
    """The cut-out method after `current` in `available` (cycling)."""
    if current not in available:
        return available[0]
    return available[(list(available).index(current) + 1) % len(available)]


def describe(state: LoopState) -> str:
    """One line for users: "quality standard · strength medium · likeness 0.25 · cut-out grabcut"."""
    return (
        f"quality {state.quality} · strength {strength_name(state.tau)} · likeness "
        f"{state.likeness:g} · cut-out {state.method}"
    )
