"""An iteration budget for pass 2: a larger object gets proportionally fewer evaluations, never a smaller size.

Ours, not the authors' (docs/design/performance.md, "A minute for every object"): an L-BFGS
evaluation's cost grows with the pixels of pass 2's window (window.py), so at a preset's fixed
iteration counts a large object costs several times a small one. Over `budget_pixels`, both pass-2
runs (coarse and full-size) keep the share budget_pixels / window of their iterations, so their
cost stays about that of a window of `budget_pixels`. Every pass still runs at its own size: an
earlier cap that optimised large objects at a smaller size kept the photo's fine detail under an
upsampled change and lost the painting's strokes in a blind A/B; fewer full-size evaluations did
not (docs/design/performance.md).
"""

from __future__ import annotations

import numpy as np

from harmonize.method.window import PASS2_MARGIN, window_around
from harmonize.options import HarmonizeOptions
from harmonize.resize import fit_longest_side

MIN_COARSE_SIZE = 32  # px: below this the coarse passes have too few relu5_1 cells to match


def window_pixels(loose: np.ndarray, margin: int = PASS2_MARGIN) -> int:
    """Pixels of the window around a (H, W) loose mask: pass 2's, or a pass's of `margin` px (window.py)."""
    window = window_around(loose, margin)
    return window.height * window.width


def iteration_share(window: int, budget_pixels: int) -> float:
    """The share in (0, 1] of pass 2's iterations a window of `window` pixels gets; budget 0 means no budget."""
    return min(1.0, budget_pixels / window) if budget_pixels and window else 1.0


def pass2_iterations(window: int, options: HarmonizeOptions) -> tuple[int, int]:
    """(coarse, full-size) pass-2 iterations for a full-size window of `window` pixels; each at least 1 if set."""
    share = iteration_share(window, options.budget_window_pixels)
    coarse = max(1, round(options.coarse_iters2 * share)) if options.coarse_iters2 else 0
    return coarse, max(1, round(options.iters2 * share))


def coarse_shape(height: int, width: int, coarse_scale: float) -> tuple[int, int]:
    """(H, W) of the coarse level of a (height, width) working size; the size itself when coarse_scale is 1."""
    longest = max(height, width)
    coarse = min(longest, max(MIN_COARSE_SIZE, round(longest * coarse_scale)))
    return fit_longest_side(height, width, coarse)
