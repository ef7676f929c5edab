"""Quality figures for tests and benchmarks: how painterly, how faithful to the content."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from skimage.metrics import structural_similarity

from harmonize.masks import mask_pyramid
from harmonize.method.losses.gram import masked_gram
from harmonize.method.vgg import VGGFeatures, to_caffe

GRAM_LAYERS = ("relu1_1", "relu2_1", "relu3_1", "relu4_1")  # pass-2 style layers (docs/algorithm.md §2)
LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)  # ITU-R BT.601


def gram_distances(
    net: VGGFeatures, images: Sequence[np.ndarray], painting: np.ndarray, mask: np.ndarray
) -> list[float]:
    """Per image, the mean over GRAM_LAYERS of ||G(image | mask) - G(painting)||_F / ||G(painting)||_F.

    images, painting: (H, W, 3) float in [0, 1] of one size; mask (H, W) in [0, 1]. Lower means
    the masked region's feature statistics are closer to the painting's as a whole. The
    painting's Grams and the mask pyramid are computed once for all the images.
    """
    device = next(net.parameters()).device  # the network's: a GPU run measures on the GPU
    masks = {layer: torch.from_numpy(m).to(device) for layer, m in mask_pyramid(mask, net.mask_plan()).items()}
    with torch.inference_mode():
        style = net.run(to_caffe(painting, device), stop_at=GRAM_LAYERS[-1])
        ones = {layer: torch.ones(style[layer].shape[2:], device=device) for layer in GRAM_LAYERS}
        style_grams = {layer: masked_gram(style[layer][0], ones[layer]) for layer in GRAM_LAYERS}
        distances = []
        for image in images:
            feats = net.run(to_caffe(image, device), stop_at=GRAM_LAYERS[-1])
            per_layer = [
                float((masked_gram(feats[layer][0], masks[layer]) - g_s).norm() / g_s.norm())
                for layer, g_s in style_grams.items()
            ]
            distances.append(float(np.mean(per_layer)))
    return distances


def bounding_box(mask: np.ndarray) -> tuple[slice, slice]:
    """The (rows, cols) slices of the box around mask > 0."""
    ys, xs = np.nonzero(mask > 0)
    return slice(int(ys.min()), int(ys.max()) + 1), slice(int(xs.min()), int(xs.max()) + 1)


def luminance_ssim(a: np.ndarray, b: np.ndarray, mask: np.ndarray) -> float:
    """SSIM of the luminance of two (H, W, 3) images in [0, 1] inside mask's bounding box."""
    box = bounding_box(mask)
    la, lb = a[box] @ LUMA, b[box] @ LUMA
    return float(structural_similarity(la, lb, data_range=1.0, win_size=min(7, *la.shape) // 2 * 2 + 1))
