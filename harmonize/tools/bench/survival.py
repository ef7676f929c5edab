"""Does the pasted object survive harmonization? Shape, contrast and show-through (docs/design/solid-objects.md).

Each part compares a result with the naive paste inside the object (the tight mask):
- shape: luminance SSIM to the naive paste at the object's own scale (its box shrunk to
  SHAPE_SIDE px), averaged over the object: is its large-scale structure still there;
- contrast: the object's CIELAB colour distance to a ring of painting around it, in the result
  over the same in the naive paste (a see-through object's falls towards 0);
- show-through: how well the result's gradients inside the object line up with the painting's
  that lay under it, minus the naive paste's (a ghost shows the painting's strokes: high).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
from skimage.color import rgb2lab
from skimage.metrics import structural_similarity

from harmonize.quality import LUMA, bounding_box
from harmonize.resize import fit_longest_side, resize_bilinear

MEASURE_SIDE = 400  # px: every image is measured at this longest side, so runs at any size compare
RING_FRACTION = 0.05  # ring width, of the object's box's longer side (the brief: "a few %")
MIN_RING_PX = 2
SHAPE_SIDE = 64  # px: the object's box is compared at this longer side, where brush texture has averaged out
SSIM_WINDOW = 7  # skimage's default window
GRADIENT_SIGMA = 2.0  # px at MEASURE_SIDE: strokes, not JPEG blocks or pixel noise
MIN_NAIVE_CONTRAST = 5.0  # CIELAB ΔE: below this the paste hardly differs from its ring, the ratio means nothing
# The verdicts' limits, from the authors' own pass 2 and final on the 14 shared examples
# (docs/design/solid-objects.md, "The survives measure"). `survives`: no part worse than the
# authors' weakest result on it (their min / max, rounded outwards).
SHAPE_MIN = 0.24
CONTRAST_MIN = 0.015
SHOW_THROUGH_MAX = 0.17
# `typical`: every part as good as the authors' typical result (their lower / upper quartile).
TYPICAL_SHAPE_MIN = 0.54
TYPICAL_CONTRAST_MIN = 0.21
TYPICAL_SHOW_THROUGH_MAX = 0.065


@dataclass(frozen=True)
class Survival:
    """The three parts of the measure; contrast is nan when the naive paste has no contrast to keep."""

    shape: float  # SSIM in [-1, 1]; 1 = the naive paste's structure unchanged
    contrast: float  # ratio >= 0; 1 = as distinct from the surroundings as the naive paste
    show_through: float  # in [-2, 2]; 0 = no more of the painting's strokes than the naive paste

    @property
    def survives(self) -> bool:
        """No part worse than the authors' weakest result on it (a nan contrast is not held against it)."""
        return self._within(SHAPE_MIN, CONTRAST_MIN, SHOW_THROUGH_MAX)

    @property
    def typical(self) -> bool:
        """Every part as good as the authors' typical result (their lower or upper quartile)."""
        return self._within(TYPICAL_SHAPE_MIN, TYPICAL_CONTRAST_MIN, TYPICAL_SHOW_THROUGH_MAX)

    def _within(self, shape_min: float, contrast_min: float, show_through_max: float) -> bool:
        contrast_ok = math.isnan(self.contrast) or self.contrast >= contrast_min
        return self.shape >= shape_min and contrast_ok and self.show_through <= show_through_max

    def as_dict(self) -> dict[str, float]:
        """The parts and the verdicts (1.0 or 0.0) as plain floats, for bench.json."""
        return {
            "shape": self.shape,
            "contrast": self.contrast,
            "show_through": self.show_through,
            "survives": float(self.survives),
            "typical": float(self.typical),
        }


