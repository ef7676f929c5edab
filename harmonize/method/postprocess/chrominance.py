"""Chrominance denoising of the pass-2 result (docs/algorithm.md §5.2, filt_cnn_artifact.m).

The result goes to CIELAB (sRGB, D65, 2 degree observer, as the authors' colorspace.m); a and b
are smoothed by the colour-guided filter with the naive composite as guide; L is kept.
"""

from __future__ import annotations

import warnings

import numpy as np
from skimage import color

from harmonize.method.postprocess.guided_filter import guided_filter_color

GUIDE_RADIUS = 2  # filt_cnn_artifact.m: r = 2 (a 5x5 box)
GUIDE_EPS = 0.1**2  # filt_cnn_artifact.m: eps = 0.1^2


def denoise_chrominance(image: np.ndarray, guide: np.ndarray) -> np.ndarray:
    """Guided-filter a*, b* of (H, W, 3) RGB `image` by RGB `guide`; (H, W, 3) float32 in [0, 1]."""
    if image.shape != guide.shape or image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"image and guide must both be (H, W, 3) RGB of one size; got {image.shape} and {guide.shape}")
    lab = color.rgb2lab(np.asarray(image, dtype=np.float64))
    lab[..., 1:] = guided_filter_color(guide, lab[..., 1:], GUIDE_RADIUS, GUIDE_EPS)
    with warnings.catch_warnings():
        # Smoothed chroma can leave the sRGB gamut; lab2rgb clips it to [0, 1], which is intended.
        warnings.filterwarnings("ignore", message="Color data out of range", category=UserWarning)
        rgb = color.lab2rgb(lab)
    return rgb.astype(np.float32)
