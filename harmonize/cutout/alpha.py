"""Back end `alpha`: the photo's own transparency (a PNG or WebP that is already cut out)."""

from __future__ import annotations

import numpy as np

from harmonize.cutout.base import Box, CutoutBackend, CutoutError

MIN_TRANSPARENT_FRACTION = 0.005  # under 0.5 % see-through pixels the alpha is not a cut-out


def has_meaningful_alpha(image: np.ndarray) -> bool:
    """True when an (h, w, 4) uint8 image is transparent on at least 0.5 % of its pixels."""
    return image.ndim == 3 and image.shape[2] == 4 and float((image[..., 3] < 128).mean()) >= MIN_TRANSPARENT_FRACTION


class AlphaBackend(CutoutBackend):
    """Uses the alpha channel as it is; its soft edges are kept."""

    name = "alpha"
    estimated = False

    def matte(self, image: np.ndarray, box: Box | None) -> np.ndarray:
        """(h, w, 4) uint8 -> its alpha as (h, w) float32 in [0, 1]."""
        if not has_meaningful_alpha(image):
            raise CutoutError(
                "The image has no transparent background to use: cut the object out of it instead.",
                frozenset({"method"}),
            )
        return image[..., 3].astype(np.float32) / 255.0
