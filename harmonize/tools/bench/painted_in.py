"""Is the object painted in? Its palette and marks against the painting's (issue 23, docs/design/painted-in.md).

Measured in spaces the network does not define, so a network that sees little colour cannot
grade its own work:

- palette: the share of the object's pixels whose CIELAB colour the painting itself uses
  (outside the harmonized region), on a grid of PALETTE_BIN dE, one bin of tolerance;
- marks: how close the object's band-pass energy is to the painting passages' around it, per
  CIELAB channel and per band (differences of Gaussians at the painting's stroke scales, 1-8 px
  at MEASURE_SIDE): exp(-mean |log ratio|), so 1 is the same energy in every band;

`painted_in` is their mean, in [0, 1]. A flat photo-like object scores low on marks; a photo
on a painting of other colours, low on palette. (A third part, the gradient-orientation
histograms' overlap, was tried and dropped: 0.77-1.00 on the naive pastes, 0.96-1.00 on the
authors' results; docs/design/painted-in.md.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
from skimage.color import rgb2lab

from harmonize.quality import bounding_box
from harmonize.resize import fit_longest_side, resize_bilinear
from harmonize.tools.bench.survival import MEASURE_SIDE

PALETTE_BIN = 8.0  # CIELAB dE per grid step: about two just-noticeable differences
PALETTE_MIN_SHARE = 1e-4  # a bin holds a painting colour when at least this share of its pixels fall in it
BANDS = (1.0, 2.0, 4.0)  # px at MEASURE_SIDE: DoG bands G(s) - G(2s), brush marks to strokes
ENERGY_FLOOR = 0.25  # dE^2: below this a band holds no marks (JPEG and rounding noise)
PASSAGE_FRACTION = 0.5  # the passages: painting within this share of the object's box size around it
EDGE_MARGIN = 2 * max(BANDS)  # px: the object's inside, eroded so its silhouette's step is not a mark
MIN_PX = 30  # px at MEASURE_SIDE: fewer pixels measure nothing (nan)
# The `typical` verdict's limits: the authors' lower quartile over their 14 finals
# (docs/design/painted-in.md, calibration table); their palette is 0.995-1.000 on all 28 results.
PALETTE_MIN = 0.99
MARKS_MIN = 0.41


@dataclass(frozen=True)
class PaintedIn:
    """The parts in [0, 1] (nan when a region is too small) and their mean."""

    palette: float
    marks: float

    @property
    def painted_in(self) -> float:
        """The mean of the parts that could be measured; nan when none."""
        parts = [p for p in (self.palette, self.marks) if not math.isnan(p)]
        return float(np.mean(parts)) if parts else math.nan

    @property
    def typical(self) -> bool:
        """Palette and marks as good as the authors' typical final (nan parts are not held against it)."""
        limits = ((self.palette, PALETTE_MIN), (self.marks, MARKS_MIN))
        return all(math.isnan(value) or value >= low for value, low in limits)

    def as_dict(self) -> dict[str, float]:
        """The parts, their mean and the verdict (1.0 or 0.0), for bench.json."""
        return {
            "palette": self.palette,
            "marks": self.marks,
            "painted_in": self.painted_in,
            "painted_typical": float(self.typical),
        }


def painted_in(result: np.ndarray, painting: np.ndarray, tight: np.ndarray, loose: np.ndarray) -> PaintedIn:
    """The measure of `result`'s object against the painting.

    result, painting (without the object): (H, W, 3) float in [0, 1] of one size; tight (the
    object) and loose (the harmonized region) masks (H, W) in [0, 1]. Resized to MEASURE_SIDE.
    """
    h, w = fit_longest_side(tight.shape[0], tight.shape[1], MEASURE_SIDE)
    result, painting = (resize_bilinear(np.asarray(x, np.float32), h, w) for x in (result, painting))
    inside = resize_bilinear(np.asarray(tight, np.float32), h, w) > 0.5
    harmonized = (resize_bilinear(np.asarray(loose, np.float32), h, w) > 0.5) | inside
    if not inside.any():
        raise ValueError("The object's mask is empty at the measuring size: nothing to measure.")
    result_lab, painting_lab = rgb2lab(np.clip(result, 0, 1)), rgb2lab(np.clip(painting, 0, 1))
    core = _eroded(inside, int(EDGE_MARGIN))
    passages = _passages(inside, harmonized)
    return PaintedIn(
        palette=palette_share(result_lab[inside], painting_lab[~harmonized]),
        marks=marks_similarity(result_lab, core, painting_lab, passages),
    )


