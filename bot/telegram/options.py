"""Job options as `/harmonize` arguments: `x=0.5 y=0.6 height=0.3 strength=5 quality=draft`."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

from bot.core import MAX_TAU, MIN_HEIGHT, InvalidOptions, JobOptions

KEYS = {  # argument name -> JobOptions field
    "x": "x",
    "y": "y",
    "height": "height",
    "h": "height",
    "strength": "tau",
    "tau": "tau",
    "quality": "quality",
    "preset": "quality",  # the engine's word, which users of the command line may type
}
USAGE = (
    "Options look like x=0.5 y=0.6 height=0.3 strength=5 quality=draft: x, y place the "
    "object's centre (0 to 1, from the left and top), height is its size as a fraction of the "
    "painting's height, strength is the style strength (1 to 10, or auto)."
)


def _fraction(key: str, text: str, low: float, high: float) -> float:
    """`text` as a number in [low, high], else InvalidOptions naming `key`."""
    try:
        value = float(text)
    except ValueError:
        raise InvalidOptions(f"{key}={text} is not a number. {USAGE}") from None
    if not (math.isfinite(value) and low <= value <= high):
        raise InvalidOptions(f"{key} must be from {low:g} to {high:g}, not {text}.")
    return value


def _strength(text: str) -> float | str:
    """A style strength: "auto" or a number in (0, MAX_TAU]."""
    if text.lower() == "auto":
        return "auto"
    try:
        value = float(text)
    except ValueError:
        raise InvalidOptions(f"strength={text} is not a number or 'auto'. {USAGE}") from None
    if not (math.isfinite(value) and 0 < value <= MAX_TAU):
        raise InvalidOptions(f"strength must be 'auto' or above 0 and at most {MAX_TAU:g}.")
    return value


def parse_options(args: Sequence[str], qualities: Sequence[str], base: JobOptions | None = None) -> JobOptions:
    """Options from command arguments (`key=value`, or a bare quality name), applied over `base`.

    x, y in [0, 1]; height in [MIN_HEIGHT, 1]; strength "auto" or in (0, MAX_TAU]; quality one of
    `qualities`. Raises InvalidOptions with a message for the user.
    """
    changes: dict[str, Any] = {}  # JobOptions fields, each checked below
    for arg in args:
        name, sep, value = arg.partition("=")
        key = name.strip().lower()
        if not sep and name in qualities:
            key, value = "quality", name
        elif key not in KEYS or not value:
            raise InvalidOptions(f"I don't understand {arg!r}. {USAGE}")
        field = KEYS[key]
        if field in ("x", "y"):
            changes[field] = _fraction(key, value, 0.0, 1.0)
        elif field == "height":
            changes[field] = _fraction(key, value, MIN_HEIGHT, 1.0)
        elif field == "tau":
            changes[field] = _strength(value)
        elif value in qualities:
            changes[field] = value
        else:
            raise InvalidOptions(f"Unknown quality {value!r}; choose one of: {', '.join(qualities)}.")
    return dataclasses.replace(base if base is not None else JobOptions(), **changes)


def describe_options(options: JobOptions, default_quality: str) -> str:
    """One line for the user: "quality standard · strength 5 · height 0.33 · centre x 0.50, ..."."""
    tau = options.tau
    strength = "default" if tau is None else tau if isinstance(tau, str) else f"{tau:g}"
    return (
        f"quality {options.quality or default_quality} · strength {strength} · "
        f"height {options.height:.2f} · centre x {options.x:.2f}, y {options.y:.2f}"
    )
