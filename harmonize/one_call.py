"""One-call entry points: `harmonize()` and `harmonize_object()` build a Harmonizer and run it.

Callers that run many jobs (a bot worker, a benchmark) keep one `Harmonizer` instead, so the
network loads once and a painting's features are reused.
"""

from __future__ import annotations

import numpy as np

from harmonize.harmonizer import Harmonizer
from harmonize.options import HarmonizeOptions
from harmonize.types import HarmonizeResult, Placement, ProgressCallback


def harmonize(
    painting: np.ndarray,
    naive: np.ndarray,
    tight_mask: np.ndarray,
    dilated_mask: np.ndarray | None = None,
    options: HarmonizeOptions = HarmonizeOptions(),
    progress: ProgressCallback | None = None,
    *,
    weights: str | None = None,
    device: str = "auto",
) -> HarmonizeResult:
    """`Harmonizer(weights, device).run(...)`: see `Harmonizer.run` for shapes and ranges."""
    return Harmonizer(weights, device).run(painting, naive, tight_mask, dilated_mask, options, progress)


def harmonize_object(
    painting: np.ndarray,
    object_rgba: np.ndarray,
    placement: Placement = Placement(),
    options: HarmonizeOptions = HarmonizeOptions(),
    progress: ProgressCallback | None = None,
    *,
    weights: str | None = None,
    device: str = "auto",
) -> HarmonizeResult:
    """`Harmonizer(weights, device).run_object(...)`: a (h, w, 4) uint8 RGBA cut-out into the painting."""
    return Harmonizer(weights, device).run_object(painting, object_rgba, placement, options, progress)