def palette_share(object_lab: np.ndarray, painting_lab: np.ndarray) -> float:
    """Share in [0, 1] of (N, 3) object colours in a bin (or a neighbour) of the (M, 3) painting colours' grid."""
    if len(object_lab) < MIN_PX or len(painting_lab) < MIN_PX:
        return math.nan
    grid = np.floor(painting_lab / PALETTE_BIN).astype(np.int64)
    keys, counts = np.unique(grid, axis=0, return_counts=True)
    used = keys[counts >= max(1, PALETTE_MIN_SHARE * len(painting_lab))]
    near = np.unique(_encode((used[:, None, :] + _NEIGHBOURS[None]).reshape(-1, 3)))
    cells = _encode(np.floor(object_lab / PALETTE_BIN).astype(np.int64))
    return float(np.isin(cells, near).mean())


def band_energies(lab: np.ndarray, region: np.ndarray) -> np.ndarray:
    """(3 channels, len(BANDS)) mean squared DoG response of an (H, W, 3) image over `region`."""
    energies = np.zeros((3, len(BANDS)))
    for c in range(3):
        channel = np.ascontiguousarray(lab[..., c], np.float32)
        for b, sigma in enumerate(BANDS):
            dog = cv2.GaussianBlur(channel, (0, 0), sigma) - cv2.GaussianBlur(channel, (0, 0), 2 * sigma)
            energies[c, b] = float((dog[region] ** 2).mean())
    return energies


def marks_similarity(lab: np.ndarray, region: np.ndarray, painting_lab: np.ndarray, passages: np.ndarray) -> float:
    """exp(-mean |log ratio|) in (0, 1] of band_energies over `region` of lab and `passages` of painting_lab."""
    if region.sum() < MIN_PX or passages.sum() < MIN_PX:
        return math.nan
    ours = np.maximum(band_energies(lab, region), ENERGY_FLOOR)
    theirs = np.maximum(band_energies(painting_lab, passages), ENERGY_FLOOR)
    return float(np.exp(-np.abs(np.log(ours / theirs)).mean()))


def _passages(inside: np.ndarray, harmonized: np.ndarray) -> np.ndarray:
    """(H, W) bool: painting within PASSAGE_FRACTION of the object's box size outside the harmonized region."""
    box = bounding_box(inside)
    longer = max(box[0].stop - box[0].start, box[1].stop - box[1].start)
    width = max(2, round(PASSAGE_FRACTION * longer))
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * width + 1, 2 * width + 1))
    return cv2.dilate(harmonized.astype(np.uint8), disc).astype(bool) & ~harmonized


def _eroded(mask: np.ndarray, radius: int) -> np.ndarray:
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    return cv2.erode(mask.astype(np.uint8), disc).astype(bool)


def _encode(cells: np.ndarray) -> np.ndarray:
    """(N, 3) int grid cells -> (N,) int keys (Lab spans under 64 cells of PALETTE_BIN per axis)."""
    shifted = cells + 32
    return (shifted[:, 0] * 64 + shifted[:, 1]) * 64 + shifted[:, 2]


_NEIGHBOURS = np.array([(a, b, c) for a in (-1, 0, 1) for b in (-1, 0, 1) for c in (-1, 0, 1)])
