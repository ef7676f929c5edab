"""What a job runs with: the user's choice checked and resolved against the qualities.

A JobSpec is a quality name, a placement and `harmonize.options.HarmonizeOptions`; the job's row
stores it as JSON, and the worker gets the same options back (`HarmonizeOptions.from_dict`).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.core.errors import InvalidOptions
from bot.core.jobs import JobOptions
from bot.core.settings import Quality
from harmonize.options import MAX_TAU, HarmonizeOptions, OptionsError
from harmonize.types import Placement

MIN_HEIGHT = 0.02  # an object under 2 % of the painting's height has no pixels to harmonize
PLACEMENT_KEYS = ("x", "y", "height")
__all__ = ["MAX_TAU", "MIN_HEIGHT", "JobSpec", "resolve"]


@dataclass(frozen=True)
class JobSpec:
    """One job's settings: its quality's name, where the object goes, engine options, and
    whether its object file is already the cut-out (the chat's preview made it: the worker pastes it
    as it is) or a photo to cut out."""

    quality: str
    placement: Placement
    options: HarmonizeOptions
    object_is_cutout: bool = False

    def to_json(self) -> str:
        """The JSON stored in the job's row."""
        return json.dumps(
            {
                "quality": self.quality,
                "placement": dataclasses.asdict(self.placement),
                "options": self.options.to_dict(),
                "object_is_cutout": self.object_is_cutout,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> JobSpec:
        """Back from `to_json`, or from a row an older version stored (flat keys, tau None, "preset").

        Options the row lacks take HarmonizeOptions' defaults (the authors' settings).
        """
        data = json.loads(text)
        if "preset" in data:  # rows stored before the bot said "quality" for it
            data["quality"] = data.pop("preset")
        if "options" in data:
            return cls(
                data["quality"],
                Placement(**data["placement"]),
                HarmonizeOptions.from_dict(data["options"]),
                data.get("object_is_cutout", False),  # rows stored before it: photos
            )
        engine = {
            k: v for k, v in data.items() if k not in (*PLACEMENT_KEYS, "quality") and not (k == "tau" and v is None)
        }
        return cls(data["quality"], Placement(*(data[k] for k in PLACEMENT_KEYS)), HarmonizeOptions.from_dict(engine))


def resolve(choice: JobOptions, qualities: Mapping[str, Quality], default_quality: str) -> JobSpec:
    """Check the user's choice and apply it to its quality; raise InvalidOptions if out of range."""
    if not (0.0 <= choice.x <= 1.0 and 0.0 <= choice.y <= 1.0):
        raise InvalidOptions("x and y are fractions of the painting: use values from 0 to 1.")
    if not (MIN_HEIGHT <= choice.height <= 1.0):
        raise InvalidOptions(f"height is a fraction of the painting's height: use {MIN_HEIGHT} to 1.")
    name = choice.quality if choice.quality is not None else default_quality
    if name not in qualities:
        raise InvalidOptions(f"Unknown quality {name!r}; choose one of: {', '.join(qualities)}.")
    chosen = {"tau": choice.tau, "likeness": choice.likeness, "seed": choice.seed}
    changes: dict[str, Any] = {key: value for key, value in chosen.items() if value is not None}
    try:
        options = qualities[name].options(**changes)
    except OptionsError as error:
        raise InvalidOptions(str(error)) from error
    return JobSpec(name, Placement(choice.x, choice.y, choice.height), options)
