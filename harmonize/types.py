"""Plain data types shared by the engine, its CLI and its callers (the bot included).

The settings schema lives in `harmonize.options`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from harmonize.stage_timer import StageTimes

Stage = Literal["cutout", "pass1", "pass2", "post"]


@dataclass(frozen=True)
class Placement:
    """Where an object goes in the painting, as fractions of the painting's size.

    x, y: the object's centre (0 = left/top, 1 = right/bottom).
    height: the object's height as a fraction of the painting's height.
    """

    x: float = 0.5
    y: float = 0.62
    height: float = 1.0 / 3.0


@dataclass(frozen=True)
class Progress:
    """One progress event: `step` of `total` done in `stage`; `loss` when known; `seconds` the
    stage has run so far, from the run's StageTimer (harmonize/stage_timer.py), when known."""

    stage: Stage
    step: int
    total: int
    loss: float | None = None
    seconds: float | None = None

    @property
    def fraction(self) -> float:
        """Completed fraction of this stage, in [0, 1]."""
        return 0.0 if self.total <= 0 else min(1.0, self.step / self.total)


ProgressCallback = Callable[[Progress], None]


@dataclass
class HarmonizeResult:
    """Everything one harmonization produced.

    Images are (H, W, 3) float32 arrays in [0, 1] at the working size; masks are (H, W)
    float32 in [0, 1]. `final` is None when post-processing was skipped.
    """

    painting: np.ndarray
    naive: np.ndarray
    tight_mask: np.ndarray
    dilated_mask: np.ndarray
    pass1: np.ndarray
    pass2: np.ndarray
    final: np.ndarray | None
    tau: float
    seconds: dict[str, float] = field(default_factory=dict)  # wall seconds per stage: `times.wall`
    losses: dict[str, list[dict[str, float]]] = field(default_factory=dict)
    times: StageTimes = field(default_factory=StageTimes)  # wall and CPU per stage, each L-BFGS run
