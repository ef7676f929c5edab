"""Scores of a predicted object mask against the true one: IoU, boundary F-score and see-through share."""

from __future__ import annotations

import numpy as np
from scipy import ndimage

# DAVIS (Perazzi et al., CVPR 2016) matches boundaries within 0.008 of the image diagonal.
BOUNDARY_TOLERANCE = 0.008
# see_through: the object's inside is its true mask less this many px at its edge, where a soft
# edge is right; an alpha under OPAQUE there lets the painting show through the paste (ours).
INSIDE_MARGIN = 3
OPAQUE = 0.95


def iou(predicted: np.ndarray, true: np.ndarray) -> float:
    """Intersection over union of two (h, w) bool masks; 1.0 when both are empty."""
    union = np.logical_or(predicted, true).sum()
    return 1.0 if union == 0 else float(np.logical_and(predicted, true).sum() / union)


def boundary(mask: np.ndarray) -> np.ndarray:
    """The (h, w) bool one-pixel inner boundary of a bool mask (the frame edge is not boundary)."""
    padded = np.pad(mask, 1, mode="edge")
    return mask & ~ndimage.binary_erosion(padded, structure=np.ones((3, 3), bool))[1:-1, 1:-1]


def boundary_f(predicted: np.ndarray, true: np.ndarray, tolerance: float = BOUNDARY_TOLERANCE) -> float:
    """F-score of boundary pixels matched within `tolerance` x the image diagonal (DAVIS's F)."""
    radius = max(1.0, tolerance * float(np.hypot(*true.shape)))
    found, wanted = boundary(predicted), boundary(true)
    if not found.any() or not wanted.any():
        return float(found.any() == wanted.any())
    precision = float((ndimage.distance_transform_edt(~wanted)[found] <= radius).mean())
    recall = float((ndimage.distance_transform_edt(~found)[wanted] <= radius).mean())
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def see_through(alpha: np.ndarray, true: np.ndarray) -> float:
    """Share of the object's inside found (alpha > 0.5) but below OPAQUE: (h, w) alpha in [0, 1], (h, w) bool truth.

    IoU and boundary F read the cut-out at alpha 0.5 and miss an object found at alpha 0.7, which
    the paste shows see-through. 0.0 when nothing of the inside is found.
    """
    inside = ndimage.binary_erosion(true, iterations=INSIDE_MARGIN) & (alpha > 0.5)
    return float((alpha[inside] < OPAQUE).mean()) if inside.any() else 0.0
