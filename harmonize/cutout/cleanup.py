"""Mask clean-up after any back end: main component(s), small holes filled, smooth edge."""

from __future__ import annotations

import cv2
import numpy as np
from scipy import ndimage

from harmonize.cutout.base import BOX_AND_METHOD, CutoutError
from harmonize.masks import disc

SOLID = 0.5  # alpha above this counts as object
MIN_OBJECT_FRACTION = 0.005  # brief (issue 4): under 0.5 % of the photo is a failed cut-out
FULL_FRACTION = 0.98  # same bound as harmonize.masks.validate_mask
KEEP_RATIO = 0.2  # components at least a fifth of the largest stay (a pair of shoes)
HOLE_RATIO = 0.05  # holes up to 5 % of the object are filled; larger ones are real (a handle)
EDGE_RADIUS_FRACTION = 0.004  # binary edges: open/close radius, of the image diagonal (~3 px at 700)
FEATHER_SIGMA = 0.7  # px: the smoothed binary edge is antialiased, not blurred
NO_OBJECT = "No object was found in the photo: draw a box around the object, or try another cut-out method."
FAINT = 2 / 255  # soft alpha above this, connected to a kept component, belongs to it (hair)
# A model's soft matte keeps its softness only in this band inside the object's edge, of the photo's
# longer side (5 px at the 1024-px cut-out size): u2netp works at 320 px, so its edge spans a few
# photo pixels (docs/design/cutout.md, "Opaque inside, clean edges").
EDGE_BAND_FRACTION = 0.005
MIN_EDGE_BAND = 2.0  # px


def clean_matte(alpha: np.ndarray, smooth_edge: bool, opaque: bool = True) -> np.ndarray:
    """(h, w) float alpha in [0, 1] -> cleaned (h, w) float32 in [0, 1].

    Keeps the largest component and any at least KEEP_RATIO of it, fills holes up to HOLE_RATIO
    of the object, and either smooths a binary edge (smooth_edge) or keeps a soft one; `opaque`:
    a soft matte is made opaque inside the object beyond its edge band (`opaque_inside`), which a
    user's own alpha (a cut-out PNG) is not. Raises CutoutError for an empty, tiny or full result.
    """
    alpha = np.clip(np.asarray(alpha, dtype=np.float32), 0.0, 1.0)
    found = alpha > SOLID
    _check_coverage(found)
    solid = fill_small_holes(main_components(found))
    if smooth_edge:
        solid = _smooth_binary(solid)
        _check_coverage(solid)
        return np.clip(cv2.GaussianBlur(solid.astype(np.float32), (0, 0), FEATHER_SIGMA), 0.0, 1.0)
    labels, _ = ndimage.label(alpha > FAINT, structure=np.ones((3, 3), bool))
    kept = np.unique(labels[solid])
    attached = np.isin(labels, kept[kept > 0])
    inside = np.where(found, alpha, 1.0)  # filled holes become opaque
    cleaned = np.where(solid, inside, np.where(attached, alpha, 0.0)).astype(np.float32)
    return opaque_inside(cleaned, solid) if opaque else cleaned


def opaque_inside(alpha: np.ndarray, solid: np.ndarray) -> np.ndarray:
    """The (h, w) alpha in [0, 1] raised to 1 inside the (h, w) bool object beyond its edge band; float32.

    A model's matte is its confidence: on an object it is unsure of, it stays below 1 far inside
    the silhouette (two thirds of scikit-image's rocket under u2netp), and the paste turns that
    into a see-through object, a ghost before the method starts. Inside the object the alpha
    rises linearly to 1 over the edge band (distance from the object's edge); the band keeps the
    matte's softness (antialiasing, hair), and what lies outside the object is untouched.
    """
    band = max(MIN_EDGE_BAND, EDGE_BAND_FRACTION * max(alpha.shape))
    depth = ndimage.distance_transform_edt(solid)
    raised = np.maximum(alpha, np.clip(depth / band, 0.0, 1.0))
    return np.where(solid, raised, alpha).astype(np.float32)


def main_components(solid: np.ndarray) -> np.ndarray:
    """The largest 8-connected component of a (h, w) bool mask and those >= KEEP_RATIO of it."""
    labels, count = ndimage.label(solid, structure=np.ones((3, 3), bool))
    if count <= 1:
        return solid
    sizes = ndimage.sum_labels(solid, labels, index=np.arange(1, count + 1))
    keep = np.flatnonzero(sizes >= KEEP_RATIO * sizes.max()) + 1
    return np.isin(labels, keep)


def fill_small_holes(solid: np.ndarray) -> np.ndarray:
    """Fill enclosed background regions no larger than HOLE_RATIO of the object's area."""
    holes = ndimage.binary_fill_holes(solid) & ~solid
    labels, count = ndimage.label(holes)
    if count == 0:
        return solid
    sizes = ndimage.sum_labels(holes, labels, index=np.arange(1, count + 1))
    small = np.flatnonzero(sizes <= HOLE_RATIO * solid.sum()) + 1
    return solid | np.isin(labels, small)


def _smooth_binary(solid: np.ndarray) -> np.ndarray:
    """Opening then closing with a disc: removes spurs and notches from a binary edge."""
    radius = max(1, round(EDGE_RADIUS_FRACTION * float(np.hypot(*solid.shape))))
    element = disc(radius)
    opened = cv2.morphologyEx(solid.astype(np.uint8), cv2.MORPH_OPEN, element)
    return cv2.morphologyEx(opened, cv2.MORPH_CLOSE, element).astype(bool)


def _check_coverage(solid: np.ndarray) -> None:
    covered = float(solid.mean())
    if covered == 0.0:
        raise CutoutError(NO_OBJECT, BOX_AND_METHOD)
    if covered < MIN_OBJECT_FRACTION:
        raise CutoutError(
            f"The object found covers only {covered:.2%} of the photo: crop the photo closer to the object, "
            "draw a box around it, or try another cut-out method.",
            BOX_AND_METHOD,
        )
    if covered > FULL_FRACTION:
        raise CutoutError(
            "The whole photo was taken as the object: it looks like a painting or a close-up with no background; "
            "draw a box around the object, or send a photo where background shows around it.",
            BOX_AND_METHOD,
        )
