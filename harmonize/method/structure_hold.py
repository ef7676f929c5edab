"""Holding the object's thin structures and silhouette at a fine scale (ours: docs/design/painted-in.md).

The likeness term (harmonize/method/likeness.py) holds the object's shading through a low-pass of
sigma 8 px at 700: a leg, a broom, a rope or a gun a few pixels wide is below that scale, so
the style terms repaint it with the painting's strokes around it and it dissolves first
(issue 23). Here the same kind of term, with a fine low-pass, holds only the object's thin
parts (what an opening of its mask removes) and a band along its silhouette; the inside of
solid masses stays free to take the painting's marks and palette. After the post-processing,
the thin parts can also get back a share of their own colour (`restore_thin_colour`).
"""

from __future__ import annotations

import cv2
import numpy as np

from harmonize.masks import disc, gaussian_blur_mirrored, gaussian_blur_zero_padded, removed_by_opening
from harmonize.method.likeness import LUMA_RGB, low_pass_sigma

THIN_FRACTION = 0.04  # opening radius, of the object's box's longer side: parts under ~8 % of it are thin
MIN_THIN_RADIUS = 2  # px
EDGE_FRACTION = 0.004  # silhouette band width, of the working size's longest side: 3 px at 700
MIN_EDGE_PX = 1
FINE_FRACTION = 0.25  # the fine low-pass's sigma, of the likeness sigma: 2 px at 700
MIN_FINE_SIGMA = 1.0  # px
MASK_THRESHOLD = 0.5
THIN_COLOUR_FRACTION = 1.0 / 700  # restore_thin_colour's blur, of the working size's longest side: 1 px at 700
MIN_THIN_COLOUR_SIGMA = 0.5  # px
KERNEL_SIGMAS = 3


def thin_parts(tight: np.ndarray) -> np.ndarray:
    """(H, W) bool: what an opening of the (H, W) mask by a disc of THIN_FRACTION of the object's size removes."""
    inside = (np.asarray(tight) > MASK_THRESHOLD).astype(np.uint8)
    if not inside.any():
        return np.zeros(inside.shape, bool)
    ys, xs = np.nonzero(inside)
    longer = max(ys.max() - ys.min() + 1, xs.max() - xs.min() + 1)
    return removed_by_opening(inside, max(MIN_THIN_RADIUS, round(THIN_FRACTION * longer)))


def structure_mask(tight: np.ndarray) -> np.ndarray:
    """(H, W) float32 in {0, 1}: the object's thin parts and a band inside its silhouette, from an (H, W) mask."""
    inside = (np.asarray(tight) > MASK_THRESHOLD).astype(np.uint8)
    if not inside.any():
        return np.zeros(inside.shape, np.float32)
    band = max(MIN_EDGE_PX, round(EDGE_FRACTION * max(inside.shape)))
    eroded = cv2.erode(inside, disc(band))
    return (thin_parts(tight) | (inside.astype(bool) & ~eroded.astype(bool))).astype(np.float32)


def fine_sigma(shape: tuple[int, int]) -> float:
    """The fine low-pass's sigma in pixels for an (H, W) working size."""
    return max(MIN_FINE_SIGMA, FINE_FRACTION * low_pass_sigma(shape))


def restore_structure(result: np.ndarray, naive: np.ndarray, mask: np.ndarray, amount: float) -> np.ndarray:
    """Put back `amount` of the naive paste's fine-scale luminance on `mask` (the structure, soft).

    result, naive: (H, W, 3) RGB in [0, 1]; mask (H, W) in [0, 1]; amount in [0, 1].
    Returns (H, W, 3) float32 in [0, 1].
    """
    if amount <= 0:
        return result
    sigma = fine_sigma(mask.shape)
    size = 2 * int(np.ceil(KERNEL_SIGMAS * sigma)) + 1
    shift = gaussian_blur_zero_padded(naive - result, size, sigma) @ LUMA_RGB
    return np.clip(result + (amount * mask * shift)[..., None], 0.0, 1.0).astype(np.float32)


def restore_thin_colour(result: np.ndarray, naive: np.ndarray, tight: np.ndarray, amount: float) -> np.ndarray:
    """Put back `amount` of the naive paste's colour (all channels, fine scale) on the object's thin parts.

    A basket, a talon or a stem a few pixels wide has no painting passage of its own colour to be
    rebuilt from, and in a one-hue painting its luminance alone does not tell it from the ground
    (issue 23). result, naive: (H, W, 3) RGB in [0, 1]; tight (H, W) in [0, 1]; amount in [0, 1].
    Returns (H, W, 3) float32 in [0, 1].
    """
    if amount <= 0:
        return result
    sigma = max(MIN_THIN_COLOUR_SIGMA, THIN_COLOUR_FRACTION * max(tight.shape))
    parts = gaussian_blur_mirrored(thin_parts(tight).astype(np.float32), sigma) * np.clip(tight, 0.0, 1.0)
    change = gaussian_blur_mirrored(naive, sigma) - gaussian_blur_mirrored(result, sigma)
    return np.clip(result + amount * parts[..., None] * change, 0.0, 1.0).astype(np.float32)
