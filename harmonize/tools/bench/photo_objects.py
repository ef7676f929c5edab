"""Objects cut from scikit-image's sample photos for the pairs bench, with cut-outs checked by eye."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

from harmonize.cutout import cut_out
from harmonize.cutout.grabcut import GrabCutBackend

POLYGON_FEATHER_SIGMA = 1.5  # px: a hand-drawn polygon's edge is antialiased, not blurred

# skimage.data.astronaut() (512x512, public domain, NASA): GrabCut in this box finds the head and
# the suit but drops the neck ring and the neck, whose colours it takes for the backdrop; this
# polygon (x, y px, drawn by eye) adds the torso from the ring down, stopping at the helmet.
ASTRONAUT_BOX = (20, 10, 365, 512)  # x0, y0, x1, y1 px
ASTRONAUT_TORSO = (
    (112, 190),
    (125, 165),
    (160, 148),
    (185, 158),
    (200, 178),
    (245, 175),
    (268, 165),
    (296, 175),
    (305, 200),
    (300, 250),
    (330, 280),
    (352, 300),
    (362, 340),
    (330, 345),
    (300, 365),
    (285, 400),
    (278, 450),
    (275, 512),
    (20, 512),
    (22, 420),
    (28, 330),
    (40, 280),
    (80, 265),
    (115, 240),
)
# skimage.data.chelsea() (451x300, CC0, Stefan van der Walt): the head fills the photo, so GrabCut
# has no background to learn from; this polygon (x, y px, drawn by eye) follows ears, cheeks and chin.
CHELSEA_HEAD = (
    (40, 0),
    (95, 25),
    (150, 10),
    (260, 5),
    (330, 10),
    (390, 0),
    (385, 60),
    (370, 120),
    (372, 190),
    (345, 250),
    (300, 292),
    (255, 299),
    (190, 299),
    (120, 280),
    (60, 240),
    (25, 180),
    (20, 110),
    (35, 40),
)


def coffee_object() -> np.ndarray:
    """(h, w, 4) uint8: cup and saucer of skimage.data.coffee(), the demo's GrabCut cut-out."""
    from harmonize.tools.demo.example import coffee_cutout

    return coffee_cutout()


def astronaut_object() -> np.ndarray:
    """(h, w, 4) uint8: the astronaut of skimage.data.astronaut(), GrabCut plus her torso polygon."""
    from skimage import data

    photo = data.astronaut()
    alpha = np.maximum(GrabCutBackend().matte(photo, ASTRONAUT_BOX), polygon_alpha(photo.shape[:2], ASTRONAUT_TORSO))
    return _with_alpha(photo, alpha)


def chelsea_object() -> np.ndarray:
    """(h, w, 4) uint8: the cat's head of skimage.data.chelsea(), cut by a hand-drawn polygon."""
    from skimage import data

    photo = data.chelsea()
    return _with_alpha(photo, polygon_alpha(photo.shape[:2], CHELSEA_HEAD))


PHOTO_OBJECTS: dict[str, Callable[[], np.ndarray]] = {
    "coffee": coffee_object,
    "astronaut": astronaut_object,
    "chelsea": chelsea_object,
}


def polygon_alpha(shape: tuple[int, int], points: tuple[tuple[int, int], ...]) -> np.ndarray:
    """(h, w) float32 in [0, 1]: the filled polygon of (x, y) points with an antialiased edge."""
    mask = np.zeros(shape, np.float32)
    cv2.fillPoly(mask, [np.array(points, np.int32)], 1.0)
    return np.clip(cv2.GaussianBlur(mask, (0, 0), POLYGON_FEATHER_SIGMA), 0.0, 1.0)


def _with_alpha(photo: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """The photo with `alpha` as its matte, through the cut-out's own clean-up and crop."""
    return cut_out(np.dstack([photo, np.round(alpha * 255.0).astype(np.uint8)]), method="alpha")
