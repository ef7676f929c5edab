"""Back end `grabcut`: OpenCV GrabCut started from a rectangle around the object."""

from __future__ import annotations

import cv2
import numpy as np

from harmonize.cutout.base import Box, CutoutBackend, CutoutError

WORK_SIDE = 512  # GrabCut runs at this longest side (its graph cut is slow on photo sizes)
ITERATIONS = 5  # the OpenCV-Python GrabCut tutorial runs cv.grabCut(..., 5, GC_INIT_WITH_RECT)
CENTRE_MARGIN = 0.1  # without a box, the rectangle leaves 10 % of each side as background
# GrabCut's colour models collapse on a flat background (a JPEG product shot): its ringing
# then reads as object. Seeded noise of 3 grey levels gives them a variance; on a JPEG q95
# disc on a flat background this took the wrong pixels from 2074 to 67 (tests/harmonize/cutout/test_cutout.py).
DITHER_SIGMA = 3.0
DITHER_SEED = 0  # also seeds OpenCV's global RNG, which GrabCut's k-means start draws from
NO_BACKGROUND = "GrabCut needs some background outside the box: draw the box tighter around the object."


class GrabCutBackend(CutoutBackend):
    """Colour-model graph cut; its binary matte gets its edge smoothed by the clean-up."""

    name = "grabcut"
    soft_edges = False
    iterations = ITERATIONS
    work_side = WORK_SIDE

    def matte(self, image: np.ndarray, box: Box | None) -> np.ndarray:
        """(h, w, 3|4) uint8 -> (h, w) float32 in [0, 1], 1 where GrabCut says (probably) object."""
        h, w = image.shape[:2]
        small, scale = shrink(np.ascontiguousarray(image[..., :3]), self.work_side)
        rect = _rectangle(box, scale, small.shape[1], small.shape[0])
        labels = np.zeros(small.shape[:2], np.uint8)
        found = run_grabcut(small, labels, rect, self.iterations, CutoutError(NO_BACKGROUND, frozenset({"box"})))
        return cv2.resize(found, (w, h), interpolation=cv2.INTER_LINEAR) if scale < 1 else found


def shrink(rgb: np.ndarray, work_side: int) -> tuple[np.ndarray, float]:
    """(h, w, 3) uint8 -> the photo area-resampled to at most `work_side` on its longest side, and the scale."""
    h, w = rgb.shape[:2]
    scale = min(1.0, work_side / max(h, w))
    if scale == 1.0:
        return rgb, scale
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA), scale


def run_grabcut(
    rgb: np.ndarray,
    labels: np.ndarray,
    rect: tuple[int, int, int, int] | None,
    iterations: int,
    failure: CutoutError,
) -> np.ndarray:
    """GrabCut on a dithered (h, w, 3) uint8 photo -> (h, w) float32 in {0, 1}, 1 for (probable) object.

    It starts from `rect` (x, y, w, h) when given, else from the seed `labels` (GrabCut's GC_* values);
    OpenCV's failure (nothing to tell apart) is raised as `failure`.
    """
    bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
    noise = np.random.default_rng(DITHER_SEED).normal(0.0, DITHER_SIGMA, bgr.shape)
    bgr = np.clip(np.round(bgr + noise), 0, 255).astype(np.uint8)
    labels = labels.copy()
    background, foreground = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    mode = cv2.GC_INIT_WITH_MASK if rect is None else cv2.GC_INIT_WITH_RECT
    cv2.setRNGSeed(DITHER_SEED)
    try:
        # The rect is unused with GC_INIT_WITH_MASK (OpenCV docs); OpenCV's stubs do not allow None for it.
        cv2.grabCut(bgr, labels, rect, background, foreground, iterations, mode)  # type: ignore[arg-type]
    except cv2.error as error:
        raise failure from error
    return np.isin(labels, (cv2.GC_FGD, cv2.GC_PR_FGD)).astype(np.float32)


def _rectangle(box: Box | None, scale: float, width: int, height: int) -> tuple[int, int, int, int]:
    """GrabCut's (x, y, w, h) at the working scale: the box, or a centred rectangle."""
    if box is None:
        x0, y0 = round(width * CENTRE_MARGIN), round(height * CENTRE_MARGIN)
        x1, y1 = width - x0, height - y0
    else:
        x0, y0 = int(box[0] * scale), int(box[1] * scale)
        x1, y1 = min(width, round(box[2] * scale)), min(height, round(box[3] * scale))
    if x0 <= 0 and y0 <= 0 and x1 >= width and y1 >= height:
        raise CutoutError(NO_BACKGROUND, frozenset({"box"}))
    return x0, y0, max(1, x1 - x0), max(1, y1 - y0)
