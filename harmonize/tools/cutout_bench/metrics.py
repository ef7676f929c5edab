"""Scores of a cut-out against the truth: IoU, boundary F-score, see-through share and edge colour error."""

from __future__ import annotations

import numpy as np
from scipy import ndimage
from skimage.color import rgb2lab

# DAVIS (Perazzi et al., CVPR 2016) matches boundaries within 0.008 of the image diagonal.
BOUNDARY_TOLERANCE = 0.008
# see_through: the object's inside is its true mask less this many px at its edge, where a soft
# edge is right; an alpha under OPAQUE there lets the painting show through the paste (ours).
INSIDE_MARGIN = 3
OPAQUE = 0.95
# edge_colour_error (ours): the cut-out and the truth composed onto two grounds a painting may
# have (dark blue, cream), compared in CIELAB within EDGE_PX of the true edge, where the cut-out's
# alpha is soft and close to the truth's (elsewhere the error is the mask's, which IoU counts).
GROUNDS = ((0.15, 0.2, 0.45), (0.9, 0.85, 0.7))
EDGE_PX = 6
SOFT = (0.02, 0.98)
ALPHA_AGREES = 0.25


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


def edge_colour_error(
    colours: np.ndarray, alpha: np.ndarray, true_colours: np.ndarray, true_alpha: np.ndarray
) -> float | None:
    """Mean CIELAB dE76 of the cut-out's soft edge composed onto GROUNDS against the truth's; None if it has none.

    colours, true_colours: (h, w, 3) in [0, 1]; alpha, true_alpha: (h, w) in [0, 1]. A fringe of
    the photo's background at the edge shows here, on grounds unlike the photo's.
    """
    true = true_alpha > 0.5
    edge = (ndimage.distance_transform_edt(~true) <= EDGE_PX) & (ndimage.distance_transform_edt(true) <= EDGE_PX)
    where = edge & (alpha > SOFT[0]) & (alpha < SOFT[1]) & (np.abs(alpha - true_alpha) < ALPHA_AGREES)
    if not where.any():
        return None
    errors = []
    for ground in np.asarray(GROUNDS, np.float32):
        got = alpha[where, None] * colours[where] + (1.0 - alpha[where, None]) * ground
        wanted = true_alpha[where, None] * true_colours[where] + (1.0 - true_alpha[where, None]) * ground
        errors.append(np.linalg.norm(rgb2lab(got[None]) - rgb2lab(wanted[None]), axis=-1).mean())
    return float(np.mean(errors))
