"""He et al.'s colour-guided filter (guidedfilter_color.m), with box means normalised at the border.

Every window is the (2r+1)x(2r+1) square clipped to the image and averaged over the pixels it
keeps, as the reference MATLAB `boxfilter(...) ./ N` does; the guide's 3x3 colour covariance is
inverted per pixel. Computed in float64.
"""

from __future__ import annotations

import cv2
import numpy as np


def box_mean(image: np.ndarray, radius: int) -> np.ndarray:
    """Mean over the (2r+1)^2 window clipped to the image, of (H, W) or (H, W, C) data; float64."""
    data = np.ascontiguousarray(image, dtype=np.float64)
    size = (2 * radius + 1, 2 * radius + 1)
    sums = cv2.boxFilter(data, -1, size, normalize=False, borderType=cv2.BORDER_CONSTANT)
    ones = np.ones(data.shape[:2], dtype=np.float64)
    counts = cv2.boxFilter(ones, -1, size, normalize=False, borderType=cv2.BORDER_CONSTANT)
    if data.ndim == 3:  # cv2 drops a trailing channel axis of length 1
        return sums.reshape(data.shape) / counts[..., None]
    return sums / counts


def guided_filter_color(guide: np.ndarray, src: np.ndarray, radius: int, eps: float) -> np.ndarray:
    """Filter (H, W) or (H, W, C) `src` guided by the (H, W, 3) colour `guide`; same shape, float64.

    Each channel of `src` is filtered on its own, as calling guidedfilter_color.m once per channel.
    """
    if guide.ndim != 3 or guide.shape[2] != 3 or guide.shape[:2] != src.shape[:2]:
        raise ValueError(f"guide must be (H, W, 3) and match src's (H, W); got {guide.shape} and {src.shape}")
    guide = np.asarray(guide, dtype=np.float64)
    p = np.asarray(src, dtype=np.float64)
    p3 = p if p.ndim == 3 else p[..., None]

    mean_i = box_mean(guide, radius)  # (H, W, 3)
    mean_p = box_mean(p3, radius)  # (H, W, C)
    # Covariance of the guide: (H, W, 3, 3), plus eps on the diagonal.
    outer = guide[..., :, None] * guide[..., None, :]
    sigma = box_mean(outer.reshape(*guide.shape[:2], 9), radius).reshape(outer.shape)
    sigma -= mean_i[..., :, None] * mean_i[..., None, :]
    sigma += eps * np.eye(3)
    # Cross-covariance guide/src: (H, W, 3, C).
    cross = guide[..., :, None] * p3[..., None, :]
    cov_ip = box_mean(cross.reshape(*guide.shape[:2], -1), radius).reshape(cross.shape)
    cov_ip -= mean_i[..., :, None] * mean_p[..., None, :]

    a = np.linalg.solve(sigma, cov_ip)  # (H, W, 3, C); sigma is symmetric, so a = Sigma^-1 cov
    b = mean_p - np.einsum("hwk,hwkc->hwc", mean_i, a)
    mean_a = box_mean(a.reshape(*guide.shape[:2], -1), radius).reshape(a.shape)
    q = np.einsum("hwk,hwkc->hwc", guide, mean_a) + box_mean(b, radius)
    return q if p.ndim == 3 else q[..., 0]
