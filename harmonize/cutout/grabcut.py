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
# disc on a flat background this took the wrong pixels from 2074 to 67 (tests/test_cutout.py).
DITHER_SIGMA = 3.0
DITHER_SEED = 0  # also seeds OpenCV's global RNG, which GrabCut's k-means start draws from
NO_BACKGROUND = "GrabCut needs some background outside the box: draw the box tighter around the object."


class GrabCutBackend(CutoutBackend):
    """Colour-model graph cut; its binary matte gets its edge smoothed by the clean-up."""

    name = "grabcut"
    soft_edges = False

    def __init__(self, iterations: int = ITERATIONS, work_side: int = WORK_SIDE) -> None:
        self.iterations = iterations
        self.work_side = work_side

    def matte(self, image: np.ndarray, box: Box | None) -> np.ndarray:
        """(h, w, 3|4) uint8 -> (h, w) float32 in [0, 1], 1 where GrabCut says (probably) object."""
        h, w = image.shape[:2]
        scale = min(1.0, self.work_side / max(h, w))
        small_size = (max(1, round(w * scale)), max(1, round(h * scale)))
        bgr = cv2.cvtColor(np.ascontiguousarray(image[..., :3]), cv2.COLOR_RGB2BGR)
        small = cv2.resize(bgr, small_size, interpolation=cv2.INTER_AREA) if scale < 1 else bgr
        noise = np.random.default_rng(DITHER_SEED).normal(0.0, DITHER_SIGMA, small.shape)
        small = np.clip(np.round(small + noise), 0, 255).astype(np.uint8)
        rect = _rectangle(box, scale, small.shape[1], small.shape[0])
        labels = np.zeros(small.shape[:2], np.uint8)
        background, foreground = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
        cv2.setRNGSeed(DITHER_SEED)
        try:
            cv2.grabCut(small, labels, rect, background, foreground, self.iterations, cv2.GC_INIT_WITH_RECT)
        except cv2.error as error:
            raise CutoutError(NO_BACKGROUND, frozenset({"box"})) from error
        found = np.isin(labels, (cv2.GC_FGD, cv2.GC_PR_FGD)).astype(np.float32)
        return cv2.resize(found, (w, h), interpolation=cv2.INTER_LINEAR) if scale < 1 else found


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
