"""Where the painting has no passage of the object's value, keep the object's own (ours, issue 23).

The post-processing rebuilds the object from the painting's own pixels (PatchMatch and vote,
patch_match.py). Where the painting holds no passage of a part's value (a mid-grey tower in a
painting of white paper and navy ink only), the nearest patches are white and navy strokes and
the part dissolves into them, although pass 2 had kept it whole (docs/design/painted-in.md,
"Where the painting cannot rebuild the object"). Here, where the rebuilt image's luminance at
the stroke scale departs from the pass-2 result's, the luminance moves back towards the
result's; its colour stays the rebuilt one, the painting's palette. Where the painting can
rebuild the result, nothing changes.
"""

from __future__ import annotations

import numpy as np

from harmonize.masks import gaussian_blur_mirrored
from harmonize.method.likeness import LUMA_RGB

# Chosen by looking at the 45 rule-built pairs and judged blind (docs/design/painted-in.md):
UNMATCHED_FROM = 0.05  # luminance gap, in [0, 1], at which the result's luminance starts to come back
UNMATCHED_FULL = 0.15  # the gap at which it is fully back
STROKE_FRACTION = 2.0 / 700  # the gap's blur, of the working size's longest side: 2 px at 700
MIN_STROKE_SIGMA = 1.0  # px


def unmatched_weight(rebuilt: np.ndarray, result: np.ndarray) -> np.ndarray:
    """(H, W) float32 in [0, 1]: how far the painting failed to rebuild `result`'s luminance.

    rebuilt (the vote of painting pixels) and result (the pass-2 result): (H, W, 3) RGB in [0, 1].
    """
    sigma = max(MIN_STROKE_SIGMA, STROKE_FRACTION * max(result.shape[:2]))
    rebuilt_luma = gaussian_blur_mirrored(np.clip(rebuilt, 0.0, 1.0) @ LUMA_RGB, sigma)
    gap = np.abs(rebuilt_luma - gaussian_blur_mirrored(result @ LUMA_RGB, sigma))
    return np.clip((gap - UNMATCHED_FROM) / (UNMATCHED_FULL - UNMATCHED_FROM), 0.0, 1.0).astype(np.float32)


def keep_unmatched_luminance(image: np.ndarray, rebuilt: np.ndarray, result: np.ndarray, amount: float) -> np.ndarray:
    """Move `image`'s luminance towards `result`'s by `amount` x unmatched_weight; colour kept.

    image (the rebuilt image plus the result's detail), rebuilt, result: (H, W, 3) RGB, float;
    amount in [0, 1]. Returns (H, W, 3) float32, not clipped (the caller blends and clips).
    """
    if amount <= 0:
        return image
    weight = amount * unmatched_weight(rebuilt, result)
    shift = (np.asarray(result, np.float32) - image) @ LUMA_RGB
    return (image + (weight * shift)[..., None]).astype(np.float32)
