"""The object's own colours along its soft edge, with the photo's background taken out.

Where a cut-out's alpha is below 1 (hair, an antialiased or uncertain edge), the photo's pixel is
a mix of the object and what stood behind it. Pasted as it is, that background shows as a fringe
around the object in the painting, the first sign of a photo glued on. Blur fusion (Forte,
"Approximate Fast Foreground Colour Estimation", ICIP 2021) estimates the object's colour
there from box blurs of the object's and the background's colours nearby.

Why not a library: pymatting's `estimate_foreground_ml` (Germer et al. 2020), which the paper
compares with, compiles its numba kernels when it is imported, 48 s on 2 cores the first time
(docs/design/cutout.md, "Opaque inside, clean edges"); blur fusion is a few array operations with
OpenCV's box filter, at comparable quality by the paper's measure.
"""

from __future__ import annotations

import cv2
import numpy as np

FIRST_RADIUS = 90  # px: the first, wide pass (the paper's r = 90)
SECOND_RADIUS = 6  # px: the second pass refines with the local colours (the paper's r = 6)
EPSILON = 1e-5  # keeps the blurred weights' division finite (the paper's)


def foreground_colours(photo: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """(h, w, 3) uint8: the object's colours where the (h, w) alpha in [0, 1] is soft; the photo's where it is 1.

    photo: (h, w, 3|4) uint8; only its colour channels are read.
    """
    image = photo[..., :3].astype(np.float32) / 255.0
    a = np.clip(np.asarray(alpha, np.float32), 0.0, 1.0)
    colours, background = _fuse(image, a, image, image, FIRST_RADIUS)
    colours, _ = _fuse(image, a, colours, background, SECOND_RADIUS)
    estimated = np.round(np.clip(colours, 0.0, 1.0) * 255.0).astype(np.uint8)
    return np.where((a >= 1.0)[..., None], photo[..., :3], estimated)


def _fuse(
    image: np.ndarray, alpha: np.ndarray, colours: np.ndarray, background: np.ndarray, radius: int
) -> tuple[np.ndarray, np.ndarray]:
    """One blur-fusion pass: the corrected object colours and the blurred background colours."""
    size = (radius, radius)
    a = alpha[..., None]
    object_weight = cv2.blur(alpha, size)[..., None]
    object_mean = cv2.blur(colours * a, size) / (object_weight + EPSILON)
    background_mean = cv2.blur(background * (1.0 - a), size) / ((1.0 - object_weight) + EPSILON)
    corrected = object_mean + a * (image - a * object_mean - (1.0 - a) * background_mean)
    return corrected, background_mean
