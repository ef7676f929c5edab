"""How long a harmonization will take on a CPU, from its options and the object's mask.

The model follows `harmonize bench --profile` (docs/design/performance.md, "A minute for every
object"): an L-BFGS evaluation costs in proportion to the pixels of the window it optimises
(window.py), which grows with the object (pass 2's evaluations shrink over the iteration budget,
iteration_budget.py), plus, in pass 2, in
proportion to the loose mask's pixels (its Gram and histogram terms work on them, in float32 at
every precision); reading, resizing, the painting's features, the matching and the
post-processing grow with the working image. The constants are seconds of one torch thread per
million pixels; more threads divide them by the parallel gain measured on 2 cores.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from harmonize.masks import dilate_mask
from harmonize.method.iteration_budget import coarse_shape, pass2_iterations, window_pixels
from harmonize.method.precision import usable_precision
from harmonize.method.window import PASS1_MARGIN
from harmonize.options import HarmonizeOptions
from harmonize.resize import fit_longest_side, resize_bilinear

# Seconds of one thread per evaluation and per million pixels: pass 1 (to relu5_1) per window pixel;
# pass 2 (to relu4_1) per window pixel, plus per loose-mask pixel. Pass 1 always runs in float32
# (harmonize/method/pass1.py): the mean of its 14 evaluations' wall seconds x (1 + PARALLEL_GAIN)
# in the standard's runs of the 14 paper examples at 700 px on 2 quiet cores, 8.0 to 10.7
# (docs/design/performance.md, "Pass 1 in float32"). Pass 2, bfloat16: least squares on its
# evaluations' wall seconds x (1 + PARALLEL_GAIN) in the same runs (2026-12-06, with issue 23's
# options; every run's end-to-end estimate within 25 %). Pass 2, float32: one-thread CPU
# seconds of examples 2, 16, 9 and 15 measured before issue 24's faster histogram and freed-memory
# reuse ("Where the time goes"); checked on today's standard (painted fine detail and the palette
# contrast's second post-processing included) on the 14 rule-built pairs of docs/design/painted-in.md
# in float32 on 2 quiet cores (2026-12-07): estimate / measured 0.83 to 1.19, median 1.05.
PASS1_S_PER_MPX = 9.0
PASS2_S_PER_MPX = {"float32": 11.3, "bfloat16": 4.9}
PASS2_MASK_S_PER_MPX = {"float32": 17.4, "bfloat16": 2.4}
IMAGE_S_PER_MPX = 39.1  # reading, resizing, features, matching, post-processing, writing: per working-image Mpx
PARALLEL_GAIN = 0.74  # each further thread adds this much speed (example 16: 193 s on 1 thread, 111 s on 2)
TYPICAL_OBJECT = (0.62, 1 / 3, 1 / 4)  # no mask yet: centred at 62 % of the height, a third high, a quarter wide
TYPICAL_SHAPE = (3, 4)  # and a 4:3 painting (the bot's default placement, types.Placement)


@dataclass(frozen=True)
class RunPixels:
    """The pixels a run's cost grows with, at the sizes it works at."""

    image: int  # the working image
    pass1: int  # pass 1's window (at the coarse level when coarse-to-fine)
    coarse2: int  # pass 2's window at the coarse level; 0 without a coarse pass 2
    pass2: int  # pass 2's window at the working size
    coarse2_mask: int = 0  # the loose mask's pixels at the coarse level, with a coarse pass 2
    pass2_mask: int = 0  # the loose mask's pixels at the working size


def run_pixels(tight_mask: np.ndarray, options: HarmonizeOptions) -> RunPixels:
    """RunPixels of an object mask (H, W) in [0, 1], made as the engine makes its levels."""
    height, width = fit_longest_side(tight_mask.shape[0], tight_mask.shape[1], options.size)
    loose = dilate_mask(resize_bilinear(tight_mask.astype(np.float32), height, width))
    if not loose.any():
        return RunPixels(height * width, 0, 0, 0)
    coarse = coarse_shape(height, width, options.coarse_scale)
    loose_coarse = loose if coarse == (height, width) else _binary(resize_bilinear(loose, *coarse))
    with_coarse2 = coarse != (height, width) and options.coarse_iters2 > 0
    return RunPixels(
        height * width,
        window_pixels(loose_coarse, PASS1_MARGIN),
        window_pixels(loose_coarse) if with_coarse2 else 0,
        window_pixels(loose),
        int(loose_coarse.sum()) if with_coarse2 else 0,
        int(loose.sum()),
    )


def typical_mask(size: int) -> np.ndarray:
    """A mask for when the object is not placed yet: TYPICAL_OBJECT in a TYPICAL_SHAPE painting."""
    height, width = size * TYPICAL_SHAPE[0] // TYPICAL_SHAPE[1], size
    y, tall, wide = TYPICAL_OBJECT
    mask = np.zeros((height, width), np.float32)
    top, left = round(height * (y - tall / 2)), round(width * (0.5 - wide / 2))
    mask[top : top + round(height * tall), left : left + round(width * wide)] = 1
    return mask


def estimated_seconds(options: HarmonizeOptions, threads: int, pixels: RunPixels | None = None) -> float:
    """Seconds end to end on `threads` CPU threads; `pixels` None assumes a typical object (typical_mask)."""
    pixels = pixels or run_pixels(typical_mask(options.size), options)
    precision = usable_precision(torch.device("cpu"), options.precision)
    pass2, mask = PASS2_S_PER_MPX[precision], PASS2_MASK_S_PER_MPX[precision]
    coarse_iters2, iters2 = pass2_iterations(pixels.pass2, options)
    one_thread = (
        PASS1_S_PER_MPX * pixels.pass1 * max(0, options.iters1 - 1)
        + (pass2 * pixels.coarse2 + mask * pixels.coarse2_mask) * max(0, coarse_iters2 - 1)
        + (pass2 * pixels.pass2 + mask * pixels.pass2_mask) * max(0, iters2 - 1)
        + IMAGE_S_PER_MPX * pixels.image
    ) / 1e6
    return one_thread / (1 + PARALLEL_GAIN * (max(1, threads) - 1))


def _binary(mask: np.ndarray) -> np.ndarray:
    return (mask > 0.5).astype(np.float32)
