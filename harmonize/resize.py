"""Torch7 `image.scale` resizes, reproduced exactly (docs/algorithm.md §1).

"bilinear" shrinks by exact area averaging over fractional source intervals and enlarges by
align-corners linear interpolation, separably per axis; "simple" is nearest by floor.
"""

from __future__ import annotations

import numpy as np


def _area_matrix(src: int, dst: int) -> np.ndarray:
    """(dst, src) weights averaging source interval [i*src/dst, (i+1)*src/dst) per output i."""
    scale = src / dst
    weights = np.zeros((dst, src), dtype=np.float64)
    for i in range(dst):
        lo, hi = i * scale, (i + 1) * scale
        first, last = int(np.floor(lo)), min(int(np.ceil(hi)), src)
        for j in range(first, last):
            weights[i, j] = min(hi, j + 1) - max(lo, j)
        weights[i] /= scale
    return weights


def _linear_matrix(src: int, dst: int) -> np.ndarray:
    """(dst, src) align-corners linear interpolation weights."""
    weights = np.zeros((dst, src), dtype=np.float64)
    if dst == 1 or src == 1:
        weights[:, 0] = 1.0
        return weights
    pos = np.arange(dst) * (src - 1) / (dst - 1)
    left = np.minimum(np.floor(pos).astype(int), src - 2)
    frac = pos - left
    weights[np.arange(dst), left] = 1.0 - frac
    weights[np.arange(dst), left + 1] += frac
    return weights


def _axis_matrix(src: int, dst: int) -> np.ndarray:
    if dst == src:
        return np.eye(src)
    return _area_matrix(src, dst) if dst < src else _linear_matrix(src, dst)


def resize_bilinear(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """Torch "bilinear" resize of (H, W) or (H, W, C) float data to (height, width)."""
    rows = _axis_matrix(image.shape[0], height)
    cols = _axis_matrix(image.shape[1], width)
    data = np.asarray(image, dtype=np.float64)
    out = np.tensordot(rows, data, axes=(1, 0))
    out = np.tensordot(cols, out, axes=(1, 1)).swapaxes(0, 1)
    return out.astype(np.float32)


def upsample_change(coarse_result: np.ndarray, coarse_start: np.ndarray, fine_start: np.ndarray) -> np.ndarray:
    """fine_start plus the bilinearly upsampled change coarse_result - coarse_start.

    Upsampling the change rather than the result keeps fine_start's detail (coarse-to-fine
    optimisation; docs/design/performance.md).
    """
    change = resize_bilinear(coarse_result - coarse_start, *fine_start.shape[:2])
    return (fine_start + change).astype(np.float32)


def resize_simple(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """Torch "simple" resize: dst(i) = src(floor(i * src / dst)) on both axes."""
    rows = (np.arange(height) * image.shape[0] // height).astype(int)
    cols = (np.arange(width) * image.shape[1] // width).astype(int)
    return image[rows][:, cols]


def fit_longest_side(height: int, width: int, size: int) -> tuple[int, int]:
    """New (height, width) with the longest side `size`: floor(dim * size / max) (§1)."""
    longest = max(height, width)
    return max(1, height * size // longest), max(1, width * size // longest)
