"""A cap on the optimised window's pixels: large objects are optimised at a smaller size.

Ours, not the authors' (docs/design/performance.md): an L-BFGS evaluation's cost grows with the
pixels of pass 2's window (window.py), so a large object costs several times a small one. With a
cap, both passes run at the largest size whose window holds at most `max_pixels`; their change is
upsampled to the working size (resize.upsample_change), and post-processing, which rebuilds the
result from the painting's own patches, runs at the working size.
"""

from __future__ import annotations

import math

import numpy as np

from harmonize.method.window import PASS2_MARGIN, window_around
from harmonize.options import HarmonizeOptions
from harmonize.resize import fit_longest_side, resize_bilinear

MIN_CAPPED_SIZE = 64  # px on the longest side: the smallest size a cap may choose (MIN_SIZE is 32)
MIN_COARSE_SIZE = 32  # px: below this the coarse passes have too few relu5_1 cells to match


def window_pixels(loose: np.ndarray) -> int:
    """Pixels of pass 2's window around a (H, W) loose mask."""
    window = window_around(loose, PASS2_MARGIN)
    return window.height * window.width


def capped_shape(loose: np.ndarray, max_pixels: int) -> tuple[int, int]:
    """The largest (H, W) of the loose mask's proportions whose pass-2 window holds at most `max_pixels`.

    loose: (H, W) binary mask at the working size; max_pixels 0 means no cap, giving (H, W).
    The window's margin is fixed in pixels, so the size shrinks step by step until it fits.
    """
    height, width = loose.shape
    shape, pixels = (height, width), window_pixels(loose)
    longest = max(height, width)
    while max_pixels and pixels > max_pixels and longest > MIN_CAPPED_SIZE:
        longest = max(MIN_CAPPED_SIZE, min(longest - 1, math.floor(longest * math.sqrt(max_pixels / pixels))))
        candidate = fit_longest_side(height, width, longest)
        small = (resize_bilinear(loose, *candidate) > 0.5).astype(np.float32)
        if not small.any():
            break
        shape, pixels = candidate, window_pixels(small)
    return shape


def optimised_shapes(loose: np.ndarray, options: HarmonizeOptions) -> tuple[tuple[int, int], tuple[int, int]]:
    """(H, W) of the size both passes optimise at (the working size unless capped), and of its coarse level.

    The coarse level is the optimised size itself when options.coarse_scale is 1 (no coarse passes).
    """
    work = capped_shape(loose, options.max_window_pixels)
    longest = min(max(work), max(MIN_COARSE_SIZE, round(max(work) * options.coarse_scale)))
    return work, fit_longest_side(work[0], work[1], longest)
