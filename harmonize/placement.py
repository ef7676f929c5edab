"""Paste a cut-out into the painting: the naive composite and the tight mask (docs/algorithm.md §1 inputs)."""

from __future__ import annotations

from typing import Literal

import cv2
import numpy as np

from harmonize.cutout import Box, Cutter
from harmonize.cutout.core import CUTOUT_SIDE, shrink_for_cutout
from harmonize.options import HarmonizeOptions
from harmonize.resize import fit_longest_side, resize_bilinear
from harmonize.types import Placement

MIN_OBJECT_PX = 4  # a smaller pasted object cannot be harmonized (masks vanish by relu2_1)
PlacementReason = Literal["too_small", "transparent", "out_of_range"]


class PlacementError(ValueError):
    """The object cannot be placed so; `reason` says why (a front end words it in its own terms)."""

    def __init__(self, message: str, reason: PlacementReason) -> None:
        super().__init__(message)
        self.reason: PlacementReason = reason


def place_object(
    painting: np.ndarray,
    object_photo: np.ndarray,
    placement: Placement = Placement(),
    size: int = HarmonizeOptions.size,
    method: str = "auto",
    box: Box | None = None,
    cutter: Cutter | None = None,
) -> tuple[np.ndarray, np.ndarray, str]:
    """Cut the object out and paste it into the painting, without harmonizing: a quick preview.

    painting: (H, W, 3) float32 in [0, 1]; object_photo: (h, w, 3|4) uint8; box: (x0, y0, x1, y1)
    pixels of object_photo around the object; cutter: the caller's (its settings and back ends), else
    a new one with the offline methods. The photo is cut out at CUTOUT_SIDE (or `size`, if larger).
    Returns the naive composite (H', W', 3) float32 and the tight mask (H', W') float32 in [0, 1] at
    the working size (longest side `size`, as Harmonizer.run_object makes them), and the cut-out
    method used (what `auto` chose).
    """
    photo, box = shrink_for_cutout(np.asarray(object_photo), box, max(CUTOUT_SIDE, size))
    rgba, used = (cutter or Cutter()).cut_out(photo, method, box)
    canvas = np.asarray(painting, dtype=np.float32)
    if canvas.ndim != 3 or canvas.shape[2] != 3:
        raise ValueError(f"The painting must be an (H, W, 3) colour image, got shape {canvas.shape}.")
    h, w = fit_longest_side(canvas.shape[0], canvas.shape[1], size)
    canvas = resize_bilinear(canvas, h, w)  # as Harmonizer.run resizes the painting: the same pixels
    naive, tight = compose(np.clip(canvas, 0.0, 1.0), rgba, placement)
    return naive, tight, used


def object_rectangle(
    painting_hw: tuple[int, int], object_hw: tuple[int, int], placement: Placement
) -> tuple[int, int, int, int]:
    """(top, left, height, width) in painting pixels of an object of `object_hw` placed there.

    Height is placement.height of the painting's, width keeps the aspect ratio; an object wider
    than the painting is shrunk to fit, and the rectangle is moved inside the painting.
    """
    _validate(placement)
    big_h, big_w = painting_hw
    obj_h, obj_w = object_hw
    scale = min(placement.height * big_h / obj_h, big_w / obj_w)
    height, width = min(big_h, round(obj_h * scale)), min(big_w, round(obj_w * scale))
    if min(height, width) < MIN_OBJECT_PX:
        raise PlacementError(
            f"The object would be {width}x{height} px in the painting: "
            f"make its height larger (at least {MIN_OBJECT_PX} px).",
            "too_small",
        )
    top = min(max(0, round(placement.y * big_h - height / 2)), big_h - height)
    left = min(max(0, round(placement.x * big_w - width / 2)), big_w - width)
    return top, left, height, width


def compose(
    painting: np.ndarray, object_rgba: np.ndarray, placement: Placement = Placement()
) -> tuple[np.ndarray, np.ndarray]:
    """Alpha-blend a cut-out into the painting.

    painting: (H, W, 3) float32 in [0, 1]; object_rgba: (h, w, 4) uint8, cropped or not.
    Returns the naive composite (H, W, 3) float32 in [0, 1] and the tight mask (H, W) float32,
    the object's alpha in [0, 1], both at the painting's resolution.
    """
    canvas = np.asarray(painting, dtype=np.float32)
    if canvas.ndim != 3 or canvas.shape[2] != 3:
        raise ValueError(f"The painting must be an (H, W, 3) colour image, got shape {canvas.shape}.")
    cut = _visible_part(object_rgba)
    top, left, height, width = object_rectangle(canvas.shape[:2], cut.shape[:2], placement)
    alpha = cut[..., 3:].astype(np.float32) / 255.0
    premultiplied = np.dstack([cut[..., :3].astype(np.float32) / 255.0 * alpha, alpha])  # no dark fringe
    shrink = height < cut.shape[0]
    resized = cv2.resize(premultiplied, (width, height), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)
    resized = np.clip(resized, 0.0, 1.0)
    rgb, a = resized[..., :3], resized[..., 3:]
    naive = canvas.copy()
    region = naive[top : top + height, left : left + width]
    region[...] = np.minimum(rgb, a) + (1.0 - a) * region  # premultiplied "over"
    mask = np.zeros(canvas.shape[:2], np.float32)
    mask[top : top + height, left : left + width] = a[..., 0]
    return naive, mask


def _visible_part(object_rgba: np.ndarray) -> np.ndarray:
    """The (h, w, 4) uint8 cut-out cropped to its non-transparent pixels."""
    cut = np.asarray(object_rgba)
    if cut.ndim != 3 or cut.shape[2] != 4 or cut.dtype != np.uint8:
        raise ValueError(f"The object must be an (h, w, 4) uint8 RGBA cut-out, got {cut.dtype} {cut.shape}.")
    rows, cols = np.flatnonzero(cut[..., 3].any(axis=1)), np.flatnonzero(cut[..., 3].any(axis=0))
    if rows.size == 0:
        raise PlacementError("The object is fully transparent: cut it out again (harmonize cutout).", "transparent")
    return cut[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def _validate(placement: Placement) -> None:
    """PlacementError unless x and y are in [0, 1] and the height in (0, 1]."""
    for name in ("x", "y"):
        value = getattr(placement, name)
        if not 0.0 <= value <= 1.0:
            raise PlacementError(
                f"Placement {name} is the object's centre as a fraction of the painting (0 to 1), got {value}.",
                "out_of_range",
            )
    if not 0.0 < placement.height <= 1.0:
        raise PlacementError(
            f"Placement height is a fraction of the painting's height (above 0, at most 1), got {placement.height}.",
            "out_of_range",
        )
