"""Does every part of the object survive? The survives measure made local (issue 23, docs/design/painted-in.md).

The whole-object survives measure (harmonize/tools/bench/survival.py) averages over the object, so a
solid body hides dissolved legs, hands or a balloon's panels. Here the same question, "is the
object still distinct from the painting that lay under it?", is asked of the parts that fail
first:

- thin: the object's thin structures, what a morphological opening of its mask removes (the
  structure hold's own thin parts, harmonize/method/structure_hold.py);
- near: the object's pixels whose colour is close to the painting's under them;
- cells: the object's box cut into cells; the 10th percentile over cells.

Each is a ratio: the mean CIELAB distance between the result and the painting under the object
(both slightly blurred, so strokes at pixel scale do not count) over the part, divided by the
same for the naive paste. 1 keeps the paste's contrast; a ghost falls towards 0.

A fourth part, merged, asks it at the eye's scale and against the ground *around* the object:
the share of the object that stood apart from that ground in the paste and no longer does. The
three ratios compare with what lay under the object stroke by stroke, so an object rebuilt from
the painting's own drips counts as distinct from the drips it replaced; judged blind, they rank
our versions' ghosts the wrong way round, while merged ranks them as the judges do over 154
judged results (AUC 0.73 for a ghost to half its judges, against 0.50 to 0.58 for the ratios;
docs/design/painted-in.md, "Do the measures agree with the judges?"). Within one pair, across
our versions, the judges agree too little for any part to be told from noise. No limit makes it
a verdict.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
from skimage.color import rgb2lab

from harmonize.masks import masked_mean, surrounding_mean
from harmonize.method.likeness import SIGMA_FRACTION
from harmonize.method.postprocess.palette_contrast import GROUND_SIGMAS, ground_pixels
from harmonize.method.structure_hold import thin_parts
from harmonize.quality import bounding_box
from harmonize.resize import fit_longest_side, resize_bilinear
from harmonize.tools.bench.survival import MEASURE_SIDE

BLUR_SIGMA = 2.0  # px at MEASURE_SIDE: the survives measure's stroke scale (survival.GRADIENT_SIGMA)
NEAR_DELTA_E = 20.0  # CIELAB dE of the naive paste to the painting under it: below this a part is "near"
CELLS = 6  # cells along the box's longer side
CELL_FILL = 0.5  # a cell counts when the object covers at least this share of it
CELL_QUANTILE = 0.1  # the worst cells, not the single worst (one cell can be a shadow)
MIN_PART_PX = 30  # px at MEASURE_SIDE: a smaller part is left out (nan)
MIN_NAIVE_DELTA_E = 3.0  # a part of the paste this close to the painting has no contrast to keep (nan)
EYE_FRACTION = SIGMA_FRACTION  # merged: the eye's scale, likeness's low-pass sigma (4.8 px at MEASURE_SIDE)
MERGED_DELTA_E = 12.0  # CIELAB dE76 under which a part reads as its ground's colour (ours, not tuned)
# The verdict's limits: the authors' weakest result on each part, pass 2 and final, on the 14
# shared examples (docs/design/painted-in.md, calibration table), rounded outwards.
THIN_MIN = 0.28  # authors' weakest: 0.288 (example 2, final)
NEAR_MIN = 0.29  # 0.291 (example 15, final)
CELLS_MIN = 0.16  # 0.169 (example 2, final)


@dataclass(frozen=True)
class LocalSurvival:
    """The three local parts; nan where the object has no such part."""

    thin: float  # ratio >= 0 over the thin structures
    near: float  # ratio >= 0 over the near-coloured pixels
    cells: float  # 10th percentile over the object's cells of the same ratio
    merged: float = math.nan  # share in [0, 1] of the object merged into the ground around it (lower is better)

    @property
    def survives(self) -> bool:
        """No part below the authors' weakest result on it (nan parts are not held against it)."""
        limits = ((self.thin, THIN_MIN), (self.near, NEAR_MIN), (self.cells, CELLS_MIN))
        return all(math.isnan(value) or value >= low for value, low in limits)

    def as_dict(self) -> dict[str, float]:
        """The parts and the verdict (1.0 or 0.0), for bench.json."""
        return {
            "thin": self.thin,
            "near": self.near,
            "cells": self.cells,
            "merged": self.merged,
            "local_survives": float(self.survives),
        }