def survival(
    result: np.ndarray, naive: np.ndarray, painting: np.ndarray, tight: np.ndarray, loose: np.ndarray
) -> Survival:
    """The measure of `result` against `naive`.

    result, naive, painting (the painting without the object): (H, W, 3) float in [0, 1] of one
    size; tight (the object) and loose (the harmonized region) masks: (H, W) in [0, 1].
    Everything is resized to MEASURE_SIDE first.
    """
    h, w = fit_longest_side(tight.shape[0], tight.shape[1], MEASURE_SIDE)
    result, naive, painting = (resize_bilinear(np.asarray(x, np.float32), h, w) for x in (result, naive, painting))
    inside = resize_bilinear(np.asarray(tight, np.float32), h, w) > 0.5
    harmonized = (resize_bilinear(np.asarray(loose, np.float32), h, w) > 0.5) | inside
    if not inside.any():
        raise ValueError("The object's mask is empty at the measuring size: nothing to measure.")
    ring = surrounding_ring(inside, harmonized)
    naive_contrast = ring_contrast(naive, inside, ring)
    contrast = math.nan
    if naive_contrast >= MIN_NAIVE_CONTRAST:
        contrast = ring_contrast(result, inside, ring) / naive_contrast
    return Survival(
        shape=shape_similarity(result, naive, inside),
        contrast=contrast,
        show_through=gradient_alignment(result, painting, inside) - gradient_alignment(naive, painting, inside),
    )


def shape_similarity(result: np.ndarray, naive: np.ndarray, inside: np.ndarray) -> float:
    """Luminance SSIM of result to naive ((H, W, 3) in [0, 1]) in the object's box at SHAPE_SIDE px, over `inside`."""
    box = bounding_box(inside)
    luma_result, luma_naive = result[box] @ LUMA, naive[box] @ LUMA
    scale = min(1.0, SHAPE_SIDE / max(luma_result.shape))
    size = (
        max(SSIM_WINDOW, round(luma_result.shape[1] * scale)),
        max(SSIM_WINDOW, round(luma_result.shape[0] * scale)),
    )
    a, b, weight = (
        cv2.resize(np.ascontiguousarray(x, np.float32), size, interpolation=cv2.INTER_AREA)
        for x in (luma_result, luma_naive, inside[box].astype(np.float32))
    )
    _, local = structural_similarity(a, b, data_range=1.0, win_size=SSIM_WINDOW, full=True)
    return float(local[weight > 0.5].mean())


def surrounding_ring(inside: np.ndarray, harmonized: np.ndarray) -> np.ndarray:
    """(H, W) bool: painting within RING_FRACTION of the object's size outside the harmonized region."""
    box = bounding_box(inside)
    longer = max(box[0].stop - box[0].start, box[1].stop - box[1].start)
    width = max(MIN_RING_PX, round(RING_FRACTION * longer))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * width + 1, 2 * width + 1))
    grown = cv2.dilate(harmonized.astype(np.uint8), kernel).astype(bool)
    ring = grown & ~harmonized
    if not ring.any():
        raise ValueError("The object fills the painting: there is no painting around it to compare with.")
    return ring


def ring_contrast(image: np.ndarray, inside: np.ndarray, ring: np.ndarray) -> float:
    """CIELAB ΔE (CIE76) between the mean colour of `inside` and of `ring` in image (H, W, 3) in [0, 1]."""
    lab = rgb2lab(np.clip(image, 0.0, 1.0))
    return float(np.linalg.norm(lab[inside].mean(axis=0) - lab[ring].mean(axis=0)))


def gradient_alignment(image: np.ndarray, painting: np.ndarray, inside: np.ndarray) -> float:
    """Normalised correlation in [-1, 1] of the luminance gradient fields of two (H, W, 3) images over `inside`.

    1 when the image has the painting's strokes at the same places and orientations; near 0 for
    unrelated content.
    """
    ga, gb = _gradients(image)[inside], _gradients(painting)[inside]
    norm = math.sqrt(float((ga**2).sum()) * float((gb**2).sum()))
    return float((ga * gb).sum()) / norm if norm > 0 else 0.0


def _gradients(image: np.ndarray) -> np.ndarray:
    """(H, W, 2) Sobel x and y of the smoothed luminance."""
    luma = cv2.GaussianBlur(np.ascontiguousarray(image @ LUMA, np.float32), (0, 0), GRADIENT_SIGMA)
    return np.dstack([cv2.Sobel(luma, cv2.CV_32F, 1, 0), cv2.Sobel(luma, cv2.CV_32F, 0, 1)])
