"""Masks: the loose (dilated) mask, the blurred tight mask, and the per-layer mask pyramid.

All filters zero-pad, as the authors' MATLAB `imfilter` and Torch convolutions do
(docs/algorithm.md §6 "Borders"). Masks are (H, W) float32 in [0, 1].
"""

from __future__ import annotations

from collections.abc import Iterable

import cv2
import numpy as np
from scipy import ndimage

from harmonize.resize import resize_bilinear

DILATE_KERNEL = 35  # dilate_mask.m: 35x35 Gaussian (docs/algorithm.md §1)
DILATE_SIGMA = 35 / 3  # dilate_mask.m
DILATE_THRESHOLD = 0.1  # dilate_mask.m
TIGHT_BLUR_SIZE = 7  # image.gaussian{size=7, sigma=3}: sigma is a fraction of width (§1)
TIGHT_BLUR_SIGMA = 3 * 7  # so 21 px, a near-flat 7x7 box
MASK_POOL_AVERAGE = 3  # 3x3 average after every conv, divided by 9 (§2)
GROUND_REACH = 0.05  # a masked mean counts where its pixels weigh at least this much (ours, issue 23)


def gaussian_kernel(size: int, sigma: float) -> np.ndarray:
    """Normalised (size, size) Gaussian, like MATLAB fspecial('gaussian', size, sigma)."""
    axis = np.arange(size, dtype=np.float64) - (size - 1) / 2
    g = np.exp(-(axis**2) / (2 * sigma**2))
    kernel = np.outer(g, g)
    return (kernel / kernel.sum()).astype(np.float32)


def filter_zero_padded(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Correlate (H, W) or (H, W, C) float data with `kernel`, zero padding outside."""
    data = np.ascontiguousarray(image, dtype=np.float32)
    return cv2.filter2D(data, -1, kernel, borderType=cv2.BORDER_CONSTANT)


def gaussian_blur_zero_padded(image: np.ndarray, size: int, sigma: float) -> np.ndarray:
    """Zero-padded normalised Gaussian blur of (H, W) or (H, W, C) float data."""
    return filter_zero_padded(image, gaussian_kernel(size, sigma))


def gaussian_blur_mirrored(image: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur of (H, W) or (H, W, C) data, borders mirrored (an object may touch the picture's edge); float32."""
    return cv2.GaussianBlur(np.asarray(image, np.float32), (0, 0), sigma, borderType=cv2.BORDER_REFLECT)


def masked_mean(image: np.ndarray, where: np.ndarray, sigma: float) -> np.ndarray:
    """(H, W, C) float32: at every pixel, the Gaussian-weighted (sigma px, borders mirrored) mean of the
    (H, W, C) image over the pixels the (H, W) bool `where` holds; 0 where none lies within reach."""
    return _masked_mean_and_weight(image, where, sigma)[0]


def _masked_mean_and_weight(image: np.ndarray, where: np.ndarray, sigma: float) -> tuple[np.ndarray, np.ndarray]:
    """`masked_mean`, and the (H, W) weight of `where`'s pixels at every pixel (its blurred mask)."""
    weight = gaussian_blur_mirrored(where.astype(np.float32), sigma)
    total = gaussian_blur_mirrored(image * where[..., None], sigma)
    return total / np.maximum(weight, 1e-6)[..., None], weight


def surrounding_mean(image: np.ndarray, where: np.ndarray, sigma: float) -> np.ndarray:
    """(H, W, C) float32: `masked_mean` of the (H, W, C) image over the (H, W) bool `where`, and farther
    from `where` than it reaches (weight under GROUND_REACH), its value at the nearest pixel it reaches.

    The colour around an object, everywhere inside it: deep inside a large object the Gaussian over
    the painting outside weighs nothing, and the plain masked mean there is 0 (black).
    """
    average, weight = _masked_mean_and_weight(image, where, sigma)
    reached = weight >= GROUND_REACH
    if reached.all() or not reached.any():
        return average
    _, (rows, cols) = ndimage.distance_transform_edt(~reached, return_indices=True)
    return average[rows, cols]


def disc(radius: int) -> np.ndarray:
    """(2 radius + 1, 2 radius + 1) uint8 elliptical structuring element for OpenCV's morphology."""
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))


def removed_by_opening(inside: np.ndarray, radius: int) -> np.ndarray:
    """(H, W) bool: the pixels of the (H, W) bool or 0/1 `inside` that an opening by a disc of `radius` px removes.

    These are the parts no such disc fits in: legs, spires, handles narrower than 2 radius + 1 px.
    """
    region = np.asarray(inside).astype(np.uint8)
    return region.astype(bool) & ~cv2.morphologyEx(region, cv2.MORPH_OPEN, disc(radius)).astype(bool)


def dilate_mask(tight_mask: np.ndarray) -> np.ndarray:
    """The loose mask of dilate_mask.m: 35x35 Gaussian blur (sigma 35/3), then > 0.1 (§1)."""
    blurred = gaussian_blur_zero_padded(tight_mask, DILATE_KERNEL, DILATE_SIGMA)
    return (blurred > DILATE_THRESHOLD).astype(np.float32)


def blurred_tight_mask(tight_mask: np.ndarray) -> np.ndarray:
    """T~: the tight mask under Torch's gaussian(7, sigma 3*7 px), used to blend outputs (§1)."""
    return gaussian_blur_zero_padded(tight_mask, TIGHT_BLUR_SIZE, TIGHT_BLUR_SIGMA)


def grown_box(inside: np.ndarray, margin: int) -> tuple[slice, slice]:
    """The bounding box of the (H, W) bool `inside` (not empty) grown by `margin` px, clipped to the image."""
    ys, xs = np.nonzero(inside)
    h, w = inside.shape
    rows = slice(max(0, int(ys.min()) - margin), min(h, int(ys.max()) + 1 + margin))
    return rows, slice(max(0, int(xs.min()) - margin), min(w, int(xs.max()) + 1 + margin))


def mask_pyramid(mask: np.ndarray, plan: Iterable[tuple[str, str | None]]) -> dict[str, np.ndarray]:
    """Soft masks at each named layer by walking the network's modules (docs/algorithm.md §2).

    `plan` lists ("conv" | "pool", layer name or None) in network order; after a conv the mask
    gets a 3x3 zero-padded average /9, after a pool an area resize to (ceil(H/2), ceil(W/2)).
    The mask reached after a module with a name is stored under that name.
    """
    box = np.full((MASK_POOL_AVERAGE, MASK_POOL_AVERAGE), 1 / 9, dtype=np.float32)
    current = np.asarray(mask, dtype=np.float32)
    masks: dict[str, np.ndarray] = {}
    for kind, name in plan:
        if kind == "conv":
            current = filter_zero_padded(current, box)
        elif kind == "pool":
            h, w = current.shape
            current = resize_bilinear(current, -(-h // 2), -(-w // 2))
        else:
            raise ValueError(f"unknown module kind {kind!r}")
        if name is not None:
            masks[name] = current
    return masks


def validate_mask(mask: np.ndarray, what: str = "mask") -> None:
    """Raise ValueError with a user-facing reason if `mask` is empty or covers everything."""
    covered = float((mask > 0.5).mean())
    if covered == 0.0:
        raise ValueError(f"The {what} is empty: it must mark the pasted object in white.")
    if covered > 0.98:
        raise ValueError(f"The {what} covers the whole image: it must mark only the pasted object.")