def local_survival(result: np.ndarray, naive: np.ndarray, painting: np.ndarray, tight: np.ndarray) -> LocalSurvival:
    """The local measure of `result` against `naive`.

    result, naive, painting (the painting without the object): (H, W, 3) float in [0, 1] of one
    size; tight: (H, W) mask in [0, 1]. Everything is resized to MEASURE_SIDE first.
    """
    h, w = fit_longest_side(tight.shape[0], tight.shape[1], MEASURE_SIDE)
    result, naive, painting = (resize_bilinear(np.asarray(x, np.float32), h, w) for x in (result, naive, painting))
    inside = resize_bilinear(np.asarray(tight, np.float32), h, w) > 0.5
    if not inside.any():
        raise ValueError("The object's mask is empty at the measuring size: nothing to measure.")
    under = _blurred_lab(painting)
    naive_gap = np.linalg.norm(_blurred_lab(naive) - under, axis=2)
    result_gap = np.linalg.norm(_blurred_lab(result) - under, axis=2)
    return LocalSurvival(
        thin=part_ratio(result_gap, naive_gap, thin_parts(inside)),
        near=part_ratio(result_gap, naive_gap, inside & (naive_gap < NEAR_DELTA_E)),
        cells=cell_quantile(result_gap, naive_gap, inside),
        merged=merged_share(result, naive, painting, inside),
    )


def merged_share(result: np.ndarray, naive: np.ndarray, painting: np.ndarray, inside: np.ndarray) -> float:
    """Share of the object's pixels apart from their ground in the paste (>= MERGED_DELTA_E) but not in the result.

    result, naive, painting: (H, W, 3) RGB in [0, 1]; inside: (H, W) bool. The object's colour is
    its average over its own pixels at the eye's scale; the ground, the palette contrast's: the
    painting outside it at GROUND_SIGMAS of that scale, and inside a large object the nearest such
    ground. nan when fewer than MIN_PART_PX pixels stood apart.
    """
    sigma = EYE_FRACTION * max(inside.shape)
    around = surrounding_mean(np.asarray(painting, np.float32), ground_pixels(inside), GROUND_SIGMAS * sigma)
    ground = rgb2lab(np.clip(around, 0.0, 1.0))
    apart = np.linalg.norm(rgb2lab(_average_over(naive, inside, sigma)) - ground, axis=2)[inside] >= MERGED_DELTA_E
    if apart.sum() < MIN_PART_PX:
        return math.nan
    gap = np.linalg.norm(rgb2lab(_average_over(result, inside, sigma)) - ground, axis=2)[inside]
    return float((gap[apart] < MERGED_DELTA_E).mean())


def _average_over(image: np.ndarray, where: np.ndarray, sigma: float) -> np.ndarray:
    """(H, W, 3) in [0, 1]: the (H, W, 3) RGB image's Gaussian average of sigma px over the (H, W) bool `where` only."""
    return np.clip(masked_mean(np.asarray(image, np.float32), where, sigma), 0.0, 1.0)


def part_ratio(result_gap: np.ndarray, naive_gap: np.ndarray, part: np.ndarray) -> float:
    """Mean result gap over mean naive gap on `part` ((H, W) arrays); nan for a small or contrastless part."""
    if part.sum() < MIN_PART_PX:
        return math.nan
    naive_mean = float(naive_gap[part].mean())
    if naive_mean < MIN_NAIVE_DELTA_E:
        return math.nan
    return float(result_gap[part].mean()) / naive_mean


def cell_quantile(result_gap: np.ndarray, naive_gap: np.ndarray, inside: np.ndarray) -> float:
    """CELL_QUANTILE over the object's cells (CELLS along its box's longer side) of part_ratio; nan if none."""
    box = bounding_box(inside)
    top, left = box[0].start, box[1].start
    side = max(1, math.ceil(max(box[0].stop - top, box[1].stop - left) / CELLS))
    ratios = []
    for y in range(top, box[0].stop, side):
        for x in range(left, box[1].stop, side):
            cell = np.zeros_like(inside)
            cell[y : y + side, x : x + side] = True
            part = cell & inside
            if part.sum() >= CELL_FILL * cell.sum():
                ratios.append(part_ratio(result_gap, naive_gap, part))
    finite = [r for r in ratios if not math.isnan(r)]
    return float(np.quantile(finite, CELL_QUANTILE)) if finite else math.nan


def _blurred_lab(image: np.ndarray) -> np.ndarray:
    """(H, W, 3) CIELAB of an RGB image in [0, 1] after a Gaussian of BLUR_SIGMA px."""
    blurred = cv2.GaussianBlur(np.ascontiguousarray(image, np.float32), (0, 0), BLUR_SIGMA)
    return rgb2lab(np.clip(blurred, 0.0, 1.0))
