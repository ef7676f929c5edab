"""Back end `saliency`: GrabCut seeded by a border-prior saliency map instead of a fixed rectangle.

Saliency is the geodesic distance to the frame's border over the photo's colour edges (Wei, Wen,
Zhu and Sun, "Geodesic saliency using background priors", ECCV 2012): the background touches the
frame, the object is reached from it only across strong edges. The salient part seeds GrabCut as
probable object, the rest as probable background and the unsalient border as background. On the
cut-out benchmark it beat the fixed rectangle (docs/design/cutout.md). With a box, the box's
border plays the frame's, but there GrabCut's own rectangle start does better and `auto` uses it.
"""

from __future__ import annotations

import cv2
import numpy as np
from skimage.graph import MCP_Geometric

from harmonize.cutout.base import BOX_AND_METHOD, Box, CutoutError
from harmonize.cutout.grabcut import GrabCutBackend, run_grabcut, shrink

WORK_SIDE = 320  # saliency and GrabCut run at this longest side: ~1 s on 2 cores (docs/design/cutout.md)
EDGE_BLUR_SIGMA = 1.0  # px: JPEG noise is smoothed before the Lab gradient
EDGE_FLOOR = 0.05  # cost of crossing a flat area, relative to the mean edge: distance still grows
MIN_THRESHOLD = 0.15  # Otsu on a map with no salient part would cut at noise
BORDER_FRACTION = 0.03  # the frame's outer 3 % that is not salient is certain background
NOTHING_SALIENT = "Nothing stands out from the photo's background: draw a box around the object."


class SaliencyGrabCutBackend(GrabCutBackend):
    """Border-prior saliency, then GrabCut from its seeds instead of a rectangle; a binary matte."""

    name = "saliency"
    work_side = WORK_SIDE

    def matte(self, image: np.ndarray, box: Box | None) -> np.ndarray:
        """(h, w, 3|4) uint8 -> (h, w) float32 in [0, 1], 1 where GrabCut says (probably) object."""
        h, w = image.shape[:2]
        x0, y0, x1, y1 = box if box is not None else (0, 0, w, h)
        small, _ = shrink(np.ascontiguousarray(image[y0:y1, x0:x1, :3]), self.work_side)
        found = grabcut_from_seeds(small, seeds(border_saliency(small)), self.iterations)
        matte = np.zeros((h, w), np.float32)
        matte[y0:y1, x0:x1] = cv2.resize(found, (x1 - x0, y1 - y0), interpolation=cv2.INTER_LINEAR)
        return matte


def border_saliency(rgb: np.ndarray) -> np.ndarray:
    """(h, w, 3) uint8 -> (h, w) float32 in [0, 1]: geodesic distance to the border over Lab edges."""
    lab = cv2.GaussianBlur(cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB).astype(np.float32), (0, 0), EDGE_BLUR_SIGMA)
    gradient = np.sqrt((cv2.Sobel(lab, cv2.CV_32F, 1, 0) ** 2 + cv2.Sobel(lab, cv2.CV_32F, 0, 1) ** 2).sum(axis=2))
    cost = gradient / (float(gradient.mean()) + 1e-6) + EDGE_FLOOR
    h, w = cost.shape
    border = [(0, x) for x in range(w)] + [(h - 1, x) for x in range(w)]
    border += [(y, 0) for y in range(h)] + [(y, w - 1) for y in range(h)]
    distance, _ = MCP_Geometric(cost).find_costs(border)
    return (distance / (float(distance.max()) + 1e-6)).astype(np.float32)


def seeds(saliency: np.ndarray) -> np.ndarray:
    """(h, w) saliency in [0, 1] -> GrabCut's (h, w) uint8 labels (GC_BGD, GC_PR_BGD, GC_PR_FGD)."""
    otsu, _ = cv2.threshold(np.round(saliency * 255).astype(np.uint8), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    salient = saliency > max(MIN_THRESHOLD, otsu / 255.0)
    if not salient.any():
        raise CutoutError(NOTHING_SALIENT, BOX_AND_METHOD)
    labels = np.where(salient, cv2.GC_PR_FGD, cv2.GC_PR_BGD).astype(np.uint8)
    b = max(1, round(BORDER_FRACTION * max(saliency.shape)))
    frame = np.ones(saliency.shape, bool)
    frame[b:-b, b:-b] = False
    labels[frame & ~salient] = cv2.GC_BGD
    return labels


def grabcut_from_seeds(rgb: np.ndarray, labels: np.ndarray, iterations: int) -> np.ndarray:
    """GrabCut from seed labels on an (h, w, 3) uint8 photo -> (h, w) float32 in {0, 1}."""
    return run_grabcut(rgb, labels, None, iterations, CutoutError(NOTHING_SALIENT, BOX_AND_METHOD))
