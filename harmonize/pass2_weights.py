"""Pass-2 loss weights from tau and the painting's noise level (docs/algorithm.md §4.1)."""

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
